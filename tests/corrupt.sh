#!/usr/bin/env bash
# Damaged files and a full disk: what the README's "Errors" section promises.
#
# 1. A seeded corpus (tests/corrupt_gen.c: byte flips, truncations, zeroed
#    runs, structural edits through HDF5) of real model, dataset, evaluation,
#    timing and selection files made by the pipeline on the smoke experiment,
#    each run through every reader of its kind under the sanitizer build
#    (build/asan/bin) with a time limit. Every run either succeeds or fails
#    with exactly one line on stderr that names the damaged file, leaves no
#    output behind, and never crashes, trips a sanitizer or hangs.
# 2. The files h5dump and (where installed) h5py read.
# 3. A full disk: gen, bench, fit and evaluate writing into a small tmpfs fail
#    with one line naming the file, a non-zero exit and nothing left behind.
#
# Usage: tests/corrupt.sh [SEED] (default 12; MUTANTS=N for the corpus size).
# Prints "N passed, M failed"; exits non-zero when something failed.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SEED=${1:-12}
MUTANTS=${MUTANTS:-210}
T=$(mktemp -d /tmp/modlat-corrupt.XXXXXX)
MNT=
cleanup() {
	[ -n "$MNT" ] && umount "$MNT" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
export MODLAT_LOCK=$T/bench.lock
pass=0
fail=0
ok() { echo "  ok: $1"; pass=$((pass + 1)); }
no() { echo "  FAIL: $1"; fail=$((fail + 1)); }

ASAN=build/asan/bin
READERS="predict evaluate fit-lr select ablate tables"
echo "corrupt: building the readers under ASan+UBSan and bin/"
if ! make --no-print-directory -s SANITIZE=1 $(printf "$ASAN/%s " $READERS) >"$T/build.log" 2>&1 ||
	! make --no-print-directory -s all >>"$T/build.log" 2>&1; then
	tail -20 "$T/build.log"
	echo "corrupt: build failed"
	exit 1
fi

# ---- the real files: one module of the smoke experiment, every kind ------
m=maxpool
D=$T/data/smoke
S=$D/static
C=$T/cfg
mkdir -p "$S/models" "$S/evals"
VARIANTS="lr rf mlp medn lop medn-d gbt"
{
	bin/split-config experiments/smoke -o "$C" &&
		bin/gen -q -e "$C/gen.$m.ini" --name smoke $m -o "$D/$m.gen.h5" &&
		bin/bench -q -e "$C/bench.static.$m.ini" --env static "$D/$m.gen.h5" -o "$S/$m.h5" &&
		for v in $VARIANTS; do
			r=${v%%-*}
			flag=
			[ "$v" = medn-d ] && flag=--direct
			bin/fit-$r -q -e "$C/fit.$m.$r.ini" $flag "$S/$m.h5" -o "$S/models/$m.$v.h5" &&
				bin/evaluate -q "$S/models/$m.$v.h5" "$S/$m.h5" -o "$S/evals/$m.$v.h5" \
					-t "$S/evals/$m.$v.tps.h5" || exit 1
		done &&
		(cd "$T" && "$ROOT/bin/select" -q -o data/smoke/static/selection.h5 \
			$(for v in $VARIANTS; do echo data/smoke/static/evals/$m.$v.h5; done))
} >"$T/pipeline.log" 2>&1
if [ $? = 0 ]; then ok "the smoke pipeline for $m (dataset, 7 models, evaluations, selection)"; else
	no "the smoke pipeline for $m"; tail -5 "$T/pipeline.log"; echo "$pass passed, $fail failed"; exit 1; fi

echo "corrupt: the files are HDF5 1.10 with checksummed metadata, and other tools read them"
files=("$D/$m.gen.h5" "$S/$m.h5" "$S/models/$m.rf.h5" "$S/evals/$m.lr.h5" "$S/evals/$m.lr.tps.h5" "$S/selection.h5")
good=1
for f in "${files[@]}"; do
	# superblock version (byte 8) 2 or 3: checksummed metadata
	v=$(od -An -tu1 -j8 -N1 "$f" | tr -d ' ')
	[ "$v" -ge 2 ] 2>/dev/null || { good=0; echo "    superblock v$v: $f"; }
	h5dump "$f" >/dev/null 2>&1 || { good=0; echo "    h5dump cannot read $f"; }
done
[ $good = 1 ] && ok "superblock v2+ and h5dump reads every kind" || no "superblock v2+ and h5dump reads every kind"
[ "$(h5dump -a /format "$S/models/$m.rf.h5" | sed -n 's/^ *(0): "\(.*\)"/\1/p')" = modlat-model ] &&
	ok "h5dump shows the format attribute as a string" || no "h5dump shows the format attribute as a string"
PY=$(command -v /usr/bin/python3 python3 2>/dev/null | head -1)
if [ -n "$PY" ] && "$PY" -c 'import h5py' 2>/dev/null; then
	if "$PY" - "${files[@]}" >"$T/h5py.log" 2>&1 <<'EOF'; then
import sys, h5py
for p in sys.argv[1:]:
    with h5py.File(p, "r") as f:
        assert f.attrs["format"].decode().startswith("modlat-"), p
        f.visititems(lambda n, o: o[()] if isinstance(o, h5py.Dataset) else None)
        if "feature_names" in f:
            assert all(isinstance(x, bytes) and x for x in f["feature_names"][()]), p
EOF
		ok "h5py reads every kind"
	else
		no "h5py reads every kind"; tail -3 "$T/h5py.log"
	fi
else
	echo "  skip: h5py is not installed (apt-get install python3-h5py)"
fi

# ---- the corpus -----------------------------------------------------------
echo "corrupt: $MUTANTS damaged files (seed $SEED) through every reader under ASan+UBSan"
gcc -std=c11 -O1 -D_GNU_SOURCE $(pkg-config --cflags hdf5) tests/corrupt_gen.c \
	$(pkg-config --libs hdf5) -o "$T/corrupt_gen" || { no "corrupt_gen builds"; exit 1; }
mkdir -p "$T/m/model" "$T/m/dataset" "$T/m/eval" "$T/m/selection"
gen() { # KIND COUNT SEED FILE...
	local k=$1 n=$2 s=$3
	shift 3
	"$T/corrupt_gen" "$s" "$n" "$T/m/$k" "$@" >>"$T/corpus.txt" || exit 1
	sed -i "s|^$T/m/$k/|$k |" "$T/corpus.txt"
}
nm=$((MUTANTS * 40 / 100)) nd=$((MUTANTS * 20 / 100)) ne=$((MUTANTS * 25 / 100))
ns=$((MUTANTS - nm - nd - ne))
gen model $nm $SEED $(for v in $VARIANTS; do echo "$S/models/$m.$v.h5"; done)
gen dataset $nd $((SEED + 1)) "$S/$m.h5"
gen eval $ne $((SEED + 2)) "$S/evals/$m.medn.h5" "$S/evals/$m.medn.tps.h5" "$S/evals/$m.rf.h5" \
	"$S/evals/$m.rf.tps.h5"
gen selection $ns $((SEED + 3)) "$S/selection.h5"
total=$(wc -l <"$T/corpus.txt")
[ "$total" -ge 200 ] && ok "$total mutants from a seeded generator" || no "$total mutants (expected >= 200)"

# One reader on one mutant, in its own folder laid out as the pipeline's.
# Prints "ok ..." or "BAD reason ...". An exit 0 is fine (a flip in a value
# may leave a valid file); any other exit must be 1 or 2 with exactly one
# line on stderr naming the mutant, and no output left behind.
export T S m ASAN VARIANTS
# Leaks are reports too, except HDF5's own: after a checksum failure it
# keeps the damaged file's metadata cache entries (and cannot close that
# file at exit), which no caller can free.
echo "leak:libhdf5" >"$T/lsan.supp"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export LSAN_OPTIONS=suppressions=$T/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=98
export MODLAT_READ_TIMEOUT=5
run_one() {
	local kind=$1 name=$2 reader=$3 w f out rc err lines
	w=$T/r/$name.$reader
	mkdir -p "$w/static/evals" "$w/static/models"
	f=$T/m/$kind/$name
	local -a cmd
	case $kind in
	model)
		cp "$f" "$w/static/models/"
		f=$w/static/models/$name
		;;
	dataset)
		cp "$f" "$w/static/$m.h5"
		f=$w/static/$m.h5
		;;
	eval)
		ln -s "$S/$m.h5" "$w/static/"
		ln -s "$S"/evals/* "$w/static/evals/"
		rm -f "$w/static/evals/${name#*.*.}" # a link to the good file
		cp "$f" "$w/static/evals/${name#*.*.}"
		f=$w/static/evals/${name#*.*.}
		;;
	selection)
		cp "$f" "$w/static/selection.h5"
		ln -s "$S/$m.h5" "$w/static/"
		ln -s "$S"/evals/* "$w/static/evals/"
		ln -s "$S"/models/* "$w/static/models/"
		f=$w/static/selection.h5
		;;
	esac
	out=$w/out
	case $reader in
	predict) cmd=("$ASAN/predict" "$f" --module $m --batch 1 --cin 8 --hw 14 --kernel 3 --stride 2
		--mem-avail 1e9 --util 0.1) ;;
	evaluate-model) cmd=("$ASAN/evaluate" -q "$f" "$S/$m.h5" -o "$out.h5" -t "$out.tps.h5") ;;
	evaluate-dataset) cmd=("$ASAN/evaluate" -q "$S/models/$m.lr.h5" "$f" -o "$out.h5" -t "$out.tps.h5") ;;
	fit-lr) cmd=("$ASAN/fit-lr" -q -e "$T/cfg/fit.$m.lr.ini" "$f" -o "$out.h5") ;;
	select) cmd=("$ASAN/select" -q -o "$out.h5" --table "$out.t6"
		$(for v in $VARIANTS; do echo "$w/static/evals/$m.$v.h5"; done)) ;;
	ablate) cmd=("$ASAN/ablate" -q -o "$out.abl" "$w/static/evals/$m.medn.h5" "$w/static/evals/$m.medn-d.h5") ;;
	tables)
		[ -e "$w/static/selection.h5" ] || ln -s "$S/selection.h5" "$w/static/"
		cmd=("$ASAN/tables" -q --exp smoke --reference paper/reference -o "$out.tab" "$w")
		;;
	esac
	timeout -k 5 30 "${cmd[@]}" >"$w/stdout" 2>"$w/stderr"
	rc=$?
	err=$(cat "$w/stderr")
	lines=$(grep -c . "$w/stderr")
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		echo "BAD hang $kind/$name $reader"
	elif [ $rc -gt 2 ] || grep -qE 'Sanitizer|runtime error|AddressSanitizer|LeakSanitizer' "$w/stderr"; then
		echo "BAD crash(rc $rc) $kind/$name $reader: $(head -c 300 "$w/stderr" | tr '\n' ' ')"
	elif [ $rc != 0 ] && [ "$lines" != 1 ]; then
		echo "BAD $lines-lines $kind/$name $reader: $(head -c 300 "$w/stderr" | tr '\n' '|')"
	elif [ $rc != 0 ] && ! grep -qF -- "$f" "$w/stderr"; then
		echo "BAD unnamed $kind/$name $reader: $err"
	elif [ $rc != 0 ] && ls "$w" | grep -qE '^out|\.tmp\.'; then
		echo "BAD leftover $kind/$name $reader: $(ls "$w" | tr '\n' ' ')"
	else
		echo "ok $rc $kind/$name $reader"
	fi
	[ "${KEEP:-0}" = 1 ] || rm -rf "$w"
}
export -f run_one
while read -r kind name _; do
	name=${name##*/}
	case $kind in
	model) echo "$kind $name predict"; echo "$kind $name evaluate-model" ;;
	dataset) echo "$kind $name evaluate-dataset"; echo "$kind $name fit-lr" ;;
	eval) echo "$kind $name select"; echo "$kind $name tables"
		case $name in *.medn.h5) echo "$kind $name ablate" ;; esac ;;
	selection) echo "$kind $name predict"; echo "$kind $name tables" ;;
	esac
