/* fuzzgen_save.c — a generated guest as files (fuzzgen.h): the PG32 image
 * (isa/SPEC.md §11.2), its layout as a symbol file beside it, and its
 * disassembly, which re-assembles to the image.  `traplab fuzz --keep`
 * writes the guests that are not equivalent so, so that `traplab equiv
 * BASE.img` replays the check and a student of Labs 3–8 can read the guest.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "disasm.h"
#include "fuzzgen.h"

static int
save_image(const char *path, const struct fuzzgen_image *img)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t n = fwrite(img->words, 1, img->size, f);
	int closed = fclose(f);
	return closed == 0 && n == img->size ? 0 : -1;
}

static int
save_symbols(const char *path, const struct symtab *syms)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	int rc = symtab_write(syms, f);
	int closed = fclose(f);
	return closed == 0 && rc == 0 ? 0 : -1;
}

/* The disassembly, with what a reader needs first: where it came from,
 * how it runs, and the caller's note (how to replay it). */
static int
save_source(const char *path, const struct fuzzgen_image *img, const struct symtab *syms,
	    const char *note)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	char features[512];
	fprintf(f, "; %s guest of seed %u, made by monitor/tools/fuzzgen.c\n; %s\n"
		"; memory %u KiB, %s placement, budget %" PRIu64 " instructions\n",
		img->hostile ? "hostile" : "valid", img->seed,
		fuzzgen_describe(img, features, sizeof features), img->memory / 1024,
		img->placement == PLACE_IDENTITY ? "identity" : "relocated", img->budget);
	if (note)
		fprintf(f, "; %s\n", note);
	if (!img->hostile && !(img->features & (FUZZGEN_PAGING | FUZZGEN_USER_SEES_KERNEL)))
		fprintf(f, "; user_code runs at user virtual 0 (relocation: rbase = user_code), so\n"
			"; its branch targets below are physical, 0x%x above what it sees\n",
			(unsigned)symtab_find(syms, "user_code")->value);
	disasm_image(f, (const uint8_t *)img->words, img->size, syms);
	int closed = fclose(f);
	return closed == 0 ? 0 : -1;
}

int
fuzzgen_save(const struct fuzzgen_image *img, const char *base, const char *note, char *err,
	     size_t errlen)
{
	enum { SUFFIX_ROOM = 8 };
	char path[FUZZGEN_PATH_MAX + SUFFIX_ROOM];
	if (strlen(base) >= FUZZGEN_PATH_MAX) {
		snprintf(err, errlen, "%.40s...: the name is too long", base);
		return -1;
	}
	struct symtab syms;
	symtab_init(&syms);
	snprintf(path, sizeof path, "%s.img", base);
	errno = ENOMEM;
	int rc = fuzzgen_symbols(img, &syms);
	if (rc == 0)
		rc = save_image(path, img);
	if (rc == 0)
		snprintf(path, sizeof path, "%s.sym", base);
	if (rc == 0)
		rc = save_symbols(path, &syms);
	if (rc == 0)
		snprintf(path, sizeof path, "%s.s", base);
	if (rc == 0)
		rc = save_source(path, img, &syms, note);
	symtab_free(&syms);
	if (rc < 0)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return rc;
}
