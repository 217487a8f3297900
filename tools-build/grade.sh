#!/usr/bin/env bash
# NAME
#     grade.sh - build the tree, run a lab's checker, score it (make grade)
#
# SYNOPSIS
#     tools-build/grade.sh            in a handout tree: the lab in .handout-lab
#     LAB=N tools-build/grade.sh      any lab (make grade LAB=N)
#     LAB=N SOLUTION=1 ...            the lab's reference solution (solution/<the
#                                     starter's file name>), in the source tree
#     LAB=N FILE=path ...             the checker's input, instead of its default
#
# DESCRIPTION
#     Builds the tree (`make`, quietly; a failure is one line and score 0),
#     runs lessons/NN-*/check and turns each of its "ok   N  what" / "FAIL N
#     what: ... -- hint" lines (the one protocol of every checker; any other
#     line is commentary, shown under a failure) into one line with points.
#     Points come from lessons/NN-*/points, lines "N POINTS [NAME]" (# starts
#     a comment; NAME overrides the check's name); a check it does not list is
#     worth 1, and a check it lists that the checker never printed (it stopped
#     early) scores 0.
#     Then "Score: P/T".  Also writes grade-results.json at the top of the tree
#     (Gradescope's fields: score, max_score, tests[name, score, max_score,
#     output]).
#
# ENVIRONMENT
#     MAKE           the make program (default: make)
#     GRADE_RESULTS  where to write the JSON (default: TOP/grade-results.json)
#     TRAPLAB_BIN    an already-built traplab for the checker: the tree is then
#                    not built (said in one line); for labs whose work is not in
#                    C (the tests grade handouts with the source tree's program)
#
# EXIT STATUS
#     0 full marks; 1 anything less; 2 usage error (no such lab)

set -u
me="grade"
top=$(cd "$(dirname "$0")/.." && pwd)
lab=${LAB:-}
if [ -z "$lab" ] && [ -f "$top/.handout-lab" ]; then
	lab=$(tr -dc 0-9 <"$top/.handout-lab")