done <"$T/corpus.txt" >"$T/jobs.txt"
start=$(date +%s)
xargs -P "${JOBS:-4}" -L 1 bash -c 'run_one "$@"' _ <"$T/jobs.txt" >"$T/results.txt"
runs=$(wc -l <"$T/results.txt")
nok=$(grep -c '^ok 0' "$T/results.txt")
nerr=$(grep -c '^ok [12]' "$T/results.txt")
echo "  ($runs runs in $(($(date +%s) - start)) s: $nok read fine, $nerr refused with one line)"
bad() { grep "^BAD $1" "$T/results.txt"; }
for what in crash hang lines unnamed leftover; do
	case $what in
	crash) d="no crash and no sanitizer report" ;;
	hang) d="no reader runs past 30 s" ;;
	lines) d="every refusal is exactly one line" ;;
	unnamed) d="every refusal names the damaged file" ;;
	leftover) d="a refusal leaves no output" ;;
	esac
	pat=$what
	[ $what = lines ] && pat='[0-9]*-lines'
	if bad "$pat" >/dev/null; then no "$d"; bad "$pat" | head -8 | sed 's/^/    /'; else ok "$d"; fi
done
[ "$nerr" -ge 100 ] && ok "the corpus is really damaged ($nerr refusals)" ||
	no "the corpus is really damaged (only $nerr refusals)"

