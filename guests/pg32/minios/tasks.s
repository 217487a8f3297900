; tasks.s — creating a task: a task-table slot (TCB) plus an address space of
; its own.  Part of minios (all labs).  The TCB layout is in defs.s and
; drawn in README.md; the task table itself is in data.s.
;
; Every task's address space looks the same from the inside:
;
;   0x00000000 - 0x000fffff  the kernel, identity-mapped, no U bit:
;                            shared (one level-2 table for everybody)
;   0x00400000 - ...         user text: the pages between user_text_start
;                            and user_text_end, read-only + executable, shared
;   0x00500000               one data page: PRIVATE (a frame of its own)
;   0x007ff000 - 0x007fffff  one stack page: PRIVATE; sp starts at 0x00800000
;
; Everything else is unmapped, so a stray pointer faults instead of landing
; in somebody else's memory.

; ---------------------------------------------------------------------------
; task_create — fill task-table slot `slot` with a new runnable task.
; In: r2 = slot (0 .. NTASKS-1), r3 = the program's address in the image
;     (a label inside the user text, e.g. task_a).
; Out: nothing; the task is TASK_RUNNABLE with pid slot + 1.
; Clobbers r1-r4, r13.
; ---------------------------------------------------------------------------
task_create:
        push  lr
        push  r5
        push  r6
        push  r7
        push  r8

        ; r5 = the TCB: task_table + slot * TCB_SIZE
        shli  r5, r2, TCB_SHIFT
        la    r13, task_table
        add   r5, r5, r13
        addi  r13, r2, 1
        stw   r13, TCB_PID(r5)          ; pids count from 1

        ; Where the task starts: the program's offset inside the user text,
        ; at the virtual address the user text is mapped to.
        la    r13, user_text_start
        sub   r3, r3, r13
        li    r13, USER_TEXT_VA
        add   r3, r3, r13
        stw   r3, TCB_PC(r5)
        li    r13, USER_PSW             ; user mode, interrupts on
        stw   r13, TCB_PSW(r5)
        li    r13, USER_STACK_TOP
        stw   r13, TCB_SP(r5)
        ; Every other register starts as 0: the task table is zeroed memory.

        ; A level-1 table of its own ...
        call  frame_alloc
        mov   r6, r1                    ; r6 = the task's level-1 table
        stw   r6, TCB_PTBR(r5)
        .if PARAVIRT
        ; PV: the same address space as below, listed for ONE HC_PTE_BATCH.
        ; The user text, data and stack all lie under level-1 entry
        ; USER_TEXT_VA >> L1_SHIFT, so one level-2 table holds them all.
        call  frame_alloc
        mov   r7, r1                    ; r7 = the user part's level-2 table
        mov   r2, r6                    ; level-1 entry 0: the kernel's, shared
        ldw   r3, kernel_l1(zero)
        ldw   r3, 0(r3)
        call  pv_batch_add
        addi  r2, r6, (USER_TEXT_VA >> L1_SHIFT) * PTE_SIZE
        ori   r3, r7, PTE_TABLE         ; the user part's level-1 entry
        call  pv_batch_add
        la    r8, user_text_start       ; r8 = physical page of the text
        addi  r2, r7, ((USER_TEXT_VA >> PAGE_SHIFT) & PT_INDEX_MASK) * PTE_SIZE
task_create_pv_text:
        ori   r3, r8, PTE_USER_TEXT
        call  pv_batch_add
        addi  r8, r8, PAGE_SIZE
        addi  r2, r2, PTE_SIZE
        la    r13, user_text_end
        cmp   r8, r13
        bltu  task_create_pv_text
        call  frame_alloc               ; the private data page
        addi  r2, r7, ((USER_DATA_VA >> PAGE_SHIFT) & PT_INDEX_MASK) * PTE_SIZE
        ori   r3, r1, PTE_USER_DATA
        call  pv_batch_add
        call  frame_alloc               ; the private stack page
        addi  r2, r7, ((USER_STACK_VA >> PAGE_SHIFT) & PT_INDEX_MASK) * PTE_SIZE
        ori   r3, r1, PTE_USER_DATA
        call  pv_batch_add
        call  pv_batch_commit           ; checked and written by the monitor
        .else
        ; ... whose kernel part points at the kernel's level-2 table: copy the
        ; kernel's level-1 entries, so the kernel is mapped (supervisor-only)
        ; in this address space too.  The trap handler relies on that.
        ldw   r1, kernel_l1(zero)
        li    r7, 0                     ; r7 = byte offset of the entry
task_create_copy_kernel:
        add   r13, r1, r7
        ldw   r13, 0(r13)
        add   r8, r6, r7
        stw   r13, 0(r8)
        addi  r7, r7, PTE_SIZE
        cmpi  r7, KERNEL_L1_ENTRIES * PTE_SIZE
        blt   task_create_copy_kernel

        ; The shared user text, page by page, without W: no task can modify
        ; the code the others run.
        mov   r2, r6                    ; r2 = level-1 table, for every vm_map below
        la    r7, user_text_start       ; r7 = physical page
        li    r3, USER_TEXT_VA          ; r3 = virtual page
task_create_map_text:
        ori   r4, r7, PTE_USER_TEXT
        call  vm_map
        addi  r7, r7, PAGE_SIZE
        addi  r3, r3, PAGE_SIZE
        la    r13, user_text_end
        cmp   r7, r13
        bltu  task_create_map_text

        ; A private data page and a private stack page: fresh frames that
        ; appear in no other task's page table.
        call  frame_alloc
        ori   r4, r1, PTE_USER_DATA
        li    r3, USER_DATA_VA
        call  vm_map
        call  frame_alloc
        ori   r4, r1, PTE_USER_DATA
        li    r3, USER_STACK_VA
        call  vm_map
        tlbflush                        ; page tables edited (SPEC §5.3)
        .endif

        ; Ready: the scheduler may pick it from now on.
        li    r13, TASK_RUNNABLE
        stw   r13, TCB_STATE(r5)

        pop   r8
        pop   r7
        pop   r6
        pop   r5
        pop   lr
        ret
