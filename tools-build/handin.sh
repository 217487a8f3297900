#!/usr/bin/env bash
# NAME
#     handin.sh - pack a handout tree's work for handing in (make handin)
#
# SYNOPSIS
#     tools-build/handin.sh          at the top of a tree made by `make handout`
#
# DESCRIPTION
#     Refuses, with one line, when the tree does not build (`make` fails),
#     when answers-labN.txt is unchanged since the handout, or when time.txt
#     holds no number.  Otherwise writes handin-labN.tar.gz at the top of the
#     tree with
#         labN.patch         `git diff` of every change against the handout
#                            (new files included; build/ and the other ignored
#                            files, answers and time left out)
#         answers-labN.txt   the answers
#         time.txt           the hours spent
#     and says what it wrote.
#
# ENVIRONMENT
#     MAKE   the make program (default: make)
#
# EXIT STATUS
#     0 written; 1 refused

set -u
me="handin"
top=$(cd "$(dirname "$0")/.." && pwd)
refuse() { echo "$me: refused: $*" >&2; exit 1; }

[ -f "$top/.handout-lab" ] && [ -d "$top/.git" ] ||
	refuse "$top is not a handout tree (no .handout-lab); make one with 'make handout LAB=N DEST=DIR'"
lab=$(tr -dc 0-9 <"$top/.handout-lab")
[ -n "$lab" ] || refuse ".handout-lab names no lab"
answers="answers-lab$lab.txt"

cd "$top" || exit 1
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL ${MAKE:-make} -s -j"$(nproc 2>/dev/null || echo 2)" >/dev/null 2>&1; then
	refuse "the tree does not build ('make' fails); fix it first"
fi
[ -f "$answers" ] || refuse "$answers is missing"
if [ -f .handout-sums ] && sha256sum --status -c .handout-sums 2>/dev/null; then
	refuse "$answers is unchanged since the handout; write your answers in it"
fi
grep -qE '[0-9]' time.txt 2>/dev/null ||
	refuse "time.txt has no number; write the hours you spent, e.g. 'hours spent: 6'"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/traplab-handin.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/pack"

# the student's changes against the handout commit, through a throw-away index
export GIT_INDEX_FILE="$tmp/index"
git read-tree HEAD || refuse "cannot read the handout commit"
# (grade-results.json and handin-lab*.tar.gz are in .git/info/exclude, from the handout)
git add -A -- . ":(exclude)$answers" ":(exclude)time.txt" || refuse "git add failed"
git diff --cached --binary HEAD -- >"$tmp/pack/lab$lab.patch" || refuse "git diff failed"
changed=$(git diff --cached --name-only HEAD -- | wc -l)
# files that are new since the handout go into the patch too: name them, so
# that a scratch file handed in by accident is seen before the instructor sees it
added=$(git diff --cached --name-only --diff-filter=A HEAD --)
unset GIT_INDEX_FILE

cp "$answers" time.txt "$tmp/pack/"
out="handin-lab$lab.tar.gz"
tar -czf "$top/$out" -C "$tmp/pack" "lab$lab.patch" "$answers" time.txt || refuse "tar failed"
echo "$me: wrote $top/$out"
echo "$me:   lab$lab.patch   $changed file(s) changed since the handout"
echo "$me:   $answers"
echo "$me:   time.txt         $(head -n1 time.txt)"
if [ -n "$added" ]; then
	echo "$me: note: these files are new since the handout and are in the patch:"
	printf '%s\n' "$added" | sed "s/^/$me:     /"
	echo "$me: (remove the ones that are not your work, or list them in .git/info/exclude, and run make handin again)"
fi
