/* backend_common.h — what the backends behind backend.h share: the
 * watchpoint table, the stops and messages every backend reports alike, the
 * register and figure lists, and reading a guest file.  backend_pg32.c
 * (Labs 1, 3, 5–7) and backend_kvm.c (Lab 10) use it; see backend_common.c.
 */
#ifndef TRAPLAB_BACKEND_COMMON_H
#define TRAPLAB_BACKEND_COMMON_H

#include "backend.h"

/* ---- messages ---- */

/* Writes "no guest loaded (use: load FILE)" into err; returns -1. */
int backend_no_guest(char *err, size_t errlen);

/* ---- stops ----
 * Addresses in stop messages are printed with at least addr_digits hex
 * digits: PG32 pads its 32-bit addresses to 8, x86 does not pad. */

/* Clears *stop for a new run or step that, if nothing else happens, ends as `kind`. */
void backend_stop_begin(struct backend_stop *stop, enum backend_stop_kind kind);
void backend_stop_no_guest(struct backend_stop *stop);
void backend_stop_interrupted(struct backend_stop *stop);
void backend_stop_breakpoint(struct backend_stop *stop, uint64_t addr, int addr_digits);
/* After a run: if the budget ran out, say so. */
void backend_stop_explain_budget(struct backend_stop *stop, uint64_t max_instructions);

/* ---- watchpoints: a word each, compared after every instruction ---- */

enum {
	BACKEND_MAX_WATCHPOINTS = 8,
	BACKEND_WATCH_BYTES = 4,       /* a watchpoint watches one 32-bit word */
};

struct backend_watchpoint {
	uint64_t addr;                 /* virtual */
	uint32_t value;                /* the word as last seen */
};

struct backend_watch_table {
	struct backend_watchpoint entries[BACKEND_MAX_WATCHPOINTS];
	size_t count;
};

/* How a backend reads the watched word at a virtual address: 0, or -1 with
 * the reason in err when it cannot be read now. */
typedef int (*backend_read_word_fn)(void *ctx, uint64_t addr, uint32_t *value, char *err,
				    size_t errlen);

/* Adds a watchpoint on the word at addr, remembering its value as read now. */
int backend_watch_add(struct backend_watch_table *t, uint64_t addr, backend_read_word_fn read,
		      void *ctx, char *err, size_t errlen);
int backend_watch_remove(struct backend_watch_table *t, uint64_t addr);
/* Did a watched word change?  Then describe the first in *stop and
 * remember its new value.  Words that cannot be read now are passed over. */
bool backend_watch_fired(struct backend_watch_table *t, backend_read_word_fn read, void *ctx,
			 int addr_digits, struct backend_stop *stop);

/* ---- the console: the guest's output bytes, to stdout ---- */

void backend_console_byte(void *ctx, uint8_t byte);

/* ---- lists for `info registers`, `stats` and `set` ---- */

void backend_reg_put(struct backend_reg *out, size_t max, size_t *n, const char *name,
		     uint64_t value, unsigned bits, const char *note);
/* A figure named prefix + name, the name cut to fit. */
void backend_stat_put(struct backend_stat *out, size_t max, size_t *n, const char *prefix,
		      const char *name, uint64_t value);
/* names[0..n) joined into buf: "a b c" with sep = last = " ", "a, b or c"
 * with sep ", " and last " or ", so that lists of choices are built from
 * the one place their names live (e.g. vm_mode_name). */
void backend_join_names(char *buf, size_t len, const char *const *names, size_t n,
			const char *sep, const char *last);
/* "no setting 'NAME' (settings: A B C)", the settings taken from the list. */
int backend_no_option(const struct backend_option *options, const char *name, char *err,
		      size_t errlen);

/* ---- files ---- */

/* The whole of a binary file, in a malloc'd buffer (machine/image.h's
 * image_read_file); an empty file is an error.  0, or one of these with a
 * message in err: */
enum {
	BACKEND_READ_FAILED = -1,       /* cannot open or read it, it is empty, or it is
					   larger than the largest machine */
	BACKEND_READ_NO_MEMORY = -2,    /* no memory to hold it */
};
int backend_read_file(const char *path, uint8_t **image, size_t *size, char *err,
		      size_t errlen);

#endif /* TRAPLAB_BACKEND_COMMON_H */
