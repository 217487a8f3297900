; bench_paging.s — paging for the nanobenchmarks that need it (ptemod,
; ptemod-pv, pgfault): one level-1 and one level-2 table that map the first
; 64 KiB at the same virtual addresses, user-accessible (so user code runs
; there too).  Page SCRATCH_VA is one of them; ptemod remaps it.

        .equ PT_L1,        0xd000       ; physical = virtual below 64 KiB
        .equ PT_L2,        0xe000
        .equ MAPPED_PAGES, 16
        .equ PTE_ALL,      PTE_V | PTE_W | PTE_X | PTE_U
        .equ SCRATCH_VA,   0xc000       ; the page whose entry ptemod rewrites
        .equ SCRATCH_PTE,  PT_L2 + (SCRATCH_VA >> PAGE_SHIFT) * 4
        .equ FRAME_A,      0xa000       ; the two frames it maps there in turn
        .equ FRAME_B,      0xb000
        .equ UNMAPPED_VA,  0x00400000   ; level-1 entry 1 is invalid: pgfault's target

; ---------------------------------------------------------------------------
; paging_on — build the map and turn paging on.  Memory is zero at reset, so
; every other entry is invalid.  Clobbers r1-r4.
; ---------------------------------------------------------------------------
paging_on:
        li    r1, PT_L2 | PTE_V
        li    r2, PT_L1
        stw   r1, 0(r2)                 ; level-1 entry 0 -> the level-2 table
        li    r2, PT_L2                 ; r2 = the entry to write
        li    r3, 0                     ; r3 = its page
        li    r4, MAPPED_PAGES * PAGE_SIZE
paging_next:
        ori   r1, r3, PTE_ALL
        stw   r1, 0(r2)
        addi  r2, r2, 4
        addi  r3, r3, PAGE_SIZE
        cmp   r3, r4
        bltu  paging_next
        li    r1, PT_L1
        mtcr  ptbr, r1
        li    r1, MMU_PG
        mtcr  mmu, r1
        ret
