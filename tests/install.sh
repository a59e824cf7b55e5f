#!/usr/bin/env bash
# make install into a scratch PREFIX; the README's example (examples/
# predict_one.c, quoted in the README) built with exactly
# `pkg-config --cflags --libs modlat` against it, run on a model, and its
# answer checked against bin/predict's.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "tests/install.sh: FAIL: $*" >&2; exit 1; }

make -s --no-print-directory install PREFIX="$tmp/prefix" >/dev/null
for f in include/modlat.h lib/libmodlat.so lib/libmodlat.so.0 lib/libmodlat.a lib/pkgconfig/modlat.pc \
	bin/modlat-predict bin/modlat-bench; do
	[ -e "$tmp/prefix/$f" ] || fail "make install left out $f"
done
# only the public API is exported from the shared library
extra=$(nm -D --defined-only "$tmp/prefix/lib/libmodlat.so" | awk '{print $3}' | grep -v '^modlat_' || true)
[ -z "$extra" ] || fail "libmodlat.so exports symbols beyond modlat_*: $extra"
# the README quotes the example verbatim
python3 - "$tmp" <<'PY' || fail "README.md does not quote examples/predict_one.c verbatim"
import sys
src = open("examples/predict_one.c").read()
readme = open("README.md").read()
sys.exit(0 if "```c\n" + src + "```" in readme else 1)
PY
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
flags=$(pkg-config --cflags --libs modlat) || fail "pkg-config does not find modlat"
# shellcheck disable=SC2086
cc -std=c11 -Wall -Werror examples/predict_one.c $flags -o "$tmp/predict_one" \
	|| fail "the example does not build with: cc predict_one.c $flags"
# a model to ask: least squares on the shipped conv-bn-relu dataset
bin/fit-lr -q -e experiments/paper datasets/paper/static/conv-bn-relu.h5 -o "$tmp/cbr.lr.h5"
got=$("$tmp/predict_one" "$tmp/cbr.lr.h5") || fail "the example failed"
want=$(bin/predict "$tmp/cbr.lr.h5" --module conv-bn-relu --batch 8 --cin 64 --cout 64 --hw 56 \
	--kernel 3 --stride 1 --mem-avail 24e9 --util 0)
[ "${got%% *}" = "$want" ] || fail "the example says '$got', bin/predict '$want'"
ldd "$tmp/predict_one" >"$tmp/ldd"
grep -q "$tmp/prefix/lib/libmodlat.so" "$tmp/ldd" || fail "the example is not linked to the installed libmodlat.so"
echo "tests/install.sh: ok (installed, pkg-config flags: $flags; example: $got)"
