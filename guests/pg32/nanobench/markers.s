; markers.s — what frames A and B hold, so that ptemod can tell which one
; its scratch page maps at the end.  Include last: it moves to FRAME_A.
        .org  FRAME_A
        .word 0xaaaaaaaa
        .org  FRAME_B
        .word 0xbbbbbbbb
