; hello.s — the first PG32 program (Lab 1): print one line on the console,
; leave a known value in a register and in memory, and power the machine off.
;
;     build/traplab run guests/pg32/hello.s          prints "Hello from PG32!"
;     build/traplab run --trace guests/pg32/hello.s  shows every instruction
;
; The machine starts here exactly as isa/SPEC.md §11.1 says: the image is
; loaded at physical address 0, the PC is 0, we are in supervisor mode (so
; the privileged `out` instruction is allowed), paging is off (addresses are
; physical) and there is no trap handler (tvec = 0): any fault would simply
; stop the machine with a report.  tests/guests/test_hello.c checks the
; output line, r1 and the word at hello_result.

; ---- names for the hardware (SPEC §10) -------------------------------------
        .equ CONSOLE_DATA, 0x00     ; port: writing a word prints its low byte
        .equ POWER_OFF,    0x20     ; port: writing stops the machine; low 8 bits = exit status

; ---- what the tests look for -------------------------------------------------
        .equ EXIT_SUCCESS, 0            ; exit status for "all went well"
        .equ HELLO_ANSWER, 42           ; left in r1 when we power off
        .equ HELLO_MAGIC,  0x600DF00D   ; stored at hello_result ("good food")

; ---- the program -------------------------------------------------------------
; Print the NUL-terminated string at `message` one byte at a time.
; Registers: r2 walks along the string, r3 holds the current byte.
hello_start:
        la    r2, message           ; r2 = address of the first byte (la = lui + ori)
print_loop:
        ldbu  r3, 0(r2)             ; load one byte, zero-extended to 32 bits
        cmpi  r3, 0                 ; the string ends with a 0 byte (.asciz adds it)
        beq   print_done            ; ... so stop there
        out   CONSOLE_DATA, r3      ; print it: only the low 8 bits matter
        addi  r2, r2, 1             ; next byte
        b     print_loop
print_done:
        ; Leave evidence that we got here, for the test and for a student
        ; poking at the final state with `info registers` and `x`.
        li    r4, HELLO_MAGIC       ; needs 32 bits, so li becomes lui + ori
        la    r5, hello_result
        stw   r4, 0(r5)             ; a word store: hello_result is 4-aligned below
        li    r1, HELLO_ANSWER      ; fits in 16 bits: li is a single addi here
        li    r6, EXIT_SUCCESS
        out   POWER_OFF, r6         ; the machine stops right after this retires

; ---- data --------------------------------------------------------------------
; Data may follow the code directly: the CPU never gets here, because the
; `out` above stopped the machine.
message:
        .asciz "Hello from PG32!\n"
        .align 4                    ; words must be 4-aligned (SPEC §2)
hello_result:
        .word 0                     ; becomes HELLO_MAGIC when the program has run
