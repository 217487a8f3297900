; issue 15: none of these may block or read without bound; each is one error
        .include "/dev/zero"
        .include "/dev/null"
        .include "/tmp"
        .include "/nonexistent/x.s"
        .include "guests/pg32"
        nop
