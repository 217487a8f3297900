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
        .if PARAVIRT
; LAB 9: the kernel's identity map as ONE HC_PTE_BATCH: the level-1 entry, then every kernel page, listed with pv_batch_add and committed with pv_batch_commit; no plain stores to the tables, no tlbflush (monitor/PV.md §4)
; STUB:         push  r5                        ; one exit per entry: right, but unbatched
; STUB:         mov   r5, r1                    ; r5 = the level-1 table
; STUB:         call  frame_alloc               ; r1 = the kernel's level-2 table
; STUB:         mov   r4, r1
; STUB:         li    r1, HC_PTE_UPDATE         ; level-1 entry 0 -> it
; STUB:         mov   r2, r5
; STUB:         ori   r3, r4, PTE_TABLE
; STUB:         hcall
; STUB:         mov   r2, r4                    ; r2 = the level-2 entry to write
; STUB:         li    r5, 0                     ; r5 = virtual address = physical address
; STUB: pv_stub_kernel_next:
; STUB:         li    r1, HC_PTE_UPDATE
; STUB:         ori   r3, r5, PTE_KERNEL
; STUB:         hcall
; STUB:         addi  r2, r2, PTE_SIZE
; STUB:         addi  r5, r5, PAGE_SIZE
; STUB:         li    r13, PHYS_MEMORY_TOP
; STUB:         cmp   r5, r13
; STUB:         bltu  pv_stub_kernel_next
; STUB:         pop   r5
        ; PV: the same entries, listed for ONE HC_PTE_BATCH.  1 MiB needs
        ; exactly one level-2 table, so nothing has to be looked up.
        push  r5
        mov   r5, r1                    ; r5 = the level-1 table
        call  frame_alloc               ; r1 = the kernel's level-2 table
        mov   r2, r5                    ; level-1 entry 0 -> it
        ori   r3, r1, PTE_TABLE
        call  pv_batch_add
        mov   r2, r1                    ; r2 = the level-2 entry to write
        li    r4, 0                     ; r4 = virtual address = physical address
pv_build_kernel_next:
        ori   r3, r4, PTE_KERNEL
        call  pv_batch_add
        addi  r2, r2, PTE_SIZE
        addi  r4, r4, PAGE_SIZE
        li    r13, PHYS_MEMORY_TOP
        cmp   r4, r13
        bltu  pv_build_kernel_next
        call  pv_batch_commit           ; checked and written by the monitor
        pop   r5
; END LAB 9
        .else
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
        .endif
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
        .if PARAVIRT
        ldw   r3, current_task(zero)    ; PV: the TCB knows it; mfcr would exit
        ldw   r3, TCB_PTBR(r3)
        .else
        mfcr  r3, ptbr                  ; r3 = the task's level-1 table
        .endif
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

        .if PARAVIRT
; ---------------------------------------------------------------------------
; The paravirtual build's page-table updates (Xen's mmu_update): entries are
; listed in pv_batch, then handed to the monitor in one HC_PTE_BATCH, which
; checks every one (each must map a frame inside the guest's memory) and
; writes all of them, or none.  One hypercall per address space.
; ---------------------------------------------------------------------------

; LAB 9: pv_batch_add lists one {PTE address, entry} pair in pv_batch (pv_batch_count so far); pv_batch_commit hands the whole list to the monitor in ONE HC_PTE_BATCH, empties the list, and panics (msg_panic_pte_batch) if refused (monitor/PV.md §2, §4)
; STUB: pv_batch_add:                   ; one HC_PTE_UPDATE per entry: right, but unbatched
; STUB:         push  r1
; STUB:         li    r1, HC_PTE_UPDATE
; STUB:         hcall
; STUB:         pop   r1
; STUB:         ret
; STUB: pv_batch_commit:
; STUB:         ret
; pv_batch_add — list one page-table write.
; In: r2 = the entry's physical address, r3 = the entry.  Clobbers r13.
pv_batch_add:
        ldw   r13, pv_batch_count(zero)
        shli  r13, r13, 3               ; PV_BATCH_ENTRY_SIZE bytes each
        stw   r2, pv_batch(r13)         ; pv_batch is below 32 KiB: zero-relative
        stw   r3, pv_batch + 4(r13)
        ldw   r13, pv_batch_count(zero)
        addi  r13, r13, 1
        stw   r13, pv_batch_count(zero)
        ret

; pv_batch_commit — one hypercall for the whole list, then an empty list.
; In: nothing.  Out: nothing.  Clobbers r1-r3.  Panics if refused.
pv_batch_commit:
        li    r1, HC_PTE_BATCH
        la    r2, pv_batch
        ldw   r3, pv_batch_count(zero)
        hcall                           ; r1 = entries written, or HC_ERROR
        stw   zero, pv_batch_count(zero)
        cmpi  r1, HC_ERROR
        beq   pv_batch_refused
        ret
pv_batch_refused:
        la    r2, msg_panic_pte_batch
        b     minios_panic
; END LAB 9

; pv_take_pending — after a critical section unmasked interrupts: if one
; became due meanwhile, the monitor has set SH_PENDING; give it the exit it
; needs to deliver it (Xen's "force an event callback").  Nothing to do if
; still masked (a nested section) or nothing waits.  Clobbers r1, r2.
pv_take_pending:
        ldw   r1, shared_info + SH_MASK(zero)
        cmpi  r1, 0
        bne   pv_take_pending_done
        ldw   r1, shared_info + SH_PENDING(zero)
        cmpi  r1, 0
        beq   pv_take_pending_done
        li    r1, HC_SET_MASK           ; "unmask", once more, by hypercall
        li    r2, 0
        hcall
pv_take_pending_done:
        ret
        .endif
