/* backend_pg32_explore.c — what the divergence explorer (the monitor's
 * `diverge`, `traplab equiv --explore`) needs from the PG32 backend: where
 * the current mode first parts from the bare machine (monitor/tools/equiv.h,
 * Popek & Goldberg's equivalence property, lessons/REFERENCES.md §1), and a
 * bare twin of the guest to step beside it.  Lab 6's "going further".
 */
#include <string.h>

#include "backend_pg32_internal.h"
#include "backend_timeline.h"
#include "equiv.h"

int
timeline_first_divergence(struct backend *b, uint64_t *instruction, char *what,
			  size_t whatlen, char *err, size_t errlen)
{
	struct pg32_backend *p = pg32(b);
	if (!p->image)
		return backend_no_guest(err, errlen);
	if (p->mode == MODE_BARE) {
		snprintf(err, errlen, "the guest runs bare: choose a monitor mode to compare "
			 "(diverge trap)");
		return -1;
	}
	struct equiv_config cfg = { .image = p->image, .image_size = p->size,
				    .variant = p->variant, .guest_memory = p->memory,
				    .placement = p->placement, .budget = MACHINE_DEFAULT_BUDGET,
				    .interrupted = &p->interrupted };
	p->interrupted = 0;
	struct equiv_run bare;
	if (equiv_run_bare(&cfg, &bare, err, errlen) < 0)
		return -1;
	uint32_t hcall_pc;
	bool paravirtual = equiv_died_on_hcall(&bare, &hcall_pc);
	cfg.budget = equiv_mode_budget(&bare, cfg.budget, false);
	equiv_run_free(&bare);
	if (paravirtual) {
		snprintf(err, errlen, "a paravirtual guest cannot run bare (its hcall at 0x%08x "
			 "traps there): there is no bare run to step beside it", hcall_pc);
		return -1;
	}
	struct equiv_result r;
	if (equiv_check(&cfg, p->mode, &r, err, errlen) < 0)
		return -1;
	equiv_run_free(&r.run);
	if (r.equivalent || r.inconclusive)
		return 0;
	*instruction = r.divergence.instruction;
	snprintf(what, whatlen, "%s", r.divergence.what);
	return 1;
}

struct backend *
timeline_bare_twin(struct backend *b, char *err, size_t errlen)
{
	struct pg32_backend *p = pg32(b);
	if (!p->path)
		return backend_no_guest(err, errlen), NULL;
	struct backend *twin = backend_pg32_create(err, errlen);
	if (!twin)
		return NULL;
	struct pg32_backend *t = pg32(twin);
	t->variant = p->variant;
	t->placement = p->placement;
	t->memory = p->memory;
	t->mode = MODE_BARE;
	if (twin->ops->load(twin, p->path, err, errlen) < 0) {
		twin->ops->destroy(twin);
		return NULL;
	}
	return twin;
}
