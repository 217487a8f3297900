; timer_user.s — timer interrupts while user code runs under relocation.
; SPEC §10.2 (interval counts retired instructions: the rti that enters
; user mode is the first), §6.1 (TIMER: epc = the next instruction to run,
; virtual), §6.2 (epsw = the user PSW with IE and its flags; the handler
; runs unrelocated), §6.3 (IE = 0 in user mode: pending, not taken).
        .include "spec.inc"
        .include "timer.inc"

        .equ UBASE, 0x10000

main:
        la    r1, timer_handler
        mtcr  tvec, r1
        li    r1, UBASE
        mtcr  rbase, r1
        li    r1, 0x1000
        mtcr  rbound, r1

        ; 1: interval 10 from the out: rti (1), then the user loop
        ;    addi/cmpi/blt x 3 (2..10): taken before the 4th addi
        call  timer_reset
        li    r6, 0
        la    r1, back1
        stw   r1, T_RESUME(zero)        ; the user's final sys comes back here
        stw   zero, T_COUNT(zero)
        li    r1, u_loop - user
        mtcr  epc, r1
        li    r1, PSW_IE
        mtcr  epsw, r1
        li    r1, 10
        out   TIMER_INTERVAL, r1
        rti
back1:  ldw   r1, TH_N(zero)
        li    r2, 1
        la    r3, s_n
        call  check
        ldw   r1, TH_LOG(zero)
        li    r2, u_loop - user
        la    r3, s_epc
        call  check
        ldw   r1, TH_R6(zero)
        li    r2, 3
        la    r3, s_r6
        call  check
        ldw   r1, TH_EPSW(zero)
        li    r2, PSW_IE | PSW_N | PSW_C
        la    r3, s_epsw
        call  check
        ldw   r1, T_CAUSE(zero)
        li    r2, C_SYSCALL
        la    r3, s_resumed
        call  check
        mov   r1, r6
        li    r2, 1000
        la    r3, s_done
        call  check

        ; 2: interval 5: the rti, then addi/cmpi/blt/addi: before a cmpi
        call  timer_reset
        li    r6, 0
        la    r1, back2
        stw   r1, T_RESUME(zero)
        li    r1, u_loop - user
        mtcr  epc, r1
        li    r1, PSW_IE
        mtcr  epsw, r1
        li    r1, 5
        out   TIMER_INTERVAL, r1
        rti
back2:  ldw   r1, TH_LOG(zero)
        li    r2, u_cmpi - user
        la    r3, s_epc2
        call  check
        ldw   r1, TH_R6(zero)
        li    r2, 2
        la    r3, s_r62
        call  check

        ; 3: user mode with IE = 0: the interrupt stays pending
        call  timer_reset
        li    r6, 0
        la    r1, back3
        stw   r1, T_RESUME(zero)
        li    r1, u_loop - user
        mtcr  epc, r1
        mtcr  epsw, zero
        li    r1, 10
        out   TIMER_INTERVAL, r1
        rti
back3:  out   TIMER_INTERVAL, zero
        in    r5, TIMER_ACK
        out   TIMER_ACK, zero
        ldw   r1, TH_N(zero)
        li    r2, 0
        la    r3, s_masked
        call  check
        mov   r1, r5
        li    r2, 1
        la    r3, s_pending
        call  check

        b     finish

s_n:       .asciz "user: one timer interrupt"
s_epc:     .asciz "user: epc is the loop head after the third blt (virtual)"
s_r6:      .asciz "user: three iterations ran before it"
s_epsw:    .asciz "user: epsw = user, IE, the loop's flags"
s_resumed: .asciz "user: the loop resumed and ended with its sys"
s_done:    .asciz "user: the loop ran to its end"
s_epc2:    .asciz "user: interval 5 lands before the second cmpi"
s_r62:     .asciz "user: interval 5 after two additions"
s_masked:  .asciz "user with IE = 0: no interrupt taken"
s_pending: .asciz "user with IE = 0: the interrupt is pending"

        .org  UBASE
user:
u_loop: addi  r6, r6, 1
u_cmpi: cmpi  r6, 1000
        blt   u_loop
        sys
