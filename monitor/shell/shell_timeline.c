/* shell_timeline.c — reverse execution for the monitor (shell_timeline.h).
 * PG32 is deterministic (isa/SPEC.md §12): the timer counts instructions
 * (§10.2) and the only input from outside is what is typed at the console,
 * which is recorded with the place it was typed.  So any earlier point of
 * a run is reached by restoring the nearest checkpoint before it and
 * running forward again -- what GDB's reverse debugging and QEMU's
 * record/replay need heavy machinery for.
 * Checkpoints are taken every K instructions; when they cost more than
 * twice the guest's memory, every other one is dropped and K doubles.
 * Checkpoints where input was typed or state changed by hand are pinned:
 * re-execution never runs across them.  Lab 6's "going further" uses it.
 */
#include <stdlib.h>
#include <string.h>

#include "backend_timeline.h"
#include "shell_timeline.h"

enum {
	FIRST_INTERVAL = 10000,        /* K to start with: instructions between checkpoints */
	MEMORY_FACTOR = 2,             /* checkpoints may cost this many times the guest's memory */
};

struct tl_point {
	uint64_t position;
	struct backend_checkpoint *cp;
	bool pinned;                   /* the start, typed input, a change by hand */
};
struct tl_input {
	uint64_t position;             /* typed when this many instructions had retired */
	char *text;
	size_t len;
};
struct shell_timeline {
	struct tl_point *points;       /* by position */
	size_t npoints, points_cap;
	uint64_t interval;             /* K */
	struct tl_input *inputs;       /* by position */
	size_t ninputs, inputs_cap;
	uint64_t console_at;           /* console bytes the guest has written here */
	uint64_t console_seen;         /* ... and the most ever shown */
	bool replaying;
};

bool
shell_timeline_on(struct shell *sh)
{
	return timeline_supported(B(sh));
}

uint64_t
shell_timeline_position(struct shell *sh)
{
	return timeline_position(B(sh));
}

bool
shell_timeline_replaying(struct shell *sh)
{
	return sh->timeline && sh->timeline->replaying;
}

/* ===== checkpoints ================================================================ */

static void
tl_drop_points_after(struct shell_timeline *tl, uint64_t position)
{
	while (tl->npoints && tl->points[tl->npoints - 1].position > position)
		timeline_free(tl->points[--tl->npoints].cp);
}

static void
tl_drop_inputs_after(struct shell_timeline *tl, uint64_t position)
{
	while (tl->ninputs && tl->inputs[tl->ninputs - 1].position > position)
		free(tl->inputs[--tl->ninputs].text);
}

void
shell_timeline_forget(struct shell *sh)
{
	struct shell_timeline *tl = sh->timeline;
	if (!tl)
		return;
	tl_drop_points_after(tl, 0);
	while (tl->npoints)
		timeline_free(tl->points[--tl->npoints].cp);
	tl_drop_inputs_after(tl, 0);
	while (tl->ninputs)
		free(tl->inputs[--tl->ninputs].text);
	tl->interval = FIRST_INTERVAL;
	tl->console_at = tl->console_seen = 0;
}

void
shell_timeline_free(struct shell *sh)
{
	if (!sh->timeline)
		return;
	shell_timeline_forget(sh);
	free(sh->timeline->points);
	free(sh->timeline->inputs);
	free(sh->timeline);
	sh->timeline = NULL;
}

/* The last checkpoint at or before `position` (index), or -1. */
static long
tl_point_at_or_before(const struct shell_timeline *tl, uint64_t position)
{
	long i = (long)tl->npoints - 1;
	while (i >= 0 && tl->points[i].position > position)
		i--;
	return i;
}

static size_t
tl_bytes(const struct shell_timeline *tl)
{
	size_t bytes = 0;
	for (size_t i = 0; i < tl->npoints; i++)
		bytes += timeline_checkpoint_bytes(tl->points[i].cp);
	return bytes;
}

/* Over budget: drop every other checkpoint that is not pinned, and take
 * them twice as far apart from now on. */
