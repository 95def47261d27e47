/*
 * Fetching a public document over HTTP(S) for the command line (the transparency log's
 * files for the monitor): one GET, bounded in size and time, nothing but http and https.
 */
#ifndef UJIKOM_FETCH_H
#define UJIKOM_FETCH_H

#include <stddef.h>

#define FETCH_TIMEOUT_S 30

/* GETs url (http or https; redirects are not followed). Returns 200 with *out (malloc'd,
 * NUL-terminated, free()) of *out_len bytes; another HTTP status (nothing in *out); or -1
 * with one line in err (no connection, a body over max bytes, a timeout). */
long fetch_url(char **out, size_t *out_len, const char *url, size_t max, char *err, size_t errlen);

#endif
