/* backend_pg32_settings.c — the PG32 backend's figures (`stats`, from
 * report.h's table), its events (`trace traps`), its settings (`set mode`,
 * `isa`, `place`, `memory`: one table) and its tools (`equiv`).  Labs 3 and
 * 5–7 switch modes and compare them here.
 */
#include <stdlib.h>
#include <string.h>

#include "backend_pg32_internal.h"
#include "equiv.h"
#include "report.h"

/* ===== events ======================================================================== */

void
pg32_forward_event(void *ctx, const struct vm_event *e)
{
	struct pg32_backend *p = ctx;
	if (!p->event_fn)
		return;
	struct backend_event be = { .pc = e->trap.epc, .handler = e->handler };
	const char *cause = isa_cause_name(e->trap.cause);
	struct isa_insn insn;
	if (e->kind == VM_EVENT_CALLOUT && isa_decode(e->trap.insn, &insn))
		/* no trap: binary translation called the routine for it */
		snprintf(be.what, sizeof be.what, "sensitive %s", isa_op_info(insn.op)->name);
	else if (e->trap.cause == CAUSE_PRIVILEGED && isa_decode(e->trap.insn, &insn))
		snprintf(be.what, sizeof be.what, "%s %s", cause, isa_op_info(insn.op)->name);
	else if (isa_cause_has_address(e->trap.cause))
		snprintf(be.what, sizeof be.what, "%s %s 0x%08x", cause ? cause : "?",
			 isa_access_name(e->trap.access), e->trap.badaddr);
	else
		snprintf(be.what, sizeof be.what, "%s", cause ? cause : "?");
	snprintf(be.action, sizeof be.action, "%s", vm_event_name(e->kind));
	p->event_fn(p->event_ctx, &be);
}

void
pg32_set_console(struct backend *b, backend_console_fn fn, void *ctx)
{
	struct pg32_backend *p = pg32(b);
	p->console_fn = fn ? fn : backend_console_byte;
	p->console_ctx = fn ? ctx : NULL;
	if (p->vm)
		vm_set_console(p->vm, p->console_fn, p->console_ctx);
}

/* ===== figures ======================================================================== */

/* The figures report.h's table marks for `stats`, in its order. */
size_t
pg32_stats(struct backend *b, struct backend_stat *out, size_t max)
{
	struct pg32_backend *p = pg32(b);
	if (!p->vm)
		return 0;
	struct vm_stats st;
	vm_get_stats(p->vm, &st);
	size_t n = 0;
	for (size_t i = 0; i < report_nfigures; i++) {
		const struct report_figure *f = &report_figures[i];
		if (!f->in_stats || !report_figure_shown(f, p->mode))
			continue;
		char prefix[BACKEND_STAT_NAME];
		snprintf(prefix, sizeof prefix, "%s%s%s", f->group ? f->group : "",
			 f->group ? "." : "", f->json);
		if (f->kind == REPORT_COUNT) {
			backend_stat_put(out, max, &n, "", prefix, report_figure_total(f, &st));
			continue;
		}
		strcat(prefix, ".");       /* a list: one figure per entry, "traps.PAGE" */
		for (size_t e = 0; e < report_list_length(f); e++) {
			const char *name;
			uint64_t count = report_list_count(f, &st, e, &name);
			if (count && name)
				backend_stat_put(out, max, &n, prefix, name, count);
		}
	}
	return n;
}

void
pg32_set_event_hook(struct backend *b, backend_event_fn fn, void *ctx)
{
	struct pg32_backend *p = pg32(b);
	p->event_fn = fn;
	p->event_ctx = ctx;
	if (p->vm)
		vm_set_event_hook(p->vm, fn ? pg32_forward_event : NULL, p);
}

/* ===== settings: one table ================================================================ */

static const char *const placement_names[] = {
	[PLACE_RELOCATED] = "relocated", [PLACE_IDENTITY] = "identity",
};

static void
get_mode(const struct pg32_backend *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s", vm_mode_name(p->mode));
}

static void
get_isa(const struct pg32_backend *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s", isa_variant_name(p->variant));
}

static void
get_place(const struct pg32_backend *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s", placement_names[p->placement]);
}

static void
get_memory(const struct pg32_backend *p, char *buf, size_t len)
{
	snprintf(buf, len, "%u", p->memory / 1024);
}

