; trap.s — the one door into the kernel and the one door out: every trap
; (system call, timer tick, fault) arrives at minios_trap_entry, and every
; return to a user task leaves through minios_trap_exit.  Part of minios
; (all labs; Lab 1 sets a breakpoint here, Labs 3-5 watch a monitor
; reflect traps to it).
;
; What the CPU has already done when we get here (SPEC §6.2): epc = the PC
; to resume (or the faulting / sys instruction), epsw = the task's PSW,
; cause (and badaddr for memory faults) say why, PSW.S = 1 and PSW.IE = 0.
; Paging is unchanged, so we run in the interrupted task's address space —
; which is fine, because the kernel is mapped in every address space.
;
; What the CPU has NOT done: save any general register.  The task's r1..r15
; are still live, and the first job is to store them in the task's
; task-table slot (its TCB) before the kernel uses any of them.
;
; The paravirtual build (PARAVIRT = 1) reads the trap registers from the
; shared info page, where the monitor wrote them, with `ldw` instead of
; `mfcr` (each mfcr would be an exit to the monitor), and leaves with one
; HC_IRET hypercall that restores all registers, pc and PSW from the TCB.

; ---------------------------------------------------------------------------
; minios_trap_entry — the trap vector (tvec points here).
; In: a trap.  Out: never returns; continues in minios_timer,
; minios_syscall or minios_fault with r1 = the current TCB and sp = an empty
; kernel stack.
; ---------------------------------------------------------------------------
minios_trap_entry:
        ; We need one register to work with, but every register belongs to
        ; the task.  Park r1 in a fixed kernel word: `trap_saved_r1(zero)` is
        ; an absolute address because r0 reads as 0.
        stw   r1, trap_saved_r1(zero)

        ; Did the trap come from user mode?  epsw holds the PSW before the
        ; trap.  (andi does not set flags: only cmp/cmpi do.)
        .if PARAVIRT
        ldw   r1, shared_info + SH_EPSW(zero)
        .else
        mfcr  r1, epsw
        .endif
        andi  r1, r1, PSW_S
        cmpi  r1, 0
        bne   trap_from_kernel

        ; From user mode: save the whole task into its TCB.
        ldw   r1, current_task(zero)    ; r1 = the running task's TCB
        stw   r2, TCB_R2(r1)
        stw   r3, TCB_R3(r1)
        stw   r4, TCB_R4(r1)
        stw   r5, TCB_R5(r1)
        stw   r6, TCB_R6(r1)
        stw   r7, TCB_R7(r1)
        stw   r8, TCB_R8(r1)
        stw   r9, TCB_R9(r1)
        stw   r10, TCB_R10(r1)
        stw   r11, TCB_R11(r1)
        stw   r12, TCB_R12(r1)
        stw   r13, TCB_R13(r1)
        stw   sp, TCB_SP(r1)
        stw   lr, TCB_LR(r1)
        ldw   r2, trap_saved_r1(zero)   ; and the r1 we parked
        stw   r2, TCB_R1(r1)
        .if PARAVIRT
        ldw   r2, shared_info + SH_EPC(zero)      ; where to resume
        stw   r2, TCB_PC(r1)
        ldw   r2, shared_info + SH_EPSW(zero)     ; mode, IE (= unmasked), flags
        stw   r2, TCB_PSW(r1)
        .else
        mfcr  r2, epc                   ; where to resume
        stw   r2, TCB_PC(r1)
        mfcr  r2, epsw                  ; the task's mode, IE and flags
        stw   r2, TCB_PSW(r1)
        .endif

        ; All registers are ours now.  Use the kernel stack, always empty at
        ; this point because the kernel never keeps anything on it across a
        ; return to user mode.
        .if PARAVIRT
        ldw   sp, kernel_sp(zero)
        .else
        mfcr  sp, scratch
        .endif

        ; Dispatch on the cause code (the low 8 bits of cause).
        .if PARAVIRT
        ldw   r2, shared_info + SH_CAUSE(zero)
        .else
        mfcr  r2, cause
        .endif
        andi  r2, r2, CAUSE_CODE_MASK
        cmpi  r2, CAUSE_TIMER
        beq   minios_timer
        cmpi  r2, CAUSE_SYSCALL
        beq   minios_syscall
        b     minios_fault              ; anything else: the task did something wrong

