/* common.h — the few macros every C file of TrapLab may use, from the
 * lowest room up (isa.h includes it; kvm-backend/ includes it directly).
 * No lab changes this file. */
#ifndef TRAPLAB_COMMON_H
#define TRAPLAB_COMMON_H

/* The number of elements of an array (not of a pointer). */
#define ARRAY_SIZE(a) (sizeof (a) / sizeof (a)[0])

/* Branch hints for the interpreters' hot paths. */
#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
/* For the few helpers of the interpreter's hot path that must be inlined
 * whatever the compiler's size budget says (machine_internal.h). */
#define ALWAYS_INLINE inline __attribute__((always_inline))

#endif
