main:
	nop
	b main	; crlf and tabs
	.asciz "A\0\r\n\"\\"
