/* test_timer.c — the port devices and time (isa/SPEC.md §6.3, §10, §12): the
 * interval timer counts retired instructions (interrupts land on exactly the
 * predicted instruction), stays pending until acknowledged, waits for IE,
 * halt skips idle time; power-off, console, unowned ports, and two runs of the
 * same program being identical.  Serves Lab 1 (devices) and Lab 5 (the
 * virtual timer must match this one instruction for instruction).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dev_console.h"
#include "dev_power.h"
#include "dev_timer.h"
#include "isa.h"
#include "machine.h"
#include "rig.h"
#include "support.h"

enum {
	PC0 = RIG_PC,
	TVEC = 0x800,
	P_INTERVAL = TIMER_PORT_BASE + TIMER_INTERVAL,
	P_COUNT = TIMER_PORT_BASE + TIMER_COUNT,
	P_ACK = TIMER_PORT_BASE + TIMER_ACK,
	P_POWER = POWER_PORT_BASE + POWER_OFF,
	P_DATA = CONSOLE_PORT_BASE + CONSOLE_DATA,
	P_STATUS = CONSOLE_PORT_BASE + CONSOLE_STATUS,
};

/* ===== the rig ============================================================ */

/* The shared rig with the handler at TVEC and the console captured; the hook
 * delivers r.deliver_timer TIMER traps and stops on anything else. */
static const struct rig_config timer_rig = { .variant = ISA_STRICT, .tvec = TVEC, .console = true };

#define NOP             ENC(RRI(addi, 2, 2, 1))

/* A straight run of `n` nops at `addr`. */
static void
put_nops(struct rig *r, uint32_t addr, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		rig_put(r, addr + 4 * i, NOP);
}

/* ===== the interval timer (SPEC §10.2, §6.3) ============================== */

/* `out TIMER_INTERVAL, I` sets the count to I; the next I retired
 * instructions count it down, and the interrupt is taken before the one
 * after (minios's README counts the quantum the same way). */
static void
test_timer_interrupt_lands_after_exactly_interval_retired(void)
{
	static const uint32_t intervals[] = { 1, 2, 3, 5, 37, 200 };
	for (size_t i = 0; i < ARRAY_SIZE(intervals); i++) {
		struct rig r;
		rig_open_config(&r, &timer_rig);
		rig_put(&r, PC0, ENC(OUT(P_INTERVAL, 1)));
		put_nops(&r, PC0 + 4, 300);
		r.s.psw = PSW_S | PSW_IE;
		r.s.r[1] = intervals[i];
		rig_run(&r, 1000);
		uint32_t want_epc = PC0 + 4 + 4 * intervals[i];
		CHECKF(r.ntraps == 1 && r.trap[0].cause == CAUSE_TIMER && r.trap[0].epc == want_epc,
		       "interval %u: %u traps, cause %u, epc 0x%x, want TIMER at 0x%x", intervals[i],
		       r.ntraps, r.trap[0].cause, r.trap[0].epc, want_epc);
		CHECKF(r.retired_at[0] == 1 + intervals[i] && r.out.r[2] == intervals[i],
		       "interval %u: interrupt after %llu retired (%u nops), want %u", intervals[i],
		       (unsigned long long)r.retired_at[0], r.out.r[2], 1 + intervals[i]);
		CHECKF(r.trap[0].insn == 0 && r.trap[0].access == ACCESS_FETCH,
		       "interval %u: interrupt carries insn 0x%x", intervals[i], r.trap[0].insn);
		rig_close(&r);
	}
}

/* SPEC §6.1/§6.2 for an interrupt: epc = the next instruction, cause 16,
 * badaddr unchanged, IE cleared in the handler, epsw keeps IE = 1. */