# The time bound: a read that never finishes (here a FIFO nobody writes, where
# HDF5 would otherwise wait forever, as it loops on a damaged global heap)
mkfifo "$T/stuck.h5"
MODLAT_READ_TIMEOUT=1 timeout 20 bin/evaluate -q "$T/stuck.h5" "$S/$m.h5" -o "$T/stuck.out.h5" 2>"$T/stuck.err"
rc=$?
if [ $rc = 1 ] && [ "$(grep -c . "$T/stuck.err")" = 1 ] &&
	grep -qF "$T/stuck.h5: reading did not finish in 1 s" "$T/stuck.err"; then
	ok "a read that does not finish: one line naming the file after MODLAT_READ_TIMEOUT"
else
	no "a read that does not finish (exit $rc)"; head -2 "$T/stuck.err"
fi

# ---- a full disk ------------------------------------------------------------
echo "corrupt: a full disk"
MNT=$T/full
mkdir -p "$MNT"
if [ "$(id -u)" != 0 ] || ! mount -t tmpfs -o size=64k tmpfs "$MNT" 2>"$T/mount.log"; then
	MNT=
	echo "  skip: cannot mount a small tmpfs ($(if [ "$(id -u)" != 0 ]; then echo "not root"; else head -1 "$T/mount.log"; fi))"