static void
tl_thin(struct shell *sh, struct shell_timeline *tl)
{
	uint64_t limit = MEMORY_FACTOR * timeline_guest_bytes(B(sh));
	while (tl_bytes(tl) > limit) {
		size_t kept = 0, dropped = 0;
		bool odd = false;
		for (size_t i = 0; i < tl->npoints; i++) {
			struct tl_point *p = &tl->points[i];
			if (!p->pinned && (odd = !odd)) {
				timeline_free(p->cp);
				dropped++;
				continue;
			}
			tl->points[kept++] = *p;
		}
		tl->npoints = kept;
		tl->interval *= 2;
		if (!dropped)
			break;
	}
}

/* A checkpoint here, in its place by position (replacing one there). */
static void
tl_save(struct shell *sh, bool pinned)
{
	struct shell_timeline *tl = sh->timeline;
	uint64_t pos = timeline_position(B(sh));
	long at = tl_point_at_or_before(tl, pos);
	if (at >= 0 && tl->points[at].position == pos) {
		if (!pinned)
			return;
		timeline_free(tl->points[at].cp);
		memmove(&tl->points[at], &tl->points[at + 1],
			(tl->npoints - (size_t)at - 1) * sizeof *tl->points);
		tl->npoints--;
		at--;
	}
	if (tl->npoints == tl->points_cap) {
		size_t cap = tl->points_cap ? 2 * tl->points_cap : 64;
		struct tl_point *grown = realloc(tl->points, cap * sizeof *grown);
		if (!grown)
			return;
		tl->points = grown;
		tl->points_cap = cap;
	}
	struct backend_checkpoint *cp = timeline_save(B(sh), at >= 0 ? tl->points[at].cp : NULL);
	if (!cp)
		return;                /* out of memory: re-execution from an earlier one */
	size_t i = (size_t)(at + 1);
	memmove(&tl->points[i + 1], &tl->points[i], (tl->npoints - i) * sizeof *tl->points);
	tl->points[i] = (struct tl_point){ pos, cp, pinned };
	tl->npoints++;
	tl_thin(sh, tl);
}

/* The timeline, made on first use: its history starts where the guest is. */
static struct shell_timeline *
tl_get(struct shell *sh)
{
	if (!sh->timeline) {
		sh->timeline = calloc(1, sizeof *sh->timeline);
		if (!sh->timeline)
			return NULL;
		sh->timeline->interval = FIRST_INTERVAL;
	}
	struct shell_timeline *tl = sh->timeline;
	if (tl->npoints && !timeline_compatible(B(sh), tl->points[0].cp))
		shell_timeline_forget(sh);   /* another guest, or other settings: a new record */
	if (!tl->npoints) {
		tl->console_at = tl->console_seen = timeline_console_bytes(B(sh));
		tl_save(sh, true);
	}
	return tl->npoints ? tl : NULL;
}

static void
tl_restore(struct shell *sh, struct shell_timeline *tl, size_t i)
{
	timeline_restore(B(sh), tl->points[i].cp);
	tl->console_at = timeline_checkpoint_console_bytes(tl->points[i].cp);
}

void
shell_timeline_edited(struct shell *sh)
{
	struct shell_timeline *tl = shell_timeline_on(sh) ? tl_get(sh) : NULL;
	if (!tl)
		return;
	uint64_t pos = timeline_position(B(sh));
	tl_drop_points_after(tl, pos);
	tl_drop_inputs_after(tl, pos);
	tl->console_seen = tl->console_at;   /* what it prints from here is new */
	tl_save(sh, true);
}

bool
shell_timeline_console_new(struct shell *sh)
{
	struct shell_timeline *tl = sh->timeline;
	if (!tl || !tl->npoints)
		return true;
	if (++tl->console_at <= tl->console_seen)
		return false;
	tl->console_seen = tl->console_at;
	return true;
}

/* ===== input ===================================================================== */

