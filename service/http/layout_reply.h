/*
 * Pages as answers: a finished page, a message page, a failed store call on a page.
 */
#ifndef UJIKOM_LAYOUT_REPLY_H
#define UJIKOM_LAYOUT_REPLY_H

#include "http/server.h"

struct html; /* service/http/html.h */

/* Sends a finished page as text/html (takes ownership of h, NULL allowed): a buffer that
 * failed (out of memory) becomes a 500 instead of half a page. Returns the reply's value.
 * The same as reply_html. */
int layout_reply(struct req *r, unsigned status, struct html *h);

/* Answers a negative store result on a page: 503 (busy / unavailable, retry) or 500.
 * Returns the reply's value. */
int layout_store_error(struct req *r, int store_rc);

/* Opens a page once its reads are done: a store_rc other than STORE_OK answers as
 * layout_store_error does, no memory answers 500, and either way NULL comes back with the
 * reply's value in *ret. Otherwise the page as layout_page_new opens it. */
struct html *layout_page_open(struct req *r, int store_rc, const char *title_key,
                              const char *script, int *ret);

/* Ends a page with a "Kembali / Back" link to back (a local path), closes it (layout_end)
 * and sends it with status 200 as layout_reply does (taking h). */
int layout_reply_with_back(struct req *r, struct html *h, const char *back);

/* A complete page with a heading and one message paragraph (both catalogue keys), e.g. for
 * "not found" on pages. Returns the reply's value. */
int layout_message_page(struct req *r, unsigned status, const char *title_key,
                        const char *message_key);

#endif
