/*
 * Fetching a small document over HTTP(S) for the command-line verifiers (a status list, a
 * key set): one GET with a size cap, time limits and TLS verification, no redirects to
 * other schemes.
 */
#ifndef UJIKOM_FETCH_H
#define UJIKOM_FETCH_H

#include <stdbool.h>
#include <stddef.h>

/* Whether text names an http:// or https:// URL (else it is taken as a file name). */
bool fetch_is_url(const char *text);

/* GETs url (http or https; redirects followed within those schemes, at most 3) and returns
 * its body: 0 with *out (malloc'd, NUL-terminated, free()) and *out_len, or -1 with a
 * reason in err (network error, HTTP status other than 200, body larger than max bytes). */
int fetch_url(char **out, size_t *out_len, const char *url, size_t max, char *err, size_t errlen);

#endif