static int
tl_add_input(struct shell_timeline *tl, uint64_t position, const char *text, size_t len)
{
	if (tl->ninputs == tl->inputs_cap) {
		size_t cap = tl->inputs_cap ? 2 * tl->inputs_cap : 16;
		struct tl_input *grown = realloc(tl->inputs, cap * sizeof *grown);
		if (!grown)
			return -1;
		tl->inputs = grown;
		tl->inputs_cap = cap;
	}
	char *copy = malloc(len ? len : 1);
	if (!copy)
		return -1;
	memcpy(copy, text, len);
	size_t i = tl->ninputs;
	while (i > 0 && tl->inputs[i - 1].position > position)
		i--;
	memmove(&tl->inputs[i + 1], &tl->inputs[i], (tl->ninputs - i) * sizeof *tl->inputs);
	tl->inputs[i] = (struct tl_input){ position, copy, len };
	tl->ninputs++;
	return 0;
}

/* Arrived at `pos` going forward: type what was typed here. */
static void
tl_type_inputs_at(struct shell *sh, struct shell_timeline *tl, uint64_t pos)
{
	bool typed = false;
	for (size_t i = 0; i < tl->ninputs; i++)
		if (tl->inputs[i].position == pos) {
			timeline_console_input(B(sh), tl->inputs[i].text, tl->inputs[i].len);
			typed = true;
		}
	if (typed)
		tl_save(sh, true);
}

/* The first place after `pos` where input is typed, or UINT64_MAX. */
static uint64_t
tl_next_input(const struct shell_timeline *tl, uint64_t pos)
{
	for (size_t i = 0; i < tl->ninputs; i++)
		if (tl->inputs[i].position > pos)
			return tl->inputs[i].position;
	return UINT64_MAX;
}

void
shell_timeline_input(struct shell *sh, const char *text, size_t len)
{
	struct shell_timeline *tl = tl_get(sh);
	if (!tl)
		return;
	uint64_t pos = timeline_position(B(sh));
	tl_drop_points_after(tl, pos);       /* typed in the past: a new future */
	tl_drop_inputs_after(tl, pos);
	tl->console_seen = tl->console_at;
	timeline_console_input(B(sh), text, len);
	tl_add_input(tl, pos, text, len);
	tl_save(sh, true);
}

/* The run's typing, one at a time (shell_record.c writes them out). */
bool
shell_timeline_typed(struct shell *sh, size_t i, uint64_t *position, const char **text,
		     size_t *len)
{
	struct shell_timeline *tl = shell_timeline_on(sh) ? tl_get(sh) : NULL;
	if (!tl || i >= tl->ninputs)
		return false;
	*position = tl->inputs[i].position;
	*text = tl->inputs[i].text;
	*len = tl->inputs[i].len;
	return true;
}

/* Input to type when the guest reaches `position` (shell_record.c reads
 * it in); at the place it is now, typed at once. */
int
shell_timeline_schedule(struct shell *sh, uint64_t position, const char *text, size_t len)
{
	struct shell_timeline *tl = tl_get(sh);
	uint64_t pos = timeline_position(B(sh));
	if (!tl || position < pos)
		return -1;
	if (position == pos) {
		shell_timeline_input(sh, text, len);
		return 0;
	}
	return tl_add_input(tl, position, text, len);
}

/* ===== going forward ============================================================= */

static bool
tl_at_breakpoint(struct shell *sh, uint64_t pc, uint64_t extra_break)
{
	return pc == extra_break || shell_point_by_addr(sh, POINT_BREAK, pc) != NULL;
}

/* How far the next chunk may go: to the next checkpoint's place, or the
 * next place input was typed, whichever is nearer. */
static uint64_t
tl_chunk(const struct shell_timeline *tl, uint64_t pos, uint64_t left)
{
	long at = tl_point_at_or_before(tl, pos);
	uint64_t next_point = (at >= 0 ? tl->points[at].position : pos) + tl->interval;
	uint64_t chunk = left;
	if (next_point > pos && next_point - pos < chunk)
		chunk = next_point - pos;
	uint64_t next_input = tl_next_input(tl, pos);
	if (next_input != UINT64_MAX && next_input - pos < chunk)
		chunk = next_input - pos;
	return chunk;
}

