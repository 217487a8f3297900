; shifts.s — shifts by register and by immediate, including amounts >= 32.
; SPEC §7.2 ("shl, shr, sra and their immediate forms use the low 5 bits of
; the shift amount"), §8.1 (zero fill for shr/shri, sign fill for sra/srai).
        .include "tests/spec/guests/spec.inc"

main:
        li    r5, 1
        li    r6, 31
        shl   r1, r5, r6
        li    r2, 0x80000000
        la    r3, s_shl31
        call  check

        li    r6, 32
        shl   r1, r5, r6
        li    r2, 1
        la    r3, s_shl32
        call  check

        li    r6, 33
        shl   r1, r5, r6
        li    r2, 2
        la    r3, s_shl33
        call  check

        li    r6, -1                    ; low 5 bits: 31
        shl   r1, r5, r6
        li    r2, 0x80000000
        la    r3, s_shlm1
        call  check

        li    r5, 0x80000000
        li    r6, 4
        shr   r1, r5, r6
        li    r2, 0x08000000
        la    r3, s_shr_zero
        call  check

        li    r6, 32
        shr   r1, r5, r6
        li    r2, 0x80000000
        la    r3, s_shr32
        call  check

        li    r6, 63
        shr   r1, r5, r6
        li    r2, 1
        la    r3, s_shr63
        call  check

        li    r6, 4
        sra   r1, r5, r6
        li    r2, 0xf8000000
        la    r3, s_sra_sign
        call  check

        li    r6, 31
        sra   r1, r5, r6
        li    r2, 0xffffffff
        la    r3, s_sra31
        call  check

        li    r6, 32
        sra   r1, r5, r6
        li    r2, 0x80000000
        la    r3, s_sra32
        call  check

        li    r5, 0x40000000
        li    r6, 30 + 64
        sra   r1, r5, r6
        li    r2, 1
        la    r3, s_sra_pos
        call  check

        li    r5, 3
        shli  r1, r5, 33
        li    r2, 6
        la    r3, s_shli33
        call  check

        shli  r1, r5, 32
        li    r2, 3
        la    r3, s_shli32
        call  check

        li    r5, 0x80000000
        shri  r1, r5, 0xffff            ; & 31 = 31
        li    r2, 1
        la    r3, s_shri_big
        call  check

        srai  r1, r5, 36                ; & 31 = 4
        li    r2, 0xf8000000
        la    r3, s_srai36
        call  check

        shri  r1, r5, 0
        li    r2, 0x80000000
        la    r3, s_shri0
        call  check

        li    r5, 5
        shl   r5, r5, r5                ; rd = rs = rt: 5 << 5
        mov   r1, r5
        li    r2, 160
        la    r3, s_same
        call  check

        b     finish

s_shl31:    .asciz "shl 1 by 31"
s_shl32:    .asciz "shl by 32 shifts by 0"
s_shl33:    .asciz "shl by 33 shifts by 1"
s_shlm1:    .asciz "shl by 0xffffffff shifts by 31"
s_shr_zero: .asciz "shr fills with zeros"
s_shr32:    .asciz "shr by 32 shifts by 0"
s_shr63:    .asciz "shr by 63 shifts by 31"
s_sra_sign: .asciz "sra fills with the sign"
s_sra31:    .asciz "sra 0x80000000 by 31"
s_sra32:    .asciz "sra by 32 shifts by 0"
s_sra_pos:  .asciz "sra by 94 shifts a positive value by 30"
s_shli33:   .asciz "shli by 33 shifts by 1"
s_shli32:   .asciz "shli by 32 shifts by 0"
s_shri_big: .asciz "shri by 0xffff shifts by 31"
s_srai36:   .asciz "srai by 36 shifts by 4 with sign fill"
s_shri0:    .asciz "shri by 0"
s_same:     .asciz "shl with rd = rs = rt"
