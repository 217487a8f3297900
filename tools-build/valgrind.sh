#!/bin/sh
# tools-build/valgrind.sh BUILD — `make valgrind` (issue 15): Valgrind's
# memcheck over the suites of the PG32 machine and the monitor, the test
# runner and every traplab it starts alike (TRAPLAB_BIN is a wrapper that
# runs the real one under memcheck).  Any error, or a definite leak, is a
# failure: memcheck's exit status 99 makes the runner's test fail, and the
# runner's own makes this script fail.  Too slow for CI (~20x; about half an
# hour on 2 cores): run it before a release.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=$(cd "${1:-build}" && pwd)
memcheck="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite"
mkdir -p "$build/valgrind"
wrapper=$build/valgrind/traplab
printf '#!/bin/sh\nexec %s %s "$@"\n' "$memcheck" "$build/traplab" > "$wrapper"
chmod +x "$wrapper"
# the runner waits 20 times longer for a program that runs 20 times slower
TRAPLAB_TEST_SLOWDOWN=20 TRAPLAB_TOP="$top" TRAPLAB_BIN="$wrapper" \
	$memcheck "$build/tests/run-tests" \
	"isa: assembler" "isa: assembler errors" "isa: disassembler" "isa: round trip" \
	"machine: memory" "machine: privilege" "machine: semantics" "machine: timer" \
	"machine: traps" "machine: the TLB is invisible" \
	"guests: hello" "guests: minios" \
	"monitor: trap-and-emulate" "monitor: equivalence" "monitor: binary translation" \
	"monitor: paravirtualization" "monitor: nested VMM (Theorem 2, D11)" \
	"monitor: tables written once" "monitor: explain" "monitor: differential fuzzing" \
	"spec: guests written from isa/SPEC.md" "runner: watchdog and last lines"
