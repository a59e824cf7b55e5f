#!/bin/sh
# build.sh: builds paper/paper.pdf from paper/paper.tex with pdflatex (twice,
# for the references). Runs from any directory. The tables (paper/tables/EXP/)
# and figures (figures/EXP/*.png) are optional: missing ones become
# placeholders. EXP comes from paper/exp.tex, which the Makefile writes.
set -eu

dir=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)

if ! command -v pdflatex >/dev/null 2>&1; then
	echo "make paper: pdflatex not found; install it with: apt-get install texlive-latex-base texlive-latex-recommended texlive-latex-extra" >&2
	exit 1
fi

cd "$dir"
# Build under a temporary job name, so that a failed run never leaves a
# half-written paper.pdf that make would take as up to date.
job=paper.build.$$
trap 'rm -f "$job".aux "$job".log "$job".out "$job".pdf "$job".toc "$job".log.txt' EXIT
trap 'exit 130' INT TERM
for pass in 1 2; do
	if ! pdflatex -interaction=nonstopmode -halt-on-error -file-line-error \
		-jobname="$job" paper.tex >"$job.log.txt" 2>&1; then
		echo "make paper: pdflatex failed (pass $pass); full log in paper/paper.log; its end:" >&2
		tail -n 25 "$job.log.txt" >&2
		mv -f "$job.log" paper.log 2>/dev/null || true
		rm -f "$job.log.txt"
		exit 1
	fi
done
rm -f "$job.log.txt"
mv -f "$job.pdf" paper.pdf
echo "paper/paper.pdf"
