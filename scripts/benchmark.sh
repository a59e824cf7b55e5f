#!/usr/bin/env bash
# benchmark.sh [--datasets] EXP - the speed figures the README reports,
# measured here.
#   1. micro-benchmarks on synthetic conv-sized data (build/bench/*)
#   2. every RM (and gbt-ca) fitted on EXP's static conv dataset (7,000 training rows in
#      the paper experiment): fit time, peak memory, time per single
#      prediction (Tps), batched throughput, size
#   3. per dataset (DATA/EXP/ENV/MODULE.h5): bench's overhead, the time spent
#      on the samples over the time inside timed runs, minus 1
#      (bench_total_s / bench_timed_s - 1), against its target (<= 10% for
#      the conv family, <= 20% for every other module), PASS or FAIL; the
#      contention shares (samples that waited for quiet, were re-measured,
#      stayed flagged; "quiet" FAILs above 1% flagged); and the repeatability
#      ceiling (P10/P20 of the first median predicting the second over the
#      re-measured subset). "n/a" where a dataset does not record it (measured
#      before protocol 2, or imported).
#   4. the cluster mode on a localhost Slurm (scripts/slurm-local.sh; as root
#      with slurm-wlm and munge, else skipped with a line): the time of one
#      trivial job step (`true`) through srun and through
#      scripts/slurm-step.sh, median of 25 each, against running it here;
#      then the smoke experiment's `make -j4 evals` and the rest of
#      `make -j4 tables` (selection, ablation, tables) here and with
#      CLUSTER=slurm, from the same datasets (measured here first)
# --datasets runs part 3 only (seconds, nothing measured); --cluster part 4
# only (about 4 minutes on 2 cores).
# --overhead [N] measures bench's overhead anew instead (a few minutes): the
#   first N samples (default 500) of each of EXP's modules, benched static
#   twice on the same shapes, with fold_first = yes (the cold first execution
#   starts run 0) and no (it only sizes the loops, as the shipped datasets
#   were measured); per module the overhead of each, and how the two
#   medians of each sample compare (median ratio yes/no - 1: what folding
#   does to the latencies; share within 10% / 20%: as the repeatability
#   ceiling, two measurements at different times).
# Run it on a quiet machine: other load slows everything here.
set -euo pipefail
cd "$(dirname "$0")/.."
only_datasets=0
only_cluster=0 overhead=0
if [ "${1:-}" = --datasets ]; then
	only_datasets=1
	shift
elif [ "${1:-}" = --cluster ]; then
	only_cluster=1
	shift
elif [ "${1:-}" = --overhead ]; then
	overhead=${2:-500}
	shift 2 || shift
fi
EXP=${1:-paper}
BUILD=${BUILD:-build/release}
D=${DATA:-data}/$EXP
T=$(mktemp -d /tmp/modlat-benchmark.XXXXXX)
trap 'rm -rf "$T"' EXIT
attr() { h5dump -m %.6f -a "/$2" "$1" 2>/dev/null | sed -n 's/^ *(0): //p' | tr -d '"' || true; }
# a rank-1 dataset, one value a line (17 digits: the doubles exactly); empty
# when absent
array() {
	h5dump -y -w 0 -m %.17g -d "/$2" "$1" 2>/dev/null |
		sed -n '/DATA {/,/}/p' | sed '1d;$d' | tr -d ' \n' | tr ',' '\n' || true
}
has() { h5dump -H -d "/$2" "$1" >/dev/null 2>&1; }

