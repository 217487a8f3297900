/* backend_pg32_state.c — the PG32 guest's state as backend.h shows it:
 * registers (the guest's, and the real machine's beside them for `info
 * vcpu`), memory, disassembly, breakpoints and watchpoints.  Labs 1, 3 and
 * 5–7 look at guests through it.
 */
#include <stdlib.h>
#include <string.h>

#include "backend_pg32_internal.h"
#include "disasm.h"

/* ===== state ======================================================================= */

uint64_t
pg32_pc(const struct backend *b)
{
	const struct pg32_backend *p = pg32(b);
	return p->vm ? pg32_guest_pc(p) : 0;
}

static const char *
pg32_psw_note(uint32_t psw, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s%s", (psw & PSW_S) ? "supervisor" : "user",
		 (psw & PSW_IE) ? " IE" : "", (psw & PSW_Z) ? " Z" : "", (psw & PSW_N) ? " N" : "",
		 (psw & PSW_C) ? " C" : "", (psw & PSW_V) ? " V" : "");
	return buf;
}

/* In bt and hybrid mode the guest's kernel (virtual supervisor code) never
 * runs on the real machine: the monitor translates or interprets it.  Then
 * true, with the real PSW's note saying so. */
static bool
pg32_kernel_not_on_real_machine(const struct pg32_backend *p, char *note, size_t len)
{
	struct cpu_state guest, real;
	vm_guest_state(p->vm, &guest);
	if (!(guest.psw & PSW_S) || (p->mode != MODE_BT && p->mode != MODE_HYBRID))
		return false;
	vm_real_state(p->vm, &real);
	snprintf(note, len, "%s (idle: %s)", (real.psw & PSW_S) ? "supervisor" : "user",
		 p->mode == MODE_BT ? "bt runs the guest kernel translated"
				    : "hybrid interprets the guest kernel");
	return true;
}

/* Every PG32 register is a 32-bit word. */
static void
reg_put(struct backend_reg *out, size_t max, size_t *n, const char *name, uint64_t value,
	const char *note)
{
	backend_reg_put(out, max, n, name, value, 32, note);
}

size_t
pg32_registers(struct backend *b, enum backend_reg_group group, struct backend_reg *out,
	       size_t max)
{
	struct pg32_backend *p = pg32(b);
	if (!p->vm)
		return 0;
	/* notes point into static buffers valid until the next call */
	static char psw_note[64], real_note[64], cause_note[64];
	struct cpu_state s;
	size_t n = 0;
	static const char *const gpr_names[ISA_NUM_GPRS] = {
		"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11",
		"r12", "r13", "sp", "lr",
	};
	switch (group) {
	case REGS_GENERAL:
		vm_guest_state(p->vm, &s);
		for (int i = 0; i < ISA_NUM_GPRS; i++)
			reg_put(out, max, &n, gpr_names[i], s.r[i], NULL);
		reg_put(out, max, &n, "pc", s.pc, NULL);
		break;
	case REGS_CONTROL:
		vm_guest_state(p->vm, &s);
		reg_put(out, max, &n, "psw", s.psw, pg32_psw_note(s.psw, psw_note, sizeof psw_note));
		for (unsigned i = 0; i < ISA_NUM_CRS; i++) {
			const char *note = NULL;
			if (i == CR_cause && isa_cause_name(s.cr[i] & CAUSE_CODE_MASK)) {
				snprintf(cause_note, sizeof cause_note, "%s",
					 isa_cause_name(s.cr[i] & CAUSE_CODE_MASK));
				note = cause_note;
			}
			reg_put(out, max, &n, isa_control_reg_name(i), s.cr[i], note);
		}
		break;
	case REGS_REAL:
		vm_real_state(p->vm, &s);
		if (pg32_kernel_not_on_real_machine(p, real_note, sizeof real_note)) {
			/* its pc, rbase, ... would be stale zeros: say why instead */
			reg_put(out, max, &n, "psw", s.psw, real_note);
			break;
		}
		reg_put(out, max, &n, "pc", s.pc, NULL);
		reg_put(out, max, &n, "psw", s.psw, pg32_psw_note(s.psw, real_note, sizeof real_note));
		reg_put(out, max, &n, "rbase", s.cr[CR_rbase], NULL);
		reg_put(out, max, &n, "rbound", s.cr[CR_rbound], NULL);
		reg_put(out, max, &n, "ptbr", s.cr[CR_ptbr], NULL);
		reg_put(out, max, &n, "mmu", s.cr[CR_mmu], NULL);
		break;
	case REGS_SEGMENT:
	case REG_GROUPS:
		break;
	}
	return n;
}

int
pg32_set_register(struct backend *b, const char *name, uint64_t value, char *err, size_t errlen)
{
	struct pg32_backend *p = pg32(b);
	if (!p->vm)
		return backend_no_guest(err, errlen);
	struct cpu_state s;
	vm_guest_state(p->vm, &s);
	int r = isa_register_by_name(name), cr = isa_control_reg_by_name(name);
	if (r >= 0)
		s.r[r] = (uint32_t)value;
	else if (cr >= 0)
		s.cr[cr] = (uint32_t)value;
	else if (strcmp(name, "pc") == 0)
		s.pc = (uint32_t)value;
	else if (strcmp(name, "psw") == 0)
		s.psw = (uint32_t)value;
	else {
		snprintf(err, errlen, "no register '%s' (general: r0-r15 sp lr pc; "
			 "control: psw tvec epc epsw cause badaddr rbase rbound ptbr mmu scratch)",
			 name);
		return -1;
	}
	vm_set_guest_state(p->vm, &s);
	return 0;
}

