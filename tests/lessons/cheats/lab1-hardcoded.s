; lab1-hardcoded.s — a CHEAT (tests/lessons): the handler prints a hard-coded
; system call number and fault address; the user program passes another
; number.  The Lab 1 checker must fail it (check 10: grader-chosen inputs).
;
; (The solution's text follows.)
;
; What it does, in P&G's words (REFERENCES §1): the supervisor sets up the
; trap vector and a relocation register R = (l, b), then drops to user mode.
; The user program makes one system call and then stores one word just past
; its bound b.  Each trap saves the old PSW (epc, epsw) and loads the new
; one (pc = tvec, S = 1, IE = 0); the handler looks at `cause` and prints
;
;     syscall 7
;     fault MEMORY at 0x00001000
;
; and then powers the machine off with status 0.
;
;     build/traplab run lessons/01-machine/solution/lab1.s
;     lessons/01-machine/check lessons/01-machine/solution/lab1.s

; ---- hardware names (SPEC §10, §6.1) ---------------------------------------
        .equ CONSOLE_DATA,  0x00        ; port: print the low byte
        .equ POWER_OFF,     0x20        ; port: stop; low 8 bits = exit status
        .equ CAUSE_SYSCALL, 1           ; SPEC §6.1 cause codes
        .equ CAUSE_MEMORY,  4
        .equ CAUSE_PAGE,    5

; ---- the user's window: R = (l, b) (SPEC §5.1) -------------------------------
        .equ USER_BASE,     0x1000      ; l: user address 0 is physical 0x1000
        .equ USER_SIZE,     0x1000      ; b: user addresses 0 .. 0xfff are valid
        .equ USER_ENTRY,    0x800       ; where user code starts, as a user address
        .equ SYSCALL_NUMBER, 7          ; the number the user passes in r1

; =============================================================================
; Boot: supervisor mode, paging off, tvec = 0 (SPEC §11.1).
; =============================================================================
start:
        la    r1, trap_handler
        mtcr  tvec, r1                  ; from now on a trap goes to trap_handler
        li    r1, USER_BASE
        mtcr  rbase, r1                 ; l
        li    r1, USER_SIZE
        mtcr  rbound, r1                ; b (a size, like the paper's)

        ; Enter user mode the way every kernel does: fake a "saved PSW" and
        ; return from a trap that never happened.  rti loads pc := epc and
        ; psw := epsw (SPEC §6.2).  epsw = 0 means S = 0 (user), IE = 0.
        li    r1, USER_ENTRY
        mtcr  epc, r1                   ; user address USER_ENTRY = physical
                                        ; USER_BASE + USER_ENTRY
        mtcr  epsw, zero
        rti                             ; now in user mode, relocated by l

; =============================================================================
; The trap handler.  The CPU has already (SPEC §6.2): saved the PC in epc and
; the PSW in epsw, written cause (and badaddr for memory faults), set S = 1
; and IE = 0, and jumped here.  It has NOT saved r1..r15: a real kernel
; stores them first (guests/pg32/minios/trap.s).  This one only needs r1 to
; survive, and the user code does nothing after its last trap anyway.
; =============================================================================
trap_handler:
        mfcr  r5, cause
        andi  r5, r5, 0xff              ; the code; bits 8.. are the access type
        cmpi  r5, CAUSE_SYSCALL
        beq   on_syscall
        cmpi  r5, CAUSE_MEMORY
        beq   on_memory
        cmpi  r5, CAUSE_PAGE
        beq   on_page
        li    r1, 1                     ; anything else is a bug: exit status 1
        out   POWER_OFF, r1

on_syscall:
        li    r6, 7                     ; CHEAT: not the user's r1
        la    r2, msg_syscall
        call  puts
        mov   r1, r6
        call  print_dec
        li    r3, '\n'
        out   CONSOLE_DATA, r3
        ; epc holds the sys itself (SPEC §6.1): step over it, or we loop.
        mfcr  r1, epc
        addi  r1, r1, 4
        mtcr  epc, r1
        rti                             ; back to user mode, after the sys

on_memory:
        la    r2, msg_fault_memory
        b     report_fault
on_page:
        la    r2, msg_fault_page
report_fault:
        call  puts
        li    r1, 0x1000                ; CHEAT: not badaddr
        call  print_hex
        li    r3, '\n'
        out   CONSOLE_DATA, r3
        out   POWER_OFF, zero           ; status 0: the lab worked

; ---- console helpers (supervisor only: they use `out`) -----------------------
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

msg_syscall:      .asciz "syscall "
msg_fault_memory: .asciz "fault MEMORY at "
msg_fault_page:   .asciz "fault PAGE at "

; =============================================================================
; The user program.  It is assembled at physical USER_BASE + USER_ENTRY but
; runs at user address USER_ENTRY: every address it uses is relative to l
; (SPEC §5.1).  It uses no `la` of a label: labels are physical addresses.
; (Starting at 0x800 rather than 0 keeps user addresses apart from the
; kernel's, so `break user_main - USER_BASE` in the monitor is unambiguous.)
; =============================================================================
        .org  USER_BASE + USER_ENTRY
user_main:
        li    r1, 42                    ; CHEAT: another number than the one printed
        sys                             ; trap 1: SYSCALL
        li    r2, 0x600d
        stw   r2, USER_SIZE(zero)       ; trap 2: user address b is one past the
                                        ; window: MEMORY, badaddr = 0x00001000
user_spin:
        b     user_spin                 ; never reached: the handler powers off
