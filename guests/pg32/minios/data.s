; data.s — the kernel's variables, its task table, its messages and lookup
; tables.  Part of minios (all labs).  All of it lies below 32 KiB, so code
; reaches it with `ldw rX, name(zero)` (see kernel.s).  In a debugger:
; `x current_task`, `x task_table`.

        .align 4

; ---- variables ---------------------------------------------------------------
current_task:                   ; the TCB of the task that runs (or ran last)
        .word 0
need_resched:                   ; 1 = switch tasks on the way out of this trap
        .word 0
trap_saved_r1:                  ; minios_trap_entry parks the task's r1 here
        .word 0
kernel_l1:                      ; the kernel's level-1 page table (physical)
        .word 0
next_free_frame:                ; frame_alloc's bump pointer: the first frame
        .word image_end         ; after the image
task_programs:                  ; the program each slot runs (boot.s)
        .word task_a            ; pid 1
        .word task_b            ; pid 2
        .word task_c            ; pid 3
        .word task_d            ; pid 4
        .if PARAVIRT
kernel_sp:                      ; PV: the empty kernel stack's top (the bare
        .word 0                 ; build keeps it in the scratch register)
pv_batch_count:                 ; PV: entries listed in pv_batch so far
        .word 0
        .endif

; ---- the task table: NTASKS task control blocks (layout in defs.s) ------------
        .align TCB_SIZE
task_table:
        .space NTASKS * TCB_SIZE        ; zero: every slot TASK_UNUSED
task_table_end:

; ---- number formatting (console.s) -----------------------------------------------
number_buf:                     ; "0x" + 8 hex digits, or up to 11 decimal characters
        .space 12
number_buf_end:
hex_digits:
        .ascii "0123456789abcdef"

; ---- names for messages (sched.s) --------------------------------------------
        .align 4
cause_names:                    ; indexed by cause code, 0 .. CAUSE_LAST_FAULT
        .word msg_cause_unknown         ; 0
        .word msg_cause_syscall         ; CAUSE_SYSCALL
        .word msg_cause_privileged      ; CAUSE_PRIVILEGED
        .word msg_cause_illegal         ; CAUSE_ILLEGAL
        .word msg_cause_memory          ; CAUSE_MEMORY
        .word msg_cause_page            ; CAUSE_PAGE
        .word msg_cause_misaligned      ; CAUSE_MISALIGNED
        .word msg_cause_breakpoint      ; CAUSE_BREAKPOINT
        .word msg_cause_divide          ; CAUSE_DIVIDE
        .word msg_cause_hypercall       ; CAUSE_HYPERCALL
access_names:                   ; indexed by the access field of cause
        .word msg_access_fetch          ; 0
        .word msg_access_load           ; 1
        .word msg_access_store          ; 2
        .word msg_cause_unknown         ; 3: never produced

msg_cause_unknown:      .asciz "unknown trap"
msg_cause_syscall:      .asciz "system call"
msg_cause_privileged:   .asciz "privileged instruction"
msg_cause_illegal:      .asciz "illegal instruction"
msg_cause_memory:       .asciz "memory fault"
msg_cause_page:         .asciz "page fault"
msg_cause_misaligned:   .asciz "misaligned access"
msg_cause_breakpoint:   .asciz "breakpoint"
msg_cause_divide:       .asciz "divide by zero"
msg_cause_hypercall:    .asciz "hypercall"
msg_access_fetch:       .asciz "fetch"
msg_access_load:        .asciz "load"
msg_access_store:       .asciz "store"

; ---- messages ----------------------------------------------------------------
msg_boot_1:             .asciz "minios: booting "
msg_boot_2:             .asciz " tasks, timer every "
msg_boot_3:             .asciz " instructions\n"
msg_task:               .asciz "minios: task "
msg_exited:             .asciz " exited with status "
msg_killed:             .asciz "minios: killed task "
msg_open_paren:         .asciz " ("
msg_comma:              .asciz ", "
msg_at:                 .asciz " at "
msg_close_paren:        .asciz ")\n"
msg_newline:            .asciz "\n"
msg_all_done:           .asciz "minios: all tasks done, powering off\n"
msg_panic:              .asciz "minios: panic: "
msg_panic_kernel_trap:  .asciz "trap in kernel mode"
msg_panic_out_of_memory: .asciz "out of physical memory"
msg_panic_cause:        .asciz " (cause "
msg_panic_epc:          .asciz ", epc "
msg_panic_badaddr:      .asciz ", badaddr "
        .if PARAVIRT
msg_panic_pte_batch:    .asciz "the monitor refused a page-table batch"

; ---- the paravirtual build's pages (still below 32 KiB) ----------------------
        .align PAGE_SIZE
shared_info:                    ; registered with HC_REGISTER_SHARED at boot:
        .space PAGE_SIZE        ; the monitor's trap words and our mask (SH_*)
pv_batch:                       ; {PTE address, entry} pairs for HC_PTE_BATCH
        .space PV_BATCH_ENTRIES * PV_BATCH_ENTRY_SIZE
        .endif
