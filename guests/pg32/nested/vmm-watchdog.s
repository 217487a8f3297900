; vmm-watchdog.s — vmm.s with a timing dependency: the demonstration that
; Theorem 2 needs a monitor WITHOUT one (REFERENCES §2 D11, SPEC §9.3).
;
;   build/traplab run guests/pg32/nested/vmm-watchdog.s             (exits with 0xe4 = 228)
;   build/traplab run --mode=trap guests/pg32/nested/vmm-watchdog.s (the same)
;
; The VMM is vmm.s, word for word, plus a watchdog: before it first enters
; the guest it programs the REAL interval timer with WATCHDOG_SLICE, lets the
; timer interrupt in while the guest runs (real IE = 1), and if the interrupt
; arrives it prints "vmm: watchdog: ..." and powers off with
; VMM_EXIT_WATCHDOG.  Its author meant "the guest may run WATCHDOG_SLICE
; instructions" — more than twice what guest-alone.s retires on bare
; (about 4300), so a well-behaved guest should never meet the watchdog.
;
; But the real timer counts what the real machine retires (SPEC §10.2), and
; that includes the VMM's own work: every `out` of the guest costs the VMM
; some 85 instructions of saving, decoding and restoring.  The slice runs out
; a few lines into the guest's output, and the guest's behaviour — what it
; prints, how it ends — is no longer what it is on bare.  The VMM's decision
; depends on time, which is exactly what Popek and Goldberg's equivalence
; leaves out ("identical except for timing"), so a VMM that depends on it
; cannot promise its guests equivalence, at any depth.
;
; Note where the divergence is: between this VMM's guest and guest-alone.s.
; TrapLab's own monitor virtualizes the timer in *guest* instructions
; (monitor/vmm/vm.c), so this VMM, as a guest of TrapLab, behaves the same at
; depth 2 as at depth 1 — `traplab equiv` calls it equivalent — it is its
; own guest that it fails.  tests/monitor/test_nested.c checks both.

        .equ WATCHDOG,       1
        .equ WATCHDOG_SLICE, 10000      ; "instructions of my guest" (it counts mine too)

        .include "vmm.s"
