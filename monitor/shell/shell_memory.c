/* shell_memory.c — the guest's memory in the monitor: x (virtual, as the
 * guest's own access translates it), xp (physical) and disassemble, with
 * `=>` at the PC and labels at the symbols.  Every lab uses them
 * (MONITOR.md "Looking at the guest").
 */
#include <stdlib.h>
#include <string.h>

#include "shell_cmds.h"

enum {
	BYTES_PER_ROW = 16,
	WORDS_PER_ROW = 4,
	BITS_PER_BYTE = 8,
	INSN_MAX_BYTES = 15,           /* the longest instruction of any backend (x86's) */
};

static size_t
shell_unit_size(char unit)
{
	switch (unit) {
	case 'b': return 1;
	case 'h': return 2;
	case 'g': return 8;
	default:  return 4;
	}
}

/* Multi-byte values are little-endian (PG32 SPEC §2, and x86). */
static uint64_t
shell_le_value(const uint8_t *p, size_t size)
{
	uint64_t v = 0;
	for (size_t i = size; i-- > 0;)
		v = v << BITS_PER_BYTE | p[i];
	return v;
}

static void shell_disassemble_range(struct shell *sh, const char *cmd, uint64_t addr,
				    uint64_t count);

static void
shell_print_units(struct shell *sh, const struct shell_argv *a, const uint8_t *buf,
		  bool physical)
{
	uint64_t addr = a->arg[0].value;
	size_t size = shell_unit_size(a->unit);
	size_t per_row = size == 1 ? BYTES_PER_ROW / 2 : BYTES_PER_ROW / size;
	if (size == sizeof(uint32_t))
		per_row = WORDS_PER_ROW;
	for (size_t i = 0; i < a->count; i += per_row) {
		char place[SHELL_PLACE_MAX];
		uint64_t at = addr + i * size;
		if (physical)
			shell_format_addr(sh, at, place, sizeof place);
		else
			shell_format_place(sh, at, place, sizeof place);
		fprintf(sh->out, "%s:", place);
		for (size_t j = i; j < a->count && j < i + per_row; j++)
			fprintf(sh->out, "  0x%0*llx", (int)(size * HEX_DIGITS_PER_BYTE),
				(unsigned long long)shell_le_value(buf + j * size, size));
		fputc('\n', sh->out);
	}
}

/* `x/Nw ADDR` (virtual) and `xp/Nw ADDR` (physical). */
static void
shell_examine(struct shell *sh, const struct shell_argv *a, bool physical)
{
	uint64_t addr = a->arg[0].value;
	if (a->unit == 'i') {
		if (physical)
			shell_error(sh, a->cmd, "/i disassembles virtual addresses: use x/Ni");
		else
			shell_disassemble_range(sh, a->cmd, addr, a->count);
		return;
	}
	size_t total = (size_t)a->count * shell_unit_size(a->unit);
	uint8_t *buf = malloc(total);
	char err[SHELL_ERR_MAX];
	if (!buf) {
		shell_error(sh, a->cmd, "out of memory");
		return;
	}
	if (B(sh)->ops->read_memory(B(sh), addr, physical, buf, total, err, sizeof err) < 0)
		shell_error(sh, a->cmd, "%s", err);
	else {
		shell_print_units(sh, a, buf, physical);
		sh->next_examine = addr + total;
	}
	free(buf);
}

void
shell_cmd_x(struct shell *sh, const struct shell_argv *a)
{
	shell_examine(sh, a, false);
}

void
shell_cmd_xp(struct shell *sh, const struct shell_argv *a)
{
	shell_examine(sh, a, true);
}

/* No instruction at `addr`: say why in one line.  Unreadable memory gives
 * the backend's reason; readable memory in the middle of an instruction
 * (`disassemble 0x3`: PG32's are 4 bytes, 4-aligned, isa/SPEC.md) names
 * the instruction it belongs to. */
static void
shell_no_instruction(struct shell *sh, const char *cmd, uint64_t addr, const char *text)
{
	char err[SHELL_ERR_MAX], at[SHELL_ADDR_MAX], start[SHELL_PLACE_MAX], scratch[SHELL_SYMBOL_MAX];
	uint8_t probe;
	struct backend *b = B(sh);
	if (b->ops->read_memory(b, addr, false, &probe, sizeof probe, err, sizeof err) < 0) {
		shell_error(sh, cmd, "%s", err);
		return;
	}
	for (uint64_t back = 1; back < INSN_MAX_BYTES && back <= addr; back++) {
		size_t len = b->ops->disassemble(b, addr - back, scratch, sizeof scratch);
		if (len > back) {
			shell_format_addr(sh, addr, at, sizeof at);
			shell_format_place(sh, addr - back, start, sizeof start);
			shell_error(sh, cmd, "%s is not aligned: instructions are %zu bytes, at "
				    "multiples of %zu (the one there starts at %s)", at, len, len, start);
			return;
		}
	}
	shell_error(sh, cmd, "%s", text);
}

/* The width of the "address <symbol+off>:" column of `count` instructions. */
static int
shell_disassembly_width(struct shell *sh, uint64_t at, uint64_t count)
{
	char text[SHELL_SYMBOL_MAX], place[SHELL_PLACE_MAX];
	int width = 0;
	for (uint64_t i = 0; i < count; i++) {
		size_t len = B(sh)->ops->disassemble(B(sh), at, text, sizeof text);
		shell_format_place(sh, at, place, sizeof place);
		int w = (int)strlen(place) + 1;
		if (w > width)
			width = w;
		if (len == 0)
			break;
		at += len;
	}
	return width;
}

static void
shell_disassemble_range(struct shell *sh, const char *cmd, uint64_t addr, uint64_t count)
{
	struct backend *b = B(sh);
	uint64_t pc = b->ops->pc(b);
	char text[SHELL_SYMBOL_MAX];
	if (b->ops->disassemble(b, addr, text, sizeof text) == 0) {
		shell_no_instruction(sh, cmd, addr, text);
		return;
	}
	int width = shell_disassembly_width(sh, addr, count);
	const struct symtab *syms = b->ops->symbols(b);
	uint64_t at = addr;
	for (uint64_t i = 0; i < count; i++) {
		const struct symbol *label = syms && at <= UINT32_MAX
						     ? symtab_label_at(syms, (uint32_t)at) : NULL;
		if (label)
			fprintf(sh->out, "%s:\n", label->name);
		size_t len = shell_print_insn(sh, at, at == pc, width);
		if (len == 0)
			break;
		at += len;
	}
	sh->next_disassemble = at;
}

void
shell_cmd_disassemble(struct shell *sh, const struct shell_argv *a)
{
	uint64_t addr = a->arg[0].given ? a->arg[0].value : B(sh)->ops->pc(B(sh));
	uint64_t count = a->arg[1].given ? a->arg[1].value : DISAS_DEFAULT_COUNT;
	if (count > EXAMINE_MAX_UNITS) {
		shell_error(sh, a->cmd, "count %llu out of range (1 to %d)",
			    (unsigned long long)count, EXAMINE_MAX_UNITS);
		return;
	}
	shell_disassemble_range(sh, a->cmd, addr, count);
}
