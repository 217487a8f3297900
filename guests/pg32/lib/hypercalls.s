; hypercalls.s — the monitor's hypercall interface, for paravirtual guests
; (Lab 9; monitor/PV.md explains each call; monitor/vmm/hypercalls.def and
; pv.h are the C side, and tests/monitor/test_pv.c checks that the two agree,
; numbers and names: HC_CONSOLE_WRITE is the call the figures name
; console_write).  Constants only: it emits nothing, so it can be included
; anywhere.
;
; The convention: `hcall` with r1 = number, arguments in r2..r4; the result
; comes back in r1, HC_ERROR (-1) if the monitor refused (then nothing was
; changed); the guest continues after the hcall.  Only the guest's kernel
; may call: an hcall from user mode goes to the kernel's own trap vector.

; ===== Hypercall numbers ======================================================
        .equ HC_SET_MASK,        1  ; r2 = 1 mask / 0 unmask interrupts -> old mask
        .equ HC_REGISTER_SHARED, 2  ; r2 = shared info page (physical, page-aligned) -> 0
        .equ HC_SET_TVEC,        3  ; r2 = trap vector (virtual) -> 0
        .equ HC_IRET,            4  ; r2 = trap frame (virtual): r1..r15, pc, psw
        .equ HC_SET_PTBR,        5  ; r2 = level-1 table (physical); flushes -> 0
        .equ HC_PTE_UPDATE,      6  ; r2 = PTE address (physical), r3 = entry -> 0
        .equ HC_PTE_BATCH,       7  ; r2 = list of {PTE address, entry} (virtual), r3 = count -> count
        .equ HC_CONSOLE_WRITE,   8  ; r2 = buffer (virtual), r3 = length -> length
        .equ HC_TIMER_SET,       9  ; r2 = interval (0 = stop), r3 = 1: also ack -> 0
        .equ HC_TIMER_ACK,      10  ; acknowledge the pending tick -> 0
        .equ HC_HALT,           11  ; wait for the next event -> 0
        .equ HC_POWER_OFF,      12  ; r2 = exit status; does not return
        .equ HC_COUNT,          13  ; 0 and numbers >= HC_COUNT: -1
        .equ HC_ERROR,          -1

; ===== The shared info page (byte offsets) ====================================
; The monitor writes the trap words at every trap it delivers to the kernel;
; the kernel reads them with ldw instead of mfcr.  The kernel writes SH_MASK
; with stw: the monitor reads it before it injects an interrupt, so masking
; and unmasking interrupts cost no transition.
        .equ SH_MASK,     0         ; kernel: non-zero = interrupts masked
        .equ SH_PENDING,  4         ; monitor: 1 = an interrupt waits for the unmask
        .equ SH_CAUSE,    8         ; monitor: cause of the delivered trap
        .equ SH_EPC,     12         ; monitor: its epc
        .equ SH_EPSW,    16         ; monitor: the PSW before it (IE = was unmasked)
        .equ SH_BADADDR, 20         ; monitor: the faulting address
        .equ SH_SIZE,    24

; ===== The trap frame HC_IRET restores from ====================================
; Word n is register rn (n = 1..15), then the pc and the PSW.
        .equ FRAME_PC,   64
        .equ FRAME_PSW,  68
        .equ FRAME_SIZE, 72

; ===== Limits ==================================================================
        .equ PV_BATCH_MAX,   4096   ; entries in one HC_PTE_BATCH
        .equ PV_CONSOLE_MAX, 4096   ; bytes in one HC_CONSOLE_WRITE
