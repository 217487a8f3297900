; paging.s — physical frames and page tables: frame_alloc hands out zeroed
; 4 KiB frames, vm_map writes one page-table entry, vm_build_kernel_map makes
; the kernel's identity map, and vm_user_readable checks a user buffer by
; walking the page tables the way the MMU would.  Part of minios (all labs;
; Lab 4's shadow-paging monitor reads the tables this file builds).
;
; SPEC §5.2 in one picture:
;
;   virtual address   | L1 index (10) | L2 index (10) | offset (12) |
;   ptbr ---> level-1 table [L1 index] ---> level-2 table [L2 index] ---> frame
;
; Both tables are one 4 KiB frame of 1024 entries.  An entry is a frame
; address with flag bits V W X U in its low bits.  The kernel can read and
; write the tables directly at their physical addresses, because it maps all
; of physical memory at the identical virtual address.

; ---------------------------------------------------------------------------
; frame_alloc — allocate one physical frame and fill it with zeros.
; In: nothing.  Out: r1 = the frame's physical address.  Clobbers r13.
; Panics when physical memory runs out.  Calls nothing and uses no stack, so
; boot can use it before there is a stack.
;
; Frames are never freed: minios creates all its tasks at boot, and a bump
; pointer is the simplest allocator that can do that.  Zeroing matters: a new
; page table must start with every entry invalid, and a task must never see
; what a frame held before.
; ---------------------------------------------------------------------------
frame_alloc:
        ldw   r1, next_free_frame(zero)
        li    r13, PHYS_MEMORY_TOP
        cmp   r1, r13
        bgeu  frame_alloc_out_of_memory
        addi  r13, r1, PAGE_SIZE        ; r13 = the end of this frame ...
        stw   r13, next_free_frame(zero) ; ... and the start of the next free one
frame_alloc_zero:
        stw   zero, 0(r1)               ; four words per iteration: fewer branches
        stw   zero, 4(r1)
        stw   zero, 8(r1)
        stw   zero, 12(r1)
        addi  r1, r1, 16
        cmp   r1, r13
        bltu  frame_alloc_zero
        addi  r1, r13, -PAGE_SIZE       ; back to the start of the frame
        ret
frame_alloc_out_of_memory:
        la    r2, msg_panic_out_of_memory
        b     minios_panic

; ---------------------------------------------------------------------------
; vm_map — map one page: make va translate to the frame in pte.
; In: r2 = level-1 table (physical), r3 = virtual address (page-aligned),
;     r4 = the level-2 entry to write: frame | PTE_* flags.
; Out: nothing.  Preserves r2-r4.  Clobbers r1, r13.
; If the level-2 table covering va does not exist yet, it is allocated.
; SPEC §5.3 asks for a tlbflush after editing entries; rather than flushing
; on every entry, each function that builds an address space (here and in
; tasks.s) ends with one tlbflush.
; ---------------------------------------------------------------------------
vm_map:
        push  lr
        push  r5
        ; r5 = address of the level-1 entry: ptbr + 4 * (va >> 22)
        shri  r5, r3, L1_SHIFT
        shli  r5, r5, 2
        add   r5, r5, r2
        ldw   r1, 0(r5)
        andi  r13, r1, PTE_V
        cmpi  r13, 0
        bne   vm_map_have_l2
        call  frame_alloc               ; a fresh, all-invalid level-2 table
        ori   r1, r1, PTE_TABLE
        stw   r1, 0(r5)                 ; the level-1 entry now points at it
vm_map_have_l2:
        ; r1 = the level-1 entry; clear its flag bits to get the table address.
        ; (andi can only keep low bits, so shift the flags out and back.)
        shri  r1, r1, PAGE_SHIFT
        shli  r1, r1, PAGE_SHIFT
        ; r5 = address of the level-2 entry: table + 4 * ((va >> 12) & 1023)
        shri  r5, r3, PAGE_SHIFT
        andi  r5, r5, PT_INDEX_MASK
        shli  r5, r5, 2
        add   r5, r5, r1
        stw   r4, 0(r5)
        pop   r5
        pop   lr
        ret

; ---------------------------------------------------------------------------
; vm_build_kernel_map — build the kernel's address space: every physical
; frame below PHYS_MEMORY_TOP mapped at the same virtual address, readable,
; writable and executable, WITHOUT the U bit (so user mode cannot touch it).
; In: nothing.  Out: r1 = the level-1 table, also kept in kernel_l1.
; Clobbers r2-r4, r13.
; Every task's address space shares the resulting level-2 table (tasks.s),
; so the kernel is at the same place whichever task is running.
; ---------------------------------------------------------------------------
vm_build_kernel_map:
        push  lr
        call  frame_alloc
        stw   r1, kernel_l1(zero)
        mov   r2, r1                    ; r2 = the level-1 table
        li    r3, 0                     ; r3 = virtual address = physical address
vm_build_kernel_next:
        ori   r4, r3, PTE_KERNEL        ; identity: the frame is the address itself
        call  vm_map
        addi  r3, r3, PAGE_SIZE
        li    r13, PHYS_MEMORY_TOP
        cmp   r3, r13
        bltu  vm_build_kernel_next
        tlbflush                        ; page tables edited (SPEC §5.3)
        ldw   r1, kernel_l1(zero)
        pop   lr
        ret

; ---------------------------------------------------------------------------
; vm_user_readable — may the current task read every byte of [addr, addr+len)?
; In: r2 = addr, r3 = len (bytes, unsigned).  Uses the current ptbr.
; Out: r1 = 1 if yes, 0 if not.  Clobbers r2-r4, r13.
;
; This is the page walk of SPEC §5.2 done in software, for each page the
; range touches: the level-1 entry must be valid, and the level-2 entry
; valid and user-accessible (every valid page is readable).  A range that
; wraps past the top of the address space is refused.
; ---------------------------------------------------------------------------
vm_user_readable:
        cmpi  r3, 0
        beq   vm_user_yes               ; nothing to read: trivially fine
        add   r4, r2, r3                ; r4 = one past the end
        cmp   r4, r2
        bltu  vm_user_no                ; the sum wrapped around: refuse
        addi  r4, r4, -1                ; r4 = the last byte
        shri  r2, r2, PAGE_SHIFT        ; r2 = first virtual page number
        shri  r4, r4, PAGE_SHIFT        ; r4 = last virtual page number
        mfcr  r3, ptbr                  ; r3 = the task's level-1 table
vm_user_next_page:
        ; Level 1: entry (vpn >> 10) of the level-1 table.
        shri  r1, r2, PT_INDEX_BITS
        shli  r1, r1, 2
        add   r1, r1, r3
        ldw   r1, 0(r1)
        andi  r13, r1, PTE_V
        cmpi  r13, 0
        beq   vm_user_no                ; no level-2 table: nothing mapped there
        shri  r1, r1, PAGE_SHIFT        ; drop the flags: the level-2 table's address
        shli  r1, r1, PAGE_SHIFT
        ; Level 2: entry (vpn & 1023) of that table.
        andi  r13, r2, PT_INDEX_MASK
        shli  r13, r13, 2
        add   r1, r1, r13
        ldw   r1, 0(r1)
        andi  r13, r1, PTE_V | PTE_U
        cmpi  r13, PTE_V | PTE_U        ; valid AND user: both bits needed
        bne   vm_user_no
        cmp   r2, r4
        beq   vm_user_yes               ; that was the last page
        addi  r2, r2, 1
        b     vm_user_next_page
vm_user_yes:
        li    r1, 1
        ret
vm_user_no:
        li    r1, 0
        ret
