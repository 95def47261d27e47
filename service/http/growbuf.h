/*
 * How the text buffers grow: the HTML buffer (html.c) and the JSON text writer
 * (jsontext.c) both double their capacity until the text fits, and both keep a sticky
 * failure flag after running out of memory.
 */
#ifndef UJIKOM_HTTP_GROWBUF_H
#define UJIKOM_HTTP_GROWBUF_H

#include <stdbool.h>
#include <stddef.h>

/* Makes *buf (capacity *cap) hold at least need bytes: the capacity (first when it is 0)
 * doubles until it does. Returns true when it fits; on running out of memory (or a size
 * that cannot be reached by doubling) sets *failed and returns false, leaving *buf and *cap
 * as they were. */
bool growbuf_fit(char **buf, size_t *cap, size_t need, size_t first, bool *failed);

#endif
