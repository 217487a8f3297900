/* shell_timeline.h — the shell's reverse execution engine, inside the
 * shell room only: checkpoints every K guest instructions along the run
 * (backend_timeline.h), the console input typed into it, and deterministic
 * re-execution from the nearest checkpoint to reach any earlier point.
 * The commands (shell_reverse.c) and the forward ones (shell_run.c) drive
 * it; monitor/MONITOR.md "Going back" is its manual; Lab 6's "going
 * further" uses it.
 */
#ifndef TRAPLAB_SHELL_TIMELINE_H
#define TRAPLAB_SHELL_TIMELINE_H

#include "shell_cmds.h"

enum shell_forward_kind {
	FORWARD_STEP,                  /* as `step`: breakpoints do not stop it */
	FORWARD_RUN,                   /* as `continue`: they do */
};
/* No extra breakpoint for shell_forward. */
#define SHELL_NO_BREAK UINT64_MAX
/* The most text one `input` types: what the console device buffers
 * (CONSOLE_INPUT_MAX, machine/dev_console.h). */
enum { SHELL_INPUT_MAX = 4096 };

/* Does the backend keep a timeline (a PG32 guest is loaded)? */
bool shell_timeline_on(struct shell *sh);
/* The guest restarted (load, reset, a setting): forget the run. */
void shell_timeline_forget(struct shell *sh);
void shell_timeline_free(struct shell *sh);
/* Register or memory changed by hand: the run goes on from a checkpoint of
 * this new state, and what was after it is forgotten. */
void shell_timeline_edited(struct shell *sh);
/* Run the guest forward at most n instructions, taking checkpoints on the
 * way and typing recorded input where it was typed; a FORWARD_RUN also
 * stops before `extra_break` (SHELL_NO_BREAK: none). */
void shell_forward(struct shell *sh, enum shell_forward_kind kind, uint64_t n,
		   uint64_t extra_break, struct backend_stop *stop);
/* Where the guest is on the timeline (guest instructions retired). */
uint64_t shell_timeline_position(struct shell *sh);
/* To guest instruction `target` (back or forward); *stop as after `step`. */
void shell_timeline_goto(struct shell *sh, uint64_t target, struct backend_stop *stop);
/* The last breakpoint or watchpoint hit strictly before `before` -- only a
 * breakpoint at `only_addr` unless that is SHELL_NO_BREAK -- by
 * re-executing from each checkpoint, newest first.  True with where and
 * how it stopped; the guest is left somewhere before `before`. */
bool shell_timeline_last_hit(struct shell *sh, uint64_t before, uint64_t only_addr,
			     uint64_t *where, struct backend_stop *hit);
/* Should the guest's next console byte be shown?  Not when it was shown
 * before: the run is being re-executed. */
bool shell_timeline_console_new(struct shell *sh);
/* Is the run being re-executed to go back?  (Traps are not traced again.) */
bool shell_timeline_replaying(struct shell *sh);
/* Type text at the guest's console here; it is recorded. */
void shell_timeline_input(struct shell *sh, const char *text, size_t len);
/* Save the run's input to `path` / load it to be typed again as the guest
 * reaches each place.  0, or -1 with one line in err. */
int shell_timeline_save_inputs(struct shell *sh, const char *path, char *err, size_t errlen);
int shell_timeline_load_inputs(struct shell *sh, const char *path, char *err, size_t errlen);
/* The i-th typing of the run (from 0): false past the last. */
bool shell_timeline_typed(struct shell *sh, size_t i, uint64_t *position, const char **text,
			  size_t *len);
/* Type this when the guest reaches `position` (now, if it is there);
 * -1 for a place already passed. */
int shell_timeline_schedule(struct shell *sh, uint64_t position, const char *text, size_t len);
/* The value of a hex digit, or -1 (`input`'s \xHH, record files). */
static inline int
shell_hex_digit(char c)
{
	enum { TEN = 10 };             /* 'a' is ten */
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + TEN;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + TEN;
	return -1;
}
/* `info record`: the position, the checkpoints and what they cost. */
void shell_timeline_describe(struct shell *sh);

#endif /* TRAPLAB_SHELL_TIMELINE_H */
