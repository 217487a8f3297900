# nothing loaded yet
step
continue
x/4w 0
disassemble
info registers
load /nonexistent/guest.s
load guests/pg32/minios/minios.s
# one line each, and the session goes on
foo
x/4q 0
break
break foo
watch
x/4w
x/4w 0x12g
print 1 +
print (1
print 2 @ 3
print $nosuch
print 1/0
x/4w 0x7fff0000
xp/4w 0x7fff0000
disassemble 0x00500000
delete 7
info
info nothing
place nowhere
isa
set nosuch 1
show nosuch
trace traps maybe
load
dot
step 0
help nosuch
print 6*7
