#!/usr/bin/env bash
# NAME
#     handout.sh - write a student's tree for one lab (make handout LAB=N DEST=DIR)
#
# SYNOPSIS
#     tools-build/handout.sh N DEST
#
# DESCRIPTION
#     Copies the source tree's files (git ls-files: tracked and untracked-
#     but-not-ignored, as they are in the work tree) to DEST, minus every
#     lessons/*/solution/ folder, and then:
#       - in every .c/.h file, each lab region of lab N
#             /* LAB N: what the student writes (SPEC §x) */
#             /* STUB: code that compiles in its place */      (0 or more)
#             ...reference code...
#             /* END LAB N */
#         becomes "/* TODO (Lab N): what ... */" and the STUB lines,
#         uncommented, at the marker's indentation; regions of every other
#         lab keep their reference code, without the marker lines;
#       - in every .s file (PG32 assembly) the same, with markers that are
#         whole-line ";" comments: "; LAB N: ...", "; STUB: ...",
#         "; END LAB N" (a region becomes "; TODO (Lab N): ...");
#       - lessons/NN-*/starter/* is copied into lessons/NN-*/;
#       - answers-labN.txt (from lessons/NN-*/answers.txt, else a template),
#         time.txt and .handout-lab (N) are written at the top;
#       - DEST becomes a git repository with one commit (fixed author, no
#         network), so that `make handin` can diff the student's work.
#     It refuses, with one line, a lab without a lessons/NN-* folder, a DEST
#     that exists and is not empty, and unbalanced region markers.
#
# ENVIRONMENT
#     TRAPLAB_SRC   the source tree (default: the tree this script is in)
#
# EXIT STATUS
#     0 written; 1 refused (nothing, or an incomplete DEST, is left)

set -u
me="handout"
die() { echo "$me: $*" >&2; exit 1; }

src=${TRAPLAB_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
src=$(cd "$src" 2>/dev/null && pwd) || die "no source tree at '${TRAPLAB_SRC:-}'"
lab=${1:-}
dest=${2:-}

case $lab in
'' ) die "say which lab: make handout LAB=N DEST=DIR" ;;
*[!0-9]*) die "LAB must be a number, not '$lab'" ;;
esac
lab=$((10#$lab))
[ -n "$dest" ] || die "say where: make handout LAB=$lab DEST=DIR"
nn=$(printf %02d "$lab")
labdir=$(cd "$src" && ls -d lessons/"$nn"-*/ 2>/dev/null | head -n1)
labdir=${labdir%/}
[ -n "$labdir" ] || die "no lab $lab: there is no lessons/$nn-*/ folder in $src"
if [ -e "$dest" ]; then
	[ -d "$dest" ] || die "DEST '$dest' exists and is not a folder"
	[ -z "$(ls -A "$dest")" ] || die "DEST '$dest' exists and is not empty"
fi
git -C "$src" rev-parse --git-dir >/dev/null 2>&1 || die "$src is not a git work tree"
command -v git >/dev/null || die "git is needed"

mkdir -p "$dest" || die "cannot create '$dest'"
dest=$(cd "$dest" && pwd)

# ---- the files: tracked and untracked-not-ignored, minus solution/ folders ----------
# (not DEST itself when it lies inside the source tree; not nested repositories)
rel=""
case $dest/ in "$src"/*) rel=${dest#"$src"/} ;; esac
git -C "$src" ls-files -z -c -o --exclude-standard |
	tr '\0' '\n' | sort -u |
	awk -v rel="$rel" '
		/\/$/ { next }
		rel != "" && (index($0, rel "/") == 1 || $0 == rel) { next }
		/^lessons\/[^\/]+\/solution\// { next }
		{ print }' |
	while IFS= read -r f; do [ -e "$src/$f" ] || [ -L "$src/$f" ] && printf '%s\0' "$f"; done \
	>"$dest/.handout-files"
(cd "$src" && tar --null -T "$dest/.handout-files" -cf -) | (cd "$dest" && tar -xf -) ||
	die "copying the tree to $dest failed"
rm -f "$dest/.handout-files"

# ---- lab regions ---------------------------------------------------------------------
# One awk pass per file that has markers; it fails (exit 3) on unbalanced markers.
regions='
function fail(msg) { printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"; bad = 1; exit 3 }
function indent_of(s) { match(s, /^[ \t]*/); return substr(s, 1, RLENGTH) }
# A C marker is a comment on a line of its own; an assembly one (.s) is a
# line that is only a ";" comment.  m_open/m_close are the comment delimiters.
BEGIN {
	if (asm) { m_open = ";[ \t]*"; m_close = "[ \t]*$"; todo_fmt = "%s; TODO (Lab %d): %s\n" }
	else { m_open = "\\/\\*[ \t]*"; m_close = "[ \t]*\\*\\/[ \t]*$"; todo_fmt = "%s/* TODO (Lab %d): %s */\n" }
}
{
	line = $0
	if (line ~ ("^[ \t]*" m_open "LAB[ \t]+[0-9]+:.*" m_close)) {
		if (inside) fail("LAB marker inside the region of lab " n " (regions do not nest)")
		t = line; sub("^[ \t]*" m_open "LAB[ \t]+", "", t)
		n = t; sub(/:.*/, "", n); n = n + 0
		sub(/^[0-9]+:[ \t]*/, "", t); sub(m_close, "", t)
		inside = 1; ind = indent_of(line); start = FNR
		if (n == lab) printf todo_fmt, ind, n, t
		next
	}
	if (line ~ ("^[ \t]*" m_open "END[ \t]+LAB[ \t]+[0-9]+" m_close)) {
		m = line; gsub(/[^0-9]/, "", m); m = m + 0
		if (!inside) fail("END LAB " m " without its LAB marker")
		if (m != n) fail("END LAB " m " closes the region of lab " n " (line " start ")")
		inside = 0
		next
	}
	if (inside && line ~ ("^[ \t]*" m_open "STUB:.*" m_close)) {
		if (n == lab) {
			s = line; sub("^[ \t]*" m_open "STUB:[ \t]?", "", s); sub(m_close, "", s)
			print ind s
		}
		next
	}
	if (inside && n == lab) next
	print line
}
END { if (!bad && inside) { FNR = start; fail("LAB " n " region never ends (no END LAB " n ")") } }'

