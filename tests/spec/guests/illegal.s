; illegal.s — words that do not decode raise ILLEGAL, in both modes.
; SPEC §7.3 (an opcode byte that names no instruction, a non-zero field the
; format does not use, a control-register operand 10-15, the all-zero word),
; §7.1 (which fields each format uses), §3.3 (cr10-cr15 do not exist),
; §6.1 (ILLEGAL = 3, epc = the word, badaddr unchanged), §6.2 (no effect).
; In user mode a word that does not decode is ILLEGAL, not PRIVILEGED, even
; when its opcode is a privileged instruction's.
        .include "spec.inc"

        .equ UBASE, 0x10000
        .equ USIZE, 0x1000

main:
        li    r1, 0x55                  ; registers the words name: unchanged
        li    r2, 0x66
        li    r5, 0x77
        call  clear
        li    r1, 0x55
w0:     .word 0x00000000
        li    r1, C_ILLEGAL
        la    r2, w0
        li    r4, SENTINEL
        la    r3, s_w0
        call  check_trap
        call  clear
        li    r1, 0x55
w1:     .word 0xff000000
        li    r1, C_ILLEGAL
        la    r2, w1
        li    r4, SENTINEL
        la    r3, s_w1
        call  check_trap
        call  clear
        li    r1, 0x55
w2:     .word 0x0e000000
        li    r1, C_ILLEGAL
        la    r2, w2
        li    r4, SENTINEL
        la    r3, s_w2
        call  check_trap
        call  clear
        li    r1, 0x55
w3:     .word 0x1a000000
        li    r1, C_ILLEGAL
        la    r2, w3
        li    r4, SENTINEL
        la    r3, s_w3
        call  check_trap
        call  clear
        li    r1, 0x55
w4:     .word 0x5d000000
        li    r1, C_ILLEGAL
        la    r2, w4
        li    r4, SENTINEL
        la    r3, s_w4
        call  check_trap
        call  clear
        li    r1, 0x55
w5:     .word 0x01123001
        li    r1, C_ILLEGAL
        la    r2, w5
        li    r4, SENTINEL
        la    r3, s_w5
        call  check_trap
        call  clear
        li    r1, 0x55
w6:     .word 0x01123800
        li    r1, C_ILLEGAL
        la    r2, w6
        li    r4, SENTINEL
        la    r3, s_w6
        call  check_trap
        call  clear
        li    r1, 0x55
w7:     .word 0x40100000
        li    r1, C_ILLEGAL
        la    r2, w7
        li    r4, SENTINEL
        la    r3, s_w7
        call  check_trap
        call  clear
        li    r1, 0x55
w8:     .word 0x40000001
        li    r1, C_ILLEGAL
        la    r2, w8
        li    r4, SENTINEL
        la    r3, s_w8
        call  check_trap
        call  clear
        li    r1, 0x55
w9:     .word 0x42000001
        li    r1, C_ILLEGAL
        la    r2, w9
        li    r4, SENTINEL
        la    r3, s_w9
        call  check_trap
        call  clear
        li    r1, 0x55
w10:     .word 0x500f0000
        li    r1, C_ILLEGAL
        la    r2, w10
        li    r4, SENTINEL
        la    r3, s_w10
        call  check_trap
        call  clear
        li    r1, 0x55
w11:     .word 0x511a0000
        li    r1, C_ILLEGAL
        la    r2, w11
        li    r4, SENTINEL
        la    r3, s_w11
        call  check_trap
        call  clear
        li    r1, 0x55
w12:     .word 0x511f0000
        li    r1, C_ILLEGAL
        la    r2, w12
        li    r4, SENTINEL
        la    r3, s_w12
        call  check_trap
        call  clear
        li    r1, 0x55
w13:     .word 0x52c10000
        li    r1, C_ILLEGAL
        la    r2, w13
        li    r4, SENTINEL
        la    r3, s_w13
        call  check_trap
        call  clear
        li    r1, 0x55
w14:     .word 0x52910001
        li    r1, C_ILLEGAL
        la    r2, w14
        li    r4, SENTINEL
        la    r3, s_w14
        call  check_trap
        call  clear
        li    r1, 0x55
w15:     .word 0x17110005
        li    r1, C_ILLEGAL
        la    r2, w15
        li    r4, SENTINEL
        la    r3, s_w15
        call  check_trap
        call  clear
        li    r1, 0x55
w16:     .word 0x3a120000
        li    r1, C_ILLEGAL
        la    r2, w16
        li    r4, SENTINEL
        la    r3, s_w16
        call  check_trap
        call  clear
        li    r1, 0x55
w17:     .word 0x3a020004
        li    r1, C_ILLEGAL
        la    r2, w17
        li    r4, SENTINEL
        la    r3, s_w17
        call  check_trap
        call  clear
        li    r1, 0x55
w18:     .word 0x18102000
        li    r1, C_ILLEGAL
        la    r2, w18
        li    r4, SENTINEL
        la    r3, s_w18
        call  check_trap
        call  clear
        li    r1, 0x55
w19:     .word 0x19150005
        li    r1, C_ILLEGAL
        la    r2, w19
        li    r4, SENTINEL
        la    r3, s_w19
        call  check_trap
        call  clear
        li    r1, 0x55
