/* backend_common.c — the parts of a backend (backend.h) that do not depend
 * on the machine behind it: the watchpoint table, the stops every backend
 * reports in the same words, the register and figure lists, and reading a
 * guest file.  The PG32 backend (backend_pg32.c, Labs 1, 3 and 5–7) and the
 * KVM backend (backend_kvm.c, Lab 10) both use it, so `step`, `watch` and
 * `stats` say the same things in both worlds; `traplab kvm` (cmd_kvm.c)
 * reads its flat binary with it too.
 */
#include <stdlib.h>
#include <string.h>

#include "backend_common.h"
#include "image.h"

/* ===== messages and stops ========================================================== */

int
backend_no_guest(char *err, size_t errlen)
{
	snprintf(err, errlen, "no guest loaded (use: load FILE)");
	return -1;
}

void
backend_stop_begin(struct backend_stop *stop, enum backend_stop_kind kind)
{
	memset(stop, 0, sizeof *stop);
	stop->kind = kind;
	stop->exit_status = -1;
}

void
backend_stop_no_guest(struct backend_stop *stop)
{
	stop->kind = BSTOP_ERROR;
	stop->exit_status = -1;
	backend_no_guest(stop->message, sizeof stop->message);
}

void
backend_stop_interrupted(struct backend_stop *stop)
{
	stop->kind = BSTOP_INTERRUPTED;
	snprintf(stop->message, sizeof stop->message, "interrupted");
}

void
backend_stop_breakpoint(struct backend_stop *stop, uint64_t addr, int addr_digits)
{
	stop->kind = BSTOP_BREAKPOINT;
	stop->addr = addr;
	snprintf(stop->message, sizeof stop->message, "breakpoint 0x%0*llx", addr_digits,
		 (unsigned long long)addr);
}

void
backend_stop_explain_budget(struct backend_stop *stop, uint64_t max_instructions)
{
	if (stop->kind == BSTOP_BUDGET)
		snprintf(stop->message, sizeof stop->message,
			 "stopped after the budget of %llu instructions",
			 (unsigned long long)max_instructions);
}

/* ===== watchpoints ================================================================== */

int
backend_watch_add(struct backend_watch_table *t, uint64_t addr, backend_read_word_fn read,
		  void *ctx, char *err, size_t errlen)
{
	if (t->count == BACKEND_MAX_WATCHPOINTS) {
		snprintf(err, errlen, "too many watchpoints (%d); delete one first",
			 BACKEND_MAX_WATCHPOINTS);
		return -1;
	}
	struct backend_watchpoint w = { .addr = addr };
	if (read(ctx, addr, &w.value, err, errlen) < 0)
		return -1;
	t->entries[t->count++] = w;
	return 0;
}

int
backend_watch_remove(struct backend_watch_table *t, uint64_t addr)
{
	for (size_t i = 0; i < t->count; i++)
		if (t->entries[i].addr == addr) {
			t->entries[i] = t->entries[--t->count];
			return 0;
		}
	return -1;
}

bool
backend_watch_fired(struct backend_watch_table *t, backend_read_word_fn read, void *ctx,
		    int addr_digits, struct backend_stop *stop)
{
	char err[160];
	for (size_t i = 0; i < t->count; i++) {
		struct backend_watchpoint *w = &t->entries[i];
		uint32_t now;
		if (read(ctx, w->addr, &now, err, sizeof err) < 0)
			continue;
		if (now != w->value) {
			stop->kind = BSTOP_WATCHPOINT;
			stop->addr = w->addr;
			stop->old_value = w->value;
			stop->new_value = now;
			snprintf(stop->message, sizeof stop->message,
				 "watchpoint 0x%0*llx: 0x%08x -> 0x%08x", addr_digits,
				 (unsigned long long)w->addr, w->value, now);
			w->value = now;
			return true;
		}
	}
	return false;
}

/* ===== the console ================================================================== */

void
backend_console_byte(void *ctx, uint8_t byte)
{
	(void)ctx;
	putchar(byte);
	/* a line at a time: the guest's output shows as it goes, even into a pipe */
	if (byte == '\n')
		fflush(stdout);
}

/* ===== lists ======================================================================== */

void
backend_reg_put(struct backend_reg *out, size_t max, size_t *n, const char *name,
		uint64_t value, unsigned bits, const char *note)
{
	if (*n >= max)
		return;
	struct backend_reg *r = &out[(*n)++];
	snprintf(r->name, sizeof r->name, "%s", name);
	r->value = value;
	r->bits = bits;
	r->note = note;
}

void
backend_stat_put(struct backend_stat *out, size_t max, size_t *n, const char *prefix,
		 const char *name, uint64_t value)
{
	if (*n >= max)
		return;
	snprintf(out[*n].name, sizeof out[*n].name, "%s%.*s", prefix,
		 (int)(sizeof out[*n].name - strlen(prefix) - 1), name);
	out[(*n)++].value = value;
}

void
backend_join_names(char *buf, size_t len, const char *const *names, size_t n, const char *sep,
		   const char *last)
{
	size_t used = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 i == 0 ? "" : i + 1 == n ? last : sep, names[i]);
}

/* Built from the option list, so the message cannot fall behind it. */
int
backend_no_option(const struct backend_option *options, const char *name, char *err,
		  size_t errlen)
{
	size_t used = (size_t)snprintf(err, errlen, "no setting '%s' (settings:", name);
	for (const struct backend_option *o = options; o->name && used < errlen; o++)
		used += (size_t)snprintf(err + used, errlen - used, " %s", o->name);
	if (used < errlen)
		snprintf(err + used, errlen - used, ")");
	return -1;
}

/* ===== files ======================================================================== */

/* machine/image.c reads the file; a backend adds only that an empty file
 * is no guest at all. */
int
backend_read_file(const char *path, uint8_t **image, size_t *size, char *err, size_t errlen)
{
	int rc = image_read_file(path, image, size, err, errlen);
	if (rc == IMAGE_ERR_MEMORY)
		return BACKEND_READ_NO_MEMORY;
	if (rc < 0)
		return BACKEND_READ_FAILED;
	if (*size == 0) {
		free(*image);
		*image = NULL;
		snprintf(err, errlen, "%s: empty file", path);
		return BACKEND_READ_FAILED;
	}
	return 0;
}
