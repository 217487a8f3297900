; halt.s — halt waits for an interrupt.
; SPEC §10.2 (halt retires, then waits: with IE = 1 and the timer running
; the machine skips to the expiry and takes the interrupt with epc after
; the halt; with an interrupt already pending, halt returns at once whatever
; IE says, and with IE = 0 the interrupt stays pending), §6.3.
        .include "tests/spec/guests/spec.inc"
        .include "tests/spec/guests/timer.inc"

main:
        la    r1, timer_handler
        mtcr  tvec, r1

        ; 1: IE = 1, timer running: wake at the expiry, epc after the halt
        call  timer_reset
        ei
        li    r1, 10
        out   TIMER_INTERVAL, r1
        nop
        halt
h1_after:
        nop
        di
        ldw   r1, TH_N(zero)
        li    r2, 1
        la    r3, s_h1_n
        call  check
        ldw   r1, TH_LOG(zero)
        la    r2, h1_after
        la    r3, s_h1_epc
        call  check
        ldw   r1, TH_CNT(zero)
        li    r2, 10
        la    r3, s_h1_cnt
        call  check

        ; 1b: the same with a long interval
        call  timer_reset
        ei
        li    r1, 100000
        out   TIMER_INTERVAL, r1
        halt
h1b_after:
        di
        ldw   r1, TH_LOG(zero)
        la    r2, h1b_after
        la    r3, s_h1b_epc
        call  check

        ; 2: IE = 0, an interrupt pending, timer stopped: halt returns at once
        call  timer_reset
        li    r1, 2
        out   TIMER_INTERVAL, r1
        nop
        nop
        out   TIMER_INTERVAL, zero
        li    r7, 0
        halt
        li    r7, 1
        in    r5, TIMER_ACK
        out   TIMER_ACK, zero
        mov   r1, r7
        li    r2, 1
        la    r3, s_h2_ret
        call  check
        mov   r1, r5
        li    r2, 1
        la    r3, s_h2_pending
        call  check
        ldw   r1, TH_N(zero)
        li    r2, 0
        la    r3, s_h2_none
        call  check

        ; 3: IE = 0, an interrupt pending, timer still running
        call  timer_reset
        li    r1, 1
        out   TIMER_INTERVAL, r1
        nop
        halt
        out   TIMER_INTERVAL, zero
        in    r5, TIMER_ACK
        out   TIMER_ACK, zero
        mov   r1, r5
        li    r2, 1
        la    r3, s_h3
        call  check
        ldw   r1, TH_N(zero)
        li    r2, 0
        la    r3, s_h3_none
        call  check

        b     finish

s_h1_n:       .asciz "halt with IE = 1 and the timer running: one interrupt"
s_h1_epc:     .asciz "halt: the interrupt's epc is after the halt"
s_h1_cnt:     .asciz "halt: the count reloaded at the expiry"
s_h1b_epc:    .asciz "halt with interval 100000: epc after the halt"
s_h2_ret:     .asciz "halt with IE = 0 and an interrupt pending returns"
s_h2_pending: .asciz "halt with IE = 0: the interrupt stays pending"
s_h2_none:    .asciz "halt with IE = 0: no interrupt taken"
s_h3:         .asciz "halt with IE = 0, timer running, pending: returns"
s_h3_none:    .asciz "halt with IE = 0, timer running: no interrupt taken"
