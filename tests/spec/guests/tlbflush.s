; tlbflush.s — changing page tables: tlbflush, ptbr and mmu writes.
; SPEC §5.3 (after changing a page-table entry that may have been used,
; execute tlbflush before relying on the change; writing ptbr or mmu also
; discards cached translations), §5.2 (translation), §3.3 (writes to ptbr
; and mmu take effect from the next fetch).  Data and code mappings, from
; supervisor and from user mode.
        .include "spec.inc"
        .include "paging.inc"

        .equ FA, 0x30000                ; data frames
        .equ FB, 0x31000
        .equ FC, 0x32000
        .equ CODE1, 0x33000             ; li r5, 1 / ret   (and user: li r5, 1 / sys)
        .equ CODE2, 0x34000             ; li r5, 2 / ret
        .equ L1B, 0x25000               ; a second address space
        .equ L2B, 0x26000

main:
        call  paging_setup
        li    r5, FA
        li    r6, 0xaaaa0001
        stw   r6, 0(r5)
        li    r5, FB
        li    r6, 0xbbbb0002
        stw   r6, 0(r5)
        li    r5, FC
        li    r6, 0xcccc0003
        stw   r6, 0(r5)
        li    r1, CODE1
        la    r2, code1
        li    r3, 16
        call  copy_bytes
        li    r1, CODE2
        la    r2, code2
        li    r3, 16
        call  copy_bytes
        ; the second address space: same kernel map, TVA -> FC
        li    r5, L1B
        li    r6, PT_L2_LOW | PTE_V
        stw   r6, 0(r5)
        li    r6, L2B | PTE_V
        stw   r6, 4(r5)
        li    r5, L2B
        li    r6, FC | PTE_V | PTE_W | PTE_U
        stw   r6, 0(r5)

        li    r1, TVA
        li    r2, FA | PTE_V | PTE_W | PTE_U
        call  map
        li    r1, TVA + 0x3000
        li    r2, CODE1 | PTE_V | PTE_X | PTE_U
        call  map
        call  paging_on

        li    r9, TVA
        ldw   r1, 0(r9)
        li    r2, 0xaaaa0001
        la    r3, s_first
        call  check

        li    r1, TVA
        li    r2, FB | PTE_V | PTE_W | PTE_U
        call  map
        tlbflush
        ldw   r1, 0(r9)
        li    r2, 0xbbbb0002
        la    r3, s_remap
        call  check

        li    r1, TVA
        li    r2, FB | PTE_W | PTE_U          ; V clear
        call  map
        tlbflush
        call  clear
g1:     ldw   r1, 0(r9)
        li    r1, C_PAGE | A_LOAD
        la    r2, g1
        mov   r4, r9
        la    r3, s_invalidated
        call  check_trap

        li    r1, TVA
        li    r2, FB | PTE_V | PTE_U          ; read-only now
        call  map
        tlbflush
        call  clear
        li    r6, 0x1111
g2:     stw   r6, 4(r9)
        li    r1, C_PAGE | A_STORE
        la    r2, g2
        li    r4, TVA + 4
        la    r3, s_readonly
        call  check_trap
        li    r1, TVA
        li    r2, FB | PTE_V | PTE_W | PTE_U  ; writable again
        call  map
        tlbflush
        call  clear
        stw   r6, 4(r9)
        la    r3, s_writable
        call  check_notrap

        ; a new ptbr discards the old translations: no tlbflush here
        li    r1, L1B
        mtcr  ptbr, r1
        ldw   r1, 0(r9)
        li    r2, 0xcccc0003
        la    r3, s_ptbr
        call  check
        li    r1, PT_L1
        mtcr  ptbr, r1
        ldw   r1, 0(r9)
        li    r2, 0xbbbb0002
        la    r3, s_ptbr_back
        call  check

        ; rewriting mmu discards them too
        li    r1, TVA
        li    r2, FA | PTE_V | PTE_W | PTE_U
        call  map
        li    r1, 1
        mtcr  mmu, r1
        ldw   r1, 0(r9)
        li    r2, 0xaaaa0001
        la    r3, s_mmu
        call  check

        ; code: remap the page a routine lives on
        li    r5, 0
        li    r6, TVA + 0x3000
        callr r6
        mov   r1, r5
        li    r2, 1
        la    r3, s_code1
        call  check
        li    r1, TVA + 0x3000
        li    r2, CODE2 | PTE_V | PTE_X | PTE_U
        call  map
        tlbflush
        li    r6, TVA + 0x3000
        callr r6
        mov   r1, r5
        li    r2, 2
        la    r3, s_code2
        call  check
        li    r1, TVA + 0x3000
        li    r2, CODE2 | PTE_V | PTE_U       ; X removed
        call  map
        tlbflush
        la    r1, g3_back
        call  arm
        li    r6, TVA + 0x3000
        callr r6
g3_back:
        li    r1, C_PAGE | A_FETCH
        li    r2, TVA + 0x3000
        mov   r4, r2
        la    r3, s_code_nox
        call  check_trap

        ; user mode: the same page remapped between two user runs
        li    r1, TVA + 0x3000
        li    r2, CODE1 | PTE_V | PTE_X | PTE_U
        call  map
        tlbflush
        li    r5, 0
        li    r1, TVA + 0x3000 + 8      ; the user entry of code1
        li    r2, 0
        call  run_user
        mov   r1, r5
        li    r2, 0x11
        la    r3, s_user1
        call  check
        li    r1, TVA + 0x3000
        li    r2, CODE2 | PTE_V | PTE_X | PTE_U
        call  map
        tlbflush
        li    r1, TVA + 0x3000 + 8
        li    r2, 0
        call  run_user
        mov   r1, r5
        li    r2, 0x22
        la    r3, s_user2
        call  check
        li    r1, TVA
        li    r2, FC | PTE_V | PTE_U
        call  map
        tlbflush
        li    r1, TVA + 0x3000 + 12     ; user: ldw r6, 0(r9); sys
        li    r2, 0
        call  run_user
        mov   r1, r6
        li    r2, 0xcccc0003
        la    r3, s_user_data
        call  check

        b     finish

        .align 4
code1:  li    r5, 1
        ret
        li    r5, 0x11
        ldw   r6, 0(r9)                 ; the user entry at +12
        sys
code2:  li    r5, 2
        ret
        li    r5, 0x22
        ldw   r6, 0(r9)
        sys

s_first:       .asciz "load through the first mapping"
s_remap:       .asciz "after a PTE change and tlbflush, the new frame"
s_invalidated: .asciz "after clearing V and tlbflush: PAGE load"
s_readonly:    .asciz "after clearing W and tlbflush: PAGE store"
s_writable:    .asciz "after setting W again and tlbflush: the store works"
s_ptbr:        .asciz "a new ptbr: its own mapping, no tlbflush needed"
s_ptbr_back:   .asciz "the old ptbr again: the old mapping"
s_mmu:         .asciz "a PTE change then an mmu write: the new frame"
s_code1:       .asciz "call a routine on a code page"
s_code2:       .asciz "remap the code page, tlbflush: the new routine runs"
s_code_nox:    .asciz "remove X, tlbflush: PAGE fetch"
s_user1:       .asciz "user code on the page"
s_user2:       .asciz "remap the user's code page, tlbflush: new user code"
s_user_data:   .asciz "remap the user's data page, tlbflush: new data"
