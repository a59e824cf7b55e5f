#!/usr/bin/env bash
# benchmark.sh EXP - the speed figures the README reports, measured here.
#   1. micro-benchmarks on synthetic conv-sized data (build/bench/*)
#   2. every RM fitted on EXP's static conv dataset (7,000 training rows in
#      the paper experiment): fit time, peak memory, time per single
#      prediction (Tps), batched throughput, size
#   3. bench's own overhead per dataset: time in timed runs vs total
# Run it on a quiet machine: other load slows everything here.
set -euo pipefail
cd "$(dirname "$0")/.."
EXP=${1:-paper}
BUILD=${BUILD:-build/release}
D=data/$EXP
T=$(mktemp -d /tmp/modlat-benchmark.XXXXXX)
trap 'rm -rf "$T"' EXIT
attr() { h5dump -m %.6f -a "/$2" "$1" 2>/dev/null | sed -n 's/^ *(0): //p' | tr -d '"' || true; }

echo "== modlat benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(nproc) cores"
echo "== micro-benchmarks (synthetic 7000 x 12 conv-like rows)"
"$BUILD/bench/bench_rm"
"$BUILD/bench/bench_nn"

ds=$D/static/conv.h5
if [ ! -f "$ds" ]; then
	echo "== $ds is missing: run 'make datasets EXP=$EXP' for the real-data figures"
	exit 0
fi
echo "== every RM on $ds ($(attr "$ds" experiment), $(h5dump -H -d /latency_ms "$ds" | sed -n 's/.*SIMPLE { ( \([0-9]*\) ).*/\1/p') samples)"
printf '%-8s %10s %12s %12s %14s %10s %8s %8s\n' rm fit_s peak_MiB Tps_us batch_us/smp size_KB testP20 testR2
cfg=$D/cfg
for rm in lr rf mlp medn lop; do
	log=$(bin/fit-$rm -e "$cfg/fit.conv.$rm.ini" "$ds" -o "$T/$rm.h5" 2>&1)
	fit=$(sed -n 's/.*fit in \([0-9.]*\) s.*/\1/p' <<<"$log")
	mem=$(sed -n 's/.*peak memory \([0-9.]*\) MiB.*/\1/p' <<<"$log")
	bin/evaluate -q "$T/$rm.h5" "$ds" -o "$T/$rm.eval.h5" -t "$T/$rm.tps.h5"
	printf '%-8s %10s %12s %12.3f %14.3f %10.1f %8.3f %8.3f\n' "$rm" "$fit" "$mem" \
		"$(awk -v t="$(attr "$T/$rm.tps.h5" tps_ms)" 'BEGIN{print t*1000}')" \
		"$(attr "$T/$rm.tps.h5" batch_us_per_sample)" "$(attr "$T/$rm.eval.h5" size_kb)" \
		"$(attr "$T/$rm.eval.h5" test_p20)" "$(attr "$T/$rm.eval.h5" test_r2)"
done

echo "== bench overhead per dataset (time in timed runs / time spent on samples)"
printf '%-32s %10s %10s %10s\n' dataset timed_s total_s overhead
for f in "$D"/*/*.h5; do
	[ -f "$f" ] || continue
	a=$(attr "$f" bench_timed_s) b=$(attr "$f" bench_total_s)
	[ -n "$a" ] && [ -n "$b" ] || continue
	awk -v f="${f#$D/}" -v a="$a" -v b="$b" 'BEGIN { printf "%-32s %10.1f %10.1f %9.1f%%\n", f, a, b, 100 * (1 - a / b) }'
done
