help break
help x
help isa
help expressions
help info
help explain
help equiv