static void
test_timer_interrupt_delivery_state(void)
{
	struct rig r;
	rig_open_config(&r, &timer_rig);
	rig_put(&r, PC0, ENC(OUT(P_INTERVAL, 1)));
	put_nops(&r, PC0 + 4, 8);
	rig_put(&r, TVEC, ENC(NONE(brk)));
	r.deliver_timer = 1;
	r.s.psw = PSW_S | PSW_IE | PSW_C;
	r.s.r[1] = 4;
	r.s.cr[CR_badaddr] = 0x5555;
	rig_run(&r, 100);
	CU_ASSERT_EQUAL(r.ntraps, 2);
	CU_ASSERT_EQUAL(r.trap[1].cause, CAUSE_BREAKPOINT);
	CU_ASSERT_EQUAL(r.out.cr[CR_cause], CAUSE_TIMER);
	CU_ASSERT_EQUAL(r.out.cr[CR_epc], PC0 + 4 + 4 * 4);
	CU_ASSERT_EQUAL(r.out.cr[CR_epsw], PSW_S | PSW_IE | PSW_C);
	CU_ASSERT_EQUAL(r.out.cr[CR_badaddr], 0x5555);
	CU_ASSERT_EQUAL(r.out.psw, PSW_S | PSW_C);
	CU_ASSERT_EQUAL(r.out.pc, TVEC);
	/* Taking the interrupt retired nothing (SPEC §12): out, 4 nops, brk. */
	CU_ASSERT_EQUAL(machine_retired(r.m), 1 + 4 + 1);
	rig_close(&r);
}

/* A handler that acknowledges and returns: one interrupt per I retired
 * instructions, the handler's own included. */
static void
test_timer_is_periodic_with_ack_and_rti(void)
{
	struct rig r;
	rig_open_config(&r, &timer_rig);
	const uint32_t prog[] = { ENC(OUT(P_INTERVAL, 1)), NOP, ENC(BR(b, -2)) };
	const uint32_t handler[] = { ENC(OUT(P_ACK, 0)), ENC(NONE(rti)) };
	rig_put_words(&r, PC0, prog, ARRAY_SIZE(prog));
	rig_put_words(&r, TVEC, handler, ARRAY_SIZE(handler));
	r.deliver_timer = 1000;
	r.s.psw = PSW_S | PSW_IE;
	r.s.r[1] = 10;
	rig_run(&r, 1 + 995);
	struct machine_stats st;
	machine_get_stats(r.m, &st);
	CU_ASSERT_EQUAL(r.reason, STOP_NONE);
	CU_ASSERT_EQUAL(st.timer_expiries, 99);
	CU_ASSERT_EQUAL(st.traps[CAUSE_TIMER], 99);
	CU_ASSERT_EQUAL(r.ntraps, 99);
	/* the first two interrupts: after 10 and after 20 retired past the out */
	CU_ASSERT_EQUAL(r.retired_at[0], 11);
	CU_ASSERT_EQUAL(r.retired_at[1], 21);
	rig_close(&r);
}

/* Pending stays set until TIMER_ACK is written; with IE = 0 nothing is taken. */
static void
test_timer_pending_until_ack_and_not_taken_with_ie_clear(void)
{
	struct rig r;
	rig_open_config(&r, &timer_rig);
	const uint32_t prog[] = {
		ENC(OUT(P_INTERVAL, 1)), NOP, NOP, NOP, NOP, NOP,
		ENC(IN(5, P_ACK)), ENC(IN(6, P_ACK)), ENC(OUT(P_INTERVAL, 1)),   /* rewriting does not clear */
		ENC(IN(7, P_ACK)), ENC(OUT(P_ACK, 0)), ENC(IN(8, P_ACK)), ENC(NONE(brk)),
	};
	rig_put_words(&r, PC0, prog, ARRAY_SIZE(prog));
	r.s.r[1] = 3;
	r.s.r[5] = r.s.r[6] = r.s.r[7] = r.s.r[8] = 0x77;
	rig_run(&r, 100);
	CU_ASSERT_EQUAL(r.ntraps, 1);
	CU_ASSERT_EQUAL(r.trap[0].cause, CAUSE_BREAKPOINT);
	CU_ASSERT_EQUAL(r.out.r[5], 1);
	CU_ASSERT_EQUAL(r.out.r[6], 1);
	CU_ASSERT_EQUAL(r.out.r[7], 1);
	CU_ASSERT_EQUAL(r.out.r[8], 0);
	rig_close(&r);
}

