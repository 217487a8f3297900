; misaligned.s — misaligned data accesses fault, precisely.
; SPEC §2 (words 4-aligned, halfwords 2-aligned), §5 (order of checks:
; alignment first, then translation and the physical bound), §6.1
; (MISALIGNED = 6, access 1 load / 2 store, epc = the instruction, badaddr =
; the address), §6.2 (the faulting instruction changes nothing).
        .include "spec.inc"

main:
        la    r5, buf
        li    r6, 0x01020304
        stw   r6, 0(r5)
        stw   r6, 4(r5)

        li    r7, 0x7777
        call  clear
m1:     ldw   r7, 1(r5)
        li    r1, C_MISALIGNED | A_LOAD
        la    r2, m1
        addi  r4, r5, 1
        la    r3, s_ldw1
        call  check_trap
        mov   r1, r7
        li    r2, 0x7777
        la    r3, s_ldw1_rd
        call  check

        call  clear
m2:     ldw   r7, 2(r5)
        li    r1, C_MISALIGNED | A_LOAD
        la    r2, m2
        addi  r4, r5, 2
        la    r3, s_ldw2
        call  check_trap

        call  clear
m3:     ldw   r7, 7(r5)
        li    r1, C_MISALIGNED | A_LOAD
        la    r2, m3
        addi  r4, r5, 7
        la    r3, s_ldw3
        call  check_trap

        call  clear
m4:     ldh   r7, 1(r5)
        li    r1, C_MISALIGNED | A_LOAD
        la    r2, m4
        addi  r4, r5, 1
        la    r3, s_ldh1
        call  check_trap

        call  clear
m5:     ldhu  r7, 3(r5)
        li    r1, C_MISALIGNED | A_LOAD
        la    r2, m5
        addi  r4, r5, 3
        la    r3, s_ldhu3
        call  check_trap
        mov   r1, r7
        li    r2, 0x7777
        la    r3, s_ldhu3_rd
        call  check

        li    r8, 0xdeadbeef
        call  clear
m6:     stw   r8, 2(r5)
        li    r1, C_MISALIGNED | A_STORE
        la    r2, m6
        addi  r4, r5, 2
        la    r3, s_stw2
        call  check_trap
        ldw   r1, 0(r5)
        li    r2, 0x01020304
        la    r3, s_stw2_mem
        call  check
        ldw   r1, 4(r5)
        li    r2, 0x01020304
        la    r3, s_stw2_mem2
        call  check

        call  clear
m7:     sth   r8, 5(r5)
        li    r1, C_MISALIGNED | A_STORE
        la    r2, m7
        addi  r4, r5, 5
        la    r3, s_sth5
        call  check_trap
        ldw   r1, 4(r5)
        li    r2, 0x01020304
        la    r3, s_sth5_mem
        call  check

        ; halfwords at 2, bytes anywhere: fine
        call  clear
        ldhu  r1, 2(r5)
        ldb   r1, 3(r5)
        sth   r8, 6(r5)
        stb   r8, 1(r5)
        la    r3, s_fine
        call  check_notrap
        ldw   r1, 4(r5)
        li    r2, 0xbeef0304
        la    r3, s_fine_val
        call  check

        ; alignment is checked before the physical bound
        call  clear
        li    r9, MEM_SIZE + 1
m8:     ldw   r7, 0(r9)
        li    r1, C_MISALIGNED | A_LOAD
        la    r2, m8
        mov   r4, r9
        la    r3, s_order
        call  check_trap

        call  clear
        li    r9, -2
m9:     sth   r8, -1(r9)                ; 0xfffffffd
        li    r1, C_MISALIGNED | A_STORE
        la    r2, m9
        li    r4, 0xfffffffd
        la    r3, s_order2
        call  check_trap

        b     finish

        .align 4
buf:    .space 8
s_ldw1:     .asciz "ldw at +1: MISALIGNED load"
s_ldw1_rd:  .asciz "ldw at +1 leaves rd unchanged"
s_ldw2:     .asciz "ldw at +2: MISALIGNED load"
s_ldw3:     .asciz "ldw at +7: MISALIGNED load"
s_ldh1:     .asciz "ldh at +1: MISALIGNED load"
s_ldhu3:    .asciz "ldhu at +3: MISALIGNED load"
s_ldhu3_rd: .asciz "ldhu at +3 leaves rd unchanged"
s_stw2:     .asciz "stw at +2: MISALIGNED store"
s_stw2_mem: .asciz "misaligned stw wrote nothing (word 0)"
s_stw2_mem2: .asciz "misaligned stw wrote nothing (word 1)"
s_sth5:     .asciz "sth at +5: MISALIGNED store"
s_sth5_mem: .asciz "misaligned sth wrote nothing"
s_fine:     .asciz "aligned halfwords and any byte do not fault"
s_fine_val: .asciz "aligned sth and stb stored"
s_order:    .asciz "misaligned ldw beyond memory: MISALIGNED, not MEMORY"
s_order2:   .asciz "misaligned sth at 0xfffffffd: MISALIGNED"
