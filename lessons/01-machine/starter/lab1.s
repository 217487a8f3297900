; lab1.s — Lab 1 starter.  Copy me next to the lab's README:
;
;     cd lessons/01-machine && cp starter/lab1.s lab1.s
;
; As shipped, this program prints one line and powers off.  It assembles and
; runs, but the checker fails on it: it makes no system call and takes no
; trap.  Your job (README.md, tasks 2-5) is to fill in the four TODOs so
; that it prints exactly
;
;     syscall 7
;     fault MEMORY at 0x00001000
;
; (your number and address may differ) and powers off with status 0.
;
;     build/traplab run lessons/01-machine/lab1.s          run it
;     build/traplab run --trace lessons/01-machine/lab1.s  every instruction and trap
;     lessons/01-machine/check                             grade it

; ---- hardware names (SPEC §10, §6.1) ---------------------------------------
        .equ CONSOLE_DATA,  0x00        ; port: print the low byte
        .equ POWER_OFF,     0x20        ; port: stop; low 8 bits = exit status
        .equ CAUSE_SYSCALL, 1           ; SPEC §6.1 cause codes
        .equ CAUSE_MEMORY,  4
        .equ CAUSE_PAGE,    5

; ---- the user's window: R = (l, b) (SPEC §5.1) -------------------------------
        .equ USER_BASE,     0x1000      ; l: user address a is physical a + l
        .equ USER_SIZE,     0x1000      ; b: user addresses 0 .. b-1 are valid
        .equ USER_ENTRY,    0x800       ; where user code starts, as a user address
        .equ SYSCALL_NUMBER, 7          ; the number the user passes in r1 (the
                                        ; checker changes this line, and USER_SIZE's,
                                        ; and expects your output to follow)

; =============================================================================
; Boot.  The machine starts here in supervisor mode, paging off, tvec = 0
; (SPEC §11.1): any trap now would stop the machine (SPEC §6.4).
; =============================================================================
start:
        la    r2, msg_hello             ; the banner: delete these two lines
        call  puts                      ; (and msg_hello) in TODO 1

        ; TODO 1 (task 2): point tvec at trap_handler.  `la` a label into a
        ;         register, then `mtcr tvec, REG`.  Then delete the banner
        ;         above: it will no longer be true, and each character it
        ;         prints is an `out` the closing question would count.

        ; TODO 2 (task 3): set R = (USER_BASE, USER_SIZE) with `mtcr rbase`
        ;         and `mtcr rbound`, then enter user mode at USER_ENTRY.
        ;         Hint: put the user PC in epc and a user-mode PSW (S = 0) in
        ;         epsw, then `rti` (SPEC §6.2, last paragraph).

        out   POWER_OFF, zero           ; delete this line when TODO 2 is done

; =============================================================================
; The trap handler.  When a trap arrives, the CPU has already (SPEC §6.2):
; saved the PC in epc and the PSW in epsw, written cause (and badaddr for
; memory faults), set S = 1 and IE = 0, and jumped to tvec.  General
; registers are NOT saved: r1 still holds what the user left in it.
; =============================================================================
trap_handler:
        ; TODO 3 (tasks 4 and 5): read `cause` with mfcr and keep the low
        ;         8 bits (andi ..., 0xff): bits 8 and up are the access type.
        ;   - CAUSE_SYSCALL: print "syscall " (msg_syscall), then r1 in
        ;     decimal (print_dec), then '\n'.  Add 4 to epc (it points AT the
        ;     sys, SPEC §6.1) and `rti` back to the user.
        ;   - CAUSE_MEMORY or CAUSE_PAGE: print msg_fault_memory or
        ;     msg_fault_page, then badaddr with print_hex, then '\n', then
        ;     power off with status 0.
        ;   - anything else: power off with status 1 (a bug).
        li    r1, 1
        out   POWER_OFF, r1

; ---- console helpers: use them as they are (supervisor only: they use `out`)
; They keep nothing on a stack (there is none yet); each says what it clobbers.

; puts: print the NUL-terminated string at r2.  Clobbers r2, r3.
puts:
        ldbu  r3, 0(r2)
        cmpi  r3, 0
        beq   puts_done
        out   CONSOLE_DATA, r3
        addi  r2, r2, 1
        b     puts
puts_done:
        ret

; print_hex: print r1 as "0x" and 8 hex digits.  Clobbers r2, r3, r4.
print_hex:
        li    r3, '0'
        out   CONSOLE_DATA, r3
        li    r3, 'x'
        out   CONSOLE_DATA, r3
        li    r4, 28                    ; shift for the top nibble
hex_digit:
        shr   r2, r1, r4
        andi  r2, r2, 0xf
        cmpi  r2, 10
        blt   hex_decimal
        addi  r2, r2, 'a' - 10 - '0'
hex_decimal:
        addi  r2, r2, '0'
        out   CONSOLE_DATA, r2
        addi  r4, r4, -4
        cmpi  r4, 0
        bge   hex_digit
        ret

; print_dec: print r1 as an unsigned decimal number, no leading zeros.
; Clobbers r1, r2, r3, r4.  No stack: divide by 10^9, 10^8, ... 1.
print_dec:
        li    r4, 1000000000            ; the current power of ten
        li    r3, 0                     ; 1 once a digit has been printed
dec_digit:
        divu  r2, r1, r4                ; r2 = this digit
        remu  r1, r1, r4                ; r1 = what is left
        cmpi  r2, 0
        bne   dec_print
        cmpi  r3, 0
        bne   dec_print
        cmpi  r4, 1                     ; the last digit is always printed ("0")
        bne   dec_next
dec_print:
        addi  r2, r2, '0'
        out   CONSOLE_DATA, r2
        li    r3, 1
dec_next:
        li    r2, 10
        divu  r4, r4, r2
        cmpi  r4, 0
        bne   dec_digit
        ret

msg_hello:        .asciz "lab1: the trap handler is not written yet\n"
msg_syscall:      .asciz "syscall "
msg_fault_memory: .asciz "fault MEMORY at "
msg_fault_page:   .asciz "fault PAGE at "

; =============================================================================
; The user program.  It is assembled at physical USER_BASE + USER_ENTRY and
; runs at user address USER_ENTRY (SPEC §5.1).  In user mode there is no
; `out`: the only way to ask the kernel for anything is `sys`.
; =============================================================================
        .org  USER_BASE + USER_ENTRY
user_main:
        ; TODO 4 (tasks 4 and 5): `li r1, SYSCALL_NUMBER` and `sys`; then store
        ;         a word at a user address at or past USER_SIZE (the bound b).
        ;         `stw r2, USER_SIZE(zero)` does it: user address 0x1000.
user_spin:
        b     user_spin                 ; the handler should power off first
