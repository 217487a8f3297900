/* backend_pg32_internal.h — what the files of the PG32 backend share
 * (backend_pg32.c: the guest and running it; backend_pg32_state.c:
 * registers, memory, breakpoints and watchpoints; backend_pg32_settings.c:
 * figures, events, settings and tools).  Labs 1, 3 and 5–7 step through it.
 */
#ifndef TRAPLAB_BACKEND_PG32_INTERNAL_H
#define TRAPLAB_BACKEND_PG32_INTERNAL_H

#include <signal.h>

#include "backend_common.h"
#include "vm.h"

enum {
	MAX_BREAKPOINTS = 32,
	RUN_CHUNK = 100000,        /* instructions between checks for Control-C */
	PG32_ADDR_DIGITS = 8,      /* addresses in stop messages: 0x%08x */
	PG32_SETTINGS = 4,         /* mode, isa, place, memory */
	PG32_CHOICES_LEN = 64,     /* "bare trap hybrid bt pv" */
};

struct pg32_backend {
	struct backend base;
	/* settings */
	enum isa_variant variant;
	enum vm_mode mode;
	enum vm_placement placement;
	uint32_t memory;
	/* the guest */
	char *path;
	uint8_t *image;
	size_t size;
	struct symtab syms;
	struct vm *vm;
	bool ended;
	/* debugging */
	uint32_t breakpoints[MAX_BREAKPOINTS];
	size_t nbreakpoints;
	struct backend_watch_table watches;
	volatile sig_atomic_t interrupted;
	backend_event_fn event_fn;
	void *event_ctx;
	backend_console_fn console_fn;  /* the guest's console output (set_console) */
	void *console_ctx;
	/* how p->vm was made: a restart with the same settings reloads that VM
	 * (vm_load_image) instead of making a new one */
	struct vm_config vm_cfg;
	/* the settings as backend.h lists them, choices built from vm.h and isa.h */
	struct backend_option options[PG32_SETTINGS + 1];
	char mode_choices[PG32_CHOICES_LEN], variant_choices[PG32_CHOICES_LEN];
};

static inline struct pg32_backend *
pg32(const struct backend *b)
{
	return (struct pg32_backend *)b;
}

/* backend_pg32.c */
/* (Re)create the VM with the current settings and load the image into it. */
int pg32_start(struct pg32_backend *p, char *err, size_t errlen);
uint32_t pg32_guest_pc(const struct pg32_backend *p);
bool pg32_at_breakpoint(const struct pg32_backend *p, uint32_t pc);

/* backend_pg32_state.c: the operations of backend.h about the guest's state */
uint64_t pg32_pc(const struct backend *b);
size_t pg32_registers(struct backend *b, enum backend_reg_group group, struct backend_reg *out,
		      size_t max);
int pg32_set_register(struct backend *b, const char *name, uint64_t value, char *err,
		      size_t errlen);
int pg32_read_memory(struct backend *b, uint64_t addr, bool physical, void *buf, size_t len,
		     char *err, size_t errlen);
int pg32_write_memory(struct backend *b, uint64_t addr, bool physical, const void *buf,
		      size_t len, char *err, size_t errlen);
size_t pg32_disassemble(struct backend *b, uint64_t addr, char *buf, size_t len);
const struct symtab *pg32_symbols(const struct backend *b);
int pg32_add_breakpoint(struct backend *b, uint64_t addr, char *err, size_t errlen);
int pg32_remove_breakpoint(struct backend *b, uint64_t addr);
int pg32_add_watchpoint(struct backend *b, uint64_t addr, char *err, size_t errlen);
int pg32_remove_watchpoint(struct backend *b, uint64_t addr);

/* backend_pg32_settings.c: figures, events, settings and tools */
void pg32_forward_event(void *ctx, const struct vm_event *e);
size_t pg32_stats(struct backend *b, struct backend_stat *out, size_t max);
void pg32_set_event_hook(struct backend *b, backend_event_fn fn, void *ctx);
void pg32_set_console(struct backend *b, backend_console_fn fn, void *ctx);
const struct backend_option *pg32_options(const struct backend *b);
int pg32_get_option(const struct backend *b, const char *name, char *buf, size_t len);
int pg32_set_option(struct backend *b, const char *name, const char *value, char *err,
		    size_t errlen);
const struct backend_tool *pg32_tools(const struct backend *b);
int pg32_run_tool(struct backend *b, int argc, char **argv, FILE *out, char *err,
		  size_t errlen);
/* Fills in the settings' lists of choices (the modes come from vm.h). */
void pg32_settings_init(struct pg32_backend *p);

#endif