marked=$( (cd "$dest" && grep -rlE --include='*.c' --include='*.h' \
	'^[[:space:]]*/\*[[:space:]]*(LAB[[:space:]]+[0-9]+:|END[[:space:]]+LAB)' . 2>/dev/null;
	grep -rlE --include='*.s' '^[[:space:]]*;[[:space:]]*(LAB[[:space:]]+[0-9]+:|END[[:space:]]+LAB)' . 2>/dev/null) |
	sort)
todo=0
for f in $marked; do
	f=${f#./}
	asm=0
	case $f in *.s) asm=1 ;; esac
	awk -v lab="$lab" -v asm="$asm" "$regions" "$dest/$f" >"$dest/$f.handout" ||
		{ rm -f "$dest/$f.handout"; die "unbalanced lab markers in $f (see above); $dest is incomplete"; }
	cat "$dest/$f.handout" >"$dest/$f" && rm -f "$dest/$f.handout"
	k=$(grep -cE "(/\*|;) TODO \(Lab $lab\):" "$dest/$f")
	todo=$((todo + k))
done

# ---- the lab's starter files, answers, time, marker ---------------------------------
if [ -d "$src/$labdir/starter" ]; then
	cp -R "$src/$labdir/starter/." "$dest/$labdir/"
fi
answers="answers-lab$lab.txt"
if [ -f "$src/$labdir/answers.txt" ]; then
	cp "$src/$labdir/answers.txt" "$dest/$answers"
else
	printf 'Lab %d answers (%s/README.md)\n\nPre-lab answers:\n\n\nClosing answers:\n\n' \
		"$lab" "$labdir" >"$dest/$answers"
fi
printf 'hours spent: \n' >"$dest/time.txt"
echo "$lab" >"$dest/.handout-lab"
(cd "$dest" && sha256sum "$answers") >"$dest/.handout-sums"

# ---- one commit, so that handin can diff ----------------------------------------------
export GIT_AUTHOR_NAME="TrapLab handout" GIT_AUTHOR_EMAIL="handout@traplab.invalid"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
export GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z"
g() { git -C "$dest" -c init.defaultBranch=main -c commit.gpgsign=false \
	-c core.hooksPath=/dev/null -c user.name="$GIT_AUTHOR_NAME" -c user.email="$GIT_AUTHOR_EMAIL" "$@"; }
g init -q || die "git init in $dest failed"
printf '%s\n' grade-results.json 'handin-lab*.tar.gz' >>"$dest/.git/info/exclude"
g add -A && g commit -q -m "Lab $lab handout" || die "git commit in $dest failed"

echo "$me: lab $lab ($labdir) written to $dest"
echo "$me: $todo TODO region(s) in C and assembly sources; starter in $labdir/; fill in $answers and time.txt"
echo "$me: then, in $dest: make grade, make handin"