/* One chunk of a forward run; returns how many instructions retired. */
static uint64_t
tl_forward_chunk(struct shell *sh, struct shell_timeline *tl, enum shell_forward_kind kind,
		 uint64_t chunk, struct backend_stop *stop)
{
	struct backend *b = B(sh);
	uint64_t before = timeline_position(b);
	if (kind == FORWARD_STEP)
		b->ops->step(b, chunk, stop);
	else
		b->ops->run(b, chunk, stop);
	uint64_t pos = timeline_position(b);
	if (pos == before)
		return 0;
	tl_type_inputs_at(sh, tl, pos);
	long at = tl_point_at_or_before(tl, pos);
	if (at < 0 || pos - tl->points[at].position >= tl->interval)
		tl_save(sh, false);
	return pos - before;
}

void
shell_forward(struct shell *sh, enum shell_forward_kind kind, uint64_t n, uint64_t extra_break,
	      struct backend_stop *stop)
{
	struct backend *b = B(sh);
	struct shell_timeline *tl = shell_timeline_on(sh) ? tl_get(sh) : NULL;
	if (!tl) {
		if (kind == FORWARD_STEP)
			b->ops->step(b, n, stop);
		else
			b->ops->run(b, n, stop);
		return;
	}
	uint64_t done = 0;
	do {
		uint64_t moved = tl_forward_chunk(sh, tl, kind,
						  tl_chunk(tl, timeline_position(b), n - done), stop);
		done += moved;
		if ((stop->kind != BSTOP_STEPPED && stop->kind != BSTOP_BUDGET) || !moved)
			break;
		if (shell_interrupt_pending()) {
			stop->kind = BSTOP_INTERRUPTED;
			snprintf(stop->message, sizeof stop->message, "interrupted");
			break;
		}
		/* a chunk that ended on a breakpoint: the next would step over it */
		if (kind == FORWARD_RUN && done < n && tl_at_breakpoint(sh, stop->pc, extra_break)) {
			stop->kind = BSTOP_BREAKPOINT;
			stop->addr = stop->pc;
			snprintf(stop->message, sizeof stop->message, "breakpoint 0x%08llx",
				 (unsigned long long)stop->pc);
			break;
		}
	} while (done < n);
	if (stop->kind == BSTOP_BUDGET)
		snprintf(stop->message, sizeof stop->message,
			 "stopped after the budget of %llu instructions", (unsigned long long)n);
}

/* ===== going back ================================================================ */

void
shell_timeline_goto(struct shell *sh, uint64_t target, struct backend_stop *stop)
{
	struct backend *b = B(sh);
	memset(stop, 0, sizeof *stop);
	stop->kind = BSTOP_STEPPED;
	stop->exit_status = -1;
	struct shell_timeline *tl = shell_timeline_on(sh) ? tl_get(sh) : NULL;
	if (!tl) {
		stop->kind = BSTOP_ERROR;
		snprintf(stop->message, sizeof stop->message,
			 "this backend cannot go back (only PG32 guests can)");
		return;
	}
	if (target < tl->points[0].position)
		target = tl->points[0].position;   /* history starts there */
	long at = tl_point_at_or_before(tl, target);
	uint64_t pos = timeline_position(b);
	/* forward from here when that is nearer than the checkpoint */
	if (!(pos <= target && pos >= tl->points[at].position))
		tl_restore(sh, tl, (size_t)at);
	tl->replaying = true;
	for (pos = timeline_position(b); pos < target; pos = timeline_position(b)) {
		shell_forward(sh, FORWARD_STEP, target - pos, SHELL_NO_BREAK, stop);
		/* a watchpoint that fires on the way does not stop re-execution */
		if (stop->kind != BSTOP_WATCHPOINT && stop->kind != BSTOP_STEPPED)
			break;
		if (timeline_position(b) == pos)
			break;
	}
	tl->replaying = false;
	if (stop->kind == BSTOP_WATCHPOINT) {
		stop->kind = BSTOP_STEPPED;
		stop->message[0] = '\0';
	}
	stop->pc = b->ops->pc(b);
}

static bool
tl_wanted(uint64_t only_addr, const struct backend_stop *s)
{
	if (only_addr != SHELL_NO_BREAK)
		return s->kind == BSTOP_BREAKPOINT && s->addr == only_addr;
	return s->kind == BSTOP_BREAKPOINT || s->kind == BSTOP_WATCHPOINT;
}

