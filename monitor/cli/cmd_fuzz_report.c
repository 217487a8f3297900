/* cmd_fuzz_report.c — what `traplab fuzz` says about each guest and leaves
 * behind (cmd_fuzz_internal.h): one line per guest, or one JSON object;
 * the command that replays a guest that is not equivalent; the files
 * --keep writes; the progress line; the summary.  Graders of Labs 3–8 read
 * these lines and this JSON (monitor/REPORTS.md).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli_options.h"
#include "cmd_fuzz_internal.h"

/* "trap,bt" (sep ",") or "trap, bt": the modes checked (r NULL), or those
 * under which r's guest is not equivalent. */
static void
fuzz_mode_names(const struct fuzz_options *o, const struct fuzz_outcome *r, const char *sep,
		char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int m = 0; m < MODE_COUNT && used < len; m++) {
		if (!o->modes[m])
			continue;
		if (r && (r->results[m].equivalent || r->results[m].inconclusive))
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? sep : "",
					 vm_mode_name((enum vm_mode)m));
	}
}

/* The command that replays the check of a guest that differs. */
void
fuzz_replay_line(const struct fuzz_options *o, const struct fuzzgen_image *img,
		 struct fuzz_outcome *r, const char *image_path)
{
	char modes[64];
	fuzz_mode_names(o, r, ",", modes, sizeof modes);
	if (image_path)
		snprintf(r->replay, sizeof r->replay, "traplab equiv --isa=%s --modes=%s "
			 "--memory=%u --max-instructions=%" PRIu64 "%s %s",
			 isa_variant_name(o->variant), modes, img->memory / 1024, img->budget,
			 img->placement == PLACE_IDENTITY ? " --place=identity" : "", image_path);
	else
		snprintf(r->replay, sizeof r->replay, "traplab fuzz --isa=%s --modes=%s%s "
			 "--seed=%u --count=1 --keep=DIR", isa_variant_name(o->variant), modes,
			 img->hostile ? " --hostile" : "", img->seed);
}

/* Write DIR/seed-S.img, .sym and .s; 0, or EXIT_CANTCREAT after saying why. */
int
fuzz_keep(const struct fuzz_options *o, const struct fuzzgen_image *img, struct fuzz_outcome *r)
{
	char base[FUZZ_PATH_MAX], note[FUZZ_LINE_MAX + 16], err[FUZZ_PATH_MAX + FUZZ_ERR_MAX];
	snprintf(base, sizeof base, "%s/%s-%u", o->keep, img->hostile ? "hostile" : "seed",
		 img->seed);
	snprintf(r->kept, sizeof r->kept, "%s.img", base);
	fuzz_replay_line(o, img, r, r->kept);
	snprintf(note, sizeof note, "replay: %s", r->replay);
	if (fuzzgen_save(img, base, note, err, sizeof err) == 0)
		return 0;
	fprintf(stderr, "traplab fuzz: --keep=%s: cannot write %s\n", o->keep, err);
	return EXIT_CANTCREAT;
}

/* ===== reporting ================================================================= */

static bool progress_shown;

void
fuzz_progress(const struct fuzz_options *o, unsigned done, unsigned seed)
{
	if (o->quiet || !isatty(STDERR_FILENO))
		return;
	if (done < o->count)
		fprintf(stderr, "\r\033[K[%u/%u] seed %u...", done + 1, o->count, seed);
	else
		fputs("\r\033[K", stderr);
	progress_shown = done < o->count;
}

/* Before a line on stdout: off with the progress line, if stdout shares it. */
void
fuzz_clear_progress(void)
{
	if (progress_shown)
		fputs("\r\033[K", stderr);
	progress_shown = false;
}

static const struct equiv_result *
fuzz_first_difference(const struct fuzz_options *o, const struct fuzz_outcome *r)
{
	for (int m = 0; m < MODE_COUNT; m++)
		if (o->modes[m] && !r->results[m].equivalent && !r->results[m].inconclusive)
			return &r->results[m];
	return NULL;
}

void
fuzz_print_text(const struct fuzz_options *o, const struct fuzzgen_image *img,
		const struct fuzz_outcome *r)
{
	char modes[64], features[512];
	if (o->quiet && !r->different)
		return;
	fuzz_clear_progress();
	fuzzgen_describe(img, features, sizeof features);
	const char *kind = img->hostile ? "hostile seed" : "seed";
	if (r->equivalent || !r->different) {
		fuzz_mode_names(o, NULL, ", ", modes, sizeof modes);
		printf("%s %u: %s (%s) — %" PRIu64 " instructions; %s\n", kind, img->seed,
		       r->equivalent ? "equivalent" : "inconclusive", modes,
		       r->bare.stats.guest_instructions, features);
		if (!r->equivalent)
			printf("    the same up to the budget of %" PRIu64 " instructions, which "
			       "ended the bare run\n", img->budget);
		return;
	}
	const struct equiv_result *first = fuzz_first_difference(o, r);
	const struct equiv_divergence *d = &first->divergence;
	fuzz_mode_names(o, r, ", ", modes, sizeof modes);
	printf("%s %u: NOT equivalent under %s: %s%sfirst divergence after instruction %" PRIu64
	       ", pc 0x%08x: %s — %s\n", kind, img->seed, modes,
	       strchr(modes, ',') ? vm_mode_name(first->run.mode) : "",
	       strchr(modes, ',') ? "'s " : "", d->instruction, d->pc, d->insn_text, d->what);
	printf("    why: %s\n    guest: %s\n", d->why, features);
	if (r->kept[0])
		printf("    kept: %s (disassembly beside it, .s)\n", r->kept);
	printf("    replay: %s\n", r->replay);
}

