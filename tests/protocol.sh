#!/usr/bin/env bash
# Tests of bench's measurement protocol (README, "What gen and bench do"):
# the quiet guard with and without a busy neighbour, loop timing of tiny
# modules, the seeded repeat subset, and kill -9 with grouped journal syncs.
# Runs the real bin/gen, bin/bench and bin/split-config on small experiments
# in a scratch folder. Prints "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
T=$(mktemp -d /tmp/modlat-protocol.XXXXXX)
BUSY=()
cleanup() {
	local p
	for p in "${BUSY[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
export MODLAT_LOCK=$T/bench.lock
pass=0
fail=0
ok() { echo "  ok: $1"; pass=$((pass + 1)); }
no() { echo "  FAIL: $1"; fail=$((fail + 1)); }
attr() { h5dump -m %.6f -a "/$2" "$1" 2>/dev/null | sed -n 's/^ *(0): //p' | tr -d '"'; }
# the values of a 1-d dataset, one per line
values() { h5dump -m %.9g -d "/$2" "$1" 2>/dev/null | sed -n '/DATA {/,/}/p' | sed 's/([0-9, ]*)://' | tr ',' '\n' | grep -Eo '[-0-9.e+]+'; }

# an experiment: smoke's ranges with the given [bench] lines
experiment() {
	local dir=$T/x/$1
	shift
	mkdir -p "$dir"
	cp experiments/smoke/experiment.ini "$dir/"
	printf '[bench]\n' >"$dir/zz.ini"
	printf '%s\n' "$@" >>"$dir/zz.ini"
	bin/split-config "$dir" -o "$T/cfg.$(basename "$dir")" >/dev/null 2>&1
}
gen() { bin/gen --quiet -e "$T/cfg.$1/gen.$2.ini" --name "$1" "$2" -o "$T/$1.$2.gen.h5"; }
bench() { # EXP MODULE ENV OUT [extra args]
	local x=$1 m=$2 e=$3 o=$4
	shift 4
	bin/bench -e "$T/cfg.$x/bench.$e.$m.ini" --env "$e" "$T/$x.$m.gen.h5" -o "$o" "$@"
}
# others' CPU use over one second, in cores (as bench's U measures it, minus nothing)
others_cores() {
	local a b
	a=($(head -1 /proc/stat))
	sleep 1
	b=($(head -1 /proc/stat))
	local busy=$(((b[1] + b[2] + b[3] + b[6] + b[7] + b[8]) - (a[1] + a[2] + a[3] + a[6] + a[7] + a[8])))
	awk -v b="$busy" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", b / hz }'
}

echo "protocol: the quiet guard"
experiment guard 'quiet_wait_s = 2' 'retries = 1' 'repeat_min = 2' 'min_run_ms = 1' 'warmup = 0'
gen guard bn
# two busy loops: both cores taken from bench
for i in 1 2; do (while :; do :; done) & BUSY+=($!); done
sleep 0.5
bench guard bn static "$T/busy.h5" 2>"$T/busy.err"
rc=$?
for p in "${BUSY[@]}"; do kill "$p" 2>/dev/null; done
wait 2>/dev/null
BUSY=()
if [ $rc = 0 ] && grep -q 'waiting for quiet' "$T/busy.err" &&
	awk -v w="$(attr "$T/busy.h5" share_waited)" 'BEGIN { exit !(w > 0) }' &&
	awk -v f="$(attr "$T/busy.h5" share_flagged)" 'BEGIN { exit !(f > 0) }'; then
	ok "beside two busy loops, a static bench waits, says so and flags ($(attr "$T/busy.h5" share_flagged) flagged)"
else
	no "beside two busy loops, a static bench waits, says so and flags"
	cat "$T/busy.err" | tail -3
fi
if [ "$(values "$T/busy.h5" sample_flags | sort -u | tr '\n' ' ')" = "0 " ]; then
	no "sample_flags records the contention"
else
	ok "sample_flags records the contention"
fi
c=$(others_cores)
if awk -v c="$c" 'BEGIN { exit !(c > 0.1) }'; then
	echo "  skip: a static bench on a quiet machine flags nothing (others use $c cores now)"
else
	bench guard bn static "$T/quiet.h5" --quiet 2>"$T/quiet.err"
	f=$(attr "$T/quiet.h5" share_flagged)
	if awk -v f="$f" 'BEGIN { exit !(f == 0) }'; then
		ok "on a quiet machine a static bench flags nothing"
	else
		no "on a quiet machine a static bench flags nothing (flagged $f)"
	fi
fi

echo "protocol: loop timing"
experiment loops 'min_run_ms = 2' 'quiet = 100' 'contention = 100' 'repeat_min = 0' 'repeat_share = 0'
gen loops linear
bench loops linear static "$T/lin.h5" --quiet
paste <(values "$T/lin.h5" latency_ms) <(values "$T/lin.h5" run_loops) >"$T/lin.tsv"
n=$(wc -l <"$T/lin.tsv")
# every timed run lasts about min_run_ms (2 ms) or more: latency x loops >= 1.5 ms,
# and a module that runs in microseconds is looped
# (most of them: a calibration preempted by a busy neighbour loops too few)
if [ "$n" = 30 ] && awk '{ if ($1 * $2 < 1.5) short++; if ($1 * $2 < 0.5 || ($1 < 0.5 && $2 < 2)) bad++ }
	END { exit bad > 0 || short > 3 }' "$T/lin.tsv"; then
	ok "tiny modules are timed in loops of at least min_run_ms ($(sort -n -k2 "$T/lin.tsv" | tail -1 | cut -f2) executions at most)"
else
	no "tiny modules are timed in loops of at least min_run_ms"
	awk '$1 * $2 < 1.5 || ($1 < 0.5 && $2 < 2)' "$T/lin.tsv" | head -5
fi

echo "protocol: the repeat subset"
experiment rep 'quiet = 100' 'contention = 100' 'repeat_share = 0.2' 'repeat_min = 4' 'min_run_ms = 0.2'
gen rep maxpool
bench rep maxpool static "$T/r1.h5" --quiet
bench rep maxpool static "$T/r2.h5" --quiet
r1=$(values "$T/r1.h5" repeat_rows | tr '\n' ' ')
r2=$(values "$T/r2.h5" repeat_rows | tr '\n' ' ')
k=$(values "$T/r1.h5" repeat_rows | wc -l)
# ceil(0.2 * 30) = 6 rows, the same ones both times, increasing
if [ "$k" = 6 ] && [ "$r1" = "$r2" ] && [ "$(values "$T/r1.h5" repeat_rows | sort -n | tr '\n' ' ')" = "$r1" ] &&
	[ "$(values "$T/r1.h5" repeat_latency_ms | wc -l)" = 6 ] && [ "$(attr "$T/r1.h5" repeat_count)" = 6 ]; then
	ok "the repeat subset is seeded: 6 of 30 rows ($r1), the same in two benches"
else
	no "the repeat subset is seeded (got '$r1' and '$r2')"
fi
experiment rep2 'quiet = 100' 'contention = 100' 'repeat_share = 0.2' 'repeat_min = 4' 'min_run_ms = 0.2'
sed -i 's/^seed = 7/seed = 8/' "$T/x/rep2/experiment.ini"
bin/split-config "$T/x/rep2" -o "$T/cfg.rep2" >/dev/null 2>&1
cp "$T/rep.maxpool.gen.h5" "$T/rep2.maxpool.gen.h5"
bench rep2 maxpool static "$T/r3.h5" --quiet
r3=$(values "$T/r3.h5" repeat_rows | tr '\n' ' ')
[ "$r3" != "$r1" ] && ok "another seed picks other rows" || no "another seed picks other rows ($r3)"

echo "protocol: kill -9 with grouped journal syncs"
experiment kill 'quiet = 100' 'contention = 100' 'min_run_ms = 5' 'repeat_min = 0' 'repeat_share = 0' 'warmup = 0'
gen kill conv
bin/bench -e "$T/cfg.kill/bench.static.conv.ini" --env static "$T/kill.conv.gen.h5" -o "$T/k.h5" --quiet &
pid=$!
# record: 13 fixed fields + 5 runs + checksum, 8 bytes each; header 280 bytes
rs=$(((13 + 5 + 1) * 8))
for _ in $(seq 1 200); do
	s=$(stat -c %s "$T/k.h5.journal" 2>/dev/null || echo 0)
	[ $(((s - 280) / rs)) -ge 8 ] && break
	sleep 0.05
done
kill -9 $pid
wait $pid 2>/dev/null
s=$(stat -c %s "$T/k.h5.journal" 2>/dev/null || echo 0)
had=$(((s - 280) / rs))
out=$(bench kill conv static "$T/k.h5" 2>&1)
got=$(sed -n 's/.*(\([0-9]*\) resumed).*/\1/p' <<<"$out")
if [ "$had" -ge 8 ] && [ "${got:-0}" -ge "$had" ] && [ -f "$T/k.h5" ] && [ ! -e "$T/k.h5.journal" ]; then
	ok "kill -9 loses no finished sample: $had in the journal, $got resumed"
else
	no "kill -9 loses no finished sample (journal $had, resumed '${got:-}')"
fi

echo "protocol: $pass passed, $fail failed"
[ $fail = 0 ]
