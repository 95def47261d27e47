/*
 * Security headers added to every response (CSP, nosniff, referrer policy, framing,
 * no-store for authenticated answers).
 */
#ifndef UJIKOM_SECHEADERS_H
#define UJIKOM_SECHEADERS_H

#include <stdbool.h>
#include <stddef.h>

struct MHD_Response;

struct secheader {
  const char *name;
  const char *value;
  bool document_only; /* acts only on documents and workers: left off scripts and styles */
};

/* The headers every answer carries, whatever its status (Cache-Control aside); a script or
 * style sheet (text/javascript, text/css) other than a service worker's (one with
 * Service-Worker-Allowed) carries those not document_only. */
extern const struct secheader secheaders[];
extern const size_t secheaders_count;

/* Adds the headers to resp (its Content-Type already set); authenticated answers also get
 * Cache-Control: no-store unless the handler set its own Cache-Control (has_cache_control). */
void secheaders_apply(struct MHD_Response *resp, bool authenticated, bool has_cache_control);

#endif
