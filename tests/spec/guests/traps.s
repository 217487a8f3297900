; traps.s — every synchronous trap cause, with epc, epsw, cause, badaddr.
; SPEC §6.1 (codes; epc = the trapping instruction; badaddr unchanged by
; SYSCALL, PRIVILEGED, ILLEGAL, BREAKPOINT, DIVIDE, HYPERCALL), §6.2 (epc,
; epsw, cause; S = 1, IE = 0, flags kept; PC = tvec; with paging off the
; handler runs unrelocated), §6.4 (a trap inside a handler overwrites
; epc/epsw), §8.4 (sys, brk, hcall trap in both modes; on the bare machine
; hcall traps to the guest's own vector).
; User code runs under rbase = 0x10000, rbound = 0x1000.
        .include "spec.inc"

        .equ UBASE, 0x10000
        .equ USIZE, 0x1000
        .equ N_EPSW1, 0x7e04
        .equ N_EPSW2, 0x7e08
        .equ N_EPC2,  0x7e0c
        .equ N_CAUSE2, 0x7e10
        .equ N_EPC_AFTER, 0x7e14
        .equ N_EPC1,  0x7e18

main:
; ---- supervisor mode ----------------------------------------------------------
        call  clear
        li    r5, 1
        cmpi  r5, 1                     ; Z
t_sys:  sys
        li    r1, C_SYSCALL
        la    r2, t_sys
        li    r4, SENTINEL
        la    r3, s_sys
        call  check_trap
        ldw   r1, T_EPSW(zero)
        li    r2, PSW_S | PSW_Z
        la    r3, s_sys_epsw
        call  check

        call  clear
t_brk:  brk
        li    r1, C_BREAKPOINT
        la    r2, t_brk
        li    r4, SENTINEL
        la    r3, s_brk
        call  check_trap

        call  clear
        li    r1, 8                     ; a valid hypercall number: still a trap here
        li    r5, 0x12345678
t_hcall: hcall
        mov   r6, r1
        li    r1, C_HYPERCALL
        la    r2, t_hcall
        li    r4, SENTINEL
        la    r3, s_hcall
        call  check_trap
        mov   r1, r6
        li    r2, 8
        la    r3, s_hcall_r1
        call  check

        call  clear
t_ill:  .word 0
        li    r1, C_ILLEGAL
        la    r2, t_ill
        li    r4, SENTINEL
        la    r3, s_ill
        call  check_trap

        ; a memory fault sets badaddr; a later sys leaves it alone
        call  clear
        li    r5, MEM_SIZE
        ldw   r6, 0(r5)
        stw   zero, T_COUNT(zero)
        sys
        ldw   r1, T_BADADDR(zero)
        li    r2, MEM_SIZE
        la    r3, s_bad_kept
        call  check

; ---- inside a handler: S = 1, IE = 0, flags kept; a nested trap overwrites
        la    r1, nest_handler
        mtcr  tvec, r1
        ei                              ; the timer is stopped: nothing pending
        li    r5, 3
        cmpi  r5, 5                     ; N C
t_outer: sys
        di
        la    r1, spec_trap
        mtcr  tvec, r1
        ldw   r1, N_EPSW1(zero)
        li    r2, PSW_S | PSW_IE | PSW_N | PSW_C
        la    r3, s_outer_epsw
        call  check
        ldw   r1, N_EPSW2(zero)
        li    r2, PSW_S | PSW_N | PSW_C
        la    r3, s_inner_epsw
        call  check
        ldw   r1, N_CAUSE2(zero)
        li    r2, C_BREAKPOINT
        la    r3, s_inner_cause
        call  check
        ldw   r1, N_EPC2(zero)
        la    r2, nest_brk
        la    r3, s_inner_epc
        call  check
        ldw   r1, N_EPC_AFTER(zero)
        la    r2, nest_brk + 4
        la    r3, s_overwritten
        call  check
        ldw   r1, N_EPC1(zero)
        la    r2, t_outer
        la    r3, s_outer_epc
        call  check

; ---- user mode -----------------------------------------------------------------
        li    r1, UBASE
        mtcr  rbase, r1
        li    r1, USIZE
        mtcr  rbound, r1

        li    r1, u_sys - user
        li    r2, 0
        call  run_user
        li    r1, C_SYSCALL
        li    r2, u_sys_at - user
        li    r4, SENTINEL
        la    r3, s_u_sys
        call  check_trap
        ldw   r1, T_EPSW(zero)
        li    r2, PSW_N | PSW_C         ; user mode, IE = 0, the user's flags
        la    r3, s_u_sys_epsw
        call  check

        li    r1, u_brk - user
        li    r2, PSW_IE                ; user mode with interrupts on
        call  run_user
        li    r1, C_BREAKPOINT
        li    r2, u_brk - user
        li    r4, SENTINEL
        la    r3, s_u_brk
        call  check_trap
        ldw   r1, T_EPSW(zero)
        li    r2, PSW_IE
        la    r3, s_u_brk_epsw
        call  check

        li    r1, u_hcall - user
        li    r2, 0
        call  run_user
        li    r1, C_HYPERCALL
        li    r2, u_hcall - user
        li    r4, SENTINEL
        la    r3, s_u_hcall
        call  check_trap

        li    r1, u_priv - user
        li    r2, 0
        call  run_user
        li    r1, C_PRIVILEGED
        li    r2, u_priv - user
        li    r4, SENTINEL
        la    r3, s_u_priv
        call  check_trap

        li    r1, u_ill - user
        li    r2, 0
        call  run_user
        li    r1, C_ILLEGAL
        li    r2, u_ill - user
        li    r4, SENTINEL
        la    r3, s_u_ill
        call  check_trap

        li    r1, u_div - user
        li    r2, 0
        call  run_user
        li    r1, C_DIVIDE
        li    r2, u_div_at - user
        li    r4, SENTINEL
        la    r3, s_u_div
        call  check_trap

        li    r1, u_mem - user
        li    r2, 0
        call  run_user
        li    r1, C_MEMORY | A_STORE
        li    r2, u_mem - user
        li    r4, USIZE + 8
        la    r3, s_u_mem
        call  check_trap

        li    r1, u_mis - user
        li    r2, 0
        call  run_user
        li    r1, C_MISALIGNED | A_LOAD
        li    r2, u_mis - user
        li    r4, 0x102
        la    r3, s_u_mis
        call  check_trap

        b     finish

; nest_handler: the outer trap records epsw, points tvec at nest_inner and
; traps again with brk — without touching the flags first.
nest_handler:
        mfcr  r13, epsw
        stw   r13, N_EPSW1(zero)
        mfcr  r13, epc
        stw   r13, N_EPC1(zero)
        la    r13, nest_inner
        mtcr  tvec, r13
nest_brk:
        brk
        mfcr  r13, epc                  ; the inner trap's, advanced by it
        stw   r13, N_EPC_AFTER(zero)
        ldw   r13, N_EPC1(zero)
        addi  r13, r13, 4
        mtcr  epc, r13
        ldw   r13, N_EPSW1(zero)
        mtcr  epsw, r13
        rti
nest_inner:
        mfcr  r13, epsw
        stw   r13, N_EPSW2(zero)
        mfcr  r13, epc
        stw   r13, N_EPC2(zero)
        mfcr  r13, cause
        stw   r13, N_CAUSE2(zero)
        mfcr  r13, epc
        addi  r13, r13, 4
        mtcr  epc, r13
        rti

s_sys:        .asciz "sys: SYSCALL, epc = the sys, badaddr unchanged"
s_sys_epsw:   .asciz "sys: epsw = the PSW (S, Z)"
s_brk:        .asciz "brk: BREAKPOINT"
s_hcall:      .asciz "hcall on the bare machine: HYPERCALL to the guest's vector"
s_hcall_r1:   .asciz "hcall trap leaves r1 alone"
s_ill:        .asciz "the all-zero word: ILLEGAL"
s_bad_kept:   .asciz "sys after a MEMORY fault leaves badaddr alone"
s_outer_epsw: .asciz "outer trap: epsw = S IE N C"
s_inner_epsw: .asciz "in a handler: S = 1, IE = 0, flags kept"
s_inner_cause: .asciz "trap in a handler: cause BREAKPOINT"
s_inner_epc:  .asciz "trap in a handler: epc = the brk"
s_overwritten: .asciz "trap in a handler overwrote epc"
s_outer_epc:  .asciz "outer trap: epc = the sys"
s_u_sys:      .asciz "user sys: SYSCALL, epc virtual"
s_u_sys_epsw: .asciz "user sys: epsw = user, IE 0, the user's flags"
s_u_brk:      .asciz "user brk: BREAKPOINT"
s_u_brk_epsw: .asciz "user brk with IE = 1: epsw = IE"
s_u_hcall:    .asciz "user hcall: HYPERCALL"
s_u_priv:     .asciz "user di: PRIVILEGED"
s_u_ill:      .asciz "user illegal word: ILLEGAL"
s_u_div:      .asciz "user divu by zero: DIVIDE"
s_u_mem:      .asciz "user store beyond rbound: MEMORY, badaddr virtual"
s_u_mis:      .asciz "user misaligned load: MISALIGNED, badaddr virtual"

; ---- the user program, at physical UBASE = virtual 0 ----------------------------
        .org  UBASE
user:
u_sys:  li    r5, 3
        cmpi  r5, 5                     ; N C
u_sys_at:
        sys
u_brk:  brk
u_hcall: hcall
u_priv: di
u_ill:  .word 0xff000000
u_div:  li    r5, 1
u_div_at:
        divu  r5, r5, zero
u_mem:  stw   r5, USIZE + 8(zero)
u_mis:  ldw   r5, 0x102(zero)
