; smc_alias.s — code patched through a second, writable mapping of its
; frame: the executable mapping fetches the new bytes (no page table
; changed, so no tlbflush is involved).  Supervisor and user mode.
; SPEC §5.2 (two pages may map one frame; X for fetches, W for stores),
; §5.3 (tlbflush concerns page-table changes only), §2 and §8.2.
; Encodings: addi rd, rs, imm = 0x10 rd rs imm16 (§7.1).
        .include "spec.inc"
        .include "paging.inc"

        .equ FRAME, 0x33000
        .equ KX, TVA + 0x3000           ; kernel: execute
        .equ KW, TVA + 0x4000           ; kernel: write, same frame
        .equ UX, TVA + 0x5000           ; user: execute
        .equ UW, TVA + 0x6000           ; user: write, same frame

main:
        call  paging_setup
        li    r1, FRAME
        la    r2, code
        li    r3, code_end - code
        call  copy_bytes
        li    r1, KX
        li    r2, FRAME | PTE_V | PTE_X
        call  map
        li    r1, KW
        li    r2, FRAME | PTE_V | PTE_W
        call  map
        li    r1, UX
        li    r2, FRAME | PTE_V | PTE_X | PTE_U
        call  map
        li    r1, UW
        li    r2, FRAME | PTE_V | PTE_W | PTE_U
        call  map
        call  paging_on

        li    r5, 0
        li    r9, KX
        callr r9
        mov   r1, r5
        li    r2, 1
        la    r3, s_k1
        call  check
        li    r6, 0x10500002            ; addi r5, zero, 2
        li    r7, KW
        stw   r6, 0(r7)
        callr r9
        mov   r1, r5
        li    r2, 2
        la    r3, s_k2
        call  check
        li    r6, 0x10500003            ; through the identity map (physical)
        li    r7, FRAME
        stw   r6, 0(r7)
        callr r9
        mov   r1, r5
        li    r2, 3
        la    r3, s_k3
        call  check

        li    r1, UX + u_entry - code
        li    r2, 0
        call  run_user
        mov   r1, r5
        li    r2, 0x11
        la    r3, s_u1
        call  check
        li    r1, UX + u_patch - code
        li    r2, 0
        call  run_user
        li    r1, C_SYSCALL
        li    r2, UX + u_entry_sys - code
        li    r4, SENTINEL
        la    r3, s_u2_trap
        call  check_trap
        mov   r1, r5
        li    r2, 0x12
        la    r3, s_u2
        call  check
        li    r6, 0x10500013            ; the kernel patches it via KW
        li    r7, KW + u_entry - code
        stw   r6, 0(r7)
        li    r1, UX + u_entry - code
        li    r2, 0
        call  run_user
        mov   r1, r5
        li    r2, 0x13
        la    r3, s_u3
        call  check

        b     finish

        .align 4
code:   addi  r5, zero, 1
        ret
u_entry:
        addi  r5, zero, 0x11
u_entry_sys:
        sys
u_patch:                                ; patch u_entry through UW, run it
        li    r8, UW + u_entry - code
        li    r6, 0x10500012            ; addi r5, zero, 0x12
        stw   r6, 0(r8)
        b     u_entry
code_end:

s_k1:      .asciz "sup: routine on the X page"
s_k2:      .asciz "sup: patched through a W alias, the X page runs the new word"
s_k3:      .asciz "sup: patched through the identity map, the X page runs it"
s_u1:      .asciz "user: routine on the X U page"
s_u2_trap: .asciz "user: patch through the W U alias, then run it to its sys"
s_u2:      .asciz "user: the X page runs the word stored through the alias"
s_u3:      .asciz "user: the kernel's patch through its alias runs"
