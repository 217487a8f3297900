; minios.s — minios, the small teaching kernel that is TrapLab's default guest
; (every lab runs it).  It boots, turns on paging, starts four user tasks in
; separate address spaces, preempts them with the timer, serves their system
; calls, kills the one that misbehaves, and powers off when all are done.
;
;     build/traplab run guests/pg32/minios/minios.s
;
; README.md (next to this file) has the memory map, the system-call table,
; the trap flow and a walk-through.  This file only puts the pieces in order:
; the order of the .include lines below IS the layout of the image.

        .equ PARAVIRT, 0        ; the bare build: minios-pv/minios-pv.s says 1
        .include "defs.s"       ; constants only: emits nothing

; ---- the kernel: code from physical address 0, then its data --------------
        .include "kernel.s"

; ---- user text: everything the tasks execute ---------------------------------
; These pages are mapped into every task at USER_TEXT_VA, read-only and
; executable, with the U bit.  The code in them must be position-independent:
; it is assembled here but runs at a different (virtual) address, so it uses
; only pc-relative `b`/`call`/`adr`, never `la` of a label.
        .align PAGE_SIZE
user_text_start:
        .include "ulib.s"       ; the user library: system-call stubs, line output
        .include "user.s"       ; the programs: task_a, task_b, task_c, task_d
        .align PAGE_SIZE
user_text_end:

; The image ends here; physical frames from this address up are handed out
; by frame_alloc (paging.s) at boot.
image_end:
