; defs.s — every named constant minios uses: hardware facts from isa/SPEC.md,
; the memory map, the system-call ABI and the task-table layout (README.md
; draws them).  It emits no bytes, so it can be included first.  Part of
; minios, TrapLab's default guest (Labs 1-5 run it).

; ===== The build: bare or paravirtual =========================================
; The top file chooses: minios.s sets PARAVIRT to 0, minios-pv/minios-pv.s
; to 1 (README.md, "The paravirtual build").  Every privileged sequence of the
; kernel has an `.if PARAVIRT` twin that asks the monitor with `hcall`
; instead.  A file that includes this one without choosing gets the bare build.
        .ifndef PARAVIRT
        .equ PARAVIRT, 0
        .endif
        .if PARAVIRT
        .include "../lib/hypercalls.s"  ; HC_* numbers, SH_* shared-page offsets
        .endif

; ===== I/O ports (SPEC §10) ==================================================
        .equ CONSOLE_DATA,   0x00   ; write: print the low byte
        .equ TIMER_INTERVAL, 0x10   ; write: retired instructions between ticks (0 = off)
        .equ TIMER_ACK,      0x12   ; write anything: the pending tick is acknowledged
        .equ POWER_OFF,      0x20   ; write: stop the machine, low 8 bits = exit status

; ===== Processor status word (SPEC §3.2) =====================================
        .equ PSW_S,  0x01           ; 1 = supervisor mode
        .equ PSW_IE, 0x02           ; 1 = interrupts enabled
        ; A fresh user task runs with S = 0 (user mode) and IE = 1 (the timer
        ; may preempt it); the flags start clear.
        .equ USER_PSW, PSW_IE

; ===== Trap causes (SPEC §6.1) ===============================================
        .equ CAUSE_CODE_MASK,    0xff   ; cause = code | access << 8
        .equ CAUSE_ACCESS_SHIFT, 8
        .equ CAUSE_ACCESS_MASK,  0x3    ; 0 fetch, 1 load, 2 store
        .equ CAUSE_SYSCALL,      1
        .equ CAUSE_PRIVILEGED,   2
        .equ CAUSE_ILLEGAL,      3
        .equ CAUSE_MEMORY,       4
        .equ CAUSE_PAGE,         5
        .equ CAUSE_MISALIGNED,   6
        .equ CAUSE_BREAKPOINT,   7
        .equ CAUSE_DIVIDE,       8
        .equ CAUSE_HYPERCALL,    9
        .equ CAUSE_LAST_FAULT,   CAUSE_HYPERCALL   ; the cause-name table stops here
        .equ CAUSE_TIMER,        16

; ===== Paging (SPEC §5.2) ====================================================
        .equ MMU_PG,        1           ; mmu register: paging on
        .equ PAGE_SHIFT,    12
        .equ PAGE_SIZE,     1 << PAGE_SHIFT     ; 4096 bytes
        .equ PT_INDEX_BITS, 10                  ; 1024 entries per table
        .equ PT_INDEX_MASK, (1 << PT_INDEX_BITS) - 1
        .equ L1_SHIFT,      PAGE_SHIFT + PT_INDEX_BITS  ; va >> 22 = level-1 index
        .equ PTE_SIZE,      4                   ; bytes per page-table entry
        .equ PTE_V,         0x1     ; valid
        .equ PTE_W,         0x2     ; writable
        .equ PTE_X,         0x4     ; executable
        .equ PTE_U,         0x8     ; user mode may use it
        ; The four kinds of page minios maps:
        .equ PTE_KERNEL,    PTE_V | PTE_W | PTE_X          ; kernel: no U bit
        .equ PTE_USER_TEXT, PTE_V | PTE_X | PTE_U          ; shared code: not writable
        .equ PTE_USER_DATA, PTE_V | PTE_W | PTE_U          ; private data and stack
        .equ PTE_TABLE,     PTE_V   ; a level-1 entry: only V counts (SPEC §5.2 step 1)

