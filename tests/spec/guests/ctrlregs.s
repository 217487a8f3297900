; ctrlregs.s — the control registers as mfcr/mtcr see them.
; SPEC §3.3 (tvec, epc, epsw, badaddr, rbase, rbound, scratch hold what is
; written; ptbr's low 12 bits read as 0; mmu's bits other than PG read as
; 0), §5.1 (supervisor mode is unrelocated: rbase/rbound do not move it).
        .include "spec.inc"

main:
        li    r5, 0xdeadbeef
        mtcr  scratch, r5
        mfcr  r1, scratch
        mov   r2, r5
        la    r3, s_scratch
        call  check

        li    r5, 0x12345fff
        mtcr  ptbr, r5
        mfcr  r1, ptbr
        li    r2, 0x12345000
        la    r3, s_ptbr
        call  check
        li    r5, 0xfffff001
        mtcr  ptbr, r5
        mfcr  r1, ptbr
        li    r2, 0xfffff000
        la    r3, s_ptbr2
        call  check
        mtcr  ptbr, zero

        li    r5, 0xfffffffe            ; PG = 0: paging stays off
        mtcr  mmu, r5
        mfcr  r1, mmu
        li    r2, 0
        la    r3, s_mmu
        call  check

        li    r5, 0x80000001
        mtcr  rbase, r5
        mfcr  r1, rbase
        mov   r2, r5
        la    r3, s_rbase
        call  check
        li    r5, 0xffffffff
        mtcr  rbound, r5
        mfcr  r1, rbound
        mov   r2, r5
        la    r3, s_rbound
        call  check

        ; supervisor mode ignores rbase/rbound: these loads are physical
        li    r5, 0x40000
        mtcr  rbase, r5
        mtcr  rbound, zero
        li    r6, 0x600d
        stw   r6, 0x7e00(zero)
        ldw   r1, 0x7e00(zero)
        li    r2, 0x600d
        la    r3, s_unrelocated
        call  check
        li    r5, 0x40000 + 0x7e00
        ldw   r1, 0(r5)
        li    r2, 0
        la    r3, s_unrelocated2
        call  check

        li    r5, 0x13579bdf
        mtcr  epc, r5
        mfcr  r1, epc
        mov   r2, r5
        la    r3, s_epc
        call  check
        li    r5, 0x2468ace0
        mtcr  badaddr, r5
        mfcr  r1, badaddr
        mov   r2, r5
        la    r3, s_badaddr
        call  check
        li    r5, PSW_S | PSW_IE | PSW_V
        mtcr  epsw, r5
        mfcr  r1, epsw
        mov   r2, r5
        la    r3, s_epsw
        call  check

        mfcr  r5, tvec
        li    r6, 0x00abcdef
        mtcr  tvec, r6
        mfcr  r1, tvec
        mtcr  tvec, r5
        mov   r2, r6
        la    r3, s_tvec
        call  check

        ; a trap writes cause; mfcr reads it back
        sys
        mfcr  r1, cause
        li    r2, C_SYSCALL
        la    r3, s_cause
        call  check

        b     finish

s_scratch:  .asciz "scratch holds a word"
s_ptbr:     .asciz "ptbr low 12 bits read as 0 (0x12345fff)"
s_ptbr2:    .asciz "ptbr low 12 bits read as 0 (0xfffff001)"
s_mmu:      .asciz "mmu bits other than PG read as 0"
s_rbase:    .asciz "rbase holds any value"
s_rbound:   .asciz "rbound holds any value"
s_unrelocated:  .asciz "supervisor loads ignore rbase and rbound = 0"
s_unrelocated2: .asciz "supervisor loads are physical"
s_epc:      .asciz "epc holds a word"
s_badaddr:  .asciz "badaddr holds a word"
s_epsw:     .asciz "epsw holds a PSW value"
s_tvec:     .asciz "tvec holds a word"
s_cause:    .asciz "mfcr cause after sys"
