; hw.s — names for the PG32 hardware, shared by the nested-virtualization
; demonstration (guest.s, vmm.s).  Numbers from isa/SPEC.md; the guard lets
; both the VMM and its guest include this file in one image.

        .ifndef NESTED_HW_S
        .equ NESTED_HW_S, 1

; ---- ports (SPEC §10) ----
        .equ CONSOLE_DATA,     0x00
        .equ CONSOLE_STATUS,   0x01
        .equ TIMER_INTERVAL,   0x10
        .equ TIMER_COUNT,      0x11
        .equ TIMER_ACK,        0x12
        .equ POWER_OFF,        0x20

; ---- PSW bits (SPEC §3.2) ----
        .equ PSW_S,            0x01
        .equ PSW_IE,           0x02
        .equ PSW_FLAGS,        0xf0     ; Z N C V
        .equ PSW_WRITABLE,     0xf3     ; what wrpsw and rti can set

; ---- control-register numbers (SPEC §3.3) ----
        .equ CR_TVEC,          0
        .equ CR_EPC,           1
        .equ CR_EPSW,          2
        .equ CR_CAUSE,         3
        .equ CR_BADADDR,       4
        .equ CR_RBASE,         5
        .equ CR_RBOUND,        6
        .equ CR_PTBR,          7
        .equ CR_MMU,           8
        .equ CR_SCRATCH,       9
        .equ CR_COUNT,         10

; ---- trap causes (SPEC §6.1) ----
        .equ CAUSE_MASK,       0xff     ; the code; bits 8-9 are the access
        .equ CAUSE_SYSCALL,    1
        .equ CAUSE_PRIVILEGED, 2
        .equ CAUSE_ILLEGAL,    3
        .equ CAUSE_MEMORY,     4
        .equ CAUSE_PAGE,       5
        .equ CAUSE_MISALIGNED, 6
        .equ CAUSE_TIMER,      16

; ---- the system instructions' opcodes (SPEC §8.5), in opcode order ----
        .equ OP_RTI,           0x50     ; rti mfcr mtcr di ei halt tlbflush
        .equ OP_JUSER,         0x5c     ; in out rdpsw wrpsw srr juser

        .endif
