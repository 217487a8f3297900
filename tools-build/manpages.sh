#!/bin/sh
# manpages.sh — traplab's man pages, made from the program's own --help texts
# (the one source): traplab(1) from `traplab --help`, and traplab-CMD(1) for
# every command that `traplab --help` lists under COMMANDS.  The Makefile's
# `man` and `install` run it (README.md "Installing"); Lab 0 (set-up).
#     tools-build/manpages.sh TRAPLAB OUTDIR
set -e
[ $# -eq 2 ] || { echo "usage: $0 TRAPLAB OUTDIR" >&2; exit 2; }
traplab=$1
out=$2
awk_script="$(dirname "$0")/help2troff.awk"
version=$("$traplab" --version | sed 's/^traplab //')
# The command names: the first word of each line of the COMMANDS section.
commands=$("$traplab" --help | awk '/^COMMANDS$/ { on = 1; next }
	on && /^$/ { exit }
	on { print $1 }')

mkdir -p "$out"
rm -f "$out"/traplab.1 "$out"/traplab-*.1
see_also=""
for cmd in $commands; do
	see_also="$see_also${see_also:+, }traplab-$cmd(1)"
done
"$traplab" --help | awk -v page=traplab -v version="$version" -v see_also="$see_also" \
	-f "$awk_script" > "$out/traplab.1"
for cmd in $commands; do
	"$traplab" "$cmd" --help | awk -v page="traplab-$cmd" -v version="$version" \
		-v see_also="traplab(1)" -f "$awk_script" > "$out/traplab-$cmd.1"
done
