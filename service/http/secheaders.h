/*
 * Security headers added to every response (CSP, nosniff, referrer policy, framing,
 * no-store for authenticated answers).
 */
#ifndef UJIKOM_SECHEADERS_H
#define UJIKOM_SECHEADERS_H

#include <stdbool.h>
#include <stddef.h>

struct MHD_Response;

/* What an answer is, for the headers that act on it. */
enum secheader_kind {
  SECHEADER_DOCUMENT,    /* a page, and whatever else a browser may show as a document */
  SECHEADER_SUBRESOURCE, /* a script or style sheet no page can load as a document or worker */
  SECHEADER_API,         /* data for a program: JSON (and JSON-LD), a JWT */
};

struct secheader {
  const char *name;
  const char *document; /* its value on a document */
  const char *api;      /* on an API answer; NULL: not sent there */
  bool subresource;     /* also sent on scripts and style sheets (with the document value) */
};

/* The headers an answer may carry, whatever its status (Cache-Control aside). */
extern const struct secheader secheaders[];
extern const size_t secheaders_count;

/* The value header h has on an answer of kind, or NULL when such an answer leaves it out. */
const char *secheader_value(const struct secheader *h, enum secheader_kind kind);

/* Adds the headers to resp (its Content-Type already set; a script or style sheet with
 * Service-Worker-Allowed counts as a document, a worker being governed by its script's
 * policy); authenticated answers also get Cache-Control: no-store unless the handler set
 * its own Cache-Control (has_cache_control). */
void secheaders_apply(struct MHD_Response *resp, bool authenticated, bool has_cache_control);

#endif
