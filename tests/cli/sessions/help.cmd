help break
help x
help isa
help expressions
