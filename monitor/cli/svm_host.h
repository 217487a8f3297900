/* svm_host.h — `traplab kvm --svm-host` and `traplab monitor --backend=kvm
 * --svm-host`: the same command, run inside the SVM host (Debian's kernel on
 * QEMU's software AMD-V, whose /dev/kvm is kvm_amd; guests/x86/svm-host/
 * README.md "For users without VT-x"), for machines without a usable
 * /dev/kvm.  The terminal passes through, the files named on the command line
 * are carried in at the same absolute paths, output and the exit status come
 * back.  Lab 10.
 */
#ifndef TRAPLAB_SVM_HOST_H
#define TRAPLAB_SVM_HOST_H

#include <stddef.h>

/* The option both commands take, and the hint the no-KVM message ends with. */
#define SVM_HOST_OPTION "--svm-host"

/* Run `traplab ARGV...` (argv[0] the command's name, "kvm" or "monitor"; any
 * --svm-host among the arguments is left out) in the SVM host, carrying in
 * the `nfiles` files of `files` (readable: the caller probed them).  Returns
 * the command's exit status there, or EXIT_UNAVAILABLE (no QEMU, no image:
 * one line says what to install or build), or EXIT_SOFTWARE (the host did not
 * start or stopped before the command ended: one line says so). */
int svm_host_run(int argc, char **argv, const char *const *files, size_t nfiles);

/* Print "traplab CMD: WHY; run it in the SVM host: traplab CMD --svm-host
 * ARGS..." on stderr: the one line for a machine without usable /dev/kvm. */
void svm_host_suggest(const char *why, int argc, char **argv);

#endif /* TRAPLAB_SVM_HOST_H */
