/* compare.h — one guest under every approach, side by side: the comparison
 * a virtualization course is about (Lab 10; REFERENCES §5 and §6).  Every
 * row comes from real runs in one process: the figures of vm_stats, the
 * best host time of several runs, and Popek and Goldberg's equivalence,
 * checked against bare.
 */
#ifndef TRAPLAB_COMPARE_H
#define TRAPLAB_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "equiv.h"
#include "vm.h"

struct compare_config {
	struct equiv_config run;      /* the guest, variant, memory, budget */
	bool paravirtual;             /* the guest makes hypercalls: add the pv row */
	unsigned repetitions;         /* timed runs per mode; the best counts */
	/* For a paravirtual guest, equivalence is given up on purpose; its
	 * console output is compared with this reference's bare run instead
	 * (e.g. minios for minios-pv).  NULL: no console check. */
	const uint8_t *reference_image;
	size_t reference_size;
};

struct compare_row {
	enum vm_mode mode;
	struct vm_stats stats;
	double host_seconds;          /* best of the repetitions */
	double ratio_to_bare;
	struct machine_stop_info stop;   /* how the (last timed) run ended */
	enum { EQUIV_YES, EQUIV_NO, EQUIV_INCONCLUSIVE, EQUIV_CONSOLE_SAME, EQUIV_CONSOLE_DIFFERS,
	       EQUIV_NOT_CHECKED } verdict;
	char why[640];                /* the reason for a NO (or why it was not checked), in words */
};

struct compare_result {
	struct compare_row rows[MODE_COUNT];
	size_t nrows;
};

int compare_run(const struct compare_config *cfg, struct compare_result *out,
		char *err, size_t errlen);

enum compare_format { COMPARE_TEXT, COMPARE_CSV, COMPARE_MARKDOWN, COMPARE_JSON };
void compare_print(FILE *out, enum compare_format format, const char *guest,
		   enum isa_variant variant, const struct compare_result *r);

#endif
