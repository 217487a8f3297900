; rti.s — return from trap: PC := epc, PSW := epsw (unwritable bits dropped).
; SPEC §6.2 (rti undoes the switch), §3.2 (PSW bits 2, 3 and 8-31 read as
; zero and ignore writes), §4 (a mode change through rti), §5.1 (the new
; mode's translation applies from the next fetch), §6.1 (a PC that is not
; 4-aligned raises MISALIGNED at the fetch: epc = badaddr = the PC).
        .include "spec.inc"

        .equ UBASE, 0x10000
        .equ USIZE, 0x1000

main:
        ; rti to a supervisor address with every bit of epsw set except IE
        la    r1, r_sup
        mtcr  epc, r1
        li    r1, 0xfffffffd
        mtcr  epsw, r1
        li    r5, 0
        rti
        li    r5, 1                     ; skipped: rti went to r_sup
r_sup:  call  clear
        sys                             ; epsw now = the PSW rti set
        ldw   r1, T_EPSW(zero)
        li    r2, PSW_S | PSW_Z | PSW_N | PSW_C | PSW_V
        la    r3, s_dropped
        call  check
        mov   r1, r5
        li    r2, 0
        la    r3, s_pc
        call  check

        ; rti with IE set (no interrupt can be pending: the timer is stopped)
        la    r1, r_ie
        mtcr  epc, r1
        li    r1, PSW_S | PSW_IE | PSW_C
        mtcr  epsw, r1
        rti
r_ie:   call  clear
        sys
        di
        ldw   r1, T_EPSW(zero)
        li    r2, PSW_S | PSW_IE | PSW_C
        la    r3, s_ie
        call  check

        ; rti into user mode: relocated from the next fetch on
        li    r1, UBASE
        mtcr  rbase, r1
        li    r1, USIZE
        mtcr  rbound, r1
        li    r1, u_entry - user
        li    r2, PSW_Z | PSW_C          ; user, the flags chosen here
        call  run_user
        li    r1, C_SYSCALL
        li    r2, u_sys - user
        li    r4, SENTINEL
        la    r3, s_user
        call  check_trap
        ldw   r1, T_EPSW(zero)
        li    r2, PSW_C                 ; from the user's cmpi, not from epsw
        la    r3, s_user_flags
        call  check
        mov   r1, r6
        li    r2, 1
        la    r3, s_user_ran
        call  check

        ; user flags from epsw survive into user code: bltu taken on C
        li    r1, u_flags - user
        li    r2, PSW_C
        call  run_user
        mov   r1, r7
        li    r2, 2
        la    r3, s_user_c
        call  check

        ; rti to a misaligned epc: MISALIGNED at the fetch
        la    r1, r_mis_back
        call  arm
        la    r1, r_sup + 2
        mtcr  epc, r1
        li    r1, PSW_S
        mtcr  epsw, r1
        rti
r_mis_back:
        li    r1, C_MISALIGNED | A_FETCH
        la    r2, r_sup + 2
        mov   r4, r2
        la    r3, s_mis
        call  check_trap

        ; rti to a user address beyond rbound: MEMORY at the fetch
        li    r1, USIZE
        li    r2, 0
        call  run_user
        li    r1, C_MEMORY | A_FETCH
        li    r2, USIZE
        li    r4, USIZE
        la    r3, s_beyond
        call  check_trap

        b     finish

s_dropped:    .asciz "rti drops PSW bits 2, 3 and 8-31"
s_pc:         .asciz "rti sets the PC to epc"
s_ie:         .asciz "rti restores IE and the flags"
s_user:       .asciz "rti into user mode runs the user program"
s_user_flags: .asciz "user code ran with the flags it computed"
s_user_ran:   .asciz "user code executed from its first word"
s_user_c:     .asciz "user code sees the flags rti put in the PSW"
s_mis:        .asciz "rti to a misaligned epc: MISALIGNED fetch"
s_beyond:     .asciz "rti to a user pc at rbound: MEMORY fetch"

        .org  UBASE
user:
u_entry:
        li    r6, 1
        li    r5, 0
        cmpi  r5, -1                    ; 0 < 0xffffffff unsigned: C only
u_sys:  sys
u_flags:
        li    r7, 1
        bltu  u_flags_c
        sys
u_flags_c:
        li    r7, 2
        sys
