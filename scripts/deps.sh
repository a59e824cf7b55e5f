#!/usr/bin/env bash
# deps.sh - the Debian 12 packages modlat builds and runs with.
#   deps.sh --missing   print the missing packages (nothing when all are there)
#   deps.sh --install   install the missing ones with apt-get (root), or print
#                       the exact apt-get line and fail (not root)
#   deps.sh --cluster --missing | --install   the same for the packages of
#                       the cluster tests (`make check-cluster`: a localhost
#                       Slurm), which nothing else needs
set -euo pipefail
PKGS=(build-essential pkg-config libhdf5-dev hdf5-tools libopenblas-dev liblapacke-dev
      libcunit1-dev libdnnl-dev libinih-dev libxgboost-dev gnuplot-nox procps)
if [ "${1:-}" = --cluster ]; then
	PKGS=(slurm-wlm munge)
	shift
fi

missing() {
	local p
	for p in "${PKGS[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
			printf '%s\n' "$p"
	done
}

case "${1:-}" in
--missing) missing | tr '\n' ' ' | sed 's/ $//' ;;
--install)
	m=$(missing | tr '\n' ' ')
	[ -z "$m" ] && exit 0
	if [ "$(id -u)" != 0 ]; then
		echo "modlat: missing packages; as root run: apt-get install -y $m" >&2
		exit 1
	fi
	echo "modlat: installing $m" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >&2 || true
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $m >&2
	;;
*)
	echo "usage: deps.sh [--cluster] --missing | --install" >&2
	exit 2
	;;
esac
