; smc.s — self-modifying code in supervisor mode: a stored word is the
; instruction that is fetched next time.
; SPEC §2 (instructions and data are the same memory of bytes), §8.2
; (stores), §1 and §7 (an instruction is the 32-bit word fetched from its
; address), §5.3 (the machine caches no translation), §7.3 (a word stored
; as 0 is illegal when executed), §12 (determinism).  Encodings used:
; addi rd, rs, imm = 0x10 rd rs imm16 (§7.1).
        .include "spec.inc"

main:
        ; 1: patch the very next instruction
        li    r5, 0
        li    r6, 0x10500002            ; addi r5, zero, 2
        la    r7, p1
        stw   r6, 0(r7)
p1:     addi  r5, zero, 1
        mov   r1, r5
        li    r2, 2
        la    r3, s_next
        call  check

        ; 2: patch an instruction three words further on
        li    r6, 0x10500003
        la    r7, p2
        stw   r6, 0(r7)
        nop
        nop
        nop
p2:     addi  r5, zero, 1
        mov   r1, r5
        li    r2, 3
        la    r3, s_ahead
        call  check

        ; 3: a routine run, patched, run, patched, run
        call  r_a
        mov   r1, r5
        li    r2, 1
        la    r3, s_rout1
        call  check
        li    r6, 0x10500033
        la    r7, r_a
        stw   r6, 0(r7)
        call  r_a
        mov   r1, r5
        li    r2, 0x33
        la    r3, s_rout2
        call  check
        li    r6, 0x10500044
        stw   r6, 0(r7)
        call  r_a
        mov   r1, r5
        li    r2, 0x44
        la    r3, s_rout3
        call  check

        ; 4: a loop that patches its own body on the first pass
        li    r6, 0
        li    r9, 0
        li    r8, 0x10660064            ; addi r6, r6, 100
        la    r7, p4
p4:     addi  r6, r6, 1
        stw   r8, 0(r7)
        addi  r9, r9, 1
        cmpi  r9, 3
        blt   p4
        mov   r1, r6
        li    r2, 201
        la    r3, s_loop
        call  check

        ; 5: a byte store changes an immediate
        li    r6, 0x22
        la    r7, p5
        stb   r6, 0(r7)
p5:     addi  r5, zero, 0x11
        mov   r1, r5
        li    r2, 0x22
        la    r3, s_byte
        call  check

        ; 6: a halfword store changes the destination register
        li    r5, 0
        li    r9, 0
        li    r6, 0x1090                ; addi r9, zero, ...
        la    r7, p6
        sth   r6, 2(r7)
p6:     addi  r5, zero, 5
        mov   r1, r9
        li    r2, 5
        la    r3, s_half
        call  check
        mov   r1, r5
        li    r2, 0
        la    r3, s_half_rd
        call  check

        ; 7: a routine patched to 0 traps ILLEGAL; restored, it runs again
        call  r_b
        mov   r1, r5
        li    r2, 7
        la    r3, s_zero_before
        call  check
        la    r7, r_b
        ldw   r10, 0(r7)
        stw   zero, 0(r7)
        li    r5, 0
        call  clear
        call  r_b                       ; ILLEGAL, skipped: the ret runs
        li    r1, C_ILLEGAL
        la    r2, r_b
        li    r4, SENTINEL
        la    r3, s_zero_trap
        call  check_trap
        stw   r10, 0(r7)
        call  r_b
        mov   r1, r5
        li    r2, 7
        la    r3, s_zero_after
        call  check

        ; 8: a branch retargeted (offset + 2 words: from p8_x to p8_y)
        ldw   r6, p8(zero)
        addi  r6, r6, 2
        stw   r6, p8(zero)
        li    r5, 0
p8:     b     p8_x
p8_x:   li    r5, 1
        b     p8_done
p8_y:   li    r5, 2
p8_done:
        mov   r1, r5
        li    r2, 2
        la    r3, s_branch
        call  check

        ; 9: an instruction that overwrites itself, run in a loop
        li    r9, 0
        li    r5, 0
        ldw   r8, p9_new(zero)
        la    r7, p9
p9:     stw   r8, 0(r7)                 ; becomes addi r5, r5, 1
        addi  r9, r9, 1
        cmpi  r9, 3
        blt   p9
        mov   r1, r5
        li    r2, 2
        la    r3, s_self
        call  check

        b     finish

r_a:    addi  r5, zero, 1
        ret
r_b:    addi  r5, zero, 7
        ret
p9_new: addi  r5, r5, 1

s_next:        .asciz "a store to the next word: the new instruction runs"
s_ahead:       .asciz "a store three words ahead: the new instruction runs"
s_rout1:       .asciz "routine before any patch"
s_rout2:       .asciz "routine after the first patch"
s_rout3:       .asciz "routine after the second patch"
s_loop:        .asciz "a loop that patches its own body"
s_byte:        .asciz "stb into an instruction's immediate"
s_half:        .asciz "sth into an instruction's register fields"
s_half_rd:     .asciz "the old destination register was not written"
s_zero_before: .asciz "routine before it is zeroed"
s_zero_trap:   .asciz "a zeroed instruction traps ILLEGAL"
s_zero_after:  .asciz "the restored routine runs again"
s_branch:      .asciz "a retargeted branch goes to its new target"
s_self:        .asciz "an instruction that overwrote itself, run again"
