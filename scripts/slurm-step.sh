#!/usr/bin/env bash
# slurm-step.sh - run one recipe of the Makefile as a Slurm job step
# (`make CLUSTER=slurm`; README "Running on a Slurm cluster").
#   slurm-step.sh [--out FILE]... [SRUN-OPTION]... -- COMMAND [ARG]...
# --out names an output of the step. Every other option before `--` goes to
# srun as it is (-c, --mem, -t, and the user's SLURM_OPTS: partition,
# account, qos...).
#
# What it promises make:
# - the node checks first that it sees the working folder, the command and
#   every argument that is a path here, and each output's folder; one that
#   it cannot see fails the step with one line naming the path and the node;
# - a step that fails, is cancelled, times out or loses its node exits
#   non-zero and leaves none of its outputs (nor their FILE.tmp.PID), so the
#   next make reruns exactly that step; so does a step whose outputs are not
#   visible here when it ends;
# - SIGINT, SIGTERM or SIGHUP (Ctrl-C on make, make killed) cancels the job
#   and waits until it has left the queue (at most MODLAT_CANCEL_WAIT s,
#   default 60) before exiting.
set -uo pipefail

me=slurm-step
outs=()
opts=()
while [ $# -gt 0 ]; do
	case $1 in
	--out) [ $# -ge 2 ] || { echo "$me: --out needs a file" >&2; exit 2; }; outs+=("$2"); shift 2 ;;
	--) shift; break ;;
	*) opts+=("$1"); shift ;;
	esac
done
[ $# -gt 0 ] || { echo "$me: no command after --; usage: slurm-step.sh [--out FILE]... [SRUN-OPTION]... -- COMMAND [ARG]..." >&2; exit 2; }
command -v srun >/dev/null || { echo "$me: srun not found (CLUSTER=slurm needs Slurm's client commands here)" >&2; exit 2; }

# the paths the node must see: the working folder, the command (when it
# is a path), every argument that exists here, each output's folder
paths=()
[[ $1 == */* ]] && paths+=("$1")
for a in "${@:2}"; do [ -e "$a" ] && paths+=("$a"); done
for o in "${outs[@]}"; do [[ $o == */* ]] && paths+=("${o%/*}"); done
# runs on the node: bash only, so that it answers even where nothing else
# of ours is visible
# shellcheck disable=SC2016
check='cd "$1" 2>/dev/null || { echo "modlat: $1: no such folder on node ${SLURMD_NODENAME:-$(hostname)} (the data must be on a filesystem the nodes share)" >&2; exit 1; }
shift
while [ "$1" != -- ]; do
	[ -e "$1" ] || { echo "modlat: $1: not found on node ${SLURMD_NODENAME:-$(hostname)} (the data must be on a filesystem the nodes share)" >&2; exit 1; }
	shift
done
shift
exec "$@"'

# unique, so that a cancel finds exactly this job
label=${outs[0]:-$1}
name="modlat:${label##*/}:${HOSTNAME%%.*}:$$"

clean() {
	local o
	for o in "${outs[@]}"; do rm -f -- "$o" "$o".tmp.*; done
}

srun_pid=
cancel() { # SIGNAL-NUMBER
	trap '' INT TERM HUP
	[ -n "$srun_pid" ] && kill -TERM "$srun_pid" 2>/dev/null
	local i
	for i in $(seq $((${MODLAT_CANCEL_WAIT:-60} * 5))); do
		scancel --quiet --name="$name" --user="$(id -un)" 2>/dev/null
		[ -z "$(squeue -h --name="$name" --user="$(id -un)" -o %i 2>/dev/null)" ] && break
		sleep 0.2
	done
	[ -n "$srun_pid" ] && wait "$srun_pid" 2>/dev/null
	clean
	echo "$me: $label: job cancelled (signal $1)" >&2
	exit $((128 + $1))
}
trap 'cancel 2' INT
trap 'cancel 15' TERM
trap 'cancel 1' HUP

# srun's own "task 0: Exited with exit code N" only repeats the step's
# error line; everything else it says (cancelled, time limit, node failure)
# is kept
srun --quiet --job-name="$name" --quit-on-interrupt "${opts[@]}" bash -c "$check" modlat-node "$PWD" "${paths[@]}" -- "$@" \
	</dev/null 2> >(grep -v --line-buffered '^srun: error: .*: task [0-9]*: Exited with exit code [0-9]*$' >&2) &
srun_pid=$!
wait "$srun_pid"
rc=$?
srun_pid=
if [ $rc != 0 ]; then
	clean
	exit $rc
fi
for o in "${outs[@]}"; do
	if [ ! -e "$o" ]; then
		echo "$me: $o: the job ended without it, or it is not visible here (the data must be on a filesystem the nodes share)" >&2
		clean
		exit 1
	fi
done
