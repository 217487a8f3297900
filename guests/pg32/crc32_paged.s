; crc32_paged.s — crc32.s with paging on: the same CRC-32 over the same
; 64 KiB, run from supervisor mode through an identity map, so every fetch,
; load and store is translated by the page tables (SPEC §5.2).  bench/interp
; runs it beside crc32.s: the ratio is what paging costs the interpreter,
; which its TLB (machine/tlb.c; Lab 4) keeps small.  Both print the same
; checksum.

        .equ CONSOLE_DATA, 0x00
        .equ POWER_OFF,    0x20
        .equ BUFFER,       0x10000          ; 64 KiB of data at 64 KiB
        .equ ROUNDS,       64
        .equ PT_L1,        0x30000          ; level-1 table
        .equ PT_L2,        0x31000          ; the level-2 table for virtual 0 .. 4 MiB
        .equ MAPPED,       0x40000          ; identity-mapped: code, stack, buffer, tables
        .equ PAGE,         0x1000
        .equ PTE_V,        1
        .equ PTE_W,        2
        .equ PTE_X,        4
        .equ MMU_PG,       1

start:
        li   sp, 0x10000                    ; stack grows down below the buffer
        li   r1, PT_L1
        li   r2, PT_L2 | PTE_V
        stw  r2, 0(r1)
        li   r1, PT_L2
        li   r2, PTE_V | PTE_W | PTE_X
        li   r3, MAPPED / PAGE
map_next:
        stw  r2, 0(r1)
        addi r1, r1, 4
        addi r2, r2, PAGE
        addi r3, r3, -1
        cmpi r3, 0
        bne  map_next
        li   r1, PT_L1
        mtcr ptbr, r1
        li   r1, MMU_PG
        mtcr mmu, r1                        ; from the next fetch on, translated
        .include "lib/crc32_body.s"

        .include "lib/crc32_report.s"
