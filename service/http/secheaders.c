/*
 * Security headers on every response. Scripts and styles come only from this origin
 * (no inline script), nothing frames us, and authenticated answers are never cached.
 * Script and style-sheet answers leave out the headers that act only on documents (the
 * policy, framing, opener): they would do nothing there, and a phone fetching the exam
 * page's script and style sheet paid ~270 bytes each for them. A service worker's
 * script keeps them all (a worker is governed by its script's policy).
 * API answers (JSON, a JWT) are data that never loads anything: their policy lets nothing
 * load and nothing frame them (default-src 'none'; frame-ancestors 'none', as OWASP's REST
 * guidance has it; stricter than the pages' and ~200 bytes shorter), and the opener policy,
 * which acts on browsing contexts only, is left off.
 */
#include "http/secheaders.h"

#include <string.h>
#include <strings.h>

#include <microhttpd.h>

const struct secheader secheaders[] = {
    {"Content-Security-Policy",
     "default-src 'self'; script-src 'self'; style-src 'self'; "
     "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
     "form-action 'self'; base-uri 'none'; object-src 'none'",
     "default-src 'none'; frame-ancestors 'none'", false},
    {"X-Content-Type-Options", "nosniff", "nosniff", true},
    {"Referrer-Policy", "no-referrer", "no-referrer",
     true}, /* also rules a style sheet's fetches */
    {"X-Frame-Options", "DENY", "DENY", false},
    {"Cross-Origin-Opener-Policy", "same-origin", NULL, false},
};
const size_t secheaders_count = sizeof(secheaders) / sizeof(secheaders[0]);

const char *secheader_value(const struct secheader *h, enum secheader_kind kind) {
  switch (kind) {
  case SECHEADER_SUBRESOURCE:
    return h->subresource ? h->document : NULL;
  case SECHEADER_API:
    return h->api;
  case SECHEADER_DOCUMENT:
  default:
    return h->document;
  }
}

/* Whether the media type of type (parameters ignored) is name. */
static bool media_is(const char *type, size_t n, const char *name) {
  return strlen(name) == n && 0 == strncasecmp(type, name, n);
}

static enum secheader_kind kind_of(struct MHD_Response *resp) {
  const char *type = MHD_get_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE);
  if (NULL == type) {
    return SECHEADER_DOCUMENT;
  }
  size_t n = strcspn(type, "; \t");
  if (media_is(type, n, "application/json") || media_is(type, n, "application/ld+json") ||
      media_is(type, n, "application/jwt")) {
    return SECHEADER_API;
  }
  if ((media_is(type, n, "text/javascript") || media_is(type, n, "text/css")) &&
      NULL == MHD_get_response_header(resp, "Service-Worker-Allowed")) {
    return SECHEADER_SUBRESOURCE;
  }
  return SECHEADER_DOCUMENT;
}

void secheaders_apply(struct MHD_Response *resp, bool authenticated, bool has_cache_control) {
  enum secheader_kind kind = kind_of(resp);
  for (size_t i = 0; i < secheaders_count; i++) {
    const char *value = secheader_value(&secheaders[i], kind);
    if (NULL != value) {
      MHD_add_response_header(resp, secheaders[i].name, value);
    }
  }
  /* Dynamic answers are not cached unless the handler chose a policy (static assets,
   * JWKS); authenticated ones never are, whatever a handler set. */
  if (!has_cache_control || authenticated) {
    MHD_add_response_header(resp, "Cache-Control", "no-store");
  }
}
