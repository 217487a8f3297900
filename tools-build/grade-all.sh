#!/usr/bin/env bash
# NAME
#     grade-all.sh - grade a folder of hand-ins, one clean tree each, into a CSV
#                    (make grade-all HANDINS=DIR)
#
# SYNOPSIS
#     tools-build/grade-all.sh HANDINS [OUT.csv]
#
# DESCRIPTION
#     Finds every hand-in under HANDINS: HANDINS/NAME.tar.gz, or
#     HANDINS/NAME/*.tar.gz (one folder per student, as a course site
#     downloads them).  NAME is the student.  Each is a tarball `make handin`
#     wrote: labN.patch, answers-labN.txt, time.txt; N is read from the patch's
#     name.  For each hand-in, in a tree of its own:
#       1. the handout of lab N from this tree (made once per lab and built
#          once, seeded with this tree's build/ so only the lab's stubbed files
#          compile; each student's tree is a copy of it);
#       2. the patch applied with `git apply` (a patch that does not apply
#          scores 0, said in the row);
#       3. the lab's own files kept, everything else put back as handed out:
#          a student's patch may change the files that hold the lab's TODO
#          regions, the files of lessons/NN-*/ other than check and points,
#          and add new files beside them; a change to anything else (the checker, its
#          points, the guests it runs, the bare machine, the build) is
#          undone before grading, and a new file anywhere but beside the
#          lab's own files (a GNUmakefile, a source the build would pick up)
#          is removed; both are named in the row's note — so a hand-in
#          cannot grade itself;
#       4. `make grade` (tools-build/grade.sh): the build, the lab's checker,
#          the points.  A tree that does not build scores 0 and the row says
#          the first error.
#     One line of progress per hand-in goes to standard error.  The CSV
#     (default: grades.csv in the current folder) has a header, then one row
#     per hand-in, sorted by NAME:
#         name, lab, score, max_score, build_failure, note, check 1, check 2, ...
#     "check K" is the points check K earned (empty when that lab has no
#     check K); build_failure is empty when the tree built.  Rows are RFC 4180
#     CSV (fields with a comma, quote or newline are quoted).
#     Student code runs while grading (its build and its monitor): grade on a
#     machine or container you can throw away (lessons/INSTRUCTORS.md).
#
# ENVIRONMENT
#     GRADE_ALL_TIMEOUT  seconds one hand-in may take, build and checks (default
#                        1800); past it the row says "timed out" and scores what
#                        was printed (nothing)
#     TRAPLAB_SRC        the source tree handouts are made from (default: the
#                        tree this script is in)
#     Anything the checkers read (FUZZ, SEED, LAB10_REPS) passes through.
#
# EXIT STATUS
#     0 every hand-in graded (whatever its score); 1 some hand-in could not be
#     read or its handout not made; 2 usage error
#
# EXAMPLES
#     make grade-all HANDINS=~/course/lab3-handins OUT=~/course/lab3.csv

set -u
me="grade-all"
die() { echo "$me: $*" >&2; exit 2; }

src=${TRAPLAB_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
src=$(cd "$src" 2>/dev/null && pwd) || die "no source tree at '${TRAPLAB_SRC:-}'"
handins=${1:-}
out=${2:-grades.csv}
timeout=${GRADE_ALL_TIMEOUT:-1800}
case "$handins" in
-h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
'') die "say where the hand-ins are: make grade-all HANDINS=DIR [OUT=grades.csv]" ;;
esac
[ -d "$handins" ] || die "HANDINS '$handins' is not a folder"
case $timeout in ''|*[!0-9]*) die "GRADE_ALL_TIMEOUT must be a number of seconds, not '$timeout'" ;; esac
touch "$out" 2>/dev/null || die "cannot write the CSV '$out'"

work=$(mktemp -d "${TMPDIR:-/tmp}/traplab-grade-all.XXXXXX") || die "no scratch folder"
trap 'rm -rf "$work"' EXIT
rows="$work/rows"
: >"$rows"

