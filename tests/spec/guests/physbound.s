; physbound.s — supervisor accesses at the edge of physical memory.
; SPEC §2 ("any access that would touch a byte at or beyond q raises
; MEMORY"), §5.1 (supervisor: a is physical, faults if a + size > q; no
; wrap-around), §6.1 (MEMORY = 4, access load 1 / store 2, badaddr = a).
; Run with the default memory, q = 1024 KiB = 0x100000.
        .include "spec.inc"

main:
        li    r5, MEM_SIZE
        li    r6, 0xcafef00d
        stw   r6, -4(r5)
        call  clear
        ldw   r1, -4(r5)
        mov   r2, r6
        la    r3, s_last_word
        call  check
        ldhu  r1, -2(r5)
        li    r2, 0xcafe
        la    r3, s_last_half
        call  check
        ldbu  r1, -1(r5)
        li    r2, 0xca
        la    r3, s_last_byte
        call  check
        la    r3, s_no_trap
        call  check_notrap

        li    r7, 0x7777
        call  clear
p1:     ldw   r7, 0(r5)
        li    r1, C_MEMORY | A_LOAD
        la    r2, p1
        mov   r4, r5
        la    r3, s_ldw_q
        call  check_trap
        mov   r1, r7
        li    r2, 0x7777
        la    r3, s_ldw_q_rd
        call  check

        call  clear
p2:     ldh   r7, 0(r5)
        li    r1, C_MEMORY | A_LOAD
        la    r2, p2
        mov   r4, r5
        la    r3, s_ldh_q
        call  check_trap

        call  clear
p3:     ldbu  r7, 0(r5)
        li    r1, C_MEMORY | A_LOAD
        la    r2, p3
        mov   r4, r5
        la    r3, s_ldb_q
        call  check_trap

        call  clear
p4:     stw   r6, 0(r5)
        li    r1, C_MEMORY | A_STORE
        la    r2, p4
        mov   r4, r5
        la    r3, s_stw_q
        call  check_trap

        call  clear
p5:     stb   r6, 3(r5)
        li    r1, C_MEMORY | A_STORE
        la    r2, p5
        addi  r4, r5, 3
        la    r3, s_stb_q3
        call  check_trap

        ; no wrap-around: 0xfffffffc and a negative offset from r0
        call  clear
        li    r8, 0xfffffffc
p6:     ldw   r7, 0(r8)
        li    r1, C_MEMORY | A_LOAD
        la    r2, p6
        mov   r4, r8
        la    r3, s_top
        call  check_trap

        ldw   r9, 0(zero)               ; word 0 of memory before
        call  clear
p7:     stw   r6, -4(zero)
        li    r1, C_MEMORY | A_STORE
        la    r2, p7
        li    r4, 0xfffffffc
        la    r3, s_neg_zero
        call  check_trap
        ldw   r1, 0(zero)
        mov   r2, r9
        la    r3, s_no_wrap_store
        call  check

        call  clear
        li    r8, 0xffffffff
p8:     ldbu  r7, 0(r8)
        li    r1, C_MEMORY | A_LOAD
        la    r2, p8
        mov   r4, r8
        la    r3, s_ff
        call  check_trap

        ; the last word is still intact after the faulting stores
        ldw   r1, -4(r5)
        mov   r2, r6
        la    r3, s_intact
        call  check

        b     finish

s_last_word: .asciz "ldw of the last word of memory"
s_last_half: .asciz "ldhu of the last halfword"
s_last_byte: .asciz "ldbu of the last byte"
s_no_trap:   .asciz "accesses below q do not trap"
s_ldw_q:     .asciz "ldw at q: MEMORY load, badaddr q"
s_ldw_q_rd:  .asciz "faulting ldw leaves rd unchanged"
s_ldh_q:     .asciz "ldh at q: MEMORY"
s_ldb_q:     .asciz "ldbu at q: MEMORY"
s_stw_q:     .asciz "stw at q: MEMORY store"
s_stb_q3:    .asciz "stb at q + 3: MEMORY store"
s_top:       .asciz "ldw at 0xfffffffc: MEMORY (no wrap-around)"
s_neg_zero:  .asciz "stw -4(zero): MEMORY store at 0xfffffffc"
s_no_wrap_store: .asciz "that stw did not wrap to address 0"
s_ff:        .asciz "ldbu at 0xffffffff: MEMORY"
s_intact:    .asciz "the last word is unchanged"
