#!/usr/bin/env bash
# Whole networks and the streaming CLI through the real executables:
# predict --network (every shipped description; the sum; glue not
# predicted), predict --stdin (a pipe of queries with bad lines, answers
# equal to predict --module's, an answer flushed before the next query is
# written), bad network files (one line naming file and line, no output),
# bench --network on a tiny network (a modlat-network file h5dump reads)
# and tables --networks on it. A selection is fitted on the shipped paper
# datasets in a few seconds (LR, and a MEDN of one epoch).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-bin}
T=$(mktemp -d /tmp/modlat-net.XXXXXX)
trap 'rm -rf "$T"' EXIT
export MODLAT_LOCK=$T/bench.lock
fail() { echo "tests/networks.sh: FAIL: $*" >&2; exit 1; }
n=0
ok() { n=$((n + 1)); }

# ---- a selection over the nine modules
S=$T/data/static
mkdir -p "$S/models" "$S/evals"
printf '[medn]\nepochs = 1\n' >"$T/fast.ini"
for m in conv conv-relu conv-bn conv-bn-relu bn bn-relu linear maxpool avgpool; do
	cp datasets/paper/static/$m.h5 "$S/$m.h5"
	$BIN/fit-lr -q -e experiments/paper "$S/$m.h5" -o "$S/models/$m.lr.h5"
	$BIN/fit-medn -q -e "$T/fast.ini" "$S/$m.h5" -o "$S/models/$m.medn.h5"
	for rm in lr medn; do
		$BIN/evaluate -q "$S/models/$m.$rm.h5" "$S/$m.h5" -o "$S/evals/$m.$rm.h5" -t "$S/evals/$m.$rm.tps.h5"
	done
