; boot.s — minios_boot, the first code the CPU runs: it builds the kernel's
; world (stack, trap vector, page tables, tasks, timer) and then idles until
; the first timer tick starts the scheduler.  Part of minios (all labs).
;
; The CPU starts at physical 0 in supervisor mode with interrupts off, paging
; off and tvec = 0 (SPEC §11.1).  Until tvec is set, any fault stops the
; machine with a report instead of running a handler.

; ---------------------------------------------------------------------------
; minios_boot — never returns.
; ---------------------------------------------------------------------------
minios_boot:
        ; 1. A kernel stack.  frame_alloc needs no stack (it calls nothing),
        ;    so it can hand us the frame for the stack itself.  The stack
        ;    grows down from the top of the frame.
        call  frame_alloc
        addi  sp, r1, PAGE_SIZE
        ; Every trap starts on a fresh, empty kernel stack: the trap entry
        ; reloads sp from `scratch` (the control register SPEC §3.3 leaves
        ; free for exactly this).
        .if PARAVIRT
        stw   sp, kernel_sp(zero)       ; PV: a kernel word, read without mfcr
        .else
        mtcr  scratch, sp
        .endif

        ; 2. The trap vector: from now on a trap runs minios_trap_entry
        ;    instead of stopping the machine.
        .if PARAVIRT
        ;    PV: first tell the monitor where the shared info page is: it
        ;    writes cause, epc, epsw and badaddr there at every trap, and
        ;    reads our interrupt mask from it.  Interrupts start masked.
        li    r1, HC_REGISTER_SHARED
        la    r2, shared_info
        hcall
        li    r1, HC_SET_TVEC
        la    r2, minios_trap_entry
        hcall
        .else
        la    r1, minios_trap_entry
        mtcr  tvec, r1
        .endif

        ; 3. The kernel's own address space: the first 1 MiB identity-mapped,
        ;    supervisor-only.  Then paging on.  Because the map is the identity,
        ;    the next instruction is fetched from the same place either way.
        call  vm_build_kernel_map       ; r1 = its level-1 table
        .if PARAVIRT
        mov   r2, r1
        li    r1, HC_SET_PTBR
        hcall
        .else
        mtcr  ptbr, r1
        .endif
        li    r1, MMU_PG                ; (PV too: trapped and emulated, once)
        mtcr  mmu, r1                   ; writing mmu also discards cached translations

        ; 4. The tasks: one address space and one task-table slot each.
        li    r5, 0                     ; r5 = slot (callee-saved: survives the calls)
boot_next_task:
        mov   r2, r5
        shli  r13, r5, 2                ; the table has one word per slot
        ldw   r3, task_programs(r13)    ; r3 = where the program is in the image
        call  task_create
        addi  r5, r5, 1
        cmpi  r5, NTASKS
        blt   boot_next_task

        ; 5. The scheduler searches from the slot after current_task, so
        ;    pretending the last slot ran most recently makes slot 0 (pid 1)
        ;    the first task to run.
        la    r1, task_table + (NTASKS - 1) * TCB_SIZE
        stw   r1, current_task(zero)

        ; 6. Start the clock.  From `ei` on, a tick may arrive at any
        ;    instruction boundary — in the kernel too, until we are idle.
        .if PARAVIRT
        li    r1, HC_TIMER_SET
        li    r2, TIMER_QUANTUM
        li    r3, 0
        hcall
        stw   zero, shared_info + SH_MASK(zero)   ; interrupts on: a store, no exit
        .else
        li    r1, TIMER_QUANTUM
        out   TIMER_INTERVAL, r1
        ei
        .endif
        call  boot_banner

        ; 7. Nothing left to do but wait.  `halt` sleeps until the timer
        ;    fires (SPEC §10.2); the tick enters minios_trap_entry from
        ;    supervisor mode, and the scheduler switches to task 1.  This
        ;    loop is never resumed: its state is simply dropped.  (With
        ;    today's numbers the banner takes longer than one quantum, so the
        ;    first tick is taken as boot_banner re-enables interrupts and
        ;    this loop is not even reached; README.md tells the story.)
minios_idle:
        .if PARAVIRT
        li    r1, HC_HALT
        hcall
        .else
        halt
        .endif
        b     minios_idle

; ---------------------------------------------------------------------------
; boot_banner — print "minios: booting N tasks, timer every Q instructions".
; In: nothing.  Out: nothing.  Clobbers r1-r4, r13.
;
; We are in supervisor mode with interrupts ON.  If a tick arrived between
; two pieces of this line, the scheduler would start the tasks and the rest
; of the line would never be printed (the boot code is not resumed).  So the
; whole line is one critical section, written in the classic way:
;
;       rdpsw rX     ; remember the PSW, including whether IE was on
;       di           ; no interrupts from here ...
;       ...          ; ... to here
;       wrpsw rX     ; put IE back exactly as it was
;
; Restoring the saved PSW, rather than just executing `ei`, is what lets
; critical sections nest: console_write, called below, does the same thing,
; and its wrpsw restores IE = 0 because that is what it found.  Only this
; outer wrpsw turns interrupts back on.  (A tick that became pending
; meanwhile is taken right after it.)
;
; On the `legacy` variant this is exactly x86's PUSHF / CLI / ... / POPF.
; Run deprivileged under a trap-and-emulate monitor, rdpsw and wrpsw do not
; trap there, so the monitor never sees the wrpsw that re-enables
; interrupts: the guest believes they are on, the monitor believes they are
; off, and the tick that should start task 1 is never delivered (Lab 6,
; demonstration D2).
;
; The paravirtual build (PARAVIRT = 1) writes the same section with the mask
; word of the shared info page: save it, store 1, ..., store the saved value
; back — plain loads and stores, no exit to the monitor at all.  The monitor
; reads the word before it injects an interrupt (Xen's event mask).
; ---------------------------------------------------------------------------
boot_banner:
        push  lr
        push  r5
        .if PARAVIRT
        ldw   r5, shared_info + SH_MASK(zero)     ; save the mask: 0 here
        li    r1, 1
        stw   r1, shared_info + SH_MASK(zero)     ; critical section starts
        .else
        rdpsw r5                        ; save the PSW: IE = 1 here
        di                              ; critical section starts
        .endif
        la    r2, msg_boot_1
        call  kputs
        li    r2, NTASKS
        call  kput_dec
        la    r2, msg_boot_2
        call  kputs
        li    r2, TIMER_QUANTUM
        call  kput_dec
        la    r2, msg_boot_3
        call  kputs
        .if PARAVIRT
        stw   r5, shared_info + SH_MASK(zero)     ; critical section ends: unmasked
        call  pv_take_pending           ; a tick that waited for the unmask
        .else
        wrpsw r5                        ; critical section ends: IE = 1 again
        .endif
        pop   r5
        pop   lr
        ret