/* SPEC §6.3: a pending interrupt is taken right after the instruction that
 * sets IE retires — ei, wrpsw or rti. */
static void
test_pending_timer_taken_right_after_ie_is_set(void)
{
	enum { AT = PC0 + 16 };      /* where the enabling instruction sits */
	static const struct {
		const char *name;
		struct isa_insn insn;
	} cases[] = {
		{ "ei",    { .op = OP_ei } },
		{ "wrpsw", { .op = OP_wrpsw, .rs = 8 } },
		{ "rti",   { .op = OP_rti } },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rig r;
		rig_open_config(&r, &timer_rig);
		const uint32_t prog[] = { ENC(OUT(P_INTERVAL, 1)), NOP, NOP, NOP, rig_enc(cases[i].insn) };
		rig_put_words(&r, PC0, prog, ARRAY_SIZE(prog));
		put_nops(&r, AT + 4, 4);
		r.s.r[1] = 2;
		r.s.r[8] = PSW_S | PSW_IE;
		r.s.cr[CR_epc] = AT + 4;
		r.s.cr[CR_epsw] = PSW_S | PSW_IE;
		rig_run(&r, 100);
		CHECKF(r.ntraps == 1 && r.trap[0].cause == CAUSE_TIMER && r.trap[0].epc == AT + 4,
		       "%s: %u traps, cause %u at 0x%x, want TIMER at 0x%x", cases[i].name, r.ntraps,
		       r.trap[0].cause, r.trap[0].epc, AT + 4);
		CHECKF(r.retired_at[0] == 5, "%s: interrupt after %llu retired, want 5", cases[i].name,
		       (unsigned long long)r.retired_at[0]);
		rig_close(&r);
	}
}

/* A handler that returns without acknowledging is interrupted again at once. */
static void
test_unacknowledged_timer_interrupts_again_at_once(void)
{
	struct rig r;
	rig_open_config(&r, &timer_rig);
	const uint32_t prog[] = { ENC(OUT(P_INTERVAL, 1)), NOP, NOP, NOP };
	rig_put_words(&r, PC0, prog, ARRAY_SIZE(prog));
	rig_put(&r, TVEC, ENC(NONE(rti)));
	r.deliver_timer = 3;
	r.s.psw = PSW_S | PSW_IE;
	r.s.r[1] = 2;
	rig_run(&r, 100);
	CU_ASSERT_EQUAL(r.ntraps, 4);
	for (unsigned i = 0; i < 4 && i < r.ntraps; i++) {
		CHECKF(r.trap[i].cause == CAUSE_TIMER && r.trap[i].epc == PC0 + 12,
		       "interrupt %u: cause %u epc 0x%x", i, r.trap[i].cause, r.trap[i].epc);
		CHECKF(r.retired_at[i] == 3 + i, "interrupt %u after %llu retired, want %u (only the "
		       "rti in between)", i, (unsigned long long)r.retired_at[i], 3 + i);
	}
	rig_close(&r);
}

/* TIMER_COUNT reads the instructions left; TIMER_INTERVAL reads back; the
 * count reloads at expiry; interval 0 stops the timer. */
