; trapstorm.s — a trap vector that itself faults: 64 traps in a row with
; no instruction retired stop the machine with a "trap storm" report.
; SPEC §6.4 ("if it retires none — tvec itself points at memory that
; faults — the machine stops after 64 traps in a row with no instruction
; retired and reports a trap storm naming tvec (traplab run exits with
; status 81)"), §5.1 (the fetch at tvec = q faults with MEMORY).
; Expected: "ok" lines, then exit status 81 and a report naming the storm.
        .include "spec.inc"

main:
        call  clear
        sys
        ldw   r1, T_CAUSE(zero)
        li    r2, C_SYSCALL
        la    r3, s_before
        call  check

        li    r1, MEM_SIZE
        mtcr  tvec, r1
        sys                             ; -> fetch at q faults -> at q ...
        la    r3, s_after
        li    r1, 1
        li    r2, 0
        call  check                     ; never reached
        b     finish

s_before:  .asciz "the handler works before tvec is pointed at q"
s_after:   .asciz "execution went on after the trap storm"
