; loadstore.s — loads and stores of every size, little-endian.
; SPEC §2 (little-endian, byte-addressed), §8.2 (ldw, ldh sign-extends,
; ldhu zero-extends, ldb/ldbu the same for bytes, stw/sth/stb store the low
; bits, address = rs + sext(imm16)), §3.1 (r0 as base and as source).
        .include "spec.inc"

main:
        la    r5, buf
        li    r6, 0x11223344
        stw   r6, 0(r5)
        ldbu  r1, 0(r5)
        li    r2, 0x44
        la    r3, s_le0
        call  check
        ldbu  r1, 3(r5)
        li    r2, 0x11
        la    r3, s_le3
        call  check
        ldhu  r1, 0(r5)
        li    r2, 0x3344
        la    r3, s_le_h0
        call  check
        ldhu  r1, 2(r5)
        li    r2, 0x1122
        la    r3, s_le_h2
        call  check

        li    r6, 0x8081c2f3
        stw   r6, 4(r5)
        ldb   r1, 4(r5)
        li    r2, 0xfffffff3
        la    r3, s_ldb
        call  check
        ldbu  r1, 4(r5)
        li    r2, 0xf3
        la    r3, s_ldbu
        call  check
        ldb   r1, 5(r5)
        li    r2, 0xffffffc2
        la    r3, s_ldb1
        call  check
        ldh   r1, 6(r5)
        li    r2, 0xffff8081
        la    r3, s_ldh
        call  check
        ldhu  r1, 6(r5)
        li    r2, 0x8081
        la    r3, s_ldhu
        call  check
        ldh   r1, 4(r5)
        li    r2, 0xffffc2f3
        la    r3, s_ldh0
        call  check
        ldb   r1, 7(r5)                 ; 0x80: negative byte
        li    r2, 0xffffff80
        la    r3, s_ldb_80
        call  check
        li    r6, 0x7f7f7f7f
        stw   r6, 12(r5)
        ldb   r1, 12(r5)
        li    r2, 0x7f
        la    r3, s_ldb_pos
        call  check
        ldh   r1, 12(r5)
        li    r2, 0x7f7f
        la    r3, s_ldh_pos
        call  check

        ; sth and stb store the low bits only, in place
        li    r6, 0xabcd1234
        sth   r6, 2(r5)                 ; word 0: 0x1234 3344
        stb   r6, 1(r5)                 ; byte 1 := 0x34 -> 0x12343444
        ldw   r1, 0(r5)
        li    r2, 0x12343444
        la    r3, s_sth_stb
        call  check
        li    r6, -1
        stb   r6, 0(r5)
        sth   zero, 2(r5)
        ldw   r1, 0(r5)
        li    r2, 0x000034ff
        la    r3, s_stb_ff
        call  check

        ; negative and large offsets, r0 as the base
        addi  r7, r5, 8
        ldw   r1, -4(r7)
        li    r2, 0x8081c2f3
        la    r3, s_neg_off
        call  check
        la    r7, buf - 0x7000
        ldw   r1, 0x7004(r7)
        li    r2, 0x8081c2f3
        la    r3, s_big_off
        call  check
        li    r6, 0x5150
        stw   r6, T_SCRATCH(zero)
        ldw   r1, T_SCRATCH(zero)
        li    r2, 0x5150
        la    r3, s_zero_base
        call  check

        ; rd = rs for a load
        mov   r7, r5
        ldw   r7, 4(r7)
        mov   r1, r7
        li    r2, 0x8081c2f3
        la    r3, s_ld_self
        call  check
        ; a store of rs's own register value to an address computed from it
        mov   r7, r5
        stw   r7, 8(r7)
        ldw   r1, 8(r5)
        mov   r2, r5
        la    r3, s_st_self
        call  check

        b     finish

        .equ T_SCRATCH, 0x7e00

        .align 4
buf:    .space 16
s_le0:      .asciz "stw then ldbu at +0: least significant byte first"
s_le3:      .asciz "ldbu at +3: most significant byte"
s_le_h0:    .asciz "ldhu at +0: low half"
s_le_h2:    .asciz "ldhu at +2: high half"
s_ldb:      .asciz "ldb sign-extends 0xf3"
s_ldbu:     .asciz "ldbu zero-extends 0xf3"
s_ldb1:     .asciz "ldb at +1"
s_ldh:      .asciz "ldh sign-extends 0x8081"
s_ldhu:     .asciz "ldhu zero-extends 0x8081"
s_ldh0:     .asciz "ldh at +0"
s_ldb_80:   .asciz "ldb 0x80"
s_ldb_pos:  .asciz "ldb 0x7f stays positive"
s_ldh_pos:  .asciz "ldh 0x7f7f stays positive"
s_sth_stb:  .asciz "sth and stb store only the low bits"
s_stb_ff:   .asciz "stb 0xffffffff and sth zero"
s_neg_off:  .asciz "negative offset"
s_big_off:  .asciz "offset 0x7004"
s_zero_base: .asciz "r0 as the base register"
s_ld_self:  .asciz "ldw with rd = rs"
s_st_self:  .asciz "stw with rd = rs"
