; sched.s — who runs next, and how things end: minios_schedule (round
; robin), minios_kill (a task that faulted), minios_all_done (power-off when
; no task is left) and minios_panic (the kernel itself is broken).  Part of
; minios (all labs).

; ---------------------------------------------------------------------------
; minios_schedule — pick the next runnable task, round robin, and switch to
; its address space.
; In: current_task = the task that ran last (runnable or not).
; Out: r1 = the TCB of the task to run; current_task = r1; ptbr = its page
; table; the timer restarted for a full quantum.  Does not return when no
; task is runnable (minios_all_done).
; Clobbers r2-r4.
;
; The search starts at the slot after the current one and wraps around,
; looking at NTASKS slots, so the current task itself is considered last:
; every runnable task gets a turn before anyone gets a second one.
; ---------------------------------------------------------------------------
minios_schedule:
        ldw   r1, current_task(zero)
        li    r2, NTASKS                ; r2 = slots left to look at
        la    r3, task_table_end        ; r3 = one past the last slot
sched_next_slot:
        addi  r1, r1, TCB_SIZE
        cmp   r1, r3
        bltu  sched_check
        la    r1, task_table            ; past the end: wrap to slot 0
sched_check:
        ldw   r4, TCB_STATE(r1)
        cmpi  r4, TASK_RUNNABLE
        beq   sched_found
        addi  r2, r2, -1
        cmpi  r2, 0
        bne   sched_next_slot
        b     minios_all_done           ; nobody left to run
sched_found:
        stw   r1, current_task(zero)
        ; Switch address spaces.  The kernel is mapped at the same place in
        ; every address space, so the next instruction is found either way.
        ldw   r4, TCB_PTBR(r1)
        .if PARAVIRT
        ; PV: the same three steps as below in two hypercalls: new page
        ; tables with the TLB flush, then a fresh quantum with the ack.
        li    r1, HC_SET_PTBR
        mov   r2, r4
        hcall
        li    r1, HC_TIMER_SET
        li    r2, TIMER_QUANTUM
        li    r3, 1                     ; and acknowledge a tick that is due
        hcall
        ldw   r1, current_task(zero)    ; r1 = the TCB again
        .else
        mtcr  ptbr, r4
        ; SPEC §5.3: after switching page tables, forget cached translations.
        ; The reference machine caches none, but a shadow-paging monitor
        ; (Lab 4) relies on this instruction to notice the switch.
        tlbflush
        ; A fresh quantum for the chosen task: writing TIMER_INTERVAL restarts
        ; the count (SPEC §10.2).  Without this, a task picked after a yield
        ; would only get what was left of the previous task's quantum.  A
        ; tick that fell due while we were switching was meant for the
        ; previous task: acknowledge it, or it would preempt the new task at
        ; its very first instruction.
        li    r4, TIMER_QUANTUM
        out   TIMER_INTERVAL, r4
        out   TIMER_ACK, zero
        .endif
        ret

; ---------------------------------------------------------------------------
; minios_kill — end a task that faulted, and say why.
; In: r2 = its TCB, r3 = the cause register, r4 = badaddr.
; Out: nothing; the task is TASK_DEAD with KILLED_STATUS.  Clobbers r1-r4, r13.
;
; Prints, for a memory fault (MEMORY, PAGE, MISALIGNED), where it happened:
;     minios: killed task 4 (page fault, store at 0x00001000)
; and for any other fault, the instruction's address:
;     minios: killed task 4 (privileged instruction at 0x00400120)
; ---------------------------------------------------------------------------
minios_kill:
        push  lr
        push  r5
        push  r6
        push  r7
        push  r8
        mov   r5, r2                    ; r5 = TCB
        andi  r6, r3, CAUSE_CODE_MASK   ; r6 = cause code
        shri  r7, r3, CAUSE_ACCESS_SHIFT
        andi  r7, r7, CAUSE_ACCESS_MASK ; r7 = access kind (fetch, load, store)
        mov   r8, r4                    ; r8 = badaddr

        li    r13, TASK_DEAD
        stw   r13, TCB_STATE(r5)        ; it never runs again
        li    r13, KILLED_STATUS
        stw   r13, TCB_STATUS(r5)

        la    r2, msg_killed
        call  kputs
        ldw   r2, TCB_PID(r5)
        call  kput_dec
        la    r2, msg_open_paren
        call  kputs
        mov   r2, r6
        call  cause_name                ; r1 = "page fault", ...
        mov   r2, r1
        call  kputs

        ; Memory faults have an address worth showing; others show the PC.
        cmpi  r6, CAUSE_MEMORY
        blt   kill_show_pc
        cmpi  r6, CAUSE_MISALIGNED
        bgt   kill_show_pc
        la    r2, msg_comma
        call  kputs
        shli  r13, r7, 2                ; access_names has one word per kind
        ldw   r2, access_names(r13)
        call  kputs
        b     kill_show_address