/* Re-execute checkpoint i's stretch [from, to), noting the last hit before `before`. */
static bool
tl_scan_stretch(struct shell *sh, struct shell_timeline *tl, size_t i, uint64_t to,
		uint64_t before, uint64_t only_addr, uint64_t *where, struct backend_stop *hit)
{
	struct backend *b = B(sh);
	bool found = false;
	tl_restore(sh, tl, i);
	uint64_t pc = b->ops->pc(b);
	if (only_addr == SHELL_NO_BREAK ? tl_at_breakpoint(sh, pc, SHELL_NO_BREAK) : pc == only_addr) {
		memset(hit, 0, sizeof *hit);
		hit->kind = BSTOP_BREAKPOINT;
		hit->addr = hit->pc = pc;
		*where = timeline_position(b);
		found = true;
	}
	struct backend_stop s;
	for (uint64_t pos = timeline_position(b); pos < to; pos = timeline_position(b)) {
		b->ops->run(b, to - pos, &s);
		uint64_t now = timeline_position(b);
		/* a watchpoint fires after the store: at `to` it is this stretch's */
		bool in = s.kind == BSTOP_WATCHPOINT ? now <= to && now < before : now < to;
		if (in && tl_wanted(only_addr, &s)) {
			*hit = s;
			*where = now;
			found = true;
		}
		if ((s.kind != BSTOP_BREAKPOINT && s.kind != BSTOP_WATCHPOINT) || now == pos)
			break;
	}
	return found;
}

bool
shell_timeline_last_hit(struct shell *sh, uint64_t before, uint64_t only_addr, uint64_t *where,
			struct backend_stop *hit)
{
	struct backend *b = B(sh);
	struct shell_timeline *tl = shell_timeline_on(sh) ? tl_get(sh) : NULL;
	if (!tl || before == 0)
		return false;
	char err[SHELL_ERR_MAX];
	bool temporary = only_addr != SHELL_NO_BREAK && !shell_point_by_addr(sh, POINT_BREAK, only_addr);
	if (temporary && b->ops->add_breakpoint(b, only_addr, err, sizeof err) < 0)
		return false;
	tl->replaying = true;
	bool found = false;
	for (long i = tl_point_at_or_before(tl, before - 1);
	     i >= 0 && !found && !shell_interrupt_pending(); i--) {
		uint64_t to = (size_t)i + 1 < tl->npoints && tl->points[i + 1].position < before
				      ? tl->points[i + 1].position : before;
		found = tl_scan_stretch(sh, tl, (size_t)i, to, before, only_addr, where, hit);
	}
	tl->replaying = false;
	if (temporary)
		b->ops->remove_breakpoint(b, only_addr);
	return found;
}

void
shell_timeline_describe(struct shell *sh)
{
	struct shell_timeline *tl = shell_timeline_on(sh) ? tl_get(sh) : NULL;
	if (!tl) {
		fprintf(sh->out, "No record: this backend cannot go back (only PG32 guests can).\n");
		return;
	}
	size_t bytes = tl_bytes(tl);
	uint64_t guest = timeline_guest_bytes(B(sh));
	fprintf(sh->out, "At guest instruction %llu; the record starts at %llu.\n",
		(unsigned long long)timeline_position(B(sh)),
		(unsigned long long)tl->points[0].position);
	fprintf(sh->out, "Checkpoints: %zu, every %llu instructions, the last at %llu.\n",
		tl->npoints, (unsigned long long)tl->interval,
		(unsigned long long)tl->points[tl->npoints - 1].position);
	fprintf(sh->out, "Checkpoint memory: %zu bytes, %.2fx the guest's %llu (at most %dx).\n",
		bytes, guest ? (double)bytes / (double)guest : 0.0, (unsigned long long)guest,
		MEMORY_FACTOR);
	fprintf(sh->out, "Console: %llu bytes written so far; input typed %zu time%s.\n",
		(unsigned long long)timeline_console_bytes(B(sh)), tl->ninputs,
		tl->ninputs == 1 ? "" : "s");
}