static void
test_timer_count_and_interval_read_back(void)
{
	struct rig r;
	rig_open_config(&r, &timer_rig);
	const uint32_t prog[] = {
		ENC(OUT(P_INTERVAL, 1)),          /* I = 100 */
		ENC(IN(3, P_COUNT)),              /* 100: nothing retired since the write */
		ENC(IN(4, P_COUNT)),              /* 99 */
		NOP,
		ENC(IN(5, P_COUNT)),              /* 97 */
		ENC(IN(6, P_INTERVAL)),           /* 100 */
		ENC(OUT(P_INTERVAL, 9)),          /* I = 3 */
		NOP, NOP, NOP,                    /* expires: count reloads to 3 */
		ENC(IN(7, P_COUNT)),              /* 3 */
		ENC(IN(10, P_ACK)),               /* 1 */
		ENC(NONE(brk)),
	};
	rig_put_words(&r, PC0, prog, ARRAY_SIZE(prog));
	r.s.r[1] = 100;
	r.s.r[9] = 3;
	rig_run(&r, 100);
	CU_ASSERT_EQUAL(r.ntraps, 1);
	CU_ASSERT_EQUAL(r.trap[0].cause, CAUSE_BREAKPOINT);
	CU_ASSERT_EQUAL(r.out.r[3], 100);
	CU_ASSERT_EQUAL(r.out.r[4], 99);
	CU_ASSERT_EQUAL(r.out.r[5], 97);
	CU_ASSERT_EQUAL(r.out.r[6], 100);
	CU_ASSERT_EQUAL(r.out.r[7], 3);
	CU_ASSERT_EQUAL(r.out.r[10], 1);
	rig_close(&r);
}

static void
test_timer_interval_zero_stops_the_timer(void)
{
	struct rig r;
	rig_open_config(&r, &timer_rig);
	const uint32_t prog[] = { ENC(OUT(P_INTERVAL, 1)), NOP, ENC(OUT(P_INTERVAL, 0)), NOP,
				  ENC(BR(b, -2)) };
	rig_put_words(&r, PC0, prog, ARRAY_SIZE(prog));
	r.s.psw = PSW_S | PSW_IE;
	r.s.r[1] = 5;
	rig_run(&r, 10000);
	struct machine_stats st;
	machine_get_stats(r.m, &st);
	CU_ASSERT_EQUAL(r.reason, STOP_NONE);
	CU_ASSERT_EQUAL(r.ntraps, 0);
	CU_ASSERT_EQUAL(st.timer_expiries, 0);
	rig_close(&r);
}

/* ===== halt (SPEC §10.2) ================================================== */

static void
test_halt_skips_to_expiry_without_retiring_idle_ticks(void)
{
	struct rig r;
	rig_open_config(&r, &timer_rig);
	const uint32_t prog[] = { ENC(OUT(P_INTERVAL, 1)), NOP, ENC(NONE(halt)), NOP };
	rig_put_words(&r, PC0, prog, ARRAY_SIZE(prog));
	r.s.psw = PSW_S | PSW_IE;
	r.s.r[1] = 100;
	rig_run(&r, 1000);
	struct machine_stats st;
	machine_get_stats(r.m, &st);
	CU_ASSERT_EQUAL(r.ntraps, 1);
	CU_ASSERT_EQUAL(r.trap[0].cause, CAUSE_TIMER);
	CU_ASSERT_EQUAL(r.trap[0].epc, PC0 + 12);             /* after the halt */
	CU_ASSERT_EQUAL(r.retired_at[0], 3);                  /* out, nop, halt */
	CU_ASSERT_EQUAL(st.retired, 3);
	CU_ASSERT_EQUAL(st.idle_ticks, 98);                   /* 100 - nop - halt */
	CU_ASSERT_EQUAL(st.timer_expiries, 1);
	rig_close(&r);
}

/* The halt's own retirement makes the interrupt pending: it returns at once. */
static void
test_halt_with_interrupt_pending_returns_at_once(void)
{
	struct rig r;
	rig_open_config(&r, &timer_rig);
	const uint32_t prog[] = { ENC(OUT(P_INTERVAL, 1)), NOP, ENC(NONE(halt)), NOP };
	rig_put_words(&r, PC0, prog, ARRAY_SIZE(prog));
	r.s.psw = PSW_S | PSW_IE;
	r.s.r[1] = 2;
	rig_run(&r, 1000);
	struct machine_stats st;
	machine_get_stats(r.m, &st);
	CU_ASSERT_EQUAL(r.ntraps, 1);
	CU_ASSERT_EQUAL(r.trap[0].cause, CAUSE_TIMER);
	CU_ASSERT_EQUAL(r.trap[0].epc, PC0 + 12);
	CU_ASSERT_EQUAL(st.idle_ticks, 0);
	CU_ASSERT_EQUAL(st.timer_expiries, 1);
	rig_close(&r);
}