kill_show_pc:
        ldw   r8, TCB_PC(r5)            ; the faulting instruction (SPEC §6.1)
kill_show_address:
        la    r2, msg_at
        call  kputs
        mov   r2, r8
        call  kput_hex
        la    r2, msg_close_paren
        call  kputs

        pop   r8
        pop   r7
        pop   r6
        pop   r5
        pop   lr
        ret

; ---------------------------------------------------------------------------
; cause_name — a cause code as words, for messages.
; In: r2 = cause code.  Out: r1 = a NUL-terminated string.  Clobbers r13.
; ---------------------------------------------------------------------------
cause_name:
        cmpi  r2, CAUSE_LAST_FAULT + 1
        bgeu  cause_name_unknown        ; unsigned: also catches garbage
        shli  r13, r2, 2
        ldw   r1, cause_names(r13)
        ret
cause_name_unknown:
        la    r1, msg_cause_unknown
        ret

; ---------------------------------------------------------------------------
; minios_all_done — every task has exited or been killed: say so and turn
; the machine off.  Never returns.
; ---------------------------------------------------------------------------
minios_all_done:
        la    r2, msg_all_done
        call  kputs
        .if PARAVIRT
        li    r1, HC_POWER_OFF
        li    r2, EXIT_SUCCESS
        hcall                           ; the machine stops after this instruction
        .else
        li    r1, EXIT_SUCCESS
        out   POWER_OFF, r1             ; the machine stops after this instruction
        .endif
minios_off:
        b     minios_off                ; never runs: here only so the final PC has a name

; ---------------------------------------------------------------------------
; minios_panic — the kernel found itself in an impossible state.
; In: r2 = what went wrong (a string).  Never returns: prints the message
; with the trap registers and powers off with EXIT_PANIC.
; ---------------------------------------------------------------------------
minios_panic:
        .if PARAVIRT
        ldw   sp, kernel_sp(zero)       ; whatever happened, use a clean stack
        .else
        mfcr  sp, scratch               ; whatever happened, use a clean stack
        .endif
        mov   r5, r2
        la    r2, msg_panic
        call  kputs
        mov   r2, r5
        call  kputs
        la    r2, msg_panic_cause
        call  kputs
        .if PARAVIRT
        ldw   r2, shared_info + SH_CAUSE(zero)
        .else
        mfcr  r2, cause
        .endif
        call  kput_hex
        la    r2, msg_panic_epc
        call  kputs
        .if PARAVIRT
        ldw   r2, shared_info + SH_EPC(zero)
        .else
        mfcr  r2, epc
        .endif
        call  kput_hex
        la    r2, msg_panic_badaddr
        call  kputs
        .if PARAVIRT
        ldw   r2, shared_info + SH_BADADDR(zero)
        .else
        mfcr  r2, badaddr
        .endif
        call  kput_hex
        la    r2, msg_close_paren
        call  kputs
        .if PARAVIRT
        li    r1, HC_POWER_OFF
        li    r2, EXIT_PANIC
        hcall
        .else
        li    r1, EXIT_PANIC
        out   POWER_OFF, r1
        .endif
minios_panic_off:
        b     minios_panic_off          ; never runs: the machine is off
