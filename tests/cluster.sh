#!/usr/bin/env bash
# Cluster tests (`make check-cluster`): the smoke experiment's fits,
# evaluations, selection, ablation and tables through a real single-node
# Slurm on localhost (scripts/slurm-local.sh: Debian's slurm-wlm and munge),
# compared byte for byte with a local run; a job that fails, one that is
# cancelled, a node that cannot see the data, a make stopped by Ctrl-C or
# SIGTERM. Every daemon it starts is stopped by PID on the way out, also
# after a failure. Prints "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
# the checks read make's echoed recipes: how the user invoked make must not
# reach the makes below
unset MAKEFLAGS MFLAGS MAKELEVEL GNUMAKEFLAGS EXP ENV DATASETS SHIPDIR SRUN EPS SANITIZE NATIVE QUIET CLUSTER \
	SLURM_OPTS SLURM_TIME SLURM_CPUS SLURM_CPUS_RF
if [ "$(id -u)" = 0 ] && [ -n "$(scripts/deps.sh --cluster --missing)" ]; then
	scripts/deps.sh --cluster --install || { echo "cluster: cannot install $(scripts/deps.sh --cluster --missing)" >&2; exit 1; }
fi
if ! why=$(scripts/slurm-local.sh can-run); then
	echo "cluster: SKIPPED: this machine cannot run the Slurm daemons: $why"
	exit 0
