/* graphviz.h — write a Graphviz graph to a file: its .dot text, or a picture
 * rendered by dot(1) when the file name asks for one (.png, .svg, .pdf) and
 * Graphviz is installed.  The monitor's `dot` and `traplab bt --dot` use it. */
#ifndef TRAPLAB_GRAPHVIZ_H
#define TRAPLAB_GRAPHVIZ_H

#include <stddef.h>
#include <stdio.h>

enum { GRAPHVIZ_NOTE = 512 };

/* Writes the graph's text to `out`. */
typedef void (*graphviz_writer)(void *ctx, FILE *out);

/* Returns 0 with what was written in `note` (a path, and how to render it
 * if it could not be), or -1 with the reason in `err`. */
int graphviz_write(const char *path, graphviz_writer write, void *ctx, char *note, size_t notelen,
		   char *err, size_t errlen);

#endif
