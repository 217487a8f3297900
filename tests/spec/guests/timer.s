; timer.s — the interval timer counts retired instructions, exactly.
; SPEC §10.2 (with interval I the interrupt becomes pending when the I-th
; instruction after the `out` retires; the count reloads with I; pending
; stays until TIMER_ACK is written; writing TIMER_INTERVAL does not change
; pending; TIMER_COUNT = retired instructions left, 0 when stopped), §6.3
; (taken before an instruction when IE = 1; a handler that returns without
; acknowledging is interrupted again at once; a pending interrupt is taken
; right after `ei` retires), §6.1 (TIMER = 16, epc = the next instruction
; to run), §12 (sys, brk and hcall retire; a faulting instruction does not;
; taking an interrupt retires nothing).
        .include "spec.inc"
        .include "timer.inc"

main:
        la    r1, timer_handler
        mtcr  tvec, r1

        ; 1: the exact instruction the interrupt lands before
        call  timer_reset
        cmpi  zero, 0                   ; Z, for epsw
        ei
        li    r1, 5
        out   TIMER_INTERVAL, r1
        addi  r6, zero, 1               ; 1
        addi  r6, r6, 1                 ; 2
        addi  r6, r6, 1                 ; 3
        addi  r6, r6, 1                 ; 4
        addi  r6, r6, 1                 ; 5: pending when this retires
t1_int: addi  r6, r6, 1                 ; the interrupt comes before this
        addi  r6, r6, 1
        di
        ldw   r1, TH_N(zero)
        li    r2, 1
        la    r3, s_t1_n
        call  check
        ldw   r1, TH_LOG(zero)
        la    r2, t1_int
        la    r3, s_t1_epc
        call  check
        ldw   r1, TH_R6(zero)
        li    r2, 5
        la    r3, s_t1_r6
        call  check
        ldw   r1, TH_CAUSE(zero)
        li    r2, C_TIMER
        la    r3, s_t1_cause
        call  check
        ldw   r1, TH_EPSW(zero)
        li    r2, PSW_S | PSW_IE | PSW_Z
        la    r3, s_t1_epsw
        call  check
        ldw   r1, TH_CNT(zero)
        li    r2, 5
        la    r3, s_t1_cnt
        call  check
        mov   r1, r6
        li    r2, 7
        la    r3, s_t1_flow
        call  check

        ; 2: TIMER_COUNT counts retired instructions down; 0 when stopped
        li    r1, 100
        out   TIMER_INTERVAL, r1
        nop
        nop
        nop
        in    r5, TIMER_COUNT
        out   TIMER_INTERVAL, zero
        in    r6, TIMER_COUNT
        mov   r1, r5
        li    r2, 97
        la    r3, s_t2_count
        call  check
        mov   r1, r6
        li    r2, 0
        la    r3, s_t2_stopped
        call  check

        ; 3: with IE = 0 the interrupt stays pending; the count reloads;
        ;    writing the interval keeps pending; ei takes it at once
        call  timer_reset
        li    r1, 4
        out   TIMER_INTERVAL, r1
        nop
        nop
        nop
        nop                             ; 4th: pending, count reloads to 4
        in    r5, TIMER_COUNT
        in    r6, TIMER_ACK
        out   TIMER_INTERVAL, zero
        in    r7, TIMER_ACK
        mov   r1, r5
        li    r2, 4
        la    r3, s_t3_reload
        call  check
        mov   r1, r6
        li    r2, 1
        la    r3, s_t3_pending
        call  check
        mov   r1, r7
        li    r2, 1
        la    r3, s_t3_kept
        call  check
        ldw   r1, TH_N(zero)
        li    r2, 0
        la    r3, s_t3_masked
        call  check
        ei
t3_after:
        nop
        di
        ldw   r1, TH_LOG(zero)
        la    r2, t3_after
        la    r3, s_t3_ei
        call  check
        in    r1, TIMER_ACK
        li    r2, 0
        la    r3, s_t3_acked
        call  check

        ; 4: a handler that does not acknowledge is entered again at once
        call  timer_reset
        li    r1, 1
        stw   r1, TH_NOACK(zero)
        ei
        li    r1, 3
        out   TIMER_INTERVAL, r1
        nop
        nop
        nop
