; bench.s — what the nanobenchmarks share (README.md): constants, and
; bench_report, which prints the one line each of them ends with and powers
; off with status 0.  Include it first; it emits nothing until
; `.include "bench_end.s"` at the end of a guest.

; ===== Hardware facts (isa/SPEC.md) ==========================================
        .equ CONSOLE_DATA,   0x00
        .equ TIMER_INTERVAL, 0x10
        .equ POWER_OFF,      0x20
        .equ UNOWNED_PORT,   0x80       ; no device: reads 0xffffffff, writes vanish
        .equ PSW_S,          0x01
        .equ PSW_IE,         0x02
        .equ CAUSE_CODE_MASK, 0xff
        .equ CAUSE_SYSCALL,  1
        .equ CAUSE_PAGE,     5
        .equ MMU_PG,         1
        .equ PAGE_SIZE,      4096
        .equ PAGE_SHIFT,     12
        .equ L1_SHIFT,       22
        .equ PT_INDEX_MASK,  1023
        .equ PTE_V,          0x1
        .equ PTE_W,          0x2
        .equ PTE_X,          0x4
        .equ PTE_U,          0x8
        .equ SYS_INSN_SIZE,  4          ; epc points at the trapping instruction

; ===== Memory ================================================================
        .equ USER_BOUND,     0x10000    ; user mode sees the first 64 KiB (paging off)
        .equ STACK_TOP,      0x10000
