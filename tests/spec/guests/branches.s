; branches.s — conditional branches, calls and jumps.
; SPEC §8.3 (beq .. bgeu conditions, call/callr write lr = pc + 4, callr
; reads rs first, a jump to an address not 4-aligned raises MISALIGNED
; (fetch) at the target), §7.2 (branch target pc + 4 + 4 * off, adr
; pc + 4 + imm), §6.1 (MISALIGNED: epc and badaddr = the target).
        .include "spec.inc"

        .equ B_EQ, 0x01
        .equ B_NE, 0x02
        .equ B_LT, 0x04
        .equ B_GE, 0x08
        .equ B_GT, 0x10
        .equ B_LE, 0x20
        .equ B_LTU, 0x40
        .equ B_GEU, 0x80

main:
        li    r5, 5
        li    r6, 5
        cmp   r5, r6
        call  conds
        li    r2, B_EQ | B_GE | B_LE | B_GEU
        la    r3, s_c_eq
        call  check

        li    r5, 3
        cmp   r5, r6
        call  conds
        li    r2, B_NE | B_LT | B_LE | B_LTU
        la    r3, s_c_lt
        call  check

        cmp   r6, r5
        call  conds
        li    r2, B_NE | B_GE | B_GT | B_GEU
        la    r3, s_c_gt
        call  check

        li    r5, -1
        li    r6, 1
        cmp   r5, r6
        call  conds
        li    r2, B_NE | B_LT | B_LE | B_GEU
        la    r3, s_c_m1_1
        call  check

        cmp   r6, r5
        call  conds
        li    r2, B_NE | B_GE | B_GT | B_LTU
        la    r3, s_c_1_m1
        call  check

        li    r5, 0x80000000
        cmp   r5, r6                    ; V set: signed less
        call  conds
        li    r2, B_NE | B_LT | B_LE | B_GEU
        la    r3, s_c_min_1
        call  check

        li    r5, 0x7fffffff
        li    r6, -1
        cmp   r5, r6                    ; N and V set: signed greater
        call  conds
        li    r2, B_NE | B_GE | B_GT | B_LTU
        la    r3, s_c_max_m1
        call  check

; ---- call, callr, jr, adr, backward branches --------------------------------
        call  leaf
call_ret:
        mov   r1, lr
        la    r2, call_ret
        la    r3, s_call_lr
        call  check

        la    r5, leaf
        callr r5
callr_ret:
        mov   r1, lr
        la    r2, callr_ret
        la    r3, s_callr_lr
        call  check

        la    lr, leaf2                 ; callr lr: the target is read first
        callr lr
callr_lr_ret:
        mov   r1, r9
        la    r2, callr_lr_ret
        la    r3, s_callr_self
        call  check

        adr   r1, adr_fwd
        la    r2, adr_fwd
        la    r3, s_adr_fwd
        call  check
adr_back:
        adr   r1, adr_back
        la    r2, adr_back
        la    r3, s_adr_back
        call  check

        li    r5, 0
        li    r6, 0
back_loop:
        addi  r5, r5, 1
        addi  r6, r6, 10
        cmpi  r5, 3
        bne   back_loop
        mov   r1, r6
        li    r2, 30
        la    r3, s_back
        call  check

        la    r5, jr_target
        li    r1, 0
        jr    r5
        li    r1, 99                    ; skipped
jr_target:
        li    r2, 0
        la    r3, s_jr
        call  check

; ---- a jump to a misaligned address faults at the target --------------------
        la    r1, mis_back1
        call  arm
        la    r5, jr_target + 2
        jr    r5
mis_back1:
        li    r1, C_MISALIGNED | A_FETCH
        la    r2, jr_target + 2
        mov   r4, r2
        la    r3, s_jr_mis
        call  check_trap

        la    r1, mis_back2
        call  arm
        la    r5, leaf + 1
        li    lr, 0
        callr r5                        ; retires (lr written); the fetch faults
mis_ret:
        nop
mis_back2:
        mov   r9, lr                    ; before the checks' calls overwrite it
        li    r1, C_MISALIGNED | A_FETCH
        la    r2, leaf + 1
        mov   r4, r2
        la    r3, s_callr_mis
        call  check_trap
        mov   r1, r9
        la    r2, mis_ret
        la    r3, s_callr_mis_lr
        call  check

        b     finish

leaf:   ret
leaf2:  mov   r9, lr
        ret

; conds: r1 = the set of conditional branches taken on the current flags.
conds:
        li    r1, 0
        beq   c_eq
        b     c_eq_done
c_eq:   ori   r1, r1, B_EQ
c_eq_done:
        bne   c_ne
        b     c_ne_done
c_ne:   ori   r1, r1, B_NE
c_ne_done:
        blt   c_lt
        b     c_lt_done
c_lt:   ori   r1, r1, B_LT
c_lt_done:
        bge   c_ge
        b     c_ge_done
c_ge:   ori   r1, r1, B_GE
c_ge_done:
        bgt   c_gt
        b     c_gt_done
c_gt:   ori   r1, r1, B_GT
c_gt_done:
        ble   c_le
        b     c_le_done
c_le:   ori   r1, r1, B_LE
c_le_done:
        bltu  c_ltu
        b     c_ltu_done
c_ltu:  ori   r1, r1, B_LTU
c_ltu_done:
        bgeu  c_geu
        b     c_geu_done
c_geu:  ori   r1, r1, B_GEU
c_geu_done:
        ret

adr_fwd: .word 0

s_c_eq:      .asciz "after cmp 5, 5: beq bge ble bgeu"
s_c_lt:      .asciz "after cmp 3, 5: bne blt ble bltu"
s_c_gt:      .asciz "after cmp 5, 3: bne bge bgt bgeu"
s_c_m1_1:    .asciz "after cmp -1, 1: bne blt ble bgeu"
s_c_1_m1:    .asciz "after cmp 1, -1: bne bge bgt bltu"
s_c_min_1:   .asciz "after cmp 0x80000000, 1: blt (N != V) and bgeu"
s_c_max_m1:  .asciz "after cmp 0x7fffffff, -1: bgt (N = V) and bltu"
s_call_lr:   .asciz "call writes lr = pc + 4"
s_callr_lr:  .asciz "callr writes lr = pc + 4"
s_callr_self: .asciz "callr lr jumps to the old lr"
s_adr_fwd:   .asciz "adr forward = pc + 4 + imm"
s_adr_back:  .asciz "adr of itself"
s_back:      .asciz "backward branch loop"
s_jr:        .asciz "jr jumps"
s_jr_mis:    .asciz "jr to a misaligned target: MISALIGNED fetch at the target"
s_callr_mis: .asciz "callr to an odd target: MISALIGNED fetch at the target"
s_callr_mis_lr: .asciz "callr to an odd target still wrote lr"