; A trap from supervisor mode.  The only kernel code that runs with
; interrupts on is the boot path (boot_banner, minios_idle), so the only
; legitimate trap here is the timer tick that ends the idle loop.  There is
; no task state to save: the idle loop is abandoned.  Anything else is a
; bug in the kernel.
trap_from_kernel:
        .if PARAVIRT
        ldw   sp, kernel_sp(zero)
        ldw   r1, shared_info + SH_CAUSE(zero)
        .else
        mfcr  sp, scratch
        mfcr  r1, cause
        .endif
        andi  r1, r1, CAUSE_CODE_MASK
        cmpi  r1, CAUSE_TIMER
        beq   minios_timer
        la    r2, msg_panic_kernel_trap
        b     minios_panic

; ---------------------------------------------------------------------------
; minios_timer — the tick: preempt whoever is running.
; In: nothing.  Out: continues in minios_trap_exit.
; ---------------------------------------------------------------------------
minios_timer:
        ; Acknowledge first: the interrupt stays pending until we do, and a
        ; pending tick would be taken again the moment rti sets IE (SPEC §6.3).
        ; (PV: the scheduler, which always runs next, acknowledges it in the
        ; same hypercall that restarts the timer: one exit instead of two.)
        .if PARAVIRT
        .else
        out   TIMER_ACK, zero
        .endif
        ; Round robin: the current task's quantum is over.  It stays
        ; runnable and its saved PC is the next instruction it would have run.
        li    r1, 1
        stw   r1, need_resched(zero)
        b     minios_trap_exit

; ---------------------------------------------------------------------------
; minios_fault — the task raised a fault (page fault, privileged instruction,
; divide by zero, ...).  A user task cannot be trusted to recover, so it is
; killed; the others never notice.
; In: nothing.  Out: continues in minios_trap_exit, which picks another task.
; ---------------------------------------------------------------------------
minios_fault:
        ldw   r2, current_task(zero)
        .if PARAVIRT
        ldw   r3, shared_info + SH_CAUSE(zero)
        ldw   r4, shared_info + SH_BADADDR(zero)
        .else
        mfcr  r3, cause
        mfcr  r4, badaddr               ; meaningful for the memory causes only
        .endif
        call  minios_kill
        b     minios_trap_exit

; ---------------------------------------------------------------------------
; minios_trap_exit — the way back to user mode.
; In: need_resched and current_task's state say whether to switch.
; Out: never returns; rti into the current task.
;
; If the handler asked for a switch (timer, yield) or the current task can
; no longer run (exit, killed), the scheduler picks the next task and loads
; its address space.  Then that task's registers come back from its TCB and
; `rti` restores its PC and PSW in one step: that is what puts the CPU in
; user mode with interrupts on (epsw has S = 0, IE = 1).
; ---------------------------------------------------------------------------
minios_trap_exit:
        ldw   r1, need_resched(zero)
        cmpi  r1, 0
        bne   trap_exit_switch
        ldw   r1, current_task(zero)
        ldw   r2, TCB_STATE(r1)
        cmpi  r2, TASK_RUNNABLE
        beq   trap_exit_restore         ; common case: back to the same task
trap_exit_switch:
        stw   zero, need_resched(zero)
        call  minios_schedule           ; r1 = the TCB to run; does not return if none
trap_exit_restore:
        ; r1 = the TCB of the task to resume.
        .if PARAVIRT
        ; The TCB is laid out as HC_IRET's frame (r1..r15, pc, psw): the
        ; monitor restores the whole task from it in one hypercall.
        mov   r2, r1
        li    r1, HC_IRET
        hcall                           ; does not come back here
        .else
        ldw   r2, TCB_PC(r1)
        mtcr  epc, r2
        ldw   r2, TCB_PSW(r1)
        mtcr  epsw, r2
        ldw   lr, TCB_LR(r1)
        ldw   sp, TCB_SP(r1)
        ldw   r13, TCB_R13(r1)
        ldw   r12, TCB_R12(r1)
        ldw   r11, TCB_R11(r1)
        ldw   r10, TCB_R10(r1)
        ldw   r9, TCB_R9(r1)
        ldw   r8, TCB_R8(r1)
        ldw   r7, TCB_R7(r1)
        ldw   r6, TCB_R6(r1)
        ldw   r5, TCB_R5(r1)
        ldw   r4, TCB_R4(r1)
        ldw   r3, TCB_R3(r1)
        ldw   r2, TCB_R2(r1)
        ldw   r1, TCB_R1(r1)            ; last: r1 was the pointer
        rti                             ; PC = epc, PSW = epsw: we are the task again
        .endif