fi
T=$(mktemp -d /tmp/modlat-cluster.XXXXXX)
S=$T/slurm
chmod 755 "$T" # munged (the munge user) reaches its socket under it
finish() {
	scripts/slurm-local.sh stop "$S"
	local f pid
	for f in "$S"/munged.pid "$S"/slurmctld.pid.ours "$S"/slurmd.pid.ours; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		if kill -0 "$pid" 2>/dev/null; then echo "  FAIL: daemon $pid ($f) still running" >&2; fi
	done
	rm -rf "$T"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
export MODLAT_LOCK=$T/bench.lock
pass=0
fail=0
ok() { echo "  ok: $1"; pass=$((pass + 1)); }
no() { echo "  FAIL: $1"; fail=$((fail + 1)); }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

mkdir -p "$T/experiments"
cp -r experiments/smoke "$T/experiments/"
M=(make --no-print-directory EXP=smoke "EXPDIR=$T/experiments" "DATA=$T/data" "TABDIR=$T/tables" QUIET=--quiet)
D=$T/data/smoke
TB=$T/tables/smoke
# modlat jobs in the queue (pending or running), one line each
queued() { squeue -h -o '%i %t %j' 2>/dev/null | grep ' modlat:' || true; }
# no FILE.tmp.PID anywhere in the results
no_tmp() { [ -z "$(find "$T/data" "$T/tables" -name '*.tmp.*' 2>/dev/null)" ]; }

echo "cluster: a localhost Slurm"
start=$(now)
if scripts/slurm-local.sh start "$S" 2>"$T/start.log"; then
	ok "munged, slurmctld, slurmd -N localhost started, node idle ($(secs "$start") s; $(sed -n 's/^NodeName=.*\(CPUs=[0-9]*\).*\(RealMemory=[0-9]*\).*/\1 \2/p' "$S/slurm.conf"))"
else
	no "start a localhost Slurm: $(cat "$T/start.log")"
	echo "$pass passed, $fail failed"
	exit 1
fi
export SLURM_CONF=$S/slurm.conf

echo "cluster: the smoke datasets (measured here: gen and bench never go through Slurm)"
start=$(now)
"${M[@]}" -j2 datasets >"$T/make0.log" 2>&1 && ok "make datasets ($(secs "$start") s)" ||
	{ no "make datasets"; tail -5 "$T/make0.log"; }

echo "cluster: the local run, then the same through Slurm"
start=$(now)
"${M[@]}" -j4 tables >"$T/make1.log" 2>&1 && ok "make -j4 tables, local ($(secs "$start") s)" ||
	{ no "make -j4 tables, local"; tail -5 "$T/make1.log"; }
mkdir -p "$T/local"
for e in static dynamic; do
	mkdir -p "$T/local/$e" && cp -a "$D/$e/models" "$D/$e/evals" "$D/$e/selection.h5" "$T/local/$e/"
	rm -rf "$D/$e/models" "$D/$e/evals" "$D/$e/selection.h5"
done
cp -a "$TB" "$T/local/tables" && rm -rf "$TB"
# every model, evaluation, selection and table against the local run; what
# depends on measured time is left out: the timing files, Table 5's Tps
# column, and the time-efficient selection (Table 6's and the selection
# file's)
# the space-efficient selection, without its file name and the measured
# time per sample of the selected models
space() {
	h5dump -g /space "$1" 2>&1 | tail -n +2 | awk '/DATASET "tps_ms"/ { skip = 1; ind = index($0, "D") }
		skip && $0 ~ /^ *}$/ && index($0, "}") == ind { skip = 0; next } !skip'
}
same_as_local() {
	local f n=0 e bad=0
	for f in "$T"/local/*/models/*.h5 "$T"/local/*/evals/*.h5; do
		case $f in *.tps.h5) continue ;; esac
		n=$((n + 1))
		cmp -s "$f" "$D/${f#"$T"/local/}" || { bad=1; echo "    differs: ${f#"$T"/local/}" >&2; }
	done
	for f in "$T"/local/tables/*.* "$T"/local/tables/scatter/*; do
		case ${f##*/} in table5.* | table6.* | levers.*) continue ;; esac
		# the scatter data follows the time-efficient choice, which the
		# measured Tps decide: compared where both runs chose the same model
		case $f in */scatter/*) cmp -s "${f%.*}.txt" "$TB/scatter/$(basename "${f%.*}").txt" || continue ;; esac
		n=$((n + 1))
		cmp -s "$f" "$TB/${f#"$T"/local/tables/}" || { bad=1; echo "    differs: ${f#"$T"/local/}" >&2; }
	done
	for e in static dynamic; do
		n=$((n + 1))
		cmp -s <(cut -d, -f1-4,6- "$T/local/tables/table5.$e.csv") <(cut -d, -f1-4,6- "$TB/table5.$e.csv") ||
			{ bad=1; echo "    differs: table5.$e.csv" >&2; }
		n=$((n + 1)) # the levers without the time-efficient choice
		cmp -s <(cut -d, -f1-15,19 "$T/local/tables/levers.$e.csv") <(cut -d, -f1-15,19 "$TB/levers.$e.csv") ||
			{ bad=1; echo "    differs: levers.$e.csv" >&2; }
		n=$((n + 1))
		cmp -s <(cut -d, -f1,5- "$T/local/tables/table6.$e.csv") <(cut -d, -f1,5- "$TB/table6.$e.csv") ||
			{ bad=1; echo "    differs: table6.$e.csv" >&2; }
		n=$((n + 1))
		cmp -s <(space "$T/local/$e/selection.h5") <(space "$D/$e/selection.h5") ||
			{ bad=1; echo "    differs: $e/selection.h5 (space-efficient)" >&2; }
	done
	echo "$n"
	return $bad
}

start=$(now)
"${M[@]}" -j4 tables CLUSTER=slurm >"$T/make2.log" 2>&1 && ok "make -j4 tables CLUSTER=slurm ($(secs "$start") s)" ||
	{ no "make -j4 tables CLUSTER=slurm"; tail -5 "$T/make2.log"; }
# one job per module and environment (SLURM_JOBS=module, the default: its
# variants' fits and evaluations, scripts/steps.sh), 2 selections, 2
# ablations, 1 tables (which models there are, the byte-for-byte comparison
# below checks)
want=$(($(ls "$D"/*/models/*.lr.h5 | wc -l) + 5))
steps=$(grep -cE "^scripts/slurm-step.sh .* -- (scripts/steps.sh bin/fit-.* ';;' bin/evaluate |bin/(select|ablate|tables))" "$T/make2.log")
direct=$(grep -cE '^bin/(fit-|evaluate|select|ablate|tables) ' "$T/make2.log")
[ "$steps" = "$want" ] && [ "$direct" = 0 ] && ok "all $want steps went to slurm-step.sh, none ran here" ||
	no "all $want steps through slurm-step.sh ($steps through it, $direct here)"
# what Slurm itself recorded (no accounting: scontrol keeps finished jobs for
# MinJobAge): one COMPLETED job per step, named for its first output (a
# module's job for its lr model, the first variant)
scontrol -o show job >"$T/jobs.txt" 2>/dev/null
done_jobs=$(grep -c 'JobName=modlat:.*JobState=COMPLETED' "$T/jobs.txt")
miss=0
for f in "$D"/*/models/*.lr.h5; do
	grep -q "JobName=modlat:${f##*/}:.*JobState=COMPLETED .*ExitCode=0:0" "$T/jobs.txt" || miss=$((miss + 1))