done
$BIN/select -q -o "$S/selection.h5" "$S"/evals/*.lr.h5 "$S"/evals/*.medn.h5
SEL=$S/selection.h5
STATE=(--mem-avail 24e9 --util 0.01)

# ---- predict --network: every shipped network; the total is the sum
for f in networks/*.net tests/networks/tiny.net; do
	for b in 1 8; do
		$BIN/predict "$SEL" --network "$f" --batch $b "${STATE[@]}" >"$T/out.csv" 2>"$T/err" \
			|| fail "predict --network $f --batch $b: $(cat "$T/err")"
		awk -F, -v b=$b 'NR == 1 { next } $1 == "total" { total = $9; next }
			{ if ($3 != b) bad = 1; if ($9 != "") sum += $9; else glue++ }
			END { if (bad || !glue || total <= 0 || (sum - total) ^ 2 > (1e-5 * total) ^ 2) exit 1 }' \
			"$T/out.csv" || fail "predict --network $f --batch $b: the total is not the sum of the modules"
		ok
	done
done
# a module's line is what predict --module answers
line=$(grep '^4,' "$T/out.csv") # tiny at batch 8, line 4: conv-bn-relu 3 -> 8, hw 16, k3 s1
one=$($BIN/predict "$SEL" --module conv-bn-relu --batch 8 --cin 3 --cout 8 --hw 16 --kernel 3 --stride 1 \
	"${STATE[@]}" 2>/dev/null)
[ "$line" = "4,conv-bn-relu,8,3,8,16,3,1,$one" ] || fail "tiny line 4 is '$line', predict --module says $one"
ok

# ---- predict --stdin
cat >"$T/q" <<'Q'
conv-bn-relu batch=8 cin=3 cout=8 hw=16 kernel=3 stride=1

conv2d batch=1 cin=3
linear batch=4 cin=100 cout=10
maxpool batch=2 cin=8 hw=4 kernel=5 stride=1
conv batch=1 cin=3 cout=4 hw=8 kernel=3 stride=1 util=7
bn batch=2 cin=16 hw=14
Q
python3 -c "print('bn batch=1 ' + 'x' * 5000)" >>"$T/q"
printf 'avgpool batch=1 cin=8 hw=8 kernel=2 stride=2' >>"$T/q" # no newline at the end
$BIN/predict "$SEL" --stdin "${STATE[@]}" <"$T/q" >"$T/a" 2>"$T/err" || fail "predict --stdin exits non-zero"
[ ! -s "$T/err" ] || fail "predict --stdin wrote on stderr: $(cat "$T/err")"
[ "$(wc -l <"$T/a")" -eq 9 ] || fail "9 queries, $(wc -l <"$T/a") answers: $(cat "$T/a")"
first=$(sed -n 1p "$T/a")
[ "${first%% *}" = "$one" ] || fail "stdin line 1: '$(sed -n 1p "$T/a")', predict --module says $one"
grep -q '^error: line 2: blank query' "$T/a" || fail "a blank line: $(sed -n 2p "$T/a")"
grep -q "^error: line 3: unknown module 'conv2d'" "$T/a" || fail "an unknown module: $(sed -n 3p "$T/a")"
sed -n 4p "$T/a" | grep -qE '^[0-9.e+-]+( out-of-range)?( bounded)?$' || fail "line 4: $(sed -n 4p "$T/a")"
grep -q '^error: line 5: .*kernel 5 does not fit hw 4' "$T/a" || fail "an impossible shape: $(sed -n 5p "$T/a")"
grep -q "^error: line 6: util '7'" "$T/a" || fail "util 7: $(sed -n 6p "$T/a")"
grep -q '^error: line 8: longer than 4096 bytes' "$T/a" || fail "a long line: $(sed -n 8p "$T/a")"
sed -n 9p "$T/a" | grep -qE '^[0-9.e+-]+' || fail "the last line without newline: $(sed -n 9p "$T/a")"
ok
# one query at a time: the answer comes before the next query is written
coproc P { exec $BIN/predict "$SEL" --stdin "${STATE[@]}"; }
for i in 1 2 3; do
	echo "linear batch=$i cin=100 cout=10" >&"${P[1]}"
	read -r -t 10 ans <&"${P[0]}" || fail "no answer to query $i within 10 s (not flushed?)"
	[[ $ans =~ ^[0-9] ]] || fail "answer $i: '$ans'"
done
exec {P[1]}>&-
wait "$P_PID" || fail "predict --stdin (coprocess) exits non-zero"
ok

# ---- bad network files: one line naming file and line, nothing on stdout
badnet() {
	local desc=$1 pat=$2 rc
	printf '%b' "$3" >"$T/bad.net"
	set +e
	$BIN/predict "$SEL" --network "$T/bad.net" "${STATE[@]}" >"$T/o" 2>"$T/e"
	rc=$?
	set -e
	[ $rc -eq 1 ] && [ "$(wc -l <"$T/e")" -eq 1 ] && [ ! -s "$T/o" ] && grep -qE -- "$pat" "$T/e" \
		|| fail "$desc: exit $rc, stderr '$(cat "$T/e")', stdout $(wc -c <"$T/o") bytes"
	ok
}
badnet "unknown module" "bad.net:3: unknown layer 'conv3d'" 'input channels=3 hw=8\nbn\nconv3d cout=4\n'
badnet "malformed line" "bad.net:2: 'cout' is not key=value" 'input channels=3 hw=8\nconv cout kernel=3\n'
badnet "shapes that do not chain" "bad.net:3: cin 5 does not chain: line 2 \\(conv\\) gives 4" \
	'input channels=3 hw=8\nconv cout=4 kernel=3 stride=1\nbn cin=5\n'
badnet "no input line" "bad.net:1: 'bn' before the 'input" 'bn\n'
badnet "no layers" "bad.net: no layers after the input line" '# nothing\ninput channels=3 hw=8\n'
badnet "a NUL byte" "bad.net:2: a NUL byte" 'input channels=3 hw=8\nbn\0\n'
set +e
$BIN/predict "$SEL" --network "$T/nowhere.net" >"$T/o" 2>"$T/e"
[ $? -eq 1 ] && grep -q "nowhere.net: cannot open" "$T/e" || fail "a missing network file: $(cat "$T/e")"
set -e

# ---- bench --network on the tiny network (smoke settings), and its table
$BIN/bench -q -e experiments/smoke --network tests/networks/tiny.net --batch 2 -o "$T/tiny.b2.h5" \
	2>"$T/e" || fail "bench --network: $(cat "$T/e")"
h5dump -a format "$T/tiny.b2.h5" | grep -q '"modlat-network"' || fail "bench --network: not a modlat-network file"
h5dump -d layer_latency_ms "$T/tiny.b2.h5" | grep -q 'SIMPLE { ( 15 )' || fail "bench --network: not 15 layers"
lat=$(h5dump -a latency_ms "$T/tiny.b2.h5" | awk '/\(0\)/ { print $2 }')
awk -v l="$lat" 'BEGIN { exit !(l > 0) }' || fail "bench --network: latency_ms '$lat'"
ok
set +e
$BIN/bench -q -e experiments/smoke --network "$T/bad.net" -o "$T/x.h5" >"$T/o" 2>"$T/e"
rc=$?
set -e
[ $rc -eq 1 ] && [ "$(wc -l <"$T/e")" -eq 1 ] && [ ! -e "$T/x.h5" ] || fail "bench --network on a bad file: exit $rc, '$(cat "$T/e")'"
ok
# a network too large for this machine is refused before anything is allocated
printf 'input channels=3 hw=100000\nconv cout=64 kernel=3 stride=1\n' >"$T/huge.net"
set +e
$BIN/bench -q -e experiments/smoke --network "$T/huge.net" -o "$T/x.h5" >"$T/o" 2>"$T/e"
rc=$?
set -e
[ $rc -eq 1 ] && [ "$(wc -l <"$T/e")" -eq 1 ] && grep -q "huge.net: .*GiB, more than" "$T/e" && [ ! -e "$T/x.h5" ] \
	|| fail "bench --network on a network larger than memory: exit $rc, '$(cat "$T/e")'"
ok
$BIN/tables -q --exp paper --networks "$S" -o "$T/tab" "$T/tiny.b2.h5" 2>"$T/e" || fail "tables --networks: $(cat "$T/e")"
for t in networks networks-rm networks-modules; do
	for x in md csv tex; do [ -s "$T/tab/$t.$x" ] || fail "tables --networks left out $t.$x"; done
done
grep -q '^tiny,2,' "$T/tab/networks.csv" || fail "networks.csv has no row for tiny at batch 2"
grep -q '^medn,1,' "$T/tab/networks-rm.csv" || fail "networks-rm.csv has no row for medn alone"
ok
echo "tests/networks.sh: $n checks passed"
