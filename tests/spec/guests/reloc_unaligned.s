; reloc_unaligned.s — relocation with an rbase that is not a multiple of 4.
; SPEC §5.1 (user: a maps to a + l, for any l; nothing requires l to be
; aligned), §5 and §2 (alignment is checked on the virtual address a;
; memory is an array of bytes), §6.1 (epc and badaddr are virtual).
; User code copied byte by byte to physical 0x8002 (and 0x9001) must run
; as the bytes there say; its loads and stores reach rbase + a.
        .include "spec.inc"

        .equ UB2, 0x8002
        .equ UB1, 0x9001

main:
        li    r1, UB2
        la    r2, uprog
        li    r3, uprog_end - uprog
        call  copy_bytes
        li    r1, UB2
        mtcr  rbase, r1
        li    r1, 0x100
        mtcr  rbound, r1
        li    r5, 0
        li    r6, 0
        li    r7, 0
        li    r8, 0
        li    r1, 0
        li    r2, 0
        call  run_user
        li    r1, C_SYSCALL
        li    r2, u_sys - uprog
        li    r4, SENTINEL
        la    r3, s_run
        call  check_trap
        mov   r1, r5
        li    r2, 0x1234
        la    r3, s_li
        call  check
        mov   r1, r6
        li    r2, 0xcafebabe
        la    r3, s_ldw
        call  check
        mov   r1, r7
        li    r2, 0xcafe
        la    r3, s_ldhu
        call  check
        mov   r1, r8
        li    r2, u_sys - uprog
        la    r3, s_adr
        call  check
        ; the store landed at physical 0x8002 + udata + 4 (2-aligned)
        li    r9, UB2 + udata - uprog + 4
        ldhu  r1, 0(r9)
        ldhu  r2, 2(r9)
        shli  r2, r2, 16
        or    r1, r1, r2
        li    r2, 0x1234
        la    r3, s_stw
        call  check

        ; a virtual address that is not aligned faults, even though
        ; rbase + a would be
        li    r1, u_mis - uprog
        li    r2, 0
        call  run_user
        li    r1, C_MISALIGNED | A_LOAD
        li    r2, u_mis - uprog
        li    r4, 2
        la    r3, s_mis
        call  check_trap

        ; the kernel patches the user program between two runs
        li    r9, UB2 + u_li - uprog    ; the low half of `li r5, 0x1234`
        li    r1, 0x4321
        sth   r1, 0(r9)
        li    r1, 0
        li    r2, 0
        call  run_user
        mov   r1, r5
        li    r2, 0x4321
        la    r3, s_patched
        call  check

        ; the user program patches itself through its unaligned window
        li    r1, u_smc - uprog
        li    r2, 0
        call  run_user
        li    r1, C_SYSCALL
        li    r2, u_smc_sys - uprog
        li    r4, SENTINEL
        la    r3, s_smc
        call  check_trap
        mov   r1, r6
        li    r2, 0x777
        la    r3, s_smc_val
        call  check

        ; an odd rbase
        li    r1, UB1
        la    r2, uprog
        li    r3, uprog_end - uprog
        call  copy_bytes
        li    r1, UB1
        mtcr  rbase, r1
        li    r5, 0
        li    r6, 0
        li    r1, 0
        li    r2, 0
        call  run_user
        li    r1, C_SYSCALL
        li    r2, u_sys - uprog
        li    r4, SENTINEL
        la    r3, s_odd
        call  check_trap
        mov   r1, r5
        li    r2, 0x1234
        la    r3, s_odd_li
        call  check
        mov   r1, r6
        li    r2, 0xcafebabe
        la    r3, s_odd_ldw
        call  check

        ; an unaligned window that ends mid-program: the fetch fault at rbound
        li    r1, UB2
        mtcr  rbase, r1
        li    r1, uprog_end - uprog
        mtcr  rbound, r1
        li    r5, 0
        li    r1, u_tail - uprog
        li    r2, 0
        call  run_user
        li    r1, C_MEMORY | A_FETCH
        li    r2, uprog_end - uprog
        mov   r4, r2
        la    r3, s_end
        call  check_trap
        mov   r1, r5
        li    r2, 2
        la    r3, s_end_ran
        call  check

        b     finish

; the user program: position-independent, virtual 0 = physical rbase
        .align 4
uprog:
u_li:   li    r5, 0x1234
        ldw   r6, udata - uprog(zero)
        stw   r5, udata - uprog + 4(zero)
        ldhu  r7, udata - uprog + 2(zero)
        adr   r8, u_sys
u_sys:  sys
u_mis:  ldw   r5, 2(zero)
u_smc:  li    r6, 1
        ldw   r9, u_new - uprog(zero)
        stw   r9, u_old - uprog(zero)
u_old:  addi  r6, zero, 1               ; replaced by the word at u_new
u_smc_sys:
        sys
u_new:  addi  r6, zero, 0x777
udata:  .word 0xcafebabe, 0
u_tail: addi  r5, r5, 1                 ; the last two words of the window
        addi  r5, r5, 1
uprog_end:

s_run:     .asciz "rbase 0x8002: the user program runs to its sys"
s_li:      .asciz "rbase 0x8002: the first instruction is the bytes at 0x8002"
s_ldw:     .asciz "rbase 0x8002: ldw reads the bytes at rbase + a"
s_ldhu:    .asciz "rbase 0x8002: ldhu reads the bytes at rbase + a"
s_adr:     .asciz "rbase 0x8002: adr gives the virtual address"
s_stw:     .asciz "rbase 0x8002: stw writes the bytes at rbase + a"
s_mis:     .asciz "rbase 0x8002: ldw at virtual 2 is MISALIGNED"
s_patched: .asciz "rbase 0x8002: a kernel patch of the user code takes effect"
s_smc:     .asciz "rbase 0x8002: self-modifying user code runs to its sys"
s_smc_val: .asciz "rbase 0x8002: the user's stored instruction executes"
s_odd:     .asciz "rbase 0x9001: the user program runs to its sys"
s_odd_li:  .asciz "rbase 0x9001: the first instruction is the bytes at 0x9001"
s_odd_ldw: .asciz "rbase 0x9001: ldw reads the bytes at rbase + a"
s_end:     .asciz "rbase 0x8002: fetch at rbound faults after the last word"
s_end_ran: .asciz "rbase 0x8002: the words before rbound retired"