# Part 3, one line per dataset.
datasets_report() {
	local f m a b k ov tgt verdict w r fl quiet ceil
	echo "== bench per dataset: overhead = time on samples / time in timed runs - 1"
	echo "   (target <= 10% conv family, <= 20% other modules); % of samples that waited"
	echo "   for quiet / were re-measured / stayed flagged (quiet: PASS at <= 1% flagged);"
	echo "   repeatability ceiling: P10/P20 of the first median predicting the second over"
	echo "   the n re-measured samples"
	printf '%-26s %9s %9s %9s %6s %8s %7s %7s %7s %6s %5s %8s %8s\n' dataset timed_s total_s \
		overhead target verdict waited remeas flagged quiet n ceil_P10 ceil_P20
	for f in "$D"/*/*.h5; do
		[ -f "$f" ] || continue
		[ "$(attr "$f" format)" = modlat-dataset ] || continue
		m=$(attr "$f" module)
		a=$(attr "$f" bench_timed_s) b=$(attr "$f" bench_total_s)
		case $m in conv | conv-relu | conv-bn | conv-bn-relu) tgt=10 ;; *) tgt=20 ;; esac
		# overhead, target, verdict
		ov=$(awk -v a="$a" -v b="$b" -v t="$tgt" 'BEGIN {
			if (a == "" || b == "" || a <= 0) { print "n/a n/a"; exit }
			o = 100 * (b / a - 1); printf "%.1f%% %s\n", o, (o <= t ? "PASS" : "FAIL") }')
		verdict=${ov#* } ov=${ov% *}
		# contention: the attributes bench writes, else the bits of /sample_flags
		w=$(attr "$f" share_waited) r=$(attr "$f" share_remeasured) fl=$(attr "$f" share_flagged)
		if [ -z "$fl" ] && has "$f" sample_flags; then
			read -r w r fl < <(array "$f" sample_flags | awk '{ n++; w += int($1 / 1) % 2;
				r += int($1 / 2) % 2; c += int($1 / 4) % 2 }
				END { if (n) printf "%.17g %.17g %.17g\n", w / n, r / n, c / n }') || true
		fi
		if [ -n "$fl" ]; then
			read -r w r fl quiet < <(awk -v w="$w" -v r="$r" -v c="$fl" 'BEGIN {
				printf "%.1f%% %.1f%% %.1f%% %s\n", 100 * w, 100 * r, 100 * c,
					(c > 0.01 ? "FAIL" : "PASS") }') || true
		else
			w=n/a r=n/a fl=n/a quiet=n/a
		fi
		# the ceiling: e = |first - second| / second
		ceil="0 n/a n/a"
		if has "$f" repeat_rows; then
			ceil=$(awk 'FNR == 1 { part++ } part == 1 { lat[FNR - 1] = $1 }
				part == 2 { row[FNR - 1] = $1; k = FNR } part == 3 { sec[FNR - 1] = $1 }
				END { if (!k) { print "0 n/a n/a"; exit }
					for (i = 0; i < k; i++) { e = lat[row[i]] - sec[i]; if (e < 0) e = -e
						e /= sec[i]; p10 += e <= 0.1; p20 += e <= 0.2 }
					printf "%d %.3f %.3f\n", k, p10 / k, p20 / k }' \
				<(array "$f" latency_ms) <(array "$f" repeat_rows) \
				<(array "$f" repeat_latency_ms))
		fi
		read -r k c10 c20 <<<"$ceil"
		[ "$k" = 0 ] && k=n/a
		printf '%-26s %9s %9s %9s %5s%% %8s %7s %7s %7s %6s %5s %8s %8s\n' "${f#"$D"/}" \
			"$(awk -v x="$a" 'BEGIN { if (x == "") print "n/a"; else printf "%.1f", x }')" \
			"$(awk -v x="$b" 'BEGIN { if (x == "") print "n/a"; else printf "%.1f", x }')" \
			"$ov" "$tgt" "$verdict" "$w" "$r" "$fl" "$quiet" "$k" "$c10" "$c20"
	done
}

# Part 4. The daemons are stopped by PID on the way out (trap).
cluster_report() {
	local why G i t0 t1 a b
	echo "== cluster mode on a localhost Slurm"
	if ! why=$(scripts/slurm-local.sh can-run); then
		echo "   skipped: $why"
		return 0
	fi
	S=$T/slurm # global: the EXIT trap reads it
	chmod 755 "$T"
	trap 'scripts/slurm-local.sh stop "$S"; rm -rf "$T"' EXIT
	scripts/slurm-local.sh start "$S"
	export SLURM_CONF=$S/slurm.conf MODLAT_LOCK=$T/bench.lock
	echo "   node: $(sed -n 's/^NodeName=.* \(CPUs=[0-9]*\).* \(RealMemory=[0-9]*\).*/\1 \2/p' "$S/slurm.conf"), $(uptime | sed 's/.*\(load average\)/\1/')"
	# one step, in ms; the median of 25
	step_ms() {
		for i in $(seq 25); do
			t0=$(date +%s%N)
			"$@" >/dev/null 2>&1 </dev/null
			t1=$(date +%s%N)
			echo $(((t1 - t0) / 1000000))
		done | sort -n | sed -n 13p
	}
	a=$(step_ms bash -c true)
	b=$(step_ms srun -c1 true)
	i=$(step_ms scripts/slurm-step.sh -c1 -- true)
	printf '   one trivial step (median of 25): here %s ms, srun %s ms, slurm-step.sh %s ms: overhead %s ms a step\n' \
		"$a" "$b" "$i" "$((i - a))"
	G=(make --no-print-directory -s EXP=smoke "DATA=$T/data" "TABDIR=$T/tables" QUIET=--quiet)
	t0=$(date +%s%N)
	"${G[@]}" -j2 datasets
	echo "   smoke datasets measured here: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
	run() { # LABEL MAKE-ARGS...
		local l=$1 e v
		shift
		t0=$(date +%s%N)
		"${G[@]}" -j4 evals "$@"
		t1=$(date +%s%N)
		"${G[@]}" -j4 tables "$@"
		e=$(((t1 - t0) / 1000000)) v=$((($(date +%s%N) - t1) / 1000000))
		printf '   %-22s make -j4 evals %6d ms, then make -j4 tables %6d ms\n' "$l" "$e" "$v"
		echo "$e $v" >"$T/$l.ms"
	}
	forget_fits() { # what the next run() makes again
		rm -rf "$T/data/smoke"/*/models "$T/data/smoke"/*/evals "$T/data/smoke"/*/selection.h5 "$T/tables"
	}
	run local
	forget_fits
	run CLUSTER=slurm CLUSTER=slurm
	forget_fits
	run SLURM_JOBS=model CLUSTER=slurm SLURM_JOBS=model
	read -r a b <"$T/local.ms"
	read -r e v <"$T/CLUSTER=slurm.ms"
	awk -v a="$a" -v b="$b" -v e="$e" -v v="$v" 'BEGIN { printf "   Slurm (a job per module) / local: evals %.2fx, selection + ablation + tables %.2fx, both %.2fx (target <= 1.5x)\n",
		e / a, v / b, (e + v) / (a + b) }'
	read -r e v <"$T/SLURM_JOBS=model.ms"
	awk -v a="$a" -v b="$b" -v e="$e" -v v="$v" 'BEGIN { printf "   Slurm (a job per model) / local: evals %.2fx, both %.2fx\n", e / a, (e + v) / (a + b) }'
}

# --overhead: both first-execution protocols on the same shapes
overhead_ab() {
	local n=$1 fold m f x
	for fold in yes no; do
		x=$T/exp-$fold
		mkdir -p "$x" && cp experiments/"$EXP"/*.ini "$x/"
		{
			printf '\n[bench]\nfold_first = %s\n' "$fold"
			for m in conv conv-relu conv-bn conv-bn-relu bn bn-relu linear maxpool avgpool; do
				printf '[%s]\ncount = %d\n' "$m" "$n"
			done
		} >"$x/zz-overhead.ini"
	done
	echo "== bench overhead, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1): first $n samples of each module of $EXP, static"
	printf '%-13s %8s %8s %11s %11s %12s %7s %7s\n' module timed_s total_s 'ovh fold' 'ovh apart' \
		'median y/n-1' 'in 10%' 'in 20%'
	for m in conv conv-relu conv-bn conv-bn-relu bn bn-relu linear maxpool avgpool; do
		bin/gen -q -e "$T/exp-yes" "$m" -o "$T/$m.gen.h5"
		for fold in yes no; do
			bin/bench -q -e "$T/exp-$fold" "$T/$m.gen.h5" -o "$T/$m.$fold.h5"
		done
		paste <(array "$T/$m.yes.h5" latency_ms) <(array "$T/$m.no.h5" latency_ms) |
			awk '{ printf "%.17g\n", $1 / $2 }' | sort -g >"$T/$m.ratio"
		awk -v m="$m" -v ay="$(attr "$T/$m.yes.h5" bench_timed_s)" \
			-v by="$(attr "$T/$m.yes.h5" bench_total_s)" \
			-v an="$(attr "$T/$m.no.h5" bench_timed_s)" \
			-v bn="$(attr "$T/$m.no.h5" bench_total_s)" '
			{ r[NR] = $1; e = $1 - 1; if (e < 0) e = -e; p10 += e <= 0.1; p20 += e <= 0.2 }
			END { n = NR; med = n % 2 ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2
				printf "%-13s %8.1f %8.1f %10.1f%% %10.1f%% %+11.2f%% %7.3f %7.3f\n", m, ay, by,
					100 * (by / ay - 1), 100 * (bn / an - 1), 100 * (med - 1), p10 / n, p20 / n }' \
			"$T/$m.ratio"
	done
}

if [ $only_datasets = 1 ]; then
	datasets_report
	exit 0
fi
if [ $only_cluster = 1 ]; then
	cluster_report
	exit 0
fi
if [ "$overhead" != 0 ]; then
	overhead_ab "$overhead"
	exit 0
fi

echo "== modlat benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(nproc) cores"
echo "== micro-benchmarks (synthetic 7000 x 12 conv-like rows)"
"$BUILD/bench/bench_rm"
"$BUILD/bench/bench_nn"

# The prediction API and the streaming CLI, with the experiment's own models
api_report() {
	local sel=$D/static/selection.h5 m=$D/static/models
	if [ ! -f "$sel" ] || [ ! -f "$m/conv.medn.h5" ] || [ ! -f "$m/conv.rf.h5" ]; then
		echo "== $sel or its conv models are missing: run 'make $sel' (DATASETS=shipped for the shipped data)"
		return 0
	fi
	echo "== prediction API (include/modlat.h; targets: network RM <= 1 us, tree RM <= 20 us,"
	echo "   batch >= 2 million/s per core, ResNet-50 <= 100 us) and predict --stdin (>= 200,000/s)"
	"$BUILD/bench/bench_api" "$m/conv.medn.h5" "$m/conv.rf.h5" "$sel" networks/resnet50.net
	awk 'BEGIN { srand(1); split("224 112 56 32 28 27 14 13 8 7", hw, " "); split("1 3 5 7 9", k, " ");
		for (i = 0; i < 200000; i++)
			printf "conv-bn-relu batch=%d cin=%d cout=%d hw=%d kernel=%d stride=%d mem_avail=2.4e10 util=0.01\n",
				1 + int(64 * rand()), 3 + int(510 * rand()), 3 + int(510 * rand()),
				hw[1 + int(10 * rand())], k[1 + int(5 * rand())], 2 ^ int(3 * rand()) }' >"$T/q"
	local best=1e9 t0 t1 s i
	for i in 1 2 3; do
		t0=$(date +%s.%N)
		bin/predict "$sel" --stdin <"$T/q" >"$T/a"
		t1=$(date +%s.%N)
		s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
		best=$(awk -v a="$best" -v b="$s" 'BEGIN { print (b < a ? b : a) }')
	done
	[ "$(wc -l <"$T/a")" -eq 200000 ] || { echo "predict --stdin: not 200000 answers"; return 1; }
	awk -v s="$best" 'BEGIN { printf "stdin      %8.0f queries per second (200,000 conv-bn-relu queries piped through one predict --stdin, best of 3: %.3f s)\n", 200000 / s, s }'
}
api_report

ds=$D/static/conv.h5
if [ ! -f "$ds" ]; then
	echo "== $ds is missing: run 'make datasets EXP=$EXP' for the real-data figures"
	datasets_report
	exit 0
fi
echo "== every RM on $ds ($(attr "$ds" experiment), $(h5dump -H -d /latency_ms "$ds" | sed -n 's/.*SIMPLE { ( \([0-9]*\) ).*/\1/p') samples)"
printf '%-8s %10s %12s %12s %14s %10s %8s %8s\n' rm fit_s peak_MiB Tps_us batch_us/smp size_KB testP20 testR2
cfg=$D/cfg
for rm in lr rf mlp medn lop gbt gbt-ca; do
	base=${rm%%-*}
	flags=()
	[ "$rm" = gbt-ca ] && flags=(--features channels)
	log=$(bin/fit-$base -e "$cfg/fit.conv.$base.ini" "${flags[@]}" "$ds" -o "$T/$rm.h5" 2>&1)
	fit=$(sed -n 's/.*fit in \([0-9.]*\) s.*/\1/p' <<<"$log")
	mem=$(sed -n 's/.*peak memory \([0-9.]*\) MiB.*/\1/p' <<<"$log")
	bin/evaluate -q "$T/$rm.h5" "$ds" -o "$T/$rm.eval.h5" -t "$T/$rm.tps.h5"
	printf '%-8s %10s %12s %12.3f %14.3f %10.1f %8.3f %8.3f\n' "$rm" "$fit" "$mem" \
		"$(awk -v t="$(attr "$T/$rm.tps.h5" tps_ms)" 'BEGIN{print t*1000}')" \
		"$(attr "$T/$rm.tps.h5" batch_us_per_sample)" "$(attr "$T/$rm.eval.h5" size_kb)" \
		"$(attr "$T/$rm.eval.h5" test_p20)" "$(attr "$T/$rm.eval.h5" test_r2)"
done

datasets_report
cluster_report
