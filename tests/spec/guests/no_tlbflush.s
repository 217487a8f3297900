; no_tlbflush.s — page-table changes with no tlbflush, on data pages.
; SPEC §5.3: software must execute tlbflush after changing an entry that
; may have been used, but the reference machine caches nothing, so there a
; missing tlbflush is harmless: every access sees the tables as they are.
; For data, shadow paging write-protects the tables (Lab 4), so every mode
; agrees (for code, no_tlbflush_code.s).  Each
; mapping is used first, so a machine that cached it would show the old
; one: a remap, V cleared, W cleared and set, and the level-1 entry itself
; rewritten, from supervisor mode.
        .include "spec.inc"
        .include "paging.inc"

        .equ FA, 0x30000                ; data frames
        .equ FB, 0x31000
        .equ FC, 0x32000
        .equ L2C, 0x23000               ; another level-2 table for TVB's L1 entry
        .equ TVB, TVA + 0x80000         ; the test page: half-way through its table,
                                        ; far from the kernel's pages in any small cache

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
        ; L2C maps TVB to FC
        li    r5, L2C + (TVB >> 12 & 0x3ff) * 4
        li    r6, FC | PTE_V | PTE_W
        stw   r6, 0(r5)

        li    r1, TVB
        li    r2, FA | PTE_V | PTE_W
        call  map
        call  paging_on
        li    r9, TVB
        ldw   r1, 0(r9)
        li    r2, 0xaaaa0001
        la    r3, s_first
        call  check

        li    r1, TVB
        li    r2, FB | PTE_V | PTE_W
        call  map
        ldw   r1, 0(r9)
        li    r2, 0xbbbb0002
        la    r3, s_remap
        call  check

        li    r1, TVB
        li    r2, FB | PTE_W                  ; V clear
        call  map
        call  clear
g1:     ldw   r1, 0(r9)
        li    r1, C_PAGE | A_LOAD
        la    r2, g1
        mov   r4, r9
        la    r3, s_invalidated
        call  check_trap

        li    r1, TVB
        li    r2, FB | PTE_V                  ; read-only
        call  map
        ldw   r1, 0(r9)                       ; readable: used again
        li    r2, 0xbbbb0002
        la    r3, s_readable
        call  check
        call  clear
        li    r6, 0x1111
g2:     stw   r6, 4(r9)
        li    r1, C_PAGE | A_STORE
        la    r2, g2
        li    r4, TVB + 4
        la    r3, s_readonly
        call  check_trap

        li    r1, TVB
        li    r2, FB | PTE_V | PTE_W          ; writable again
        call  map
        call  clear
        stw   r6, 4(r9)
        la    r3, s_writable
        call  check_notrap

        ; the level-1 entry: TVB's level-2 table becomes L2C
        li    r5, PT_L1
        li    r6, L2C | PTE_V
        stw   r6, 4(r5)
        ldw   r1, 0(r9)
        li    r2, 0xcccc0003
        la    r3, s_level1
        call  check
        b     finish

s_first:       .asciz "load through the first mapping"
s_remap:       .asciz "after a PTE change, no tlbflush: the new frame at once"
s_invalidated: .asciz "after clearing V, no tlbflush: PAGE load"
s_readable:    .asciz "read-only, no tlbflush: still readable"
s_readonly:    .asciz "after clearing W, no tlbflush: PAGE store"
s_writable:    .asciz "after setting W again, no tlbflush: the store works"
s_level1:      .asciz "a new level-1 entry, no tlbflush: its table's frame"
