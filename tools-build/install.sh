#!/bin/sh
# install.sh — the steps of `make install` and `make uninstall` (README.md
# "Installing"), apart from the Makefile so a test can run them on a build
# it already has (tests/cli/test_install.c).  DEST is $(DESTDIR)$(PREFIX):
#     tools-build/install.sh install TRAPLAB MANDIR DEST
#     tools-build/install.sh uninstall DEST
# installs DEST/bin/traplab, DEST/share/man/man1/traplab*.1 (made by
# manpages.sh into MANDIR), and under DEST/share/traplab the guests' sources
# (guests/pg32, guests/x86 with the SVM host's files) and lessons/, laid out
# as in the tree: an installed traplab looks there (monitor/cli/data_dir.c).
# Lab 0 (set-up).
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
usage() {
	echo "usage: $0 install TRAPLAB MANDIR DEST | uninstall DEST" >&2
	exit 2
}
case $1 in
install)
	[ $# -eq 4 ] || usage
	traplab=$2 mandir=$3 dest=$4
	data=$dest/share/traplab
	install -d "$dest/bin" "$dest/share/man/man1" "$data"
	install -m 755 "$traplab" "$dest/bin/traplab"
	install -m 644 "$mandir"/traplab.1 "$mandir"/traplab-*.1 "$dest/share/man/man1/"
	# A fresh copy: nothing left from an older version's guests.
	rm -rf "$data/guests" "$data/lessons"
	(cd "$top" && tar -cf - guests lessons) | (cd "$data" && tar -xf - --no-same-owner)
	;;
uninstall)
	[ $# -eq 2 ] || usage
	dest=$2
	rm -f "$dest/bin/traplab" "$dest/share/man/man1/traplab.1" "$dest"/share/man/man1/traplab-*.1
	rm -rf "$dest/share/traplab"
	;;
*)
	usage
	;;
esac