done
[ "$done_jobs" -ge "$want" ] && [ "$miss" = 0 ] &&
	ok "scontrol: $done_jobs completed modlat jobs (ids $(grep -o 'JobId=[0-9]*' "$T/jobs.txt" | head -1 | cut -d= -f2)..), one for each module's models and evaluations" ||
	no "scontrol records the jobs ($done_jobs completed, $miss outputs without one)"
n=$(same_as_local) && ok "$n models, evaluations, selections and tables byte-identical to the local run" ||
	no "through Slurm = local, byte for byte: $n"
out=$("${M[@]}" -q tables CLUSTER=slurm 2>&1) && ok "nothing left to do (make -q)" || no "nothing left to do (make -q: $out)"
# a lost evaluation: its module's job (every variant's fit and evaluation)
# again, the same bytes
rm -f "$D/static/evals/conv.lr.h5" "$D/static/evals/conv.lr.tps.h5"
plan=$("${M[@]}" CLUSTER=slurm "$D/static/evals/conv.lr.h5" 2>&1 | grep -E '^scripts/slurm-step.sh' || true)
[ "$(grep -c . <<<"$plan")" = 1 ] && grep -q -- "-- scripts/steps.sh bin/fit-lr .* ';;' bin/evaluate .*conv.lr.h5" <<<"$plan" &&
	cmp -s "$D/static/evals/conv.lr.h5" "$T/local/static/evals/conv.lr.h5" &&
	cmp -s "$D/static/models/conv.lr.h5" "$T/local/static/models/conv.lr.h5" &&
	ok "a lost evaluation is made again by its module's one job, same bytes" ||
	no "a lost evaluation ($plan)"

# SLURM_JOBS=model: one job per model and its evaluation (make -n, as if
# conv's static dataset had changed)
plan=$("${M[@]}" -n -W "$D/static/conv.h5" CLUSTER=slurm SLURM_JOBS=model evals 2>&1 |
	grep -cE "^scripts/slurm-step.sh .* -- scripts/steps.sh bin/fit-[a-z]* [^;]* ';;' bin/evaluate [^;]*$" || true)
[ "$plan" = "$(ls "$D"/static/models/conv.*.h5 | wc -l)" ] && ok "SLURM_JOBS=model: $plan jobs for conv's $plan static models, one each (make -n)" ||
	no "SLURM_JOBS=model: one job per model ($plan)"

echo "cluster: failures"
# Slurm refuses the job: no node has that much memory
rm -f "$D/static/models/conv.lr.h5"
out=$("${M[@]}" CLUSTER=slurm SLURM_MEM_MODULE=100000000G "$D/static/models/conv.lr.h5" 2>&1)
rc=$?
[ $rc -ne 0 ] && [ ! -e "$D/static/models/conv.lr.h5" ] && no_tmp && grep -q 'Memory specification can not be satisfied' <<<"$out" &&
	ok "a job Slurm refuses (--mem 100000000G) fails make, no output: $(grep -m1 'srun: error' <<<"$out")" ||
	no "a refused job (rc $rc: $out)"
# a job cancelled while it waits: a blocker holds every CPU
cpus=$(sed -n 's/^NodeName=.* CPUs=\([0-9]*\).*/\1/p' "$S/slurm.conf")
srun -c "$cpus" -J blocker sleep 300 </dev/null >/dev/null 2>&1 &
blocker=$!
for _ in $(seq 100); do squeue -h -n blocker -t R | grep -q . && break; sleep 0.1; done
"${M[@]}" CLUSTER=slurm "$D/static/models/conv.lr.h5" >"$T/make3.log" 2>&1 &
mk=$!
for _ in $(seq 100); do queued | grep -q 'modlat:conv.lr.h5' && break; sleep 0.1; done
st=$(queued | awk '/modlat:conv.lr.h5/ { print $2 }')
scancel --name="$(queued | awk '/modlat:conv.lr.h5/ { print $3 }')"
wait $mk
rc=$?
scancel -n blocker
wait $blocker 2>/dev/null
[ "$st" = PD ] && [ $rc -ne 0 ] && [ ! -e "$D/static/models/conv.lr.h5" ] && no_tmp && [ -z "$(queued)" ] &&
	ok "a job cancelled while pending fails make, no output, nothing queued: $(grep -m1 -i 'cancel\|revoked\|error' "$T/make3.log")" ||
	{ no "a cancelled job (state '$st', rc $rc)"; cat "$T/make3.log"; }
