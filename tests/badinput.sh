#!/usr/bin/env bash
# Bad input through every executable: small hand-made bad files (INI, CSV,
# column maps, foreign, truncated and tampered HDF5) and bad options. Each
# case must give a non-zero exit (not a signal), exactly one line on stderr
# that names the file and line or field (a pattern per case), and leave no
# output behind. Prints "N passed, M failed"; exits 1 on a failure.
#
# BIN=build/asan/bin tests/badinput.sh runs the sanitizer build: a leak
# (ASAN_OPTIONS=detect_leaks=1, the default here) or any other report adds
# lines to stderr, so the one-line check catches it.
set -uo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
BIN=${BIN:-bin}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
T=$(mktemp -d /tmp/modlat-bad.XXXXXX)
trap 'rm -rf "$T"' EXIT
export MODLAT_LOCK=$T/bench.lock
O=$T/o # every case writes under here; it must stay empty
mkdir -p "$O"
cd "$T"
pass=0
fail=0

# bad DESCRIPTION PATTERN COMMAND...: the command fails with a status in
# 1..127, prints one line on stderr matching the extended regex PATTERN, and
# leaves nothing in $O.
bad() {
	local desc=$1 pat=$2 rc lines
	shift 2
	"$@" >"$T/stdout" 2>"$T/stderr" </dev/null
	rc=$?
	lines=$(wc -l <"$T/stderr")
	if [ "$rc" -ge 1 ] && [ "$rc" -le 127 ] && [ "$lines" -eq 1 ] &&
		grep -qE -- "$pat" "$T/stderr" && [ -z "$(ls -A "$O")" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "  FAIL: $desc: exit $rc, $lines line(s) on stderr, left: $(ls -A "$O" | head -3 | tr '\n' ' ')"
		head -c 600 "$T/stderr" | sed 's/^/    | /'
		echo "    (expected one line matching: $pat)"
	fi
	rm -rf "${O:?}"/* "$O"/.[!.]* 2>/dev/null
}

# ---- fixtures: a tiny experiment, a dataset, a model, an evaluation -------
cat >exp.ini <<'EOF'
[experiment]
seed = 7
[sampling]
count = 30
batch = 1..4
cin = 3..32
cout = 3..32
hw = 14,7
kernel = 1,3
stride = 1,2
EOF
# linear: latency ~ N*C_in*C_out; two timed runs around it
awk 'BEGIN { print "N,C_in,C_out,t_ms,r1,r2"
	for (i = 0; i < 60; i++) { n = 1 + i % 4; ci = 3 + (i * 7) % 29; co = 3 + (i * 11) % 29
		t = 0.01 + n * ci * co / 1e4; printf "%d,%d,%d,%.6f,%.6f,%.6f\n", n, ci, co, t, t * 0.99, t * 1.01 } }' >good.csv
map() { printf '%b' "$1" >"$2"; }
GOODMAP='[import]\nmodule = linear\nlatency = t_ms\nruns = r1, r2\n[sampling]\nbatch = N\ncin = C_in\ncout = C_out\n'
map "$GOODMAP" good.ini
if ! { "$BIN/import" -q --map good.ini good.csv -o ds.h5 &&
	"$BIN/fit-lr" -q -e exp.ini ds.h5 -o lr.h5 &&
	"$BIN/evaluate" -q lr.h5 ds.h5 -o ev.h5 -t ev.tps.h5 &&
	"$BIN/gen" -q -e exp.ini maxpool -o g.h5; } 2>"$T/setup.log"; then
	echo "badinput: cannot build the fixtures:"
	cat "$T/setup.log"
	exit 1
fi
echo 'not an hdf5 file' >text.h5
head -c 3000 ds.h5 >trunc.h5
# an HDF5 file without modlat's attributes (as another tool writes one)
h5copy -i ds.h5 -o foreign.h5 -s /features -d /features
# a dataset whose one timed run is negative: sign-flip a unique double
awk -F, 'NR == 6 { $6 = "7.777777" } { print }' OFS=, good.csv >neg.csv
"$BIN/import" -q --map good.ini neg.csv -o negrun.h5
python3 - negrun.h5 <<'EOF'
import struct, sys
p = sys.argv[1]; b = bytearray(open(p, "rb").read())
v = struct.pack("<d", 7.777777); i = b.find(v)
assert i >= 0 and b.find(v, i + 1) < 0, "the run is not in the file once"
b[i:i + 8] = struct.pack("<d", -7.777777); open(p, "wb").write(b)
EOF

echo "badinput: options (every executable)"
CMDS="gen bench import fit-lr fit-rf fit-mlp fit-medn fit-lop fit-gbt evaluate select ablate tables predict split-config"
for c in $CMDS; do
	bad "$c --bogus" "^$c: unknown option '--bogus'; try '$c --help'$" "$BIN/$c" --bogus
done
bad "gen -o without a value" "^gen: option '-o' needs a value" "$BIN/gen" -e exp.ini conv -o
bad "import --map without a value" "^import: option '--map' needs a value" "$BIN/import" x.csv --map
bad "evaluate -x" "^evaluate: unknown option '-x'" "$BIN/evaluate" -x lr.h5 ds.h5 -o "$O/e.h5"
bad "fit-rf --quiet=1" "^fit-rf: option '--quiet' takes no value" "$BIN/fit-rf" --quiet=1
bad "gen without a module" "^gen: need --experiment, -o and one MODULE" "$BIN/gen" -e exp.ini -o "$O/g.h5"
bad "fit-lr without -o" "^fit-lr: need --experiment, -o and one DATASET" "$BIN/fit-lr" -e exp.ini ds.h5
bad "fit-lr --direct" "^fit-lr: --direct is for fit-medn only" "$BIN/fit-lr" --direct
bad "fit-rf --log-inputs" "^fit-rf: --log-inputs is for fit-mlp and fit-medn only" "$BIN/fit-rf" --log-inputs
bad "fit-gbt --early-stop" "^fit-gbt: --early-stop is for fit-mlp and fit-medn only" "$BIN/fit-gbt" --early-stop
bad "fit-rf --features bogus" "^fit-rf: unknown feature set 'bogus'" "$BIN/fit-rf" -f bogus
bad "fit-lop --features sampling" "^fit-lop: .*no --features" \
	"$BIN/fit-lop" -f sampling -e exp.ini ds.h5 -o "$O/m.h5"

echo "badinput: experiment files (gen, split-config, fits)"
printf '[experiment\nseed = 1\n' >syntax.ini
printf '[conv]\ncount = 0\n' >count0.ini
printf '[sampling]\nbatch = 64..1\n' >range.ini
printf '[bench]\nruns = ten\n' >runs.ini
bad "gen: no such experiment" "nonexistent\.ini" "$BIN/gen" -e nonexistent.ini conv -o "$O/g.h5"
bad "gen: INI syntax" "syntax\.ini:1: not valid INI syntax" "$BIN/gen" -e syntax.ini conv -o "$O/g.h5"
bad "gen: count = 0" "count0\.ini:2: \[conv\] count = '0'" "$BIN/gen" -e count0.ini conv -o "$O/g.h5"
bad "gen: reversed range" "range\.ini:2: \[sampling\] batch" "$BIN/gen" -e range.ini conv -o "$O/g.h5"
bad "gen: unknown module" "^gen: unknown module 'convolution'" "$BIN/gen" -e exp.ini convolution -o "$O/g.h5"
bad "gen: no output folder" "$O/none/g\.h5" "$BIN/gen" -e exp.ini conv -o "$O/none/g.h5"
bad "split-config: INI syntax" "syntax\.ini:1: not valid INI syntax" "$BIN/split-config" syntax.ini -o "$O/cfg"
bad "split-config: runs = ten" "runs\.ini:2: \[bench\] runs = 'ten'" "$BIN/split-config" runs.ini -o "$O/cfg"
bad "split-config: no such experiment" "nonexistent" "$BIN/split-config" nonexistent -o "$O/cfg"
bad "fit-lr: INI syntax" "syntax\.ini:1: not valid INI syntax" "$BIN/fit-lr" -e syntax.ini ds.h5 -o "$O/m.h5"

echo "badinput: column maps (import)"
imp() { "$BIN/import" --map "$1" "${2:-good.csv}" -o "$O/d.h5"; }
map '[import]\nmodule = linear\nlatency = t_ms\n[sampling\nbatch = N\n' m1.ini
bad "map: INI syntax" "m1\.ini:4: not valid INI syntax" imp m1.ini
map '[import]\nmodule = linear\nlatency = t_ms\nspeed = 3\n[sampling]\nbatch = N\n' m2.ini
bad "map: unknown key" "m2\.ini:4: unknown key 'speed' in \[import\]" imp m2.ini
map '[import]\nmodule = conv2d\nlatency = t_ms\n[sampling]\nbatch = N\n' m3.ini
bad "map: unknown module" "m3\.ini:2: unknown module 'conv2d'" imp m3.ini
map '[import]\nmodule = linear\nlatency = t_ms\n[sampling]\nbatch = N\ndilation = C_in\n' m4.ini
bad "map: unknown feature" "m4\.ini:6: \[sampling\] dilation: unknown feature, expected batch, cin or cout" imp m4.ini
map '[import]\nmodule = linear\nlatency = t_ms\n[sampling]\nbatch = N\nkernel = C_in\n' m5.ini
bad "map: another module's column" "m5\.ini:6: \[sampling\] kernel: linear has no kernel" imp m5.ini
map '[import]\nmodule = linear\nlatency = t_ms\n[measurable]\nbatch = N\n' m6.ini
bad "map: feature in the wrong section" "m6\.ini:5: \[measurable\] batch is a sampling parameter" imp m6.ini
map '[import]\nmodule = linear\nlatency = t_ms\nlatency_unit = sec\n[sampling]\nbatch = N\n' m7.ini
bad "map: unknown unit" "m7\.ini:4: unknown latency_unit 'sec'" imp m7.ini
map '[import]\nmodule = linear\nlatency = t_ms\ndate = yesterday\n[sampling]\nbatch = N\n' m8.ini
bad "map: bad date" "m8\.ini:4: date = 'yesterday'" imp m8.ini
map '[import]\nmodule = linear\n[sampling]\nbatch = N\n' m9.ini
bad "map: no latency" "m9\.ini: no 'latency' in \[import\]" imp m9.ini
map '[import]\nmodule = linear\nlatency = t_ms\n' m10.ini
bad "map: no features" "m10\.ini: no features" imp m10.ini
map '[import]\nmodule = linear\nlatency = t_ms\nseed = -1\n[sampling]\nbatch = N\n' m11.ini
bad "map: negative seed" "m11\.ini:4: seed = '-1'" imp m11.ini
map '[import]\nmodule = maxpool\nlatency = t_ms\n[inferable]\nparam_count = N\n' m12.ini
bad "map: param_count of a pool" "m12\.ini:5: \[inferable\] param_count: maxpool has no weights" imp m12.ini
bad "map: no such file" "nomap\.ini" imp nomap.ini

echo "badinput: CSV files (import)"
csv() { printf '%b' "$1" >"$2"; }
H='N,C_in,C_out,t_ms,r1,r2\n'
csv "${H}1,3,3,0.5,0.5,0.5\n2,abc,3,0.5,0.5,0.5\n" c1.csv
bad "csv: not a number" "c1\.csv: row 3, column 'C_in': 'abc' is not a number" imp good.ini c1.csv
csv "${H}1,3,3,-0.5,0.5,0.5\n" c2.csv
bad "csv: negative latency" "c2\.csv: row 2, column 't_ms': '-0\.5' is not a latency" imp good.ini c2.csv
csv "${H}1,3,3,0.5,0.5,0\n" c3.csv
bad "csv: zero run" "c3\.csv: row 2, column 'r2': '0' is not a latency" imp good.ini c3.csv
csv "${H}1,3,3,nan,0.5,0.5\n" c4.csv
bad "csv: NaN" "c4\.csv: row 2, column 't_ms': 'nan' is not a number" imp good.ini c4.csv
csv "${H}1,3,3,0.5,0.5\n" c5.csv
bad "csv: a field short" "c5\.csv.*(row|line) 2" imp good.ini c5.csv
csv "${H}1,3,\"3,0.5,0.5,0.5\n" c6.csv
bad "csv: unterminated quote" "c6\.csv" imp good.ini c6.csv
csv "$H" c7.csv
bad "csv: no data rows" "c7\.csv: no data rows" imp good.ini c7.csv
csv 'N,C_in,t_ms,r1,r2\n1,3,0.5,0.5,0.5\n' c8.csv
bad "csv: missing column" "c8\.csv: no column 'C_out'" imp good.ini c8.csv
csv "${H}1,3,3,1e999,0.5,0.5\n" c9.csv
bad "csv: out of range" "c9\.csv: row 2, column 't_ms': '1e999' is out of range" imp good.ini c9.csv
csv "${H}0x10,3,3,0.5,0.5,0.5\n" c10.csv
bad "csv: hexadecimal" "c10\.csv: row 2, column 'N': '0x10' is not a number" imp good.ini c10.csv
csv 'N,C_in,C_out,t_ms,r1,r2,split\n1,3,3,0.5,0.5,0.5,dev\n' c11.csv
map "${GOODMAP}[import]\n" m13.ini
printf '[import]\nmodule = linear\nlatency = t_ms\nsplit = split\n[sampling]\nbatch = N\n' >m13.ini
bad "csv: unknown split" "c11\.csv: row 2, column 'split': 'dev' is not a split" imp m13.ini c11.csv
csv 'N,N,C_in,C_out,t_ms,r1,r2\n1,1,3,3,0.5,0.5,0.5\n' c12.csv
bad "csv: column twice" "c12\.csv: column 'N' appears twice" imp good.ini c12.csv
bad "csv: no such file" "nofile\.csv" imp good.ini nofile.csv
csv "${H}1,\"3\\0000\",3,0.5,0.5,0.5\n" c13.csv
bad "csv: a NUL in a quoted field" "c13\.csv: row 2, column 2: a NUL byte" imp good.ini c13.csv

echo "badinput: HDF5 files (every reader)"
bad "bench: gen file is text" "text\.h5" "$BIN/bench" -q -e exp.ini text.h5 -o "$O/b.h5"
bad "bench: a dataset for a gen file" "ds\.h5: .*format is 'modlat-dataset', expected 'modlat-gen'" \
	"$BIN/bench" -q -e exp.ini ds.h5 -o "$O/b.h5"
bad "bench: unknown environment" "windy" "$BIN/bench" -q -e exp.ini -E windy g.h5 -o "$O/b.h5"
bad "bench: truncated" "trunc\.h5" "$BIN/bench" -q -e exp.ini trunc.h5 -o "$O/b.h5"
for rm in lr rf mlp medn lop gbt; do
	bad "fit-$rm: text file" "text\.h5" "$BIN/fit-$rm" -q -e exp.ini text.h5 -o "$O/m.h5"
done
bad "fit-lr: gen file" "g\.h5: .*format is 'modlat-gen', expected 'modlat-dataset'" \
	"$BIN/fit-lr" -q -e exp.ini g.h5 -o "$O/m.h5"
bad "fit-rf: truncated" "trunc\.h5" "$BIN/fit-rf" -q -e exp.ini trunc.h5 -o "$O/m.h5"
bad "fit-mlp: foreign HDF5" "foreign\.h5: .*format" "$BIN/fit-mlp" -q -e exp.ini foreign.h5 -o "$O/m.h5"
bad "fit-lr: no such dataset" "none\.h5" "$BIN/fit-lr" -q -e exp.ini none.h5 -o "$O/m.h5"
bad "fit-lr: a negative timed run" \
	"negrun\.h5: latency_runs_ms of sample [0-9]+, run 1 is -7\.77778, expected a positive" \
	"$BIN/fit-lr" -q -e exp.ini negrun.h5 -o "$O/m.h5"
bad "evaluate: a negative timed run" "negrun\.h5: latency_runs_ms of sample" \
	"$BIN/evaluate" -q lr.h5 negrun.h5 -o "$O/e.h5"
bad "evaluate: a dataset for a model" "ds\.h5: .*format is 'modlat-dataset', expected 'modlat-model'" \
	"$BIN/evaluate" -q ds.h5 ds.h5 -o "$O/e.h5"
bad "evaluate: a model for a dataset" "lr\.h5: .*format is 'modlat-model', expected 'modlat-dataset'" \
	"$BIN/evaluate" -q lr.h5 lr.h5 -o "$O/e.h5"
bad "evaluate: truncated model" "trunc\.h5" "$BIN/evaluate" -q trunc.h5 ds.h5 -o "$O/e.h5"
bad "evaluate: no such dataset" "none\.h5" "$BIN/evaluate" -q lr.h5 none.h5 -o "$O/e.h5"
bad "select: text file" "text\.h5" "$BIN/select" -q -o "$O/s.h5" text.h5
bad "select: a model for an evaluation" "lr\.h5: .*format is 'modlat-model', expected 'modlat-eval'" \
	"$BIN/select" -q -o "$O/s.h5" lr.h5
bad "select: no such evaluation" "none\.h5" "$BIN/select" -q -o "$O/s.h5" none.h5
bad "select: --eps-acc 2" "eps-acc" "$BIN/select" -q -a 2 -o "$O/s.h5" ev.h5
bad "ablate: a dataset for an evaluation" "ds\.h5: .*format is 'modlat-dataset', expected 'modlat-eval'" \
	"$BIN/ablate" -q -o "$O/abl" ds.h5
bad "ablate: truncated" "trunc\.h5" "$BIN/ablate" -q -o "$O/abl" trunc.h5
bad "tables: no such folder" "nodir" "$BIN/tables" -q -e x -r "$REPO/paper/reference" -o "$O/tab" nodir
mkdir -p empty/static/evals
bad "tables: no evaluations" "empty" "$BIN/tables" -q -e x -r "$REPO/paper/reference" -o "$O/tab" empty
bad "predict: text file" "text\.h5" "$BIN/predict" text.h5 --module linear --batch 1 --cin 3 --cout 3
bad "predict: a dataset for a model" "ds\.h5: .*format" "$BIN/predict" ds.h5 --module linear --batch 1 --cin 3 --cout 3
bad "predict: no such model" "none\.h5" "$BIN/predict" none.h5 --module linear --batch 1 --cin 3 --cout 3
bad "predict: unknown module" "convolution" "$BIN/predict" lr.h5 --module convolution --batch 1
bad "predict: --batch abc" "^predict: --batch 'abc' is not an integer" "$BIN/predict" lr.h5 --module linear --batch abc
bad "predict: another module" "lr\.h5.*(conv|linear)" "$BIN/predict" lr.h5 --module conv --batch 1 --cin 3 --cout 3 --hw 7 --kernel 1 --stride 1
printf 'module,batch,cin,cout\nlinear,1,3,3\nlinear,x,3,3\n' >p1.csv
bad "predict: bad CSV cell" "p1\.csv.*row 3" "$BIN/predict" lr.h5 --csv p1.csv
bad "predict: no such CSV" "nocsv\.csv" "$BIN/predict" lr.h5 --csv nocsv.csv


echo "badinput: deeper error paths (settings, mismatched files)"
printf '[rf]\ntrees = 0\n' >trees0.ini
printf '[mlp]\nlr = nan\n' >lrnan.ini
printf '[medn]\nepochs = -1\n' >epochs.ini
bad "fit-rf: trees = 0" "trees0\.ini.*trees" "$BIN/fit-rf" -q -e trees0.ini ds.h5 -o "$O/m.h5"
bad "fit-mlp: lr = nan" "lrnan\.ini.*lr" "$BIN/fit-mlp" -q -e lrnan.ini ds.h5 -o "$O/m.h5"
bad "fit-medn: epochs = -1" "epochs\.ini.*epochs" "$BIN/fit-medn" -q -e epochs.ini ds.h5 -o "$O/m.h5"
printf '[gbt]\nlr = 2\n' >gbtlr.ini
printf '[gbt]\nsubsample = 0\n' >gbtsub.ini
printf '[gbt]\nmax_depth = 0\n' >gbtdepth.ini
bad "fit-gbt: lr = 2" "gbtlr\.ini:2: .*lr" "$BIN/fit-gbt" -q -e gbtlr.ini ds.h5 -o "$O/m.h5"
bad "fit-gbt: subsample = 0" "gbtsub\.ini:2: .*subsample" "$BIN/fit-gbt" -q -e gbtsub.ini ds.h5 -o "$O/m.h5"
bad "fit-gbt: max_depth = 0" "gbtdepth\.ini:2: .*max_depth" "$BIN/fit-gbt" -q -e gbtdepth.ini ds.h5 -o "$O/m.h5"
"$BIN/import" -q --map good.ini good.csv -o ds2.h5
printf '[import]\nmodule = bn\nlatency = t_ms\n[sampling]\nbatch = N\ncin = C_in\nhw = C_out\n' >bn.ini
"$BIN/import" -q --map bn.ini good.csv -o bn.h5 && "$BIN/fit-lr" -q -e exp.ini bn.h5 -o bnlr.h5
bad "evaluate: another module's model" "(bnlr|ds)\.h5.*(module|feature)" "$BIN/evaluate" -q bnlr.h5 ds.h5 -o "$O/e.h5"
bad "select: no medn evaluation" "medn" "$BIN/select" -q -o "$O/s.h5" ev.h5
bad "ablate: no MEDN variants" "ev\.h5|medn|MEDN" "$BIN/ablate" -q -o "$O/abl" ev.h5
bad "predict: --scheme bogus" "scheme" "$BIN/predict" lr.h5 --scheme bogus --module linear --batch 1 --cin 3 --cout 3
bad "predict: --repeat x" "repeat" "$BIN/predict" lr.h5 --repeat x --module linear --batch 1 --cin 3 --cout 3
bad "predict: a shape left out" "cout" "$BIN/predict" lr.h5 --module linear --batch 1 --cin 3
printf 'module,batch,cin,cout\nlinear,1,3,3\nconv2d,1,3,3\n' >p2.csv
bad "predict: CSV unknown module" "p2\.csv.*row 3" "$BIN/predict" lr.h5 --csv p2.csv
bad "bench: a dataset for the gen file, dynamic" "ds\.h5" "$BIN/bench" -q -E dynamic -e exp.ini ds.h5 -o "$O/b.h5"
printf '[experiment]\nenvironments = static\n' >static.ini
bad "bench: an environment the experiment lacks" "static\.ini: environment 'dynamic'" "$BIN/bench" -q -E dynamic -e static.ini g.h5 -o "$O/b.h5"
bad "bench: bad experiment" "syntax\.ini:1" "$BIN/bench" -q -e syntax.ini g.h5 -o "$O/b.h5"
bad "evaluate: -t into no folder" "$O/none/t\.h5" "$BIN/evaluate" -q lr.h5 ds.h5 -o "$O/e.h5" -t "$O/none/t.h5"
bad "import: no output folder" "$O/none/d\.h5" "$BIN/import" -q --map good.ini good.csv -o "$O/none/d.h5"
bad "fit-lop: no inferable features" "ds\.h5.*(flops|out_size|data_size)" "$BIN/fit-lop" -q -e exp.ini ds.h5 -o "$O/m.h5"
head -4 good.csv >tiny.csv
"$BIN/import" -q --map good.ini tiny.csv -o tiny.h5
bad "fit-lr: three samples" "tiny\.h5" "$BIN/fit-lr" -q -e exp.ini tiny.h5 -o "$O/m.h5"
bad "fit-rf: three samples" "tiny\.h5" "$BIN/fit-rf" -q -e exp.ini tiny.h5 -o "$O/m.h5"
printf '[experiment]\nseed = 1\n[sampling]\ncount = 5\nflop_cap = 1\n' >cap.ini
bad "gen: a FLOP cap nothing fits under" "cap\.ini|conv|flop" "$BIN/gen" -q -e cap.ini conv -o "$O/g.h5"
mkdir -p junk/static/evals && cp text.h5 junk/static/evals/conv.lr.h5
bad "tables: a text file among the evaluations" "conv\.lr\.h5" "$BIN/tables" -q -e x -r "$REPO/paper/reference" -o "$O/tab" junk
cp ev.h5 ev2.h5 && cp ev.tps.h5 ev2.tps.h5
bad "select: the same module twice" "ev2?\.h5" "$BIN/select" -q -o "$O/s.h5" ev.h5 ev2.h5
: >"$T/afile"
bad "split-config: output under a file" "$T/afile/x: Not a directory" "$BIN/split-config" exp.ini -o "$T/afile/x"

echo "badinput: selections (predict)"
printf '[experiment]\nseed = 7\n[medn]\nepochs = 3\n' >fast.ini
S=sel/static
mkdir -p $S/models $S/evals
if "$BIN/fit-lr" -q -e fast.ini ds.h5 -o $S/models/linear.lr.h5 2>>"$T/setup.log" &&
	"$BIN/fit-medn" -q -e fast.ini ds.h5 -o $S/models/linear.medn.h5 2>>"$T/setup.log" &&
	"$BIN/evaluate" -q $S/models/linear.lr.h5 ds.h5 -o $S/evals/linear.lr.h5 -t $S/evals/linear.lr.tps.h5 &&
	"$BIN/evaluate" -q $S/models/linear.medn.h5 ds.h5 -o $S/evals/linear.medn.h5 -t $S/evals/linear.medn.tps.h5 &&
	"$BIN/select" -q -o $S/selection.h5 $S/evals/linear.lr.h5 $S/evals/linear.medn.h5 2>>"$T/setup.log"; then
	bad "predict: a module the selection lacks" "selection\.h5.*conv" \
		"$BIN/predict" $S/selection.h5 --module conv --batch 1 --cin 3 --cout 3 --hw 7 --kernel 1 --stride 1
	bad "predict: --scheme bogus on a selection" "bogus" \
		"$BIN/predict" $S/selection.h5 --scheme bogus --module linear --batch 1 --cin 3 --cout 3
	mkdir -p gone && mv $S/models/* gone/
	bad "predict: a selection whose models are gone" "linear\.(lr|medn)\.h5" \
		"$BIN/predict" $S/selection.h5 --module linear --batch 1 --cin 3 --cout 3
	mv gone/* $S/models/
	bad "select: a selection for an evaluation" "selection\.h5: .*format" "$BIN/select" -q -o "$O/s.h5" $S/selection.h5
	bad "evaluate: a selection for a model" "selection\.h5: .*format" "$BIN/evaluate" -q $S/selection.h5 ds.h5 -o "$O/e.h5"
else
	echo "  FAIL: cannot build a selection:"; cat "$T/setup.log"; fail=$((fail + 1))
fi

echo "badinput: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