/* Visit [addr, addr + len) a piece at a time, translating virtual addresses. */
static int
pg32_memory(struct pg32_backend *p, uint64_t addr, bool physical, void *buf, size_t len,
	    bool write, char *err, size_t errlen)
{
	if (!p->vm)
		return backend_no_guest(err, errlen);
	uint8_t *bytes = buf;
	for (size_t done = 0; done < len;) {
		uint64_t va = addr + done;
		uint32_t pa = (uint32_t)va;
		size_t piece = len - done;
		if (va > UINT32_MAX) {
			snprintf(err, errlen, "address 0x%llx is beyond 32 bits", (unsigned long long)va);
			return -1;
		}
		if (!physical) {
			unsigned cause = vm_guest_translate(p->vm, (uint32_t)va, 1,
							    write ? ACCESS_STORE : ACCESS_LOAD, &pa);
			if (cause) {
				snprintf(err, errlen, "0x%08x: %s for the guest (%s)", (uint32_t)va,
					 cause == CAUSE_PAGE ? "not mapped" : "outside its memory",
					 isa_cause_name(cause));
				return -1;
			}
			size_t to_page_end = PAGE_SIZE - (va & (PAGE_SIZE - 1));
			if (piece > to_page_end)
				piece = to_page_end;
		}
		int rc = write ? vm_write_guest_phys(p->vm, pa, bytes + done, piece)
			       : vm_read_guest_phys(p->vm, pa, bytes + done, piece);
		if (rc < 0) {
			snprintf(err, errlen, "0x%08x: outside the guest's %u KiB of memory", pa,
				 vm_guest_memory_size(p->vm) / 1024);
			return -1;
		}
		done += piece;
	}
	return 0;
}

int
pg32_read_memory(struct backend *b, uint64_t addr, bool physical, void *buf, size_t len,
		 char *err, size_t errlen)
{
	return pg32_memory(pg32(b), addr, physical, buf, len, false, err, errlen);
}

int
pg32_write_memory(struct backend *b, uint64_t addr, bool physical, const void *buf, size_t len,
		  char *err, size_t errlen)
{
	return pg32_memory(pg32(b), addr, physical, (void *)buf, len, true, err, errlen);
}

size_t
pg32_disassemble(struct backend *b, uint64_t addr, char *buf, size_t len)
{
	struct pg32_backend *p = pg32(b);
	uint32_t word;
	if (!p->vm || addr > UINT32_MAX || vm_guest_fetch(p->vm, (uint32_t)addr, &word) != 0) {
		snprintf(buf, len, "(cannot read 0x%08llx)", (unsigned long long)addr);
		return 0;
	}
	disasm_insn(word, (uint32_t)addr, &p->syms, buf, len);
	return ISA_WORD;
}

const struct symtab *
pg32_symbols(const struct backend *b)
{
	return &pg32(b)->syms;
}

/* ===== breakpoints and watchpoints =================================================== */

int
pg32_add_breakpoint(struct backend *b, uint64_t addr, char *err, size_t errlen)
{
	struct pg32_backend *p = pg32(b);
	if (addr > UINT32_MAX || addr % ISA_WORD) {
		snprintf(err, errlen, "0x%llx is not an instruction address (4-aligned, 32 bits)",
			 (unsigned long long)addr);
		return -1;
	}
	if (pg32_at_breakpoint(p, (uint32_t)addr)) {
		snprintf(err, errlen, "there is already a breakpoint at 0x%08x", (uint32_t)addr);
		return -1;
	}
	if (p->nbreakpoints == MAX_BREAKPOINTS) {
		snprintf(err, errlen, "too many breakpoints (%d); delete one first", MAX_BREAKPOINTS);
		return -1;
	}
	p->breakpoints[p->nbreakpoints++] = (uint32_t)addr;
	return 0;
}

int
pg32_remove_breakpoint(struct backend *b, uint64_t addr)
{
	struct pg32_backend *p = pg32(b);
	for (size_t i = 0; i < p->nbreakpoints; i++)
		if (p->breakpoints[i] == addr) {
			p->breakpoints[i] = p->breakpoints[--p->nbreakpoints];
			return 0;
		}
	return -1;
}

/* The word at addr when a watchpoint is set: read as `x` reads it, so a
 * word the guest cannot reach is refused with the reason. */
static int
pg32_read_word(void *ctx, uint64_t addr, uint32_t *value, char *err, size_t errlen)
{
	return pg32_memory(ctx, addr, false, value, sizeof *value, false, err, errlen);
}

int
pg32_add_watchpoint(struct backend *b, uint64_t addr, char *err, size_t errlen)
{
	if (addr > UINT32_MAX || addr % ISA_WORD) {
		snprintf(err, errlen, "watchpoints watch a word: 0x%llx is not 4-aligned",
			 (unsigned long long)addr);
		return -1;
	}
	return backend_watch_add(&pg32(b)->watches, addr, pg32_read_word, pg32(b), err, errlen);
}

int
pg32_remove_watchpoint(struct backend *b, uint64_t addr)
{
	return backend_watch_remove(&pg32(b)->watches, addr);
}

