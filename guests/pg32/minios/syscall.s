; syscall.s — minios_syscall, the system-call dispatcher, and the four system
; calls: write, yield, exit, getpid.  Part of minios (all labs; Lab 9's
; paravirtualized minios replaces some of these with hypercalls).
;
; The ABI (README.md has the table): a task puts the number in r1 and up to
; three arguments in r2..r4, executes `sys`, and finds the result in r1.
; Every other register comes back unchanged, because the trap entry saved
; them all and the trap exit restores them all.  An unknown number, or a bad
; argument, returns SYS_ERROR (-1); nothing a task passes can crash the kernel.

; ---------------------------------------------------------------------------
; minios_syscall — decode and run one system call.
; In: r1 = the caller's TCB (from minios_trap_entry), its registers saved there.
; Out: continues in minios_trap_exit; the result is in the caller's saved r1.
; ---------------------------------------------------------------------------
minios_syscall:
        ; epc pointed at the `sys` itself (SPEC §6.1).  Returning there would
        ; run the system call again, forever: resume at the next instruction.
        ldw   r2, TCB_PC(r1)
        addi  r2, r2, SYS_INSN_SIZE
        stw   r2, TCB_PC(r1)

        ; The number is untrusted: check it before using it as an index.
        ; One unsigned compare catches both too large and "negative" numbers.
        ldw   r13, TCB_R1(r1)
        cmpi  r13, SYS_COUNT
        bgeu  syscall_unknown
        shli  r13, r13, 2               ; one word per table entry
        ldw   r13, syscall_table(r13)   ; r13 = the handler's address
        ldw   r2, TCB_R2(r1)            ; the arguments, as the task left them
        ldw   r3, TCB_R3(r1)
        ldw   r4, TCB_R4(r1)
        callr r13                       ; r1 = the result
        b     syscall_done
syscall_unknown:
        li    r1, SYS_ERROR
syscall_done:
        ldw   r2, current_task(zero)
        stw   r1, TCB_R1(r2)            ; the task sees the result in r1
        b     minios_trap_exit

; The handlers, indexed by system-call number.  Each is an ordinary function:
; arguments in r2..r4, result in r1, may clobber r1-r4 and r13.
        .align 4
syscall_table:
        .word sys_unknown               ; 0: not a system call
        .word sys_write                 ; SYS_WRITE
        .word sys_yield                 ; SYS_YIELD
        .word sys_exit                  ; SYS_EXIT
        .word sys_getpid                ; SYS_GETPID

; ---------------------------------------------------------------------------
; sys_unknown — number 0 is reserved.  Out: r1 = SYS_ERROR.
; ---------------------------------------------------------------------------
sys_unknown:
        li    r1, SYS_ERROR
        ret

; ---------------------------------------------------------------------------
; sys_write(buf, len) — print len bytes from the caller's memory at buf.
; In: r2 = buf (a user virtual address), r3 = len.
; Out: r1 = len, or SYS_ERROR if [buf, buf + len) is not entirely readable
; user memory of the caller.  Clobbers r2-r4, r13.
;
; Why check: the kernel can read every page (supervisor mode ignores the U
; bit), including its own.  Without the check, write(0x1000, 64) would print
; the kernel's code — or a bad address would fault inside the kernel.  The
; check walks the caller's own page tables, so "user memory" means exactly
; what the task itself could read.
; ---------------------------------------------------------------------------
sys_write:
        push  lr
        push  r5
        push  r6
        mov   r5, r2                    ; keep buf and len across the check
        mov   r6, r3
        call  vm_user_readable          ; r1 = 1 if the task may read all of it
        cmpi  r1, 0
        beq   sys_write_bad
        mov   r2, r5
        mov   r3, r6
        call  console_write             ; reads the buffer through the task's mapping
        .if PARAVIRT
        ; Bare, printing a line costs 300-450 kernel instructions, most of a
        ; quantum, so a task that prints loses the rest of its turn (README,
        ; "How the interleaving arises", rule 2).  One hypercall prints it in
        ; a few instructions: PV gives up timing equivalence.  To keep the
        ; same schedule, and so the same output, a write ends the turn here.
        li    r13, 1
        stw   r13, need_resched(zero)
        .endif
        mov   r1, r6                    ; everything was written
        b     sys_write_out
sys_write_bad:
        li    r1, SYS_ERROR
sys_write_out:
        pop   r6
        pop   r5
        pop   lr
        ret

; ---------------------------------------------------------------------------
; sys_yield() — give up the rest of this quantum.
; Out: r1 = 0 (seen by the task when it next runs).  Clobbers r13.
; ---------------------------------------------------------------------------
sys_yield:
        li    r13, 1
        stw   r13, need_resched(zero)   ; minios_trap_exit will switch
        li    r1, 0
        ret

; ---------------------------------------------------------------------------
; sys_exit(status) — the task is finished.
; In: r2 = status.  Out: r1 = 0 (never seen: the task never runs again).
; Clobbers r2-r4, r13.
; ---------------------------------------------------------------------------
sys_exit:
        push  lr
        push  r5
        push  r6
        ldw   r5, current_task(zero)
        mov   r6, r2
        stw   r6, TCB_STATUS(r5)
        li    r13, TASK_DEAD
        stw   r13, TCB_STATE(r5)        ; minios_trap_exit sees it and switches
        ; "minios: task 1 exited with status 10"
        la    r2, msg_task
        call  kputs
        ldw   r2, TCB_PID(r5)
        call  kput_dec
        la    r2, msg_exited
        call  kputs
        mov   r2, r6
        call  kput_dec
        la    r2, msg_newline
        call  kputs
        li    r1, 0
        pop   r6
        pop   r5
        pop   lr
        ret

; ---------------------------------------------------------------------------
; sys_getpid() — who am I?  Out: r1 = the caller's pid.
; ---------------------------------------------------------------------------
sys_getpid:
        ldw   r1, current_task(zero)
        ldw   r1, TCB_PID(r1)
        ret