t4_int: nop
        di
        ldw   r1, TH_N(zero)
        li    r2, 2
        la    r3, s_t4_n
        call  check
        ldw   r1, TH_LOG(zero)
        la    r2, t4_int
        la    r3, s_t4_epc1
        call  check
        ldw   r1, TH_LOG + 4(zero)
        la    r2, t4_int
        la    r3, s_t4_epc2
        call  check

        ; 5: di masks; TIMER_ACK clears pending
        call  timer_reset
        ei
        di
        li    r1, 2
        out   TIMER_INTERVAL, r1
        nop
        nop
        nop
        out   TIMER_INTERVAL, zero
        in    r5, TIMER_ACK
        out   TIMER_ACK, r5
        in    r6, TIMER_ACK
        ldw   r1, TH_N(zero)
        li    r2, 0
        la    r3, s_t5_di
        call  check
        mov   r1, r5
        li    r2, 1
        la    r3, s_t5_pending
        call  check
        mov   r1, r6
        li    r2, 0
        la    r3, s_t5_ack
        call  check

        ; 6: sys, brk, hcall retire; faulting instructions do not.  A
        ;    four-instruction handler steps over each trap.
        la    r1, step_handler
        mtcr  tvec, r1
        li    r1, 1000
        out   TIMER_INTERVAL, r1
        sys                             ; 1 + 4
        brk                             ; 1 + 4
        hcall                           ; 1 + 4
        ldw   r5, 1(zero)               ; 0 + 4 (MISALIGNED)
        divu  r5, r5, zero              ; 0 + 4 (DIVIDE)
        .word 0                         ; 0 + 4 (ILLEGAL)
        in    r5, TIMER_COUNT
        out   TIMER_INTERVAL, zero
        la    r1, timer_handler
        mtcr  tvec, r1
        mov   r1, r5
        li    r2, 1000 - 27
        la    r3, s_t6_retire
        call  check

        ; 7: an interrupt in a loop lands at the same instruction every time
        call  timer_reset
        li    r6, 0
        ei
        li    r1, 50
        out   TIMER_INTERVAL, r1
t7_loop:
        addi  r6, r6, 1
        cmpi  r6, 1000
t7_blt: blt   t7_loop
        di
        ldw   r1, TH_LOG(zero)
        la    r2, t7_blt
        la    r3, s_t7_epc
        call  check
        ldw   r1, TH_R6(zero)
        li    r2, 17
        la    r3, s_t7_r6
        call  check
        mov   r1, r6
        li    r2, 1000
        la    r3, s_t7_done
        call  check

        b     finish

step_handler:
        mfcr  r13, epc
        addi  r13, r13, 4
        mtcr  epc, r13
        rti

s_t1_n:       .asciz "interval 5: one interrupt"
s_t1_epc:     .asciz "interval 5: taken before the 6th instruction after the out"
s_t1_r6:      .asciz "interval 5: exactly 5 instructions ran before it"
s_t1_cause:   .asciz "cause TIMER"
s_t1_epsw:    .asciz "epsw = S IE and the flags"
s_t1_cnt:     .asciz "taking the interrupt retires nothing (count = interval)"
s_t1_flow:    .asciz "the interrupted code resumed where it was"
s_t2_count:   .asciz "TIMER_COUNT after 3 retired instructions: 97"
s_t2_stopped: .asciz "TIMER_COUNT reads 0 when stopped"
s_t3_reload:  .asciz "the count reloads with the interval at expiry"
s_t3_pending: .asciz "with IE = 0 the interrupt is pending (TIMER_ACK reads 1)"
s_t3_kept:    .asciz "writing TIMER_INTERVAL does not clear pending"
s_t3_masked:  .asciz "with IE = 0 no interrupt is taken"
s_t3_ei:      .asciz "a pending interrupt is taken right after ei retires"
s_t3_acked:   .asciz "the handler's TIMER_ACK cleared pending"
s_t4_n:       .asciz "no acknowledge: the handler is entered again"
s_t4_epc1:    .asciz "no acknowledge: first entry's epc"
s_t4_epc2:    .asciz "no acknowledge: second entry at once, same epc"
s_t5_di:      .asciz "after di no interrupt is taken"
s_t5_pending: .asciz "after di the interrupt is pending"
s_t5_ack:     .asciz "writing TIMER_ACK clears pending"
s_t6_retire:  .asciz "sys/brk/hcall retire, faulting instructions do not"
s_t7_epc:     .asciz "interval 50 in a loop: epc is the 17th blt"
s_t7_r6:      .asciz "interval 50 in a loop: after 16 2/3 iterations"
s_t7_done:    .asciz "the loop ran to its end"