/* "no WHAT 'VALUE' (choose a, b or c)", from a setting's choices. */
static int
no_such_choice(const char *what, const char *value, const char *choices, char *err,
	       size_t errlen)
{
	char copy[PG32_CHOICES_LEN], list[2 * PG32_CHOICES_LEN];
	const char *names[MODE_COUNT + ISA_VARIANT_COUNT];
	size_t n = 0;
	snprintf(copy, sizeof copy, "%s", choices);
	for (char *save, *w = strtok_r(copy, " ", &save); w && n < ARRAY_SIZE(names);
	     w = strtok_r(NULL, " ", &save))
		names[n++] = w;
	backend_join_names(list, sizeof list, names, n, ", ", " or ");
	snprintf(err, errlen, "no %s '%s' (choose %s)", what, value, list);
	return -1;
}

static int
set_mode(struct pg32_backend *p, const char *value, char *err, size_t errlen)
{
	int m = vm_mode_by_name(value);
	if (m < 0)
		return no_such_choice("mode", value, p->mode_choices, err, errlen);
	p->mode = (enum vm_mode)m;
	return 0;
}

static int
set_isa(struct pg32_backend *p, const char *value, char *err, size_t errlen)
{
	int v = isa_variant_by_name(value);
	if (v < 0)
		return no_such_choice("variant", value, p->variant_choices, err, errlen);
	p->variant = (enum isa_variant)v;
	return 0;
}

static int
set_place(struct pg32_backend *p, const char *value, char *err, size_t errlen)
{
	for (size_t i = 0; i < ARRAY_SIZE(placement_names); i++)
		if (strcmp(value, placement_names[i]) == 0) {
			p->placement = (enum vm_placement)i;
			return 0;
		}
	return no_such_choice("placement", value, "relocated identity", err, errlen);
}

static int
set_memory(struct pg32_backend *p, const char *value, char *err, size_t errlen)
{
	enum { KIB = 1024, MAX_KIB = MACHINE_MAX_MEMORY / 2 / KIB };
	char *end;
	unsigned long kib = strtoul(value, &end, 0);
	if (*end || kib == 0 || kib % (PAGE_SIZE / KIB) || kib > MAX_KIB) {
		snprintf(err, errlen, "memory %s: expected KiB, a multiple of %u up to %u",
			 value, PAGE_SIZE / KIB, MAX_KIB);
		return -1;
	}
	p->memory = (uint32_t)kib * KIB;
	return 0;
}

static const struct pg32_setting {
	const char *name;
	const char *help;
	void (*get)(const struct pg32_backend *p, char *buf, size_t len);
	int (*set)(struct pg32_backend *p, const char *value, char *err, size_t errlen);
} pg32_settings[PG32_SETTINGS] = {
	{ "mode", "how the guest runs: bare machine, trap-and-emulate, the hybrid monitor, "
	  "binary translation, or paravirtualized (changing it restarts the guest)",
	  get_mode, set_mode },
	{ "isa", "the PG32 variant (restarts the guest)", get_isa, set_isa },
	{ "place", "where the guest's memory sits in real memory (restarts the guest)",
	  get_place, set_place },
	{ "memory", "guest memory in KiB (restarts the guest)", get_memory, set_memory },
};

void
pg32_settings_init(struct pg32_backend *p)
{
	const char *modes[MODE_COUNT], *variants[ISA_VARIANT_COUNT];
	for (int m = 0; m < MODE_COUNT; m++)
		modes[m] = vm_mode_name((enum vm_mode)m);
	for (int v = 0; v < ISA_VARIANT_COUNT; v++)
		variants[v] = isa_variant_name((enum isa_variant)v);
	backend_join_names(p->mode_choices, sizeof p->mode_choices, modes, MODE_COUNT, " ", " ");
	backend_join_names(p->variant_choices, sizeof p->variant_choices, variants,
			   ISA_VARIANT_COUNT, " ", " ");
	const char *choices[PG32_SETTINGS] = { p->mode_choices, p->variant_choices,
					       "relocated identity", NULL };
	for (size_t i = 0; i < PG32_SETTINGS; i++)
		p->options[i] = (struct backend_option){ pg32_settings[i].name, choices[i],
							 pg32_settings[i].help };
	p->options[PG32_SETTINGS] = (struct backend_option){ NULL, NULL, NULL };
}

