; nohandler.s — a trap with tvec = 0 stops the machine.
; SPEC §6.4 ("If tvec = 0 when a trap happens, there is no handler: the
; machine stops and reports the cause, the PC and the instruction (traplab
; run prints them and exits with status 81)"), §11.1 (tvec = 0 at reset).
; Expected: the checks below print "ok", then `div` by zero with tvec = 0
; stops the machine: exit status 81, nothing after it runs.
        .include "spec.inc"

main:
        mfcr  r1, tvec
        la    r2, spec_trap
        la    r3, s_tvec
        call  check
        call  clear
        li    r5, 1
        divu  r5, r5, zero
        ldw   r1, T_CAUSE(zero)
        li    r2, C_DIVIDE
        la    r3, s_handled
        call  check

        mtcr  tvec, zero
        li    r5, 7
stop:   div   r5, r5, zero              ; DIVIDE with no handler: the end
        la    r3, s_after
        li    r1, 1
        li    r2, 0
        call  check                     ; never reached
        b     finish

s_tvec:    .asciz "tvec holds the handler while it is set"
s_handled: .asciz "with a handler, DIVIDE reaches it"
s_after:   .asciz "execution went on after a trap with tvec = 0"