; ===== Memory map (README.md draws it) =======================================
        ; Physical: the kernel identity-maps this much memory (the default
        ; machine size) and allocates frames below it.
        .equ PHYS_MEMORY_TOP, 0x00100000        ; 1 MiB
        ; Virtual, the same in every task's address space:
        .equ USER_TEXT_VA,   0x00400000  ; user code, shared and read-only
        .equ USER_DATA_VA,   0x00500000  ; one private data page
        .equ USER_STACK_VA,  0x007ff000  ; one private stack page ...
        .equ USER_STACK_TOP, 0x00800000  ; ... and sp starts at its top
        ; Level-1 entries that map the kernel: 1 MiB fits in the first 4 MiB
        ; that one level-1 entry covers.
        .equ KERNEL_L1_ENTRIES, 1

; ===== System calls (README.md, "System-call ABI") ===========================
        ; sys with r1 = number, arguments in r2..r4, result in r1.
        .equ SYS_WRITE,  1          ; write(buf, len) -> len, or -1 for a bad buffer
        .equ SYS_YIELD,  2          ; yield() -> 0, after the others had a turn
        .equ SYS_EXIT,   3          ; exit(status): never returns
        .equ SYS_GETPID, 4          ; getpid() -> pid (1, 2, ...)
        .equ SYS_COUNT,  5          ; numbers 0 and >= SYS_COUNT are unknown: -1
        .equ SYS_ERROR,  -1         ; the result of every failed system call
        .equ SYS_INSN_SIZE, 4       ; epc points at the sys: resume 4 bytes later

; ===== Tasks and the scheduler ===============================================
        .equ NTASKS,        4       ; slots in the task table (pid = slot + 1)
        .equ TIMER_QUANTUM, 500     ; retired instructions between timer ticks
        .equ KILLED_STATUS, -1      ; the exit status of a task the kernel killed

        ; Task states
        .equ TASK_UNUSED,   0       ; an empty slot
        .equ TASK_RUNNABLE, 1       ; may be picked by minios_schedule
        .equ TASK_DEAD,     2       ; exited or killed; never runs again

        ; One task-table entry (a "task control block", TCB).  Register n is
        ; saved at offset 4*n; slot 0 is unused because r0 is always 0.
        .equ TCB_R1,     4
        .equ TCB_R2,     8
        .equ TCB_R3,     12
        .equ TCB_R4,     16
        .equ TCB_R5,     20
        .equ TCB_R6,     24
        .equ TCB_R7,     28
        .equ TCB_R8,     32
        .equ TCB_R9,     36
        .equ TCB_R10,    40
        .equ TCB_R11,    44
        .equ TCB_R12,    48
        .equ TCB_R13,    52
        .equ TCB_SP,     56         ; r14
        .equ TCB_LR,     60         ; r15
        .equ TCB_PC,     64         ; where the task resumes (from epc)
        .equ TCB_PSW,    68         ; its PSW: mode, IE and flags (from epsw)
        .equ TCB_STATE,  72         ; TASK_*
        .equ TCB_PID,    76         ; process id, 1..NTASKS
        .equ TCB_PTBR,   80         ; physical address of its level-1 page table
        .equ TCB_STATUS, 84         ; exit status, once TASK_DEAD
        .equ TCB_SHIFT,  7
        .equ TCB_SIZE,   1 << TCB_SHIFT   ; 128 bytes: a power of two, so slot*TCB_SIZE is a shift

; ===== The paravirtual build only =============================================
        .if PARAVIRT
        ; The longest page-table batch: the kernel's map, one level-1 entry
        ; plus one level-2 entry per page of physical memory.
        .equ PV_BATCH_ENTRIES, KERNEL_L1_ENTRIES + PHYS_MEMORY_TOP / PAGE_SIZE
        .equ PV_BATCH_ENTRY_SIZE, 8     ; {PTE address, entry}
        .endif

; ===== Status codes for POWER_OFF ============================================
        .equ EXIT_SUCCESS, 0        ; every task finished (killed ones included)
        .equ EXIT_PANIC,   1        ; the kernel itself went wrong
