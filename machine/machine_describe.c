/* machine_describe.c — the one line that says why a PG32 machine stopped
 * (machine_describe_stop, machine.h): the stop reason, the trap with its
 * cause's name and meaning (isa/SPEC.md §6.1), and the instruction at the
 * PC, disassembled.  `traplab run` prints it at the end of every run; Lab 1
 * reads it first.
 */
#include <stdio.h>
#include <string.h>

#include "disasm.h"
#include "machine_internal.h"

/* "stw r1, 0(r2)" for the word at pc, or "(unreadable)" if pc does not map. */
static void
machine_describe_insn_at(const struct machine *m, uint32_t pc, uint32_t word,
			 bool have_word, char *buf, size_t len)
{
	uint32_t pa;
	if (!have_word) {
		if (mmu_translate_in(m, NULL, pc, ISA_WORD, ACCESS_FETCH, &pa) != 0) {
			snprintf(buf, len, "(no instruction: pc does not map)");
			return;
		}
		memcpy(&word, m->mem + pa, sizeof word);
	}
	char text[96];
	disasm_insn(word, pc, NULL, text, sizeof text);
	snprintf(buf, len, "%s  [%08x]", text, word);
}

static void
machine_describe_trap(const struct machine *m, const struct machine_trap *t,
		      char *buf, size_t len)
{
	const char *name = isa_cause_name(t->cause);
	const char *what = isa_cause_description(t->cause);
	char insn[128];
	bool is_fetch_fault = t->access == ACCESS_FETCH && isa_cause_has_address(t->cause);
	if (is_fetch_fault || t->cause >= CAUSE_FIRST_INTERRUPT)
		snprintf(insn, sizeof insn, "(none: %s)", is_fetch_fault ? "the fetch faulted" : "interrupt");
	else
		machine_describe_insn_at(m, t->epc, t->insn, true, insn, sizeof insn);
	if (isa_cause_has_address(t->cause))
		snprintf(buf, len, "%s (%s, %s at 0x%08x) at pc=0x%08x: %s",
			 name ? name : "?", what ? what : "?", isa_access_name(t->access),
			 t->badaddr, t->epc, insn);
	else
		snprintf(buf, len, "%s (%s) at pc=0x%08x: %s",
			 name ? name : "?", what ? what : "?", t->epc, insn);
}

void
machine_describe_stop(const struct machine *m, char *buf, size_t len)
{
	const struct machine_stop_info *st = &m->stop;
	char detail[320];
	switch (st->reason) {
	case STOP_POWER_OFF:
		snprintf(buf, len, "powered off with status %d after %llu instructions",
			 st->exit_status, (unsigned long long)m->retired);
		return;
	case STOP_NONE:
	case STOP_BUDGET:
		machine_describe_insn_at(m, m->s.pc, 0, false, detail, sizeof detail);
		snprintf(buf, len, "instruction budget spent after %llu instructions; "
			 "next pc=0x%08x: %s", (unsigned long long)m->retired, m->s.pc, detail);
		return;
	case STOP_UNHANDLED_TRAP:
		machine_describe_trap(m, &st->trap, detail, sizeof detail);
		snprintf(buf, len, "unhandled trap: %s — no trap vector is set (tvec = 0)", detail);
		return;
	case STOP_HALTED_FOREVER:
		snprintf(buf, len, "halted forever at pc=0x%08x: halt with %s, so nothing "
			 "can wake the machine", m->s.pc,
			 (m->s.psw & PSW_IE) ? "the timer stopped" : "interrupts disabled");
		return;
	case STOP_HOOK:
		machine_describe_trap(m, &st->trap, detail, sizeof detail);
		snprintf(buf, len, "stopped by the monitor at trap %s", detail);
		return;
	case STOP_USER_MODE:
		snprintf(buf, len, "stopped at pc=0x%08x on entering user mode", m->s.pc);
		return;
	case STOP_TRAP_STORM:
		machine_describe_trap(m, &st->trap, detail, sizeof detail);
		snprintf(buf, len, "trap storm: %u traps in a row with no instruction retired; "
			 "the handler at tvec=0x%08x itself faults. Last: %s",
			 TRAP_STORM_LIMIT, m->s.cr[CR_tvec], detail);
		return;
	}
	snprintf(buf, len, "stopped (reason %d)", (int)st->reason);
}
