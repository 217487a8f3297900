/* shell_util.c — what the monitor's commands share: addresses in the
 * width of the backend's PC, "<symbol+offset>" names for them, one
 * instruction printed the way every command prints it, lines without
 * trailing blanks, and lists of words.  Every lab uses the monitor.
 */
#include <stdarg.h>
#include <string.h>

#include "shell_cmds.h"

enum {
	SYMBOL_REACH = 0x10000,        /* "<sym+off>" only when off is below 64 KiB */
	DEFAULT_ADDR_BITS = 32,
	WORD_MAX = 64,                 /* one word of a space-separated list */
};

static unsigned
shell_addr_bits(struct shell *sh)
{
	struct backend_reg regs[SHELL_MAX_REGS];
	size_t n = B(sh)->ops->registers(B(sh), REGS_GENERAL, regs, SHELL_MAX_REGS);
	for (size_t i = 0; i < n; i++)
		if (strcmp(regs[i].name, "pc") == 0 && regs[i].bits)
			return regs[i].bits;
	return DEFAULT_ADDR_BITS;
}

void
shell_format_addr(struct shell *sh, uint64_t addr, char *buf, size_t len)
{
	snprintf(buf, len, "0x%0*llx", (int)(shell_addr_bits(sh) / BITS_PER_HEX_DIGIT),
		 (unsigned long long)addr);
}

void
shell_symbolize(struct shell *sh, uint64_t addr, char *buf, size_t len)
{
	buf[0] = '\0';
	const struct symtab *syms = B(sh)->ops->symbols(B(sh));
	if (!syms || addr > UINT32_MAX)
		return;
	const struct symbol *s = symtab_label_before(syms, (uint32_t)addr);
	if (!s || addr - s->value >= SYMBOL_REACH)
		return;
	if (addr == s->value)
		snprintf(buf, len, "<%s>", s->name);
	else
		snprintf(buf, len, "<%s+%llu>", s->name, (unsigned long long)(addr - s->value));
}

void
shell_format_place(struct shell *sh, uint64_t addr, char *buf, size_t len)
{
	char a[SHELL_ADDR_MAX], s[SHELL_SYMBOL_MAX];
	shell_format_addr(sh, addr, a, sizeof a);
	shell_symbolize(sh, addr, s, sizeof s);
	snprintf(buf, len, "%s%s%s", a, *s ? " " : "", s);
}

void
shell_line(struct shell *sh, const char *fmt, ...)
{
	char line[SHELL_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	size_t n = strlen(line);
	while (n && line[n - 1] == ' ')
		line[--n] = '\0';
	fprintf(sh->out, "%s\n", line);
}

bool
shell_need_guest(struct shell *sh, const char *cmd)
{
	if (B(sh)->ops->loaded(B(sh)))
		return true;
	shell_error(sh, cmd, "no guest loaded (use: load FILE)");
	return false;
}

const char *
shell_strip_prefix(const char *cmd, const char *msg)
{
	size_t n = strlen(cmd);
	if (strncmp(msg, cmd, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ')
		return msg + n + 2;
	return msg;
}

size_t
shell_print_insn(struct shell *sh, uint64_t addr, bool mark, int width)
{
	char text[SHELL_SYMBOL_MAX], where[SHELL_PLACE_MAX + 1];
	size_t len = B(sh)->ops->disassemble(B(sh), addr, text, sizeof text);
	shell_format_place(sh, addr, where, sizeof where - 1);
	strcat(where, ":");
	shell_line(sh, "%s %-*s  %s", mark ? "=>" : "  ", width, where, text);
	return len;
}

void
shell_add_words(const char *words, void (*add)(void *ctx, const char *name), void *ctx)
{
	char word[WORD_MAX];
	for (const char *p = words; p && *p;) {
		size_t w = strcspn(p, " ");
		snprintf(word, sizeof word, "%.*s", (int)w, p);
		if (w)
			add(ctx, word);
		p += w;
		p += strspn(p, " ");
	}
}

bool
shell_words_have(const char *words, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = words; p && *p;) {
		size_t w = strcspn(p, " ");
		if (w == n && strncmp(p, name, n) == 0)
			return true;
		p += w;
		p += strspn(p, " ");
	}
	return false;
}