static void
fuzz_json_divergence(struct json *j, const struct equiv_divergence *d)
{
	static const struct { unsigned flag; const char *name; } names[] = {
		{ CLS_PRIV, "PRIV" }, { CLS_TRAP, "TRAP" }, { CLS_CTRL, "CTRL" },
		{ CLS_CTRLU, "CTRLU" }, { CLS_MODE, "MODE" }, { CLS_LOC, "LOC" },
		{ CLS_LOCU, "LOCU" },
	};
	json_begin_object(j, "divergence");
	json_uint(j, "instruction", d->instruction);
	json_uint(j, "pc", d->pc);
	json_uint(j, "word", d->word);
	json_string(j, "disassembly", d->insn_text);
	json_begin_array(j, "class");
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (d->cls & names[i].flag)
			json_string(j, NULL, names[i].name);
	json_end_array(j);
	json_string(j, "what", d->what);
	json_string(j, "why", d->why);
	json_end_object(j);
}

void
fuzz_print_json(struct json *j, const struct fuzz_options *o, const struct fuzzgen_image *img,
		const struct fuzz_outcome *r)
{
	json_begin_object(j, NULL);
	json_uint(j, "seed", img->seed);
	json_string(j, "verdict", r->equivalent ? "equivalent"
				  : r->different ? "not-equivalent" : "inconclusive");
	json_uint(j, "instructions", r->bare.stats.guest_instructions);
	json_bool(j, "bare_finished", equiv_run_finished(&r->bare));
	json_uint(j, "memory", img->memory);
	json_string(j, "placement", img->placement == PLACE_IDENTITY ? "identity" : "relocated");
	json_uint(j, "budget", img->budget);
	json_begin_array(j, "features");
	for (unsigned i = 0; i < FUZZGEN_FEATURE_COUNT; i++)
		if (img->features & (1u << i))
			json_string(j, NULL, fuzzgen_feature_name(1u << i));
	json_end_array(j);
	json_begin_array(j, "modes");
	for (int m = 0; m < MODE_COUNT; m++) {
		if (!o->modes[m])
			continue;
		const struct equiv_result *res = &r->results[m];
		json_begin_object(j, NULL);
		json_string(j, "mode", vm_mode_name((enum vm_mode)m));
		json_string(j, "verdict", res->equivalent ? "equivalent"
					  : res->inconclusive ? "inconclusive" : "not-equivalent");
		if (res->equivalent || res->inconclusive)
			json_null(j, "divergence");
		else
			fuzz_json_divergence(j, &res->divergence);
		json_end_object(j);
	}
	json_end_array(j);
	if (r->kept[0])
		json_string(j, "kept", r->kept);
	else
		json_null(j, "kept");
	if (r->different)
		json_string(j, "replay", r->replay);
	else
		json_null(j, "replay");
	json_end_object(j);
}

/* The first line (text): which guests, checked how. */
void
fuzz_print_head(const struct fuzz_options *o, struct json *j)
{
	char modes[64];
	fuzz_mode_names(o, NULL, ", ", modes, sizeof modes);
	if (o->format == FORMAT_JSON) {
		json_begin_object(j, NULL);
		json_string(j, "variant", isa_variant_name(o->variant));
		json_begin_array(j, "modes");
		for (int m = 0; m < MODE_COUNT; m++)
			if (o->modes[m])
				json_string(j, NULL, vm_mode_name((enum vm_mode)m));
		json_end_array(j);
		json_bool(j, "hostile", o->hostile);
		json_uint(j, "first_seed", o->seed);
		json_uint(j, "count", o->count);
		json_bool(j, "seed_given", o->seed_given);
		json_begin_array(j, "guests");
		return;
	}
	if (o->quiet)
		return;
	printf("fuzz: %u %s guest%s from seed %u%s, on %s, each under %s against bare\n",
	       o->count, o->hostile ? "hostile" : "valid", o->count == 1 ? "" : "s", o->seed,
	       o->seed_given ? "" : " (drawn from /dev/urandom; --seed replays it)",
	       isa_variant_name(o->variant), modes);
}

void
fuzz_print_summary(const struct fuzz_options *o, const struct fuzz_tally *t, struct json *j)
{
	if (o->format == FORMAT_JSON) {
		json_end_array(j);
		json_begin_object(j, "summary");
		json_uint(j, "guests", o->count);
		json_uint(j, "equivalent", t->equivalent);
		json_uint(j, "not_equivalent", t->different);
		json_uint(j, "inconclusive", t->inconclusive);
		json_end_object(j);
		json_end_object(j);
		json_finish(j);
		return;
	}
	char modes[64];
	fuzz_mode_names(o, NULL, ",", modes, sizeof modes);
	char seeds[32];
	if (o->count == 1)
		snprintf(seeds, sizeof seeds, "seed %u", o->seed);
	else
		snprintf(seeds, sizeof seeds, "seeds %u-%u", o->seed, o->seed + (o->count - 1));
	printf("summary: %u guest%s (%s%s, --isa=%s --modes=%s): %u equivalent, %u NOT "
	       "equivalent, %u inconclusive\n", o->count, o->count == 1 ? "" : "s", seeds,
	       o->hostile ? ", hostile" : "", isa_variant_name(o->variant), modes, t->equivalent,
	       t->different, t->inconclusive);
}
