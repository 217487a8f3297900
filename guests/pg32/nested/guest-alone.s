; guest-alone.s — the guest kernel of guest.s on its own, at address 0, on
; the bare machine.  Its output is the reference that every nested run must
; reproduce (REFERENCES §2 D11):
;
;     build/traplab run guests/pg32/nested/guest-alone.s     (exits with 42)

        .include "guest.s"
