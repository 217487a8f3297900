/* cmd_fuzz_internal.h — what the two files of `traplab fuzz` share:
 * cmd_fuzz.c parses the command line and runs the guests through the
 * equivalence check, cmd_fuzz_report.c says what came of each and keeps
 * the failing ones.  Labs 3–8 are graded through the command.
 */
#ifndef TRAPLAB_CMD_FUZZ_INTERNAL_H
#define TRAPLAB_CMD_FUZZ_INTERNAL_H

#include <stdbool.h>

#include "cli_options.h"
#include "equiv.h"
#include "fuzzgen.h"
#include "report.h"

enum {
	FUZZ_DEFAULT_COUNT = 20,
	FUZZ_MAX_COUNT = 1000000,
	FUZZ_PATH_MAX = FUZZGEN_PATH_MAX,
	FUZZ_NAME_ROOM = 32,           /* "/hostile-4294967295.img" and a NUL */
	FUZZ_LINE_MAX = 8192,
	FUZZ_ERR_MAX = 256,
};

struct fuzz_options {
	enum isa_variant variant;
	bool modes[MODE_COUNT];
	unsigned seed, count;
	bool seed_given, hostile, quiet;
	const char *keep;              /* --keep=DIR, or NULL */
	enum cli_format format;
};

/* One guest's verdict, and where it was kept. */
struct fuzz_outcome {
	struct equiv_run bare;
	struct equiv_result results[MODE_COUNT];
	bool equivalent, different;    /* every mode equivalent / one is not */
	char kept[FUZZ_PATH_MAX + 8];  /* the image, if kept */
	char replay[FUZZ_LINE_MAX];    /* the command that replays it, if it differs */
};

struct fuzz_tally {
	unsigned equivalent, different, inconclusive;
};

/* cmd_fuzz_report.c */
/* r->replay: for a guest that differs, `traplab equiv ... image_path`, or
 * without an image, the `traplab fuzz ... --seed=S --count=1 --keep=DIR`
 * that makes one. */
void fuzz_replay_line(const struct fuzz_options *o, const struct fuzzgen_image *img,
		      struct fuzz_outcome *r, const char *image_path);
/* Write DIR/seed-S.img, .sym and .s (fuzzgen_save), and r->kept and
 * r->replay; 0, or EXIT_CANTCREAT after saying why. */
int fuzz_keep(const struct fuzz_options *o, const struct fuzzgen_image *img,
	      struct fuzz_outcome *r);
/* The progress line on a terminal's stderr: before guest `done` (0-based)
 * of o->count, and with done == o->count to take it away. */
void fuzz_progress(const struct fuzz_options *o, unsigned done, unsigned seed);
void fuzz_clear_progress(void);
/* The first line (text) or the document's start (JSON); one guest; the
 * summary (and the document's end). */
void fuzz_print_head(const struct fuzz_options *o, struct json *j);
void fuzz_print_text(const struct fuzz_options *o, const struct fuzzgen_image *img,
		     const struct fuzz_outcome *r);
void fuzz_print_json(struct json *j, const struct fuzz_options *o,
		     const struct fuzzgen_image *img, const struct fuzz_outcome *r);
void fuzz_print_summary(const struct fuzz_options *o, const struct fuzz_tally *t,
			struct json *j);

#endif