static void
test_halt_that_nothing_can_wake_stops_halted_forever(void)
{
	static const struct {
		const char *name;
		uint32_t psw;
		uint32_t interval;
	} cases[] = {
		{ "IE clear, timer running", PSW_S, 50 },
		{ "IE clear, timer stopped", PSW_S, 0 },
		{ "IE set, timer stopped", PSW_S | PSW_IE, 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rig r;
		rig_open_config(&r, &timer_rig);
		const uint32_t prog[] = { ENC(OUT(P_INTERVAL, 1)), ENC(NONE(halt)), NOP };
		rig_put_words(&r, PC0, prog, ARRAY_SIZE(prog));
		r.s.psw = cases[i].psw;
		r.s.r[1] = cases[i].interval;
		rig_run(&r, UINT64_C(1) << 40);
		char text[256];
		machine_describe_stop(r.m, text, sizeof text);
		CHECKF(r.reason == STOP_HALTED_FOREVER, "%s: stop %d, want STOP_HALTED_FOREVER",
		       cases[i].name, (int)r.reason);
		CHECKF(machine_retired(r.m) == 2 && r.out.r[2] == 0,
		       "%s: retired %llu (the halt retires; nothing after it runs)", cases[i].name,
		       (unsigned long long)machine_retired(r.m));
		CHECKF(strstr(text, "halt") != NULL, "%s: description \"%.150s\"", cases[i].name, text);
		rig_close(&r);
	}
}

/* ===== power-off, console, unowned ports (SPEC §10) ====================== */

static void
test_power_off_stops_with_low_8_bits_as_status(void)
{
	static const struct {
		uint32_t value;
		int status;
	} cases[] = { { 0, 0 }, { 7, 7 }, { 0xff, 255 }, { 0x100, 0 }, { 0x1234, 0x34 },
		      { 0xffffffffu, 255 } };
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rig r;
		rig_open_config(&r, &timer_rig);
		const uint32_t prog[] = { ENC(IN(3, P_POWER)), ENC(OUT(P_POWER, 1)), NOP, NOP };
		rig_put_words(&r, PC0, prog, ARRAY_SIZE(prog));
		r.s.r[1] = cases[i].value;
		r.s.r[3] = 0x99;
		rig_run(&r, 100);
		const struct machine_stop_info *st = machine_last_stop(r.m);
		CHECKF(r.reason == STOP_POWER_OFF && st->exit_status == cases[i].status,
		       "power off with 0x%x: stop %d status %d, want %d", cases[i].value,
		       (int)r.reason, st->exit_status, cases[i].status);
		CHECKF(machine_retired(r.m) == 2 && r.out.r[2] == 0,
		       "power off with 0x%x: retired %llu, want 2 (in, out)", cases[i].value,
		       (unsigned long long)machine_retired(r.m));
		CHECKF(r.out.r[3] == 0, "POWER_OFF reads 0x%x, want 0", r.out.r[3]);
		rig_close(&r);
	}
}

