/* run_plan.c — see run_plan.h. */
#include "run_plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char svm_flag[] = "--in-svm-host=", vmx_flag[] = "--in-vmx-host=",
		  beside_flag[] = "--vmx-host-too";

static bool
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

void
run_parse_args(int argc, char **argv, struct run_args *a)
{
	a->inside = NULL;
	a->inside_pick = KVM_PICK_KVM;
	bool beside = false;
	for (int i = 1; i < argc; i++) {
		if (starts(argv[i], svm_flag))
			a->inside = argv[i] + strlen(svm_flag);
		if (starts(argv[i], vmx_flag)) {
			a->inside = argv[i] + strlen(vmx_flag);
			a->inside_pick = KVM_PICK_VMX;
		}
		beside |= strcmp(argv[i], beside_flag) == 0;
	}
	if (beside && a->inside_pick == KVM_PICK_KVM)
		a->inside_pick = KVM_PICK_SVM_BESIDE_VMX;
}

static bool
wanted(const char *suite, int argc, char **argv)
{
	int filters = 0;
	for (int i = 1; i < argc; i++) {
		if (starts(argv[i], svm_flag) || starts(argv[i], vmx_flag) ||
		    strcmp(argv[i], beside_flag) == 0)
			continue;
		filters++;
		if (strstr(suite, argv[i]))
			return true;
	}
	return filters == 0;
}

int
run_choose_suites(const CU_SuiteInfo *const *suites, size_t count, int argc, char **argv,
		  const struct run_args *a, bool *chosen, char *err, size_t errlen)
{
	for (size_t i = 0; i < count; i++)
		chosen[i] = !a->inside && wanted(suites[i]->pName, argc, argv);
	for (const char *p = a->inside; p && *p; p += strspn(p, ",")) {
		char *end;
		unsigned long i = strtoul(p, &end, 10);
		if (end == p || i >= count) {
			snprintf(err, errlen, "%s: no suite %.*s", a->inside, (int)strcspn(p, ","), p);
			return -1;
		}
		chosen[i] = true;
		p = end;
	}
	return 0;
}

unsigned
run_pick_tests(const CU_SuiteInfo *s, enum kvm_pick pick, CU_SuiteInfo *out)
{
	unsigned n = 0, all = 0;
	for (const CU_TestInfo *t = s->pTests; t && t->pName; t++, all++)
		n += kvm_delegate_picks(s->pName, t->pName, pick);
	if (out) {
		CU_TestInfo *tests = calloc(all + 1, sizeof *tests), *next = tests;
		for (const CU_TestInfo *t = s->pTests; t && t->pName; t++)
			if (kvm_delegate_picks(s->pName, t->pName, pick))
				*next++ = *t;
		*next = (CU_TestInfo)CU_TEST_INFO_NULL;
		*out = *s;
		out->pTests = tests;
	}
	return n;
}

/* Append suite number i to a "3,5" list. */
static void
list_add(char *list, size_t size, size_t i)
{
	size_t used = strlen(list);
	snprintf(list + used, size - used, "%s%zu", used ? "," : "", i);
}

void
run_split_hosts(const CU_SuiteInfo *const *suites, const bool *chosen, size_t count, bool vmx,
		struct run_split *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < count; i++) {
		if (!chosen[i])
			continue;
		out->kvm_tests += run_pick_tests(suites[i], KVM_PICK_KVM, NULL);
		unsigned ns = run_pick_tests(suites[i], vmx ? KVM_PICK_SVM_BESIDE_VMX : KVM_PICK_KVM, NULL);
		unsigned nv = vmx ? run_pick_tests(suites[i], KVM_PICK_VMX, NULL) : 0;
		out->svm_tests += ns;
		out->vmx_tests += nv;
		if (ns)
			list_add(out->svm_suites, sizeof out->svm_suites, i);
		if (nv)
			list_add(out->vmx_suites, sizeof out->vmx_suites, i);
	}
}
