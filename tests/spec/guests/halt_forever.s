; halt_forever.s — halt with nothing that can wake the machine.
; SPEC §10.2 ("Otherwise, if IE = 0 or the timer is stopped, nothing can
; ever wake the machine: it stops and reports "halted forever" (traplab run
; exits with status 83)").  Expected: "ok" lines, then exit status 83.
        .include "spec.inc"

main:
        in    r1, TIMER_COUNT
        li    r2, 0
        la    r3, s_stopped
        call  check
        in    r1, TIMER_ACK
        li    r2, 0
        la    r3, s_nothing
        call  check
        ei                              ; IE = 1, but the timer is stopped
        halt
        di
        la    r3, s_after
        li    r1, 1
        li    r2, 0
        call  check                     ; never reached
        b     finish

s_stopped: .asciz "the timer is stopped"
s_nothing: .asciz "no interrupt is pending"
s_after:   .asciz "execution went on after halting forever"
