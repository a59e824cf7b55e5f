#!/usr/bin/env bash
# seeds.sh - how much an RM's test P20 moves with the fit's seed alone
# (issue 11's lever 4: training robustness):
#   scripts/seeds.sh [VARIANT [N [EXP [ENV [MODULE...]]]]]   (medn 10 paper static)
# For each module of EXP (or each MODULE named), fits VARIANT (an RM, or a
# variant of one: medn-es, mlp-log, gbt-ca...) on data/EXP/ENV/MODULE.h5 with seeds 1..N
# (the fit's settings fragment data/EXP/cfg/fit.MODULE.RM.ini with its seed
# replaced; the dataset and its split stay) and prints the test P20 of each,
# then min, median, max. Needs the datasets and fragments (make tables
# EXP=paper DATASETS=shipped makes both). About 5 minutes for MEDN on the
# paper experiment (one core); no timing is kept, so it may share the host.
set -euo pipefail
cd "$(dirname "$0")/.."
VAR=${1:-medn} N=${2:-10} EXP=${3:-paper} ENV=${4:-static}
shift $(($# < 4 ? $# : 4))
RM=${VAR%%-*}
# the variant's flags, as the Makefile's rm_flags gives them
FLAGS=()
case $VAR in medn-d | medn-d-*) FLAGS+=(--direct) ;; esac
case $VAR in *-xi*) FLAGS+=(--features no-inferable) ;; esac
case $VAR in *-xm*) FLAGS+=(--features no-measurable) ;; esac
case $VAR in *-r | *-r-*) FLAGS+=(--features sampling) ;; esac
case $VAR in *-ca*) FLAGS+=(--features channels) ;; esac
case $VAR in *-log*) FLAGS+=(--log-inputs) ;; esac
case $VAR in *-es*) FLAGS+=(--early-stop) ;; esac
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
printf '%-13s %s | min median max\n' module "$(seq -s ' ' 1 "$N")"
ls data/"$EXP"/cfg/fit.*."$RM".ini >/dev/null 2>&1 ||
	{ echo "seeds.sh: no data/$EXP/cfg/fit.MODULE.$RM.ini (make tables EXP=$EXP first)" >&2; exit 1; }
CFGS=()
if [ $# -gt 0 ]; then
	for m in "$@"; do CFGS+=("data/$EXP/cfg/fit.$m.$RM.ini"); done
else
	CFGS=(data/"$EXP"/cfg/fit.*."$RM".ini)
fi
for cfg in "${CFGS[@]}"; do
	m=${cfg#data/"$EXP"/cfg/fit.}
	m=${m%."$RM".ini}
	[ -f "$cfg" ] || { echo "seeds.sh: $cfg: not found" >&2; exit 1; }
	ds=data/$EXP/$ENV/$m.h5
	[ -f "$ds" ] || { echo "seeds.sh: $ds: not found" >&2; exit 1; }
	vals=()
	for s in $(seq 1 "$N"); do
		sed "s/^seed = .*/seed = $s/" "$cfg" >"$T/f.ini"
		bin/fit-"$RM" -q -e "$T/f.ini" "${FLAGS[@]}" "$ds" -o "$T/m.h5"
		bin/evaluate -q "$T/m.h5" "$ds" -o "$T/e.h5"
		vals+=("$(h5dump -a test_p20 "$T/e.h5" | awk '/\(0\)/ { print $2 }')")
	done
	printf '%s\n' "${vals[@]}" | sort -g | awk -v m="$m" -v all="${vals[*]}" '
		{ v[NR] = $1 } END { med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%-13s %s | %.3f %.3f %.3f\n", m, all, v[1], med, v[NR] }'
done
