/* classify_engine.c — the classifier's engine (classify_internal.h): one
 * PG32 instruction run once on a real machine from one sampled state, with
 * what it left behind collected for comparison (registers, PSW, control
 * registers, memory, devices).  classify.c judges the outcomes.  Lab 2.
 */
#include <string.h>

#include "classify_internal.h"
#include "dev_console.h"
#include "dev_power.h"
#include "dev_timer.h"

enum machine_trap_action
classify_trap_hook(void *ctx, struct machine *m, const struct machine_trap *trap)
{
	(void)ctx;
	(void)m;
	(void)trap;
	return TRAP_STOP;       /* machine_last_stop() keeps the trap */
}

/* The physical window a state's memory references go to (SPEC §5):
 * supervisor is unrelocated, user is (rbase, rbound) clipped to memory,
 * paging maps virtual page 0 to the frame the template's PTE names. */
static void
sample_view(const struct cpu_state *c, uint32_t *base, uint32_t *size)
{
	if (c->cr[CR_mmu] & MMU_PG) {
		*base = TEMPLATE_PTE_FRAME * PAGE_SIZE;
		*size = PAGE_SIZE;
	} else if (c->psw & PSW_S) {
		*base = 0;
		*size = CLASSIFY_MEMORY;
	} else {
		uint32_t l = c->cr[CR_rbase], b = c->cr[CR_rbound];
		*base = l;
		*size = l >= CLASSIFY_MEMORY ? 0 : (b < CLASSIFY_MEMORY - l ? b : CLASSIFY_MEMORY - l);
	}
}

/* The memory image: one period repeated.  Word 0 of each period is a
 * valid page-table entry for frame 0, so whatever page ptbr names, virtual
 * page 0 maps to frame 0 in both modes; the other words are data with the
 * valid bit clear (other pages fault). */
void
engine_load_template(struct engine *e)
{
	struct classify_rng g = { CLASSIFY_SEED_MEMORY };
	uint32_t word = TEMPLATE_PTE_FRAME * PAGE_SIZE | PTE_V | PTE_W | PTE_X | PTE_U;
	memcpy(e->period, &word, ISA_WORD);
	for (uint32_t at = ISA_WORD; at < CLASSIFY_PERIOD; at += ISA_WORD) {
		word = rng_next(&g) & ~(uint32_t)PTE_V;
		memcpy(e->period + at, &word, ISA_WORD);
	}
	for (uint32_t at = 0; at < CLASSIFY_MEMORY; at += CLASSIFY_PERIOD)
		memcpy(e->image + at, e->period, CLASSIFY_PERIOD);
	machine_write_phys(e->m, 0, e->image, CLASSIFY_MEMORY);
	e->placed = false;
}

/* Put the instruction at `phase` in every period, so every relocation
 * with that phase fetches it at the same PC; the previous copies go back
 * to the template. */
static void
engine_place(struct engine *e, uint32_t word, uint32_t phase)
{
	if (e->placed && e->placed_word == word && e->placed_phase == phase)
		return;
	for (uint32_t at = 0; at < CLASSIFY_MEMORY; at += CLASSIFY_PERIOD) {
		if (e->placed) {
			memcpy(e->image + at + e->placed_phase, e->period + e->placed_phase, ISA_WORD);
			machine_write_phys(e->m, at + e->placed_phase, e->period + e->placed_phase,
					   ISA_WORD);
		}
		memcpy(e->image + at + phase, &word, ISA_WORD);
		machine_write_phys(e->m, at + phase, &word, ISA_WORD);
	}
	e->placed = true;
	e->placed_word = word;
	e->placed_phase = phase;
}