const struct backend_option *
pg32_options(const struct backend *b)
{
	return pg32(b)->options;
}

static const struct pg32_setting *
pg32_setting(const char *name)
{
	for (size_t i = 0; i < PG32_SETTINGS; i++)
		if (strcmp(name, pg32_settings[i].name) == 0)
			return &pg32_settings[i];
	return NULL;
}

int
pg32_get_option(const struct backend *b, const char *name, char *buf, size_t len)
{
	const struct pg32_setting *s = pg32_setting(name);
	if (!s)
		return -1;
	s->get(pg32(b), buf, len);
	return 0;
}

int
pg32_set_option(struct backend *b, const char *name, const char *value, char *err, size_t errlen)
{
	struct pg32_backend *p = pg32(b);
	const struct pg32_setting *s = pg32_setting(name);
	if (!s)
		return backend_no_option(p->options, name, err, errlen);
	const struct pg32_backend before = *p;
	if (s->set(p, value, err, errlen) < 0)
		return -1;
	if (!p->image || pg32_start(p, err, errlen) == 0)
		return 0;
	/* The guest cannot start so (minios in 4 KiB): refuse the value; the
	 * guest goes on as it was (pg32_start left its VM alone), rather than
	 * the session being left with no guest (found by tests/fuzz/fuzz_shell.c). */
	p->mode = before.mode;
	p->variant = before.variant;
	p->placement = before.placement;
	p->memory = before.memory;
	return -1;
}

/* ===== tools ============================================================================ */

static const struct backend_tool pg32_tool_list[] = {
	{ "equiv", "equiv [trap|hybrid|bt|pv ...]",
	  "run the loaded guest bare and under each mode from the start, compare everything "
	  "it can observe, and name the first instruction where they part" },
	{ NULL, NULL, NULL },
};

const struct backend_tool *
pg32_tools(const struct backend *b)
{
	(void)b;
	return pg32_tool_list;
}

static int
pg32_tool_equiv(struct pg32_backend *p, int argc, char **argv, FILE *out, char *err,
		size_t errlen)
{
	bool modes[MODE_COUNT] = { false };
	if (argc < 2) {
		modes[MODE_TRAP] = modes[MODE_HYBRID] = modes[MODE_BT] = true;
	}
	for (int i = 1; i < argc; i++) {
		int m = vm_mode_by_name(argv[i]);
		if (m <= MODE_BARE) {
			const char *names[MODE_COUNT];
			char list[PG32_CHOICES_LEN];
			for (int n = MODE_BARE + 1; n < MODE_COUNT; n++)
				names[n - MODE_BARE - 1] = vm_mode_name((enum vm_mode)n);
			backend_join_names(list, sizeof list, names, MODE_COUNT - 1, ", ", ", ");
			snprintf(err, errlen, "equiv: '%s' is not a monitor mode (%s)", argv[i], list);
			return -1;
		}
		modes[m] = true;
	}
	struct equiv_config cfg = { .image = p->image, .image_size = p->size,
				    .variant = p->variant, .guest_memory = p->memory,
				    .placement = p->placement, .budget = MACHINE_DEFAULT_BUDGET,
				    .interrupted = &p->interrupted };
	p->interrupted = 0;    /* Control-C from now on stops it (pg32_interrupt) */
	struct equiv_run bare;
	if (equiv_run_bare(&cfg, &bare, err, errlen) < 0)
		return -1;
	cfg.budget = equiv_mode_budget(&bare, cfg.budget, false);
	equiv_run_free(&bare);
	bool all = true;
	for (int m = MODE_TRAP; m < MODE_COUNT; m++) {
		if (!modes[m])
			continue;
		struct equiv_result r;
		if (equiv_check(&cfg, (enum vm_mode)m, &r, err, errlen) < 0)
			return -1;
		equiv_print_result(out, &r);
		all &= r.equivalent;
		equiv_run_free(&r.run);
	}
	return all ? 0 : 1;
}

int
pg32_run_tool(struct backend *b, int argc, char **argv, FILE *out, char *err, size_t errlen)
{
	struct pg32_backend *p = pg32(b);
	if (!p->image)
		return backend_no_guest(err, errlen);
	if (strcmp(argv[0], "equiv") == 0)
		return pg32_tool_equiv(p, argc, argv, out, err, errlen);
	snprintf(err, errlen, "no tool '%s'", argv[0]);
	return -1;
}

