/*
 * Keyset paging on pages: the links to the next and the first page of a list keep the
 * request's filters (the query parameters a list names) and carry the cursor of the next
 * page (the last id shown), so a list is paged without offsets and without losing its search.
 */
#ifndef UJIKOM_PAGER_H
#define UJIKOM_PAGER_H

#include <stddef.h>
#include <stdint.h>

#include "http/html.h"
#include "http/server.h"

/* One list: the page's path, the query parameters that are its filters (up to NULL), the
 * name of its cursor parameter and the #fragment of its section. */
struct pager {
  const char *path;
  const char *const *keep;
  const char *cursor;
  const char *fragment;
};

/* The href of the list with the request's filters and cursor=next (none when next <= 0),
 * percent-encoded, into out. False when it does not fit (out is then "#"). */
bool pager_href(char *out, size_t outlen, const struct req *r, const struct pager *p, int64_t next);

/* The navigation under a list (labelled by label_key): a link to the first page when the
 * request is past it, and to the next page when next > 0. Nothing when neither. */
void pager_nav(struct html *h, const struct req *r, const struct pager *p, int64_t next,
               const char *label_key);

/* As pager_nav for a list whose cursor is text (next NULL: no next page). */
void pager_nav_text(struct html *h, const struct req *r, const struct pager *p, const char *next,
                    const char *label_key);

/* "path?name=value" with value percent-encoded, into out. False when it does not fit (out
 * is then "#"). */
bool pager_param_href(char *out, size_t outlen, const char *path, const char *name,
                      const char *value);

/* Appends "?name=value" (or "&name=value" once out has a query) to the URL in out, value
 * percent-encoded (all but A-Z a-z 0-9 - . _ ~). False when it does not fit (out is then
 * cut anywhere: do not use it). */
bool pager_add_param(char *out, size_t outlen, const char *name, const char *value);

/* The request's query value of name when it is set and non-empty, else NULL. */
const char *pager_query(const struct req *r, const char *name);

/* A list's search text: the request's `name` (pager_query's) into *out; false, with 400
 * answered, when it is longer than PAGER_TEXT_MAX bytes. */
#define PAGER_TEXT_MAX 100
bool pager_text(struct req *r, const char *name, const char **out);
/* A list's cursor: the request's `name` as an id into *out (0 when unset); false, with 400
 * answered, when it is not an id. */
bool pager_cursor(struct req *r, const char *name, int64_t *out);
/* A list's cursor that is a certificate serial (the last one shown): the request's `name`
 * into *out (NULL when unset); false, with 400 answered, when it is not 1 to 64 of
 * A-Z 0-9 and '-'. */
bool pager_serial_cursor(struct req *r, const char *name, const char **out);

#endif
