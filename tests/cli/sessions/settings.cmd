show isa
show place
mode hybrid
continue 50000
set isa legacy
isa
set mode = trap
step 3
set r1 = 0x1234 + 1
print $r1
set pc = minios_boot
print $pc
reset