static void
test_console_output_and_input(void)
{
	struct rig r;
	rig_open_config(&r, &timer_rig);
	const uint32_t prog[] = {
		ENC(OUT(P_DATA, 1)), ENC(OUT(P_DATA, 3)),
		ENC(OUT(P_STATUS, 1)),                     /* status writes are ignored */
		ENC(OUT(P_DATA, 4)),
		ENC(IN(5, P_STATUS)), ENC(IN(6, P_DATA)), ENC(IN(7, P_DATA)),
		ENC(IN(8, P_STATUS)), ENC(IN(9, P_DATA)), ENC(NONE(brk)),
	};
	rig_put_words(&r, PC0, prog, ARRAY_SIZE(prog));
	machine_console_input(r.m, "ok", 2);
	r.s.r[1] = 0x148;        /* 'H' in the low 8 bits */
	r.s.r[3] = 'i';
	r.s.r[4] = 0xffffff21;   /* '!' */
	rig_run(&r, 100);
	struct machine_stats st;
	machine_get_stats(r.m, &st);
	CU_ASSERT_EQUAL(r.console_len, 3);
	CU_ASSERT(memcmp(r.console, "Hi!", 3) == 0);
	CU_ASSERT_EQUAL(st.console_bytes, 3);
	CU_ASSERT_EQUAL(r.out.r[5], CONSOLE_STATUS_INPUT_READY);
	CU_ASSERT_EQUAL(r.out.r[6], 'o');
	CU_ASSERT_EQUAL(r.out.r[7], 'k');
	CU_ASSERT_EQUAL(r.out.r[8], 0);
	CU_ASSERT_EQUAL(r.out.r[9], 0xffffffffu);
	rig_close(&r);
}

static void
test_unowned_ports_read_all_ones_and_ignore_writes(void)
{
	static const uint16_t ports[] = { 0x02, 0x0f, 0x13, 0x1f, 0x21, 0x30, 0x100, 0xffff };
	for (size_t i = 0; i < ARRAY_SIZE(ports); i++) {
		struct rig r;
		rig_open_config(&r, &timer_rig);
		const uint32_t prog[] = { ENC(OUT(ports[i], 1)), ENC(IN(3, ports[i])), ENC(NONE(brk)) };
		rig_put_words(&r, PC0, prog, ARRAY_SIZE(prog));
		r.s.r[1] = 0x41;
		rig_run(&r, 100);
		struct machine_stats st;
		machine_get_stats(r.m, &st);
		CHECKF(r.ntraps == 1 && r.trap[0].cause == CAUSE_BREAKPOINT,
		       "port 0x%x: the out/in did not simply run (stop %d)", ports[i], (int)r.reason);
		CHECKF(r.out.r[3] == 0xffffffffu, "port 0x%x reads 0x%x", ports[i], r.out.r[3]);
		CHECKF(r.console_len == 0 && st.unowned_port_accesses == 2 && st.timer_expiries == 0,
		       "port 0x%x: write had an effect (console %zu, unowned %llu)", ports[i],
		       r.console_len, (unsigned long long)st.unowned_port_accesses);
		rig_close(&r);
	}
}

/* ===== determinism (SPEC §12) ============================================= */

/* A program with timer interrupts, a handler that counts and prints, loads,
 * stores and a power-off: two fresh runs agree on everything. */
static void
determinism_run(struct cpu_state *state, struct machine_stats *stats, char *console,
		size_t *console_len)
{
	struct rig r;
	rig_open_config(&r, &timer_rig);
	machine_set_trap_hook(r.m, NULL, NULL);
	const uint32_t prog[] = {
		ENC(OUT(P_INTERVAL, 1)),                                          /* I = 7 */
		ENC({ .op = OP_addi, .rd = 2, .rs = 2, .imm = 3 }),
		ENC({ .op = OP_stw, .rd = 2, .rs = 0, .imm = 0x2000 }),
		ENC({ .op = OP_ldw, .rd = 4, .rs = 0, .imm = 0x2000 }),
		ENC({ .op = OP_cmpi, .rs = 11, .imm = 20 }),
		ENC(BR(blt, -5)),
		ENC(OUT(P_POWER, 4)),
	};
	const uint32_t handler[] = {
		ENC({ .op = OP_addi, .rd = 11, .rs = 11, .imm = 1 }),
		ENC({ .op = OP_addi, .rd = 12, .rs = 0, .imm = '.' }),
		ENC(OUT(P_DATA, 12)), ENC(OUT(P_ACK, 0)), ENC(NONE(rti)),
	};
	rig_put_words(&r, PC0, prog, ARRAY_SIZE(prog));
	rig_put_words(&r, TVEC, handler, ARRAY_SIZE(handler));
	r.s.psw = PSW_S | PSW_IE;
	r.s.r[1] = 7;
	rig_run(&r, 100000);
	CU_ASSERT_EQUAL(r.reason, STOP_POWER_OFF);
	*state = r.out;
	machine_get_stats(r.m, stats);
	memcpy(console, r.console, r.console_len);
	*console_len = r.console_len;
	rig_close(&r);
}