w20:     .word 0x59120000
        li    r1, C_ILLEGAL
        la    r2, w20
        li    r4, SENTINEL
        la    r3, s_w20
        call  check_trap
        call  clear
        li    r1, 0x55
w21:     .word 0x5a210000
        li    r1, C_ILLEGAL
        la    r2, w21
        li    r4, SENTINEL
        la    r3, s_w21
        call  check_trap
        call  clear
        li    r1, 0x55
w22:     .word 0x5c100000
        li    r1, C_ILLEGAL
        la    r2, w22
        li    r4, SENTINEL
        la    r3, s_w22
        call  check_trap
        call  clear
        li    r1, 0x55
w23:     .word 0x57110011
        li    r1, C_ILLEGAL
        la    r2, w23
        li    r4, SENTINEL
        la    r3, s_w23
        call  check_trap
        call  clear
        li    r1, 0x55
w24:     .word 0x58110020
        li    r1, C_ILLEGAL
        la    r2, w24
        li    r4, SENTINEL
        la    r3, s_w24
        call  check_trap
        call  clear
        li    r1, 0x55
w25:     .word 0x28110000
        li    r1, C_ILLEGAL
        la    r2, w25
        li    r4, SENTINEL
        la    r3, s_w25
        call  check_trap
        ; a legal neighbour of the words above: mfcr r1, cr9 (scratch)
        li    r1, 0x1234
        mtcr  scratch, r1
        call  clear
        li    r1, 0
        .word 0x51190000
        mov   r6, r1
        la    r3, s_legal
        call  check_notrap
        mov   r1, r6
        li    r2, 0x1234
        la    r3, s_legal_val
        call  check

        ; user mode: undecodable words are ILLEGAL, not PRIVILEGED
        li    r1, UBASE
        mtcr  rbase, r1
        li    r1, USIZE
        mtcr  rbound, r1
        li    r1, u_cr10 - user
        li    r2, 0
        call  run_user
        li    r1, C_ILLEGAL
        li    r2, u_cr10 - user
        li    r4, SENTINEL
        la    r3, s_u_cr10
        call  check_trap
        li    r1, u_out - user
        li    r2, 0
        call  run_user
        li    r1, C_ILLEGAL
        li    r2, u_out - user
        li    r4, SENTINEL
        la    r3, s_u_out
        call  check_trap
        li    r1, u_zero - user
        li    r2, 0
        call  run_user
        li    r1, C_ILLEGAL
        li    r2, u_zero - user
        li    r4, SENTINEL
        la    r3, s_u_zero
        call  check_trap
        li    r1, u_legal - user
        li    r2, 0
        call  run_user
        li    r1, C_PRIVILEGED
        li    r2, u_legal - user
        li    r4, SENTINEL
        la    r3, s_u_legal
        call  check_trap

        b     finish

s_w0: .asciz "the all-zero word: ILLEGAL"
s_w1: .asciz "opcode 0xff: ILLEGAL"
s_w2: .asciz "opcode 0x0e (between remu and addi): ILLEGAL"
s_w3: .asciz "opcode 0x1a (after cmpi): ILLEGAL"
s_w4: .asciz "opcode 0x5d (after juser): ILLEGAL"
s_w5: .asciz "add with bit 0 of the must-be-zero field: ILLEGAL"
s_w6: .asciz "add with bit 11 of the must-be-zero field: ILLEGAL"
s_w7: .asciz "sys with rd set: ILLEGAL"
s_w8: .asciz "sys with imm bit 0: ILLEGAL"
s_w9: .asciz "hcall with imm bit 0: ILLEGAL"
s_w10: .asciz "rti with rs set: ILLEGAL"
s_w11: .asciz "mfcr r1, cr10: ILLEGAL"
s_w12: .asciz "mfcr r1, cr15: ILLEGAL"
s_w13: .asciz "mtcr cr12, r1: ILLEGAL"
s_w14: .asciz "mtcr cr9, r1 with imm bit 0: ILLEGAL"
s_w15: .asciz "lui with rs set: ILLEGAL"
s_w16: .asciz "jr with rd set: ILLEGAL"
s_w17: .asciz "jr with imm bits: ILLEGAL"
s_w18: .asciz "cmp with rd set: ILLEGAL"
s_w19: .asciz "cmpi with rd set: ILLEGAL"
s_w20: .asciz "rdpsw with rs set: ILLEGAL"
s_w21: .asciz "wrpsw with rd set: ILLEGAL"
s_w22: .asciz "juser with rd set: ILLEGAL"
s_w23: .asciz "in with rs set: ILLEGAL"
s_w24: .asciz "out 0x20 with rd set: ILLEGAL"
s_w25: .asciz "adr with rs set: ILLEGAL"
s_legal:     .asciz "mfcr r1, cr9 decodes: no trap"
s_legal_val: .asciz "mfcr r1, cr9 reads scratch"
s_u_cr10:    .asciz "user mfcr r1, cr10: ILLEGAL, not PRIVILEGED"
s_u_out:     .asciz "user out with rd set: ILLEGAL, not PRIVILEGED"
s_u_zero:    .asciz "user all-zero word: ILLEGAL"
s_u_legal:   .asciz "user mfcr r1, cr9: PRIVILEGED (control)"

        .org  UBASE
user:
u_cr10:  .word 0x511a0000
u_out:   .word 0x58110020
u_zero:  .word 0
u_legal: .word 0x51190000
