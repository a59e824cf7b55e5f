#!/usr/bin/env bash
# mutate.sh - mutation testing: do the unit tests catch small planted bugs?
#
# Usage: tests/mutate.sh [-l LIST] [-t SECONDS] [-k] [PATTERN...]
#   -l LIST     the mutant list (default tests/mutants.txt)
#   -t SECONDS  time limit for one run of the unit tests (default 120)
#   -k          keep the scratch tree (its path is printed)
#   PATTERN     run only the mutants whose file or text contains one of them
#
# Each mutant in LIST is one line `FILE @@ OLD @@ NEW`: in src/lib/FILE the
# text OLD, which must occur exactly once, is replaced by NEW (either may be
# written with \t and \n). Lines starting with # and blank lines are skipped.
# Matching on unique text rather than a line number keeps the list valid
# while the code around a mutant changes; a mutant whose OLD is no longer
# found exactly once is reported as stale and not counted.
#
# The working tree is never touched: the sources are copied to a scratch
# folder (with the existing build/release objects, so the first build there
# is incremental), built there once, and each mutant rebuilds only the
# mutated object and relinks build/release/tests/unit. A mutant is killed
# when the unit tests fail or run past the time limit, survives when they
# pass, and is stillborn when it does not compile (not counted). Prints one
# line per mutant, the survivors and the kill rate; exit 0 whatever the rate
# (1 on a usage error or when the unmutated tests fail).
set -u -o pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
list=$top/tests/mutants.txt
limit=120
keep=0
while getopts "l:t:k" o; do
	case $o in
	l) list=$(cd "$(dirname "$OPTARG")" && pwd)/$(basename "$OPTARG") ;;
	t) limit=$OPTARG ;;
	k) keep=1 ;;
	*) echo "usage: tests/mutate.sh [-l LIST] [-t SECONDS] [-k] [PATTERN...]" >&2; exit 1 ;;
	esac
done
shift $((OPTIND - 1))
[[ -f $list ]] || { echo "mutate: $list: no such mutant list" >&2; exit 1; }

scratch=$(mktemp -d /tmp/modlat-mutate.XXXXXX)
cleanup() { if ((keep)); then echo "mutate: scratch tree kept in $scratch"; else rm -rf "$scratch"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# the tree without .git, data and outputs; then the objects already built
tar -C "$top" --exclude=./.git --exclude=./build --exclude=./bin --exclude=./data \
	-cf - . | tar -C "$scratch" -xf -
if [[ -d $top/build/release ]]; then
	mkdir -p "$scratch/build"
	cp -a "$top/build/release" "$scratch/build/"
fi
cd "$scratch" || exit 1
export MODLAT_LOCK=$scratch/bench.lock
unit=build/release/tests/unit
build() { make --no-print-directory -s "$unit" SANITIZE=0 >build.log 2>&1 </dev/null; }
# (in a subshell with stderr dropped: bash's "Segmentation fault" notices)
run_unit() { (timeout -k 5 "$limit" "$unit" >unit.log 2>&1 </dev/null) 2>/dev/null; }

echo "mutate: building the unmutated tests in $scratch"
if ! build; then
	tail -20 build.log >&2
	echo "mutate: the unmutated tree does not build" >&2
	exit 1
fi
if ! run_unit; then
	grep -E "FAILED|failed" unit.log | head -20 >&2
	echo "mutate: the unit tests fail without any mutant: fix them first" >&2
	exit 1
fi

wanted() {
	local p
	(($# == 1)) && return 0
	for p in "${@:2}"; do
		[[ $1 == *"$p"* ]] && return 0
	done
	return 1
}

killed=0 survived=0 stillborn=0 stale=0 lineno=0
survivors=()
while IFS= read -r line || [[ -n $line ]]; do
	lineno=$((lineno + 1))
	[[ -z ${line//[[:space:]]/} || $line == \#* ]] && continue
	wanted "$line" "$@" || continue
	if [[ $line != *" @@ "*" @@ "* && $line != *" @@ "*" @@" ]]; then
		echo "mutate: $list:$lineno: expected FILE @@ OLD @@ NEW" >&2
		stale=$((stale + 1))
		continue
	fi
	file=${line%% @@ *}
	rest=${line#* @@ }
	old=${rest%% @@*}
	new=${rest#"$old" @@}
	new=${new# }
	src=src/lib/$file
	obj=build/release/lib/${file%.c}.o
	if [[ $file != *.c || ! -f $src ]]; then
		echo "mutate: $list:$lineno: $src: no such library source (only src/lib/*.c)" >&2
		stale=$((stale + 1))
		continue
	fi
	cp -p "$src" "$src.orig"
	cp -p "$obj" "$obj.orig" 2>/dev/null
	# exact text replacement, done by python: no regex, no shell quoting
	if ! python3 - "$src" "$old" "$new" <<'EOF'; then
import sys
path, old, new = sys.argv[1], sys.argv[2], sys.argv[3]
unesc = lambda s: s.replace("\\t", "\t").replace("\\n", "\n")
old, new = unesc(old), unesc(new)
text = open(path).read()
if text.count(old) != 1:
    sys.exit(1)
open(path, "w").write(text.replace(old, new))
EOF
		echo "mutate: $list:$lineno: $file: the text is not there exactly once (stale mutant): $old" >&2
		stale=$((stale + 1))
		rm -f "$src.orig" "$obj.orig"
		continue
	fi
	touch "$src"
	if ! build; then
		result=stillborn
		stillborn=$((stillborn + 1))
	elif run_unit; then
		result=SURVIVED
		survived=$((survived + 1))
		survivors+=("  ${list##*/}:$lineno $file: '$old' -> '$new'")
	else
		rc=$?
		result=killed
		((rc == 124 || rc == 137)) && result="killed (time limit)"
		killed=$((killed + 1))
		# which tests caught it (CUnit: "Test: NAME ...FAILED")
		by=$(awk '{ for (i = 1; i < NF; i++) if ($i == "Test:") t = $(i + 1) }
			/FAILED/ && t != "" { print t; t = "" }' unit.log | head -3 | paste -sd, -)
		[[ -n $by ]] && result="$result ($by)"
	fi
	printf '%-24s %s:%d %s\n' "$result" "${list##*/}" "$lineno" "$file: '$old' -> '$new'"
	# back to the unmutated source and object, the object newer than the source
	mv "$src.orig" "$src"
	if [[ -f $obj.orig ]]; then
		mv "$obj.orig" "$obj"
		touch "$obj"
	fi
done <"$list"

total=$((killed + survived))
echo
echo "mutate: $total mutants run: $killed killed, $survived survived" \
	"($stillborn did not compile, $stale stale; neither counted)"
if ((survived)); then
	echo "survivors:"
	printf '%s\n' "${survivors[@]}"
fi
if ((total)); then
	awk -v k=$killed -v t=$total 'BEGIN { printf "kill rate: %.1f%% (%d of %d)\n", 100 * k / t, k, t }'
fi
exit 0