else
	# fill it but for a few KB: every writer must then fail at its final write
	dd if=/dev/zero of="$MNT/fill" bs=1k count=60 2>/dev/null
	# (bench keeps OUT.journal, its record of finished samples, so that a rerun
	# after freeing space measures nothing again: that is not output)
	full() { # DESCRIPTION OUTPUT COMMAND...
		local d=$1 o=$2 rc
		shift 2
		"$@" >"$T/full.out" 2>"$T/full.err"
		rc=$?
		if [ $rc != 0 ] && [ $rc -lt 128 ] && [ "$(grep -c . "$T/full.err")" = 1 ] &&
			grep -qF -- "$o" "$T/full.err" && [ -z "$(ls "$MNT" | grep -vE '^fill$|\.journal$')" ]; then
			ok "$d: one line naming the file, exit $rc, nothing left"
		else
			no "$d (exit $rc)"; head -3 "$T/full.err" | sed 's/^/    /'; ls "$MNT" | sed 's/^/    left: /'
		fi
		rm -f "$MNT"/*.tmp.* "$MNT"/*.journal 2>/dev/null
	}
	full "gen" "$MNT/g.h5" bin/gen -q -e "$C/gen.$m.ini" $m -o "$MNT/g.h5"
	# bench: the journal (written as it measures) may be what meets the full
	# disk, and a busy machine adds its warnings: its last line says why
	bench_full() {
		local rc
		bin/bench -q -e "$C/bench.static.$m.ini" --env static "$D/$m.gen.h5" -o "$MNT/d.h5" \
			>"$T/full.out" 2>"$T/full.err"
		rc=$?
		if [ $rc != 0 ] && [ $rc -lt 128 ] && tail -1 "$T/full.err" | grep -q 'No space left' &&
			[ -z "$(ls "$MNT" | grep -vE '^fill$|\.journal$')" ]; then
			ok "bench: fails with the reason, exit $rc, no dataset left"
		else
			no "bench (exit $rc)"; tail -3 "$T/full.err" | sed 's/^/    /'; ls "$MNT" | sed 's/^/    left: /'
		fi
		rm -f "$MNT"/*.tmp.* "$MNT"/*.journal 2>/dev/null
	}
	bench_full
	full "fit-rf" "$MNT/rf.h5" bin/fit-rf -q -e "$C/fit.$m.rf.ini" "$S/$m.h5" -o "$MNT/rf.h5"
	full "evaluate" "$MNT/e." bin/evaluate -q "$S/models/$m.rf.h5" "$S/$m.h5" -o "$MNT/e.h5" -t "$MNT/e.tps.h5"
	full "select" "$MNT/sel.h5" bin/select -q -o "$MNT/sel.h5" $(for v in $VARIANTS; do echo "$S/evals/$m.$v.h5"; done)
	full "select --table" "$MNT/" bin/select -q -o "$MNT/sel.h5" --table "$MNT/t6" $(for v in $VARIANTS; do echo "$S/evals/$m.$v.h5"; done)
	full "ablate" "$MNT/abl" bin/ablate -q -o "$MNT/abl" "$S/evals/$m.medn.h5" "$S/evals/$m.medn-d.h5"
	umount "$MNT" && MNT=
fi

echo "corrupt: $pass passed, $fail failed"
[ $fail = 0 ]