static void
test_two_runs_are_identical(void)
{
	struct cpu_state s[2];
	struct machine_stats st[2];
	char con[2][64];
	size_t len[2];
	memset(s, 0, sizeof s);
	memset(st, 0, sizeof st);
	for (int i = 0; i < 2; i++)
		determinism_run(&s[i], &st[i], con[i], &len[i]);
	CU_ASSERT(memcmp(&s[0], &s[1], sizeof s[0]) == 0);
	CU_ASSERT_EQUAL(st[0].retired, st[1].retired);
	CU_ASSERT_EQUAL(st[0].timer_expiries, st[1].timer_expiries);
	CU_ASSERT_EQUAL(st[0].traps[CAUSE_TIMER], st[1].traps[CAUSE_TIMER]);
	CU_ASSERT_EQUAL(len[0], len[1]);
	CU_ASSERT(len[0] == len[1] && memcmp(con[0], con[1], len[0]) == 0);
	/* and it did what it says: at least 20 ticks, one dot each */
	CU_ASSERT(s[0].r[11] >= 20);
	CU_ASSERT_EQUAL(len[0], s[0].r[11]);
	CU_ASSERT_EQUAL(st[0].traps[CAUSE_TIMER], s[0].r[11]);
}

static CU_TestInfo tests[] = {
	{ "test_timer_interrupt_lands_after_exactly_interval_retired",
	  test_timer_interrupt_lands_after_exactly_interval_retired },
	{ "test_timer_interrupt_delivery_state", test_timer_interrupt_delivery_state },
	{ "test_timer_is_periodic_with_ack_and_rti", test_timer_is_periodic_with_ack_and_rti },
	{ "test_timer_pending_until_ack_and_not_taken_with_ie_clear",
	  test_timer_pending_until_ack_and_not_taken_with_ie_clear },
	{ "test_pending_timer_taken_right_after_ie_is_set", test_pending_timer_taken_right_after_ie_is_set },
	{ "test_unacknowledged_timer_interrupts_again_at_once",
	  test_unacknowledged_timer_interrupts_again_at_once },
	{ "test_timer_count_and_interval_read_back", test_timer_count_and_interval_read_back },
	{ "test_timer_interval_zero_stops_the_timer", test_timer_interval_zero_stops_the_timer },
	{ "test_halt_skips_to_expiry_without_retiring_idle_ticks",
	  test_halt_skips_to_expiry_without_retiring_idle_ticks },
	{ "test_halt_with_interrupt_pending_returns_at_once",
	  test_halt_with_interrupt_pending_returns_at_once },
	{ "test_halt_that_nothing_can_wake_stops_halted_forever",
	  test_halt_that_nothing_can_wake_stops_halted_forever },
	{ "test_power_off_stops_with_low_8_bits_as_status", test_power_off_stops_with_low_8_bits_as_status },
	{ "test_console_output_and_input", test_console_output_and_input },
	{ "test_unowned_ports_read_all_ones_and_ignore_writes",
	  test_unowned_ports_read_all_ones_and_ignore_writes },
	{ "test_two_runs_are_identical", test_two_runs_are_identical },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_machine_timer = { "machine: timer", NULL, NULL, NULL, NULL, tests };
