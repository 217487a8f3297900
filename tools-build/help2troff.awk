# help2troff.awk — one `traplab CMD --help` text into a troff man page
# (tools-build/manpages.sh runs it; `make man`, `make install`).  The --help
# texts are man pages already: headings (NAME, SYNOPSIS, ...) at column 0,
# bodies indented four spaces.  So the --help text stays the one source:
# bodies are set as written, unfilled, keeping every table and column.
#   awk -v page=traplab-run -v version=0.1 [-v see_also='traplab(1)'] -f help2troff.awk
# Lab 0 (set-up).

# Text as troff reads it: a backslash is \e, a minus is \- (not a hyphen,
# so options copy and paste), and a line may not start a request.
function escape(s) {
	gsub(/\\/, "\\e", s)
	gsub(/-/, "\\-", s)
	if (s ~ /^[.']/)
		s = "\\&" s
	return s
}

# NAME is one line "page \- summary" for whatis(1) and apropos(1): the
# --help text's "traplab run - summary", joined if it wrapped.
function flush_name(   dash) {
	if (name == "")
		return
	dash = index(name, " - ")
	print escape(page) " \\- " escape(dash ? substr(name, dash + 3) : name)
	name = ""
}

# Blank lines are held back until text follows: none ends a section.
function end_section() {
	flush_name()
	if (unfilled)
		print ".fi"
	unfilled = 0
	blanks = 0
}

BEGIN {
	printf ".TH %s 1 \"\" \"traplab %s\" \"TrapLab manual\"\n", toupper(escape(page)), version
}

/^[A-Z][A-Z ]*$/ {
	end_section()
	section = $0
	print ".SH " section
	if (section != "NAME") {
		print ".nf"
		unfilled = 1
	}
	next
}

/^ *$/ {
	blanks++
	next
}

section == "NAME" {
	sub(/^ +/, "")
	name = name (name == "" ? "" : " ") $0
	next
}

{
	for (; blanks > 0; blanks--)
		print ""
	sub(/^    /, "")
	print escape($0)
}

END {
	end_section()
	if (see_also != "") {
		print ".SH SEE ALSO"
		print escape(see_also)
	}
}
