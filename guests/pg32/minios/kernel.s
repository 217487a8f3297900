; kernel.s — the minios kernel: every kernel file, in image order, from
; physical address 0 (where the CPU starts) to the end of the kernel data.
; minios.s puts the user text after it; tests/guests/test_minios.c reuses it
; with hostile user programs of its own.  Part of minios (all labs).
; Needs defs.s first, and labels task_a .. task_d in the user text.

        .include "boot.s"       ; minios_boot: first instruction at address 0
        .include "trap.s"       ; minios_trap_entry and the way back to user mode
        .include "syscall.s"    ; minios_syscall and the system calls
        .include "sched.s"      ; minios_schedule, minios_kill, the end of the run
        .include "paging.s"     ; frames, page tables, checking user pointers
        .include "console.s"    ; kernel output: console_write, kputs, numbers
        .include "tasks.s"      ; creating a task

; Kernel data.  Every kernel variable lives below 32 KiB, so the kernel can
; reach it with one instruction, `ldw r1, name(zero)`: r0 is always 0 and
; the 16-bit signed offset is the whole address.  The trap entry depends on
; this (it has no free register to build an address in); the assembler
; reports an error if the kernel ever grows past the limit.
        .include "data.s"
