/*
 * Answers built on the adapter's primitives: JSON, the one error path (a JSON body, or the
 * error page for browsers), finished HTML pages and failed store calls.
 */
#ifndef UJIKOM_REPLY_H
#define UJIKOM_REPLY_H

#include <jansson.h>

#include "http/errors.h"
#include "http/server.h"

struct html; /* service/http/html.h: an HTML buffer that escapes by default */

/* Takes ownership of body (may be NULL for an empty object). */
int reply_json(struct req *r, unsigned status, json_t *body);
/* Checks that answer for themselves: each returns true when the request passes and otherwise
 * answers it and returns false, so that the handler returns at once. */
/* The path's first parameter as an id into *out; anything else answers `missing` (the
 * resource's not-found error). */
bool reply_need_id(struct req *r, enum err missing, int64_t *out);
/* A JSON object as the body; anything else answers 400 invalid_field. */
bool reply_need_object(struct req *r);

/* Answers with a prebuilt answer whose reference the caller holds and gives up here (see
 * prebuilt_ref); NULL, an answer that could not be built, answers 500. */
int reply_prebuilt_held(struct req *r, struct prebuilt *p);
/* Answers 200 {"<key>": list}, taking ownership of list; a NULL list (out of memory while
 * building it) answers 500. */
int reply_json_list(struct req *r, const char *key, json_t *list);
/* A generated file as a download: data (owned, freed with free(); NULL answers 500) under
 * Content-Disposition: attachment; filename="<filename>" (filename is ours, never input's). */
int reply_download(struct req *r, const char *type, const char *filename, void *data, size_t len);
/* The one error path: {"error":"<name>","message":"<text>"} and, when there are,
 * "reason" (a stable code: the field a detail "field: ..." names) and "detail" (the exact
 * English sentence, also logged). The message is the catalogue's (err_text) in the
 * language of the lang cookie, else Indonesian for our own pages' requests
 * (Sec-Fetch-Site: same-origin), else Accept-Language's pick, else English. HTML clients
 * get the same as a page in the page's language. detail may be NULL. */
int reply_error(struct req *r, enum err code, const char *detail);
/* The same with a stable reason of its own (e.g. a password policy verdict's code), whose
 * catalogue text is reason.<name>.<reason>. */
int reply_error_reason(struct req *r, enum err code, const char *reason, const char *detail);
/* Sends a finished page as text/html; takes ownership of the html buffer (NULL allowed): a
 * buffer that failed answers 500. */
int reply_html(struct req *r, unsigned status, struct html *h);
/* Answers a failed store call: STORE_BUSY -> 503 busy, STORE_UNAVAILABLE -> 503 unavailable,
 * anything else (STORE_HARD, a broken invariant) -> 500, logged with what. */
int reply_store_error(struct req *r, int store_rc, const char *what);

#endif
