/* data_dir.h — where traplab's own files are (the guests, lessons/ and the
 * SVM host's files): in the source tree when traplab runs from it, else
 * where `make install` put them, $(PREFIX)/share/traplab (README.md
 * "Installing").  The monitor finds its default guest, minios, with it.
 */
#ifndef TRAPLAB_DATA_DIR_H
#define TRAPLAB_DATA_DIR_H

#include <stdbool.h>
#include <stddef.h>

/* Find `relative` ("guests/pg32/minios/minios.s"), first found wins:
 *   1. under the current directory (a run from the top of the tree);
 *   2. under the tree the program was built in (…/build/traplab -> …/);
 *   3. under the installed program's share/traplab (PREFIX/bin/traplab ->
 *      PREFIX/share/traplab), wherever that tree was copied, DESTDIR too;
 *   4. under the PREFIX the Makefile compiled in: PREFIX/share/traplab.
 * Writes the path found to `path` (relative to the current directory when
 * inside it) and returns true; else writes `relative` itself and returns
 * false, so a message can name what was looked for. */
bool data_dir_find(const char *relative, char *path, size_t len);

#endif /* TRAPLAB_DATA_DIR_H */