plan=$("${M[@]}" CLUSTER=slurm "$D/static/models/conv.lr.h5" 2>&1 | grep -E '^scripts/slurm-step.sh' || true)
[ "$(grep -c . <<<"$plan")" = 1 ] && grep -q 'bin/fit-lr .*fit.conv.lr.ini' <<<"$plan" &&
	cmp -s "$D/static/models/conv.lr.h5" "$T/local/static/models/conv.lr.h5" &&
	ok "the next make reruns exactly that module's job, same bytes" || no "the next make reruns exactly that job ($plan)"
# a node that cannot see the data: DATA on a tmpfs only make's mount
# namespace has
if unshare -m true 2>/dev/null; then
	mkdir -p "$T/private" "$T/ship/smoke/static"
	cp "$D"/static/*.h5 "$T/ship/smoke/static/"
	out=$(unshare -m bash -c 'mount -t tmpfs modlat-private "$1" && shift && "$@"' _ "$T/private" \
		"${M[@]}" CLUSTER=slurm DATA="$T/private/data" DATASETS=shipped SHIPDIR="$T/ship" ENV=static \
		"$T/private/data/smoke/static/models/conv.lr.h5" 2>&1)
	rc=$?
	line=$(grep '^modlat: ' <<<"$out")
	[ $rc -ne 0 ] && [ "$(grep -c . <<<"$line")" = 1 ] && grep -q "$T/private/data/smoke/.*: not found on node localhost" <<<"$line" &&
		[ ! -e "$T/private/data" ] && ok "a node that cannot see the data: $line" ||
		no "a node that cannot see the data (rc $rc: $out)"
else
	no "a node that cannot see the data: unshare -m is not allowed here"
fi

echo "cluster: Ctrl-C and SIGTERM on make cancel its jobs"
# stop a make -j4 of the static environment's steps once jobs run; Ctrl-C
# signals make's whole process group, as a terminal does; SIGTERM goes to
# make alone (kill PID), which passes it to its recipes
interrupt() { # SIGNAL GROUP|MAKE
	# (the tables too: a missing model or evaluation alone does not make
	# make rebuild them, as everywhere in this Makefile: .SECONDARY)
	rm -rf "$D/static/models" "$D/static/evals" "$D/static/selection.h5" "$TB"
	setsid "${M[@]}" -j4 CLUSTER=slurm ENV=static tables >"$T/make4.log" 2>&1 &
	local mk=$! rc n=0 i
	for i in $(seq 300); do
		n=$(ls "$D"/static/models/*.h5 2>/dev/null | wc -l)
		[ "$n" -ge 10 ] && [ -n "$(queued | awk '$2 == "R"')" ] && break
		sleep 0.1
	done
	running=$(queued | grep -c . || true)
	if [ "$2" = GROUP ]; then kill -"$1" -- -"$mk"; else kill -"$1" "$mk"; fi
	start=$(now)
	for i in $(seq 600); do kill -0 "$mk" 2>/dev/null || break; sleep 0.1; done
	wait "$mk"
	rc=$?
	left=$(queued)
	partial=0
	for f in "$D"/static/models/*.h5 "$D"/static/evals/*.h5; do
		[ -e "$f" ] || continue
		case $f in *.tps.h5) continue ;; esac
		cmp -s "$f" "$T/local/static/${f#"$D"/static/}" || { partial=1; echo "    not as the local run: $f"; }
	done
	if [ $rc -ne 0 ] && [ "$running" -gt 0 ] && [ -z "$left" ] && no_tmp && [ $partial = 0 ]; then
		ok "$1 to $(tr A-Z a-z <<<"$2") with $running jobs queued: make exits $rc in $(secs "$start") s, no job left in squeue, every output left is complete"
	else
		no "$1 to make (rc $rc, $running queued before, left: $left)"
		tail -5 "$T/make4.log"
	fi
}
interrupt INT GROUP
interrupt TERM MAKE
start=$(now)
"${M[@]}" -j4 tables CLUSTER=slurm >"$T/make5.log" 2>&1 && ok "the next make -j4 tables CLUSTER=slurm finishes the work ($(secs "$start") s)" ||
	{ no "the next make finishes the work"; tail -5 "$T/make5.log"; }
n=$(same_as_local) && ok "then again $n files byte-identical to the local run" || no "after the interruptions, = local: $n"
[ -z "$(queued)" ] && ok "the queue is empty" || no "jobs left: $(queued)"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
