; console.s — kernel output: console_write (the only routine that touches the
; console port), kputs for strings, kput_dec and kput_hex for numbers.
; Part of minios (all labs; Lab 6 watches console_write's critical section
; go wrong on the legacy variant).

; ---------------------------------------------------------------------------
; console_write — print len bytes starting at addr.
; In: r2 = addr (any address the kernel may read in the current address
; space — sys_write has already checked a user buffer), r3 = len.
; Out: nothing.  Clobbers r1-r4.
;
; The bytes of one call must come out together: if a timer tick could land in
; the middle, another task's line could be printed inside this one.  So the
; loop is a critical section, in the classic save / disable / restore form:
;
;       rdpsw r4        ; save the PSW, and with it the interrupt-enable bit
;       di              ; interrupts off
;       ...             ; the bytes go out
;       wrpsw r4        ; restore IE to what it was — NOT simply `ei`
;
; Restoring instead of enabling makes it correct from everywhere it is
; called: from a trap handler (IE is already 0 there, and must stay 0 until
; rti) and from boot_banner (which has its own critical section around
; several calls).  It is x86's PUSHF / CLI / POPF; on the `legacy` variant
; rdpsw and wrpsw are not privileged, and Lab 6 shows a trap-and-emulate
; monitor losing this wrpsw's effect on IE (SPEC §9.2, hole 2).
; ---------------------------------------------------------------------------
console_write:
        .if PARAVIRT
        ; PV: one hypercall prints the whole buffer (the monitor checks that
        ; every byte is readable in the current address space).  A hypercall
        ; is never interrupted, so there is no critical section to write.
        li    r1, HC_CONSOLE_WRITE
        hcall                           ; r2 = addr, r3 = len, as we got them
        ret
        .else
        rdpsw r4                        ; critical section starts
        di
console_write_next:
        cmpi  r3, 0
        beq   console_write_done
        ldbu  r1, 0(r2)
        out   CONSOLE_DATA, r1          ; prints the low 8 bits
        addi  r2, r2, 1
        addi  r3, r3, -1
        b     console_write_next
console_write_done:
        wrpsw r4                        ; critical section ends: IE as it was
        ret
        .endif

; ---------------------------------------------------------------------------
; kputs — print a NUL-terminated kernel string.
; In: r2 = the string.  Out: nothing.  Clobbers r1-r4.
; ---------------------------------------------------------------------------
kputs:
        push  lr
        mov   r3, r2                    ; r3 walks to the terminating 0
kputs_find_end:
        ldbu  r1, 0(r3)
        cmpi  r1, 0
        beq   kputs_found_end
        addi  r3, r3, 1
        b     kputs_find_end
kputs_found_end:
        sub   r3, r3, r2                ; length = end - start
        call  console_write
        pop   lr
        ret

; ---------------------------------------------------------------------------
; kput_dec — print a signed number in decimal ("-1", "0", "500").
; In: r2 = the number.  Out: nothing.  Clobbers r1-r4, r13.
; The digits come out least significant first, so they are stored backwards
; into number_buf, which ends where the digits start being read from.
; ---------------------------------------------------------------------------
kput_dec:
        push  lr
        push  r5
        mov   r5, r2                    ; r5 = the original, for its sign
        la    r3, number_buf_end        ; r3 = where the next digit goes (backwards)
        cmpi  r2, 0
        bge   kput_dec_digit
        sub   r2, zero, r2              ; the magnitude (as unsigned, even for -2^31)
kput_dec_digit:
        li    r13, 10
        remu  r1, r2, r13               ; lowest digit
        divu  r2, r2, r13               ; the rest
        addi  r1, r1, '0'
        addi  r3, r3, -1
        stb   r1, 0(r3)
        cmpi  r2, 0
        bne   kput_dec_digit            ; at least one digit, even for 0
        cmpi  r5, 0
        bge   kput_dec_print
        li    r1, '-'
        addi  r3, r3, -1
        stb   r1, 0(r3)
kput_dec_print:
        mov   r2, r3                    ; from the first character ...
        la    r3, number_buf_end
        sub   r3, r3, r2                ; ... to the end of the buffer
        call  console_write
        pop   r5
        pop   lr
        ret

; ---------------------------------------------------------------------------
; kput_hex — print a word as "0x" and 8 hex digits ("0x00001000"): addresses
; read best at fixed width.
; In: r2 = the word.  Out: nothing.  Clobbers r1-r4, r13.
; ---------------------------------------------------------------------------
kput_hex:
        push  lr
        push  r5
        la    r3, number_buf
        li    r1, '0'
        stb   r1, 0(r3)
        li    r1, 'x'
        stb   r1, 1(r3)
        addi  r3, r3, 2                 ; r3 = where the next digit goes
        li    r5, 8                     ; r5 = digits left
kput_hex_digit:
        shri  r1, r2, 28                ; the top nibble ...
        ldbu  r1, hex_digits(r1)        ; ... as a character
        stb   r1, 0(r3)
        addi  r3, r3, 1
        shli  r2, r2, 4                 ; bring up the next nibble
        addi  r5, r5, -1
        cmpi  r5, 0
        bne   kput_hex_digit
        la    r2, number_buf
        sub   r3, r3, r2                ; length: "0x" + 8 digits
        call  console_write
        pop   r5
        pop   lr
        ret
