; holes_kernel.s — rdpsw, wrpsw and srr executed by the kernel (supervisor
; mode), where they do the same on every variant.
; SPEC §8.5 (rdpsw: rd := psw; wrpsw: psw := rs — S, IE and the flags;
; writing S = 0 enters user mode at the next instruction; srr: ptbr if
; mmu.PG else rbase), §3.2 (unwritable PSW bits read as 0), §6.3 (an
; interrupt pending when IE becomes 1 is taken before the next
; instruction), §9.2 (on legacy these three are the holes: a trap-and-emulate
; monitor runs them in real user mode and gets them wrong, so on legacy
; this guest is expected NOT equivalent under trap; a hybrid monitor or
; binary translation handles the kernel's code and stays equivalent).
        .include "spec.inc"
        .include "timer.inc"
        .include "paging.inc"

main:
        li    r5, 3
        cmpi  r5, 5                     ; N C
        rdpsw r1
        li    r2, PSW_S | PSW_N | PSW_C
        la    r3, s_rdpsw
        call  check

        ei
        li    r5, 3
        cmpi  r5, 5
        rdpsw r6
        di
        mov   r1, r6
        li    r2, PSW_S | PSW_IE | PSW_N | PSW_C
        la    r3, s_rdpsw_ie
        call  check

        li    r5, PSW_S | PSW_Z | PSW_V
        wrpsw r5
        rdpsw r6
        li    r7, 0
        beq   w_z
        li    r7, 1
w_z:    mov   r1, r6
        li    r2, PSW_S | PSW_Z | PSW_V
        la    r3, s_wrpsw
        call  check
        mov   r1, r7
        li    r2, 0
        la    r3, s_wrpsw_beq
        call  check

        li    r5, 0xffffff0d            ; S, bits 2 and 3, bits 8..31
        wrpsw r5
        rdpsw r1
        li    r2, PSW_S
        la    r3, s_wrpsw_drop
        call  check

        ; wrpsw turning IE on with an interrupt pending: taken at once
        la    r1, timer_handler
        mtcr  tvec, r1
        call  timer_reset
        li    r1, 1
        out   TIMER_INTERVAL, r1
        nop                             ; pending
        out   TIMER_INTERVAL, zero
        li    r5, PSW_S | PSW_IE
        wrpsw r5
w_after:
        nop
        di
        la    r1, spec_trap
        mtcr  tvec, r1
        ldw   r1, TH_N(zero)
        li    r2, 1
        la    r3, s_wrpsw_ie
        call  check
        ldw   r1, TH_LOG(zero)
        la    r2, w_after
        la    r3, s_wrpsw_ie_epc
        call  check

        ; wrpsw with S = 0: the next instruction runs in user mode
        mtcr  rbase, zero
        li    r1, 0x8000
        mtcr  rbound, r1
        la    r1, w_back
        call  arm
        li    r5, PSW_Z
        wrpsw r5
w_user: di                              ; user mode now: PRIVILEGED
w_back: li    r1, C_PRIVILEGED
        la    r2, w_user
        li    r4, SENTINEL
        la    r3, s_wrpsw_user
        call  check_trap
        ldw   r1, T_EPSW(zero)
        li    r2, PSW_Z
        la    r3, s_wrpsw_user_psw
        call  check

        ; srr: rbase with paging off, ptbr with paging on
        li    r1, 0x12340
        mtcr  rbase, r1
        srr   r1
        li    r2, 0x12340
        la    r3, s_srr_rbase
        call  check
        call  paging_setup
        call  paging_on
        srr   r1
        li    r2, PT_L1
        la    r3, s_srr_ptbr
        call  check
        mtcr  mmu, zero

        b     finish

s_rdpsw:          .asciz "kernel rdpsw reads S and the flags"
s_rdpsw_ie:       .asciz "kernel rdpsw reads IE after ei"
s_wrpsw:          .asciz "kernel wrpsw writes S and the flags"
s_wrpsw_beq:      .asciz "kernel wrpsw's Z flag steers beq"
s_wrpsw_drop:     .asciz "kernel wrpsw drops bits 2, 3 and 8-31"
s_wrpsw_ie:       .asciz "kernel wrpsw setting IE takes a pending interrupt"
s_wrpsw_ie_epc:   .asciz "... right after the wrpsw"
s_wrpsw_user:     .asciz "kernel wrpsw with S = 0: the next instruction is user mode"
s_wrpsw_user_psw: .asciz "... with the flags wrpsw wrote"
s_srr_rbase:      .asciz "kernel srr with paging off reads rbase"
s_srr_ptbr:       .asciz "kernel srr with paging on reads ptbr"
