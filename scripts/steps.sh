#!/usr/bin/env bash
# steps.sh - run commands one after the other, stopping at the first that
# fails (its exit status is ours):
#   steps.sh COMMAND [ARG]... [';;' COMMAND [ARG]...]... [';;']
# make CLUSTER=slurm runs a module's fits and evaluations (or one fit and its
# evaluation, SLURM_JOBS=model) as one Slurm job with it (README "Running on
# a Slurm cluster"): each job costs about 0.1-0.2 s of Slurm's own time, more
# than many fits take.
set -uo pipefail
cmd=()
ran=0
run() {
	[ ${#cmd[@]} -gt 0 ] || return 0
	"${cmd[@]}" || exit $?
	cmd=()
	ran=$((ran + 1))
}
for a in "$@"; do
	if [ "$a" = ';;' ]; then run; else cmd+=("$a"); fi
done
run
[ $ran -gt 0 ] || { echo "steps.sh: no command" >&2; exit 2; }