/* Devices as the sample says: timer interval and pending bit, console input. */
static void
engine_set_devices(struct machine *m, const struct classify_sample *s)
{
	machine_port_out(m, TIMER_PORT_BASE + TIMER_ACK, 0);
	if (s->timer_pending) {
		machine_port_out(m, TIMER_PORT_BASE + TIMER_INTERVAL, 1);
		machine_account(m, 1);          /* one instruction elsewhere: it expires */
	}
	machine_port_out(m, TIMER_PORT_BASE + TIMER_INTERVAL, s->timer_interval);
	while (machine_port_in(m, CONSOLE_PORT_BASE + CONSOLE_DATA) != CONSOLE_NO_INPUT)
		;
	if (s->console_input)
		machine_console_input(m, "k", 1);
}

/* Did the instruction touch a device?  Software's touches only: output,
 * consumed input, a new interval, an acknowledged interrupt, power-off.
 * The timer counting down and expiring is time passing, which P&G's
 * equivalence leaves out (so `halt`, which lets time pass, touches nothing). */
static const char *
engine_device_touch(struct machine *m, const struct classify_sample *s,
		    uint64_t console_before, enum machine_stop_reason why)
{
	struct machine_stats st;
	machine_get_stats(m, &st);
	if (why == STOP_POWER_OFF)
		return "powered the machine off";
	if (st.console_bytes != console_before)
		return "wrote a byte to the console";
	uint32_t status = machine_port_in(m, CONSOLE_PORT_BASE + CONSOLE_STATUS);
	if (!(status & CONSOLE_STATUS_INPUT_READY) != !s->console_input)
		return "consumed console input";
	if (machine_port_in(m, TIMER_PORT_BASE + TIMER_INTERVAL) != s->timer_interval)
		return "set the timer interval";
	if (s->timer_pending && !machine_port_in(m, TIMER_PORT_BASE + TIMER_ACK))
		return "acknowledged the timer interrupt";
	return NULL;
}

/* Which bytes the run changed, relative to the view; then put them back. */
static void
engine_collect_memory(struct engine *e, struct outcome *o)
{
	machine_read_phys(e->m, 0, e->now, CLASSIFY_MEMORY);
	for (uint32_t chunk = 0; chunk < CLASSIFY_MEMORY; chunk += DIFF_CHUNK) {
		if (memcmp(e->now + chunk, e->image + chunk, DIFF_CHUNK) == 0)
			continue;
		for (uint32_t p = chunk; p < chunk + DIFF_CHUNK; p++) {
			if (e->now[p] == e->image[p])
				continue;
			if (o->mem.n == DELTA_MAX) {
				o->mem.overflow = true;
				break;
			}
			bool inside = p >= o->view_base && p - o->view_base < o->view_size;
			o->mem.where[o->mem.n] = inside ? p - o->view_base : p | DELTA_OUTSIDE;
			o->mem.value[o->mem.n++] = e->now[p];
		}
		machine_write_phys(e->m, chunk, e->image + chunk, DIFF_CHUNK);
	}
}

/* Run the word once from sample `si`: set the state, step one instruction
 * with every trap stopped by the hook, and record what happened. */
void
engine_trial(struct engine *e, uint32_t word, size_t si)
{
	const struct classify_sample *s = &e->plan->samples[si];
	struct outcome *o = &e->out[si];
	memset(o, 0, sizeof *o);
	sample_view(&s->cpu, &o->view_base, &o->view_size);
	engine_place(e, word, (o->view_base + s->cpu.pc) % CLASSIFY_PERIOD);
	machine_set_state(e->m, &s->cpu);
	engine_set_devices(e->m, s);
	struct machine_stats st;
	machine_get_stats(e->m, &st);
	enum machine_stop_reason why = machine_run(e->m, 1);
	e->trials++;
	o->valid = true;
	if (why == STOP_HOOK) {
		const struct machine_trap *t = &machine_last_stop(e->m)->trap;
		o->trapped = true;
		o->cause = t->cause;
		if (t->cause >= CAUSE_FIRST_INTERRUPT)
			o->valid = false;       /* the instruction never ran */
	}
	machine_get_state(e->m, &o->after);
	if (!o->trapped)
		o->device = engine_device_touch(e->m, s, st.console_bytes, why);
	engine_collect_memory(e, o);
}

