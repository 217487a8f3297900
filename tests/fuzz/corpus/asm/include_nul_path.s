.include "guests/pg32/lib/print.s\0junk"