fi
case $lab in
'') echo "$me: say which lab: make grade LAB=N (a handout tree says it in .handout-lab)" >&2; exit 2 ;;
*[!0-9]*) echo "$me: LAB must be a number, not '$lab'" >&2; exit 2 ;;
esac
lab=$((10#$lab))
nn=$(printf %02d "$lab")
labdir=$(cd "$top" && ls -d lessons/"$nn"-*/ 2>/dev/null | head -n1)
labdir=${labdir%/}
if [ -z "$labdir" ] || [ ! -x "$top/$labdir/check" ]; then
	echo "$me: lab $lab has no checker (no lessons/$nn-*/check)" >&2
	exit 2
fi
results=${GRADE_RESULTS:-$top/grade-results.json}
points_file="$top/$labdir/points"
[ -f "$points_file" ] || points_file=/dev/null

file=${FILE:-}
if [ "${SOLUTION:-}" = 1 ] && [ -z "$file" ]; then
	for s in "$top/$labdir"/starter/*; do
		[ -f "$top/$labdir/solution/${s##*/}" ] && { file="$top/$labdir/solution/${s##*/}"; break; }
	done
	if [ -z "$file" ]; then
		echo "$me: lab $lab has no solution/ file named like its starter; give FILE=..." >&2
		exit 2
	fi
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/traplab-grade.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

echo "Lab $lab ($labdir)${file:+: $file}"

# ---- build ---------------------------------------------------------------------------
# MAKEFLAGS from an outer make (LAB=, -j, its jobserver) are not the student's build's.
bin=${TRAPLAB_BIN:-}
if [ -n "$bin" ]; then
	echo "build: skipped (TRAPLAB_BIN=$bin)"
	case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
fi
if [ -n "$bin" ] ||
	(cd "$top" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL ${MAKE:-make} -s -j"$(nproc 2>/dev/null || echo 2)") >"$tmp/build.log" 2>&1; then
	: >"$tmp/check.out"
	(cd "$top" && TRAPLAB_BIN="${bin:-$top/build/traplab}" "$top/$labdir/check" ${file:+"$file"}) \
		>"$tmp/check.out" 2>&1
	rc=$?
	built=1
else
	rc=$?
	built=0
	first=$(grep -m1 -E 'error|Error|\*\*\*' "$tmp/build.log" | cut -c1-200)
	echo "build: FAILED (make exited $rc)${first:+: $first}" >"$tmp/check.out"
fi

# ---- score ---------------------------------------------------------------------------
awk -v built="$built" -v rc="$rc" -v results="$results" -v pf="$points_file" '
function jstr(s,    out, i, c) {
	out = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "\\") out = out "\\\\"
		else if (c == "\"") out = out "\\\""
		else if (c == "\n") out = out "\\n"
		else if (c == "\t") out = out "\\t"
		else if (c == "\r") out = out "\\r"
		else if (c in ctl) out = out sprintf("\\u%04x", ctl[c])
		else out = out c
	}
	return "\"" out "\""
}
function pts(k) { return (k in points) ? points[k] : 1 }
function dots(s, w,    r) { r = s " "; while (length(r) < w) r = r "."; return r }
function shorten(s, w) { return length(s) > w ? substr(s, 1, w - 3) "..." : s }
BEGIN {
	for (i = 1; i < 32; i++) if (i != 9 && i != 10 && i != 13) ctl[sprintf("%c", i)] = i
	ctl[sprintf("%c", 127)] = 127
	while ((getline l < pf) > 0) {
		sub(/#.*/, "", l)
		if (split(l, f, /[ \t]+/) < 1) continue
		if (l ~ /^[ \t]*[0-9]+[ \t]+[0-9]+/) {
			sub(/^[ \t]+/, "", l)
			k = l; sub(/[ \t].*/, "", k); rest = substr(l, length(k) + 1); sub(/^[ \t]+/, "", rest)
			p = rest; sub(/[ \t].*/, "", p); nm = substr(rest, length(p) + 1)
			sub(/^[ \t]+/, "", nm); sub(/[ \t]+$/, "", nm)
			points[k + 0] = p + 0; listed[k + 0] = 1
			if (nm != "") pname[k + 0] = nm
		}
	}
	n = 0; done = 0
}
{ sub(/\r$/, "") }
/^(PASS|FAIL): / && !/^FAIL[ \t]+[0-9]+[ \t]/ { done = 1; next }
done { next }
# the one protocol of every lab checker: "ok   N  what" / "FAIL N  what: why -- hint"
match($0, /^(ok|FAIL)[ \t]+[0-9]+[ \t]+/) {
	head = substr($0, RSTART, RLENGTH); text = substr($0, RSTART + RLENGTH)
	st = head; sub(/[ \t].*/, "", st)
	k = head; sub(/^[A-Za-z]+[ \t]+/, "", k); k += 0
	n++
	num[n] = k; pass[n] = (st == "ok")
	nm = text
	if (!pass[n]) {
		if (index(nm, ": ") > 1) nm = substr(nm, 1, index(nm, ": ") - 1)
		else if (index(nm, " -- ") > 1) nm = substr(nm, 1, index(nm, " -- ") - 1)
	}
	name[n] = (k in pname) ? pname[k] : nm
	seen[k] = 1
	out[n] = st " " text
	next
}
n > 0 && /^[ \t]/ { out[n] = out[n] "\n" $0; next }
{ other = other (other == "" ? "" : "\n") $0 }
END {
	P = 0; T = 0
	if (built == 1 && rc <= 1 && n > 0) {
		# a listed check the checker never printed (it stopped early) scores 0
		for (k in listed) if (!(k in seen)) {
			n++; num[n] = k; pass[n] = 0
			name[n] = (k in pname) ? pname[k] : "check " k
			out[n] = "FAIL did not run: the checker stopped before it"
		}
		for (i = 1; i <= n; i++) {
			got[i] = pass[i] ? pts(num[i]) : 0
			P += got[i]; T += pts(num[i])
			printf "%3d  %s %d/%d\n", num[i], dots(shorten(name[i], 60), 66), got[i], pts(num[i])
			if (!pass[i]) { o = out[i]; gsub(/\n/, "\n       ", o); print "       " o }
		}
	} else {
		# no check ran: the build failed, or the checker could not run
		for (k in points) T += points[k]
		if (T == 0) T = 1
		n = 1; num[1] = 0; got[1] = 0
		name[1] = built == 1 ? "the checker runs" : "the tree builds"
		out[1] = other
		printf "%3s  %s %d/%d\n", "-", dots(name[1], 66), 0, T
		o = other; gsub(/\n/, "\n       ", o); print "       " o
		pts_one = T
	}
	printf "Score: %d/%d\n", P, T
	printf "{\n  \"score\": %d,\n  \"max_score\": %d,\n  \"output\": %s,\n  \"tests\": [", \
		P, T, jstr("Score: " P "/" T) > results
	for (i = 1; i <= n; i++) {
		printf "%s\n    {\"name\": %s, \"score\": %d, \"max_score\": %d, \"output\": %s}", \
			(i > 1 ? "," : ""), jstr((num[i] ? num[i] "  " : "") name[i]), got[i], \
			(pts_one ? pts_one : pts(num[i])), jstr(out[i]) > results
	}
	printf "\n  ]\n}\n" > results
	exit (P == T && T > 0 && n > 0 && built == 1 && rc == 0) ? 0 : 1
}' "$tmp/check.out"
status=$?
echo "(results: $results)"
exit $status
