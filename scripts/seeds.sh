#!/usr/bin/env bash
# seeds.sh - how much an RM's test P20 moves with the fit's seed alone
# (issue 11's lever 4: training robustness):
#   scripts/seeds.sh [RM [N [EXP [ENV]]]]     (medn 10 paper static)
# For each module of EXP, fits RM on data/EXP/ENV/MODULE.h5 with seeds 1..N
# (the fit's settings fragment data/EXP/cfg/fit.MODULE.RM.ini with its seed
# replaced; the dataset and its split stay) and prints the test P20 of each,
# then min, median, max. Needs the datasets and fragments (make tables
# EXP=paper DATASETS=shipped makes both). About 5 minutes for MEDN on the
# paper experiment (one core); no timing is kept, so it may share the host.
set -euo pipefail
cd "$(dirname "$0")/.."
RM=${1:-medn} N=${2:-10} EXP=${3:-paper} ENV=${4:-static}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
printf '%-13s %s | min median max\n' module "$(seq -s ' ' 1 "$N")"
ls data/"$EXP"/cfg/fit.*."$RM".ini >/dev/null 2>&1 ||
	{ echo "seeds.sh: no data/$EXP/cfg/fit.MODULE.$RM.ini (make tables EXP=$EXP first)" >&2; exit 1; }
for cfg in data/"$EXP"/cfg/fit.*."$RM".ini; do
	m=${cfg#data/"$EXP"/cfg/fit.}
	m=${m%."$RM".ini}
	ds=data/$EXP/$ENV/$m.h5
	[ -f "$ds" ] || { echo "seeds.sh: $ds: not found" >&2; exit 1; }
	vals=()
	for s in $(seq 1 "$N"); do
		sed "s/^seed = .*/seed = $s/" "$cfg" >"$T/f.ini"
		bin/fit-"$RM" -q -e "$T/f.ini" "$ds" -o "$T/m.h5"
		bin/evaluate -q "$T/m.h5" "$ds" -o "$T/e.h5"
		vals+=("$(h5dump -a test_p20 "$T/e.h5" | awk '/\(0\)/ { print $2 }')")
	done
	printf '%s\n' "${vals[@]}" | sort -g | awk -v m="$m" -v all="${vals[*]}" '
		{ v[NR] = $1 } END { med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%-13s %s | %.3f %.3f %.3f\n", m, all, v[1], med, v[NR] }'
done