# ---- the hand-ins: NAME<TAB>FILE, sorted by name ------------------------------------------
find "$handins" -mindepth 1 -maxdepth 2 -name '*.tar.gz' -type f | sort |
	while IFS= read -r f; do
		rel=${f#"$handins"}; rel=${rel#/}
		case $rel in
		*/*) name=${rel%%/*} ;;
		*) name=${rel%.tar.gz} ;;
		esac
		printf '%s\t%s\n' "$name" "$f"
	done | sort -t "$(printf '\t')" -k1,1 >"$work/list"
total=$(wc -l <"$work/list")
[ "$total" -gt 0 ] || die "no hand-ins (*.tar.gz) in $handins"
echo "$me: $total hand-in(s) in $handins" >&2

# csv FIELD: one RFC 4180 field
csv() {
	case $1 in
	*[\",$'\n'$'\r']*) printf '"%s"' "$(printf '%s' "$1" | sed 's/"/""/g')" ;;
	*) printf '%s' "$1" ;;
	esac
}

# row NAME LAB SCORE MAX BUILD_FAILURE NOTE [K=POINTS ...]: one record for the CSV
# (tab-separated here; the fields are single lines)
row() {
	local tab=$'\t' head
	head="$(csv "$1")$tab$2$tab$3$tab$4$tab$(csv "$5")$tab$(csv "$6")"
	shift 6
	(IFS=$tab; printf '%s%s\n' "$head" "${*:+$tab$*}") >>"$rows"
}

# template LAB: the handout of LAB, built once; prints its path
template() {
	local t="$work/template-$1"
	if [ ! -d "$t" ]; then
		TRAPLAB_SRC="$src" "$src/tools-build/handout.sh" "$1" "$t" >"$work/handout-$1.log" 2>&1 ||
			{ echo "$me: lab $1: the handout could not be made:" >&2; cat "$work/handout-$1.log" >&2; return 1; }
		# (not the test, fuzzing and KVM-host images: `make` does not need them)
		[ -d "$src/build" ] && (cd "$src" && tar -cf - --exclude=build/svm-host \
			--exclude=build/vmx-host --exclude=build/fuzz --exclude=build/linux \
			--exclude=build/tests build) | (cd "$t" && tar -xf -)
		echo "$me: lab $1: building its handout once (each hand-in's tree starts from it)" >&2
		(cd "$t" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL ${MAKE:-make} -s \
			-j"$(nproc 2>/dev/null || echo 2)" >"$work/template-$1.log" 2>&1) ||
			{ echo "$me: lab $1: its handout does not build (see below)" >&2
			  tail -n 20 "$work/template-$1.log" >&2; return 1; }
		# the files a hand-in may change: those with this lab's TODO regions
		(cd "$t" && grep -rlE --exclude-dir=build --exclude-dir=.git \
			"(/\\*|;) TODO \\(Lab $1\\):" . | sed 's|^\./||' | sort) >"$work/own-$1"
		while IFS= read -r f; do dirname "$f"; done <"$work/own-$1" | sort -u >"$work/own-dirs-$1"
	fi
	printf '%s\n' "$t"
}

status=0
i=0
while IFS="$(printf '\t')" read -r name file; do
	i=$((i + 1))
	start=$(date +%s)
	patch=$(tar -tzf "$file" 2>/dev/null | grep -m1 -E '^(\./)?lab[0-9]+\.patch$')
	lab=$(printf '%s' "$patch" | tr -dc 0-9)
	if [ -z "$lab" ]; then
		echo "$me: [$i/$total] $name: not a hand-in (no labN.patch in $file)" >&2
		row "$name" "" 0 0 "" "not a hand-in: no labN.patch in ${file##*/}"
		status=1
		continue
	fi
	echo "$me: [$i/$total] $name: lab $lab, building and grading ..." >&2
	t=$(template "$lab") || { row "$name" "$lab" 0 0 "" "the handout of lab $lab could not be made"; status=1; continue; }
	tree="$work/tree"
	rm -rf "$tree" "$work/in"
	mkdir -p "$work/in"
	cp -a "$t" "$tree"
	tar -xzf "$file" -C "$work/in" 2>/dev/null
	note=""
	if ! (cd "$tree" && git apply --whitespace=nowarn "$work/in/$patch") >"$work/apply.log" 2>&1; then
		why=$(head -n1 "$work/apply.log")
		echo "$me: [$i/$total] $name: lab $lab: the patch does not apply: $why" >&2
		row "$name" "$lab" 0 0 "" "the patch does not apply: $why"
		continue
	fi
	labdir=$(cd "$tree" && ls -d lessons/"$(printf %02d "$lab")"-*/ | head -n1)
	# changes outside the lab's own files are undone (step 3)
	undone=$(cd "$tree" && git status --porcelain --untracked-files=no | cut -c4- |
		while IFS= read -r f; do
			case $f in
			"$labdir"check|"$labdir"points) echo "$f" ;;
			"$labdir"*) ;;
			*) grep -qxF "$f" "$work/own-$lab" || echo "$f" ;;
			esac
		done)
	if [ -n "$undone" ]; then
		(cd "$tree" && printf '%s\n' "$undone" | xargs -d '\n' git checkout HEAD -- )
		note="changes outside the lab undone: $(printf '%s' "$undone" | tr '\n' ' ' | sed 's/ $//')"
	fi
	# new files only beside the lab's own (a helper file, cache.dot): one
	# elsewhere -- a GNUmakefile, a file the build picks up -- is removed
	stray=$(cd "$tree" && git status --porcelain --untracked-files=all | sed -n 's/^?? //p' |
		while IFS= read -r f; do
			case $f in "$labdir"*) continue ;; esac
			grep -qxF "$(dirname "$f")" "$work/own-dirs-$lab" || echo "$f"
		done)
	if [ -n "$stray" ]; then
		(cd "$tree" && printf '%s\n' "$stray" | xargs -d '\n' rm -f --)
		note="${note:+$note; }new files outside the lab removed: $(printf '%s' "$stray" | tr '\n' ' ' | sed 's/ $//')"
	fi
	for a in "$work/in"/answers-lab"$lab".txt "$work/in"/time.txt; do
		[ -f "$a" ] && cp "$a" "$tree/"
	done
	(cd "$tree" && GRADE_RESULTS="$work/results.json" timeout "$timeout" \
		env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u LAB -u SOLUTION -u FILE -u TRAPLAB_BIN \
		tools-build/grade.sh) >"$work/grade.out" 2>&1
	rc=$?
	score=$(sed -n 's/^Score: \([0-9]*\)\/\([0-9]*\)$/\1 \2/p' "$work/grade.out" | tail -n1)
	[ -n "$score" ] || score="0 0"
	failure=$(grep -m1 'build: FAILED' "$work/grade.out" | sed 's/^[[:space:]]*build: //')
	[ "$rc" = 124 ] && note="${note:+$note; }timed out after ${timeout}s"
	checks=$(awk '/^ *[0-9]+  .* [0-9]+\/[0-9]+$/ { k = $1; split($NF, p, "/"); print k "=" p[1] }' \
		"$work/grade.out")
	# shellcheck disable=SC2086
	row "$name" "$lab" ${score% *} ${score#* } "$failure" "$note" $checks
	echo "$me: [$i/$total] $name: lab $lab: ${score% *}/${score#* }${failure:+ (build failed)}" \
		"($(( $(date +%s) - start ))s)" >&2
done <"$work/list"

# ---- the CSV: one column per check number, up to the largest any row has ----------------
awk -F '\t' -v OFS=, '
{ line[NR] = $0; for (i = 7; i <= NF; i++) { split($i, kv, "="); if (kv[1] + 0 > K) K = kv[1] + 0 } }
END {
	printf "name,lab,score,max_score,build_failure,note"
	for (k = 1; k <= K; k++) printf ",check %d", k
	printf "\n"
	for (r = 1; r <= NR; r++) {
		n = split(line[r], f, "\t")
		delete got
		for (i = 7; i <= n; i++) { split(f[i], kv, "="); got[kv[1] + 0] = kv[2] }
		printf "%s,%s,%s,%s,%s,%s", f[1], f[2], f[3], f[4], f[5], f[6]
		for (k = 1; k <= K; k++) printf ",%s", (k in got) ? got[k] : ""
		printf "\n"
	}
}' "$rows" >"$out"
echo "$me: wrote $out ($total row(s))" >&2
exit $status
