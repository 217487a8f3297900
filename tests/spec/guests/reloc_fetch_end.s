; reloc_fetch_end.s — user code that runs right up to the end of its
; relocation window (rbound) or of physical memory retires every
; instruction, then takes the fetch fault precisely.
; SPEC §5.1 (user fetch: MEMORY if a + 4 > b or a + l + 4 > q), §6.1
; (MEMORY, access 0 = fetch, epc = badaddr = the virtual PC), §6.2 (precise).
        .include "spec.inc"

        .equ UBASE, 0x10000

main:
        ; rbound 0x100: a loop whose backward branch is at virtual 0xfc
        li    r1, UBASE + 0x100 - 12
        la    r2, tail
        li    r3, 12
        call  copy_bytes
        li    r1, UBASE
        mtcr  rbase, r1
        li    r1, 0x100
        mtcr  rbound, r1
        li    r5, 0
        li    r1, 0x100 - 12
        li    r2, 0
        call  run_user
        li    r1, C_MEMORY | A_FETCH
        li    r2, 0x100
        li    r4, 0x100
        la    r3, s_bound
        call  check_trap
        mov   r1, r5
        li    r2, 3
        la    r3, s_bound_ret
        call  check
        ldw   r1, T_EPSW(zero)
        andi  r1, r1, PSW_S | PSW_IE
        li    r2, 0
        la    r3, s_bound_epsw
        call  check

        ; again, with interrupts on in user mode (timer stopped)
        li    r5, 0
        li    r1, 0x100 - 12
        li    r2, PSW_IE
        call  run_user
        li    r1, C_MEMORY | A_FETCH
        li    r2, 0x100
        li    r4, 0x100
        la    r3, s_again
        call  check_trap
        mov   r1, r5
        li    r2, 3
        la    r3, s_again_ret
        call  check

        ; one straight-line instruction in the last word
        li    r1, UBASE + 0x100 - 4
        la    r2, one
        li    r3, 4
        call  copy_bytes
        li    r5, 0
        li    r1, 0x100 - 4
        li    r2, 0
        call  run_user
        li    r1, C_MEMORY | A_FETCH
        li    r2, 0x100
        li    r4, 0x100
        la    r3, s_one
        call  check_trap
        mov   r1, r5
        li    r2, 1
        la    r3, s_one_ret
        call  check

        ; rbound 0xfe: the word at 0xfc does not fit, so the loop at
        ; 0xf0 .. 0xf8 falls into a fault at 0xfc
        li    r1, UBASE + 0xf0
        la    r2, tail
        li    r3, 12
        call  copy_bytes
        li    r1, 0xfe
        mtcr  rbound, r1
        li    r5, 0
        li    r1, 0xf0
        li    r2, 0
        call  run_user
        li    r1, C_MEMORY | A_FETCH
        li    r2, 0xfc
        li    r4, 0xfc
        la    r3, s_odd
        call  check_trap
        mov   r1, r5
        li    r2, 3
        la    r3, s_odd_ret
        call  check

        ; the window ends at physical q, rbound further: the physical bound
        li    r1, MEM_SIZE - 12
        la    r2, tail
        li    r3, 12
        call  copy_bytes
        li    r1, MEM_SIZE - 0x100
        mtcr  rbase, r1
        li    r1, 0x1000
        mtcr  rbound, r1
        li    r5, 0
        li    r1, 0x100 - 12
        li    r2, 0
        call  run_user
        li    r1, C_MEMORY | A_FETCH
        li    r2, 0x100
        li    r4, 0x100
        la    r3, s_phys
        call  check_trap
        mov   r1, r5
        li    r2, 3
        la    r3, s_phys_ret
        call  check

        ; rbase + rbound = q exactly
        li    r1, 0x100
        mtcr  rbound, r1
        li    r5, 0
        li    r1, 0x100 - 12
        li    r2, 0
        call  run_user
        li    r1, C_MEMORY | A_FETCH
        li    r2, 0x100
        li    r4, 0x100
        la    r3, s_both
        call  check_trap
        mov   r1, r5
        li    r2, 3
        la    r3, s_both_ret
        call  check

        b     finish

        .align 4
one:    addi  r5, r5, 1
tail:   addi  r5, r5, 1
        cmpi  r5, 3
        blt   tail

s_bound:      .asciz "user: loop ending at rbound - 4, then MEMORY fetch at rbound"
s_bound_ret:  .asciz "user: the loop at the end of the window ran three times"
s_bound_epsw: .asciz "user: the fetch fault's epsw is user mode"
s_again:      .asciz "user: the same code again with IE = 1 faults the same way"
s_again_ret:  .asciz "user: the second run ran three times"
s_one:        .asciz "user: one instruction at rbound - 4, then MEMORY fetch"
s_one_ret:    .asciz "user: the instruction at rbound - 4 retired"
s_odd:        .asciz "user: rbound 0xfe: MEMORY fetch at 0xfc"
s_odd_ret:    .asciz "user: rbound 0xfe: the loop ran three times"
s_phys:       .asciz "user: loop ending at physical q - 4, then MEMORY fetch"
s_phys_ret:   .asciz "user: the loop at the end of memory ran three times"
s_both:       .asciz "user: rbase + rbound = q: MEMORY fetch at rbound"
s_both_ret:   .asciz "user: rbase + rbound = q: the loop ran three times"
