; user_crc32.s — a user-heavy guest: a tiny kernel drops into user mode,
; the user program computes a CRC-32 (lib/crc32_body.s, the same code as
; crc32.s) and makes one system call to report it.  Under trap-and-emulate
; almost every instruction runs directly: Popek and Goldberg's efficiency
; property as a number (REFERENCES D9; bench/trap; Lab 3).

        .equ CONSOLE_DATA, 0x00
        .equ POWER_OFF,    0x20
        .equ BUFFER,       0x10000          ; 64 KiB of data at 64 KiB
        .equ ROUNDS,       4                ; ~12 million instructions
        .equ USER_BOUND,   0x20000          ; user mode sees [0, 128 KiB), unrelocated
        .equ CAUSE_MASK,   0xff
        .equ CAUSE_SYSCALL, 1

kernel_start:
        la   r1, trap_entry
        mtcr tvec, r1
        mtcr rbase, zero
        li   r1, USER_BOUND
        mtcr rbound, r1
        la   r1, user_main
        mtcr epc, r1
        mtcr epsw, zero                     ; user mode, interrupts off
        rti

; The only trap expected is the user program's system call, with the CRC in r1.
trap_entry:
        mfcr r9, cause
        andi r9, r9, CAUSE_MASK
        cmpi r9, CAUSE_SYSCALL
        bne  unexpected
        adr  r2, message
        call puts
        call print_hex
        li   r2, '\n'
        out  CONSOLE_DATA, r2
        out  POWER_OFF, zero
unexpected:
        li   r1, 1
        out  POWER_OFF, r1

        .include "guests/pg32/lib/print.s"

message:
        .asciz "user crc32 = "

        .align 4
user_main:
        li   sp, 0x10000
        .include "guests/pg32/lib/crc32_body.s"
        sys                                 ; report r1 to the kernel
