# a newcomer's slips, each answered in one line
# PG32 instructions are 4 bytes at multiples of 4 (isa/SPEC.md)
disassemble 0x3
x/2i 0x6
disassemble 0x4 2
# outside the guest's memory: kept, with a warning (a guest may map it later)
break 0x12345678
info breakpoints
delete
# words a command does not take
next 5
load one two
disassemble 0 3 4
regs nosuch
info nothing
set isa
trace traps maybe
# topics by unambiguous prefix; help by class and by topic
info b
info reg control
help breakpoints
help info registers
help info nosuch
