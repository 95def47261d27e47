/*
 * Security headers on every response. Scripts and styles come only from this origin
 * (no inline script), nothing frames us, and authenticated answers are never cached.
 * Script and style-sheet answers leave out the headers that act only on documents (the
 * policy, framing, opener): they would do nothing there, and a phone fetching the exam
 * page's script and style sheet paid ~270 bytes each for them. A service worker's
 * script keeps them all (a worker is governed by its script's policy).
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
     true},
    {"X-Content-Type-Options", "nosniff", false},
    {"Referrer-Policy", "no-referrer", false}, /* also rules what a style sheet fetches */
    {"X-Frame-Options", "DENY", true},
    {"Cross-Origin-Opener-Policy", "same-origin", true},
};
const size_t secheaders_count = sizeof(secheaders) / sizeof(secheaders[0]);

/* A script or style sheet that no page can load as a document or a worker. */
static bool subresource(struct MHD_Response *resp) {
  const char *type = MHD_get_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE);
  if (NULL == type) {
    return false;
  }
  size_t n = strcspn(type, "; \t");
  return ((15 == n && 0 == strncasecmp(type, "text/javascript", n)) ||
          (8 == n && 0 == strncasecmp(type, "text/css", n))) &&
         NULL == MHD_get_response_header(resp, "Service-Worker-Allowed");
}

void secheaders_apply(struct MHD_Response *resp, bool authenticated, bool has_cache_control) {
  bool sub = subresource(resp);
  for (size_t i = 0; i < secheaders_count; i++) {
    if (!(sub && secheaders[i].document_only)) {
      MHD_add_response_header(resp, secheaders[i].name, secheaders[i].value);
    }
  }
  /* Dynamic answers are not cached unless the handler chose a policy (static assets,
   * JWKS); authenticated ones never are, whatever a handler set. */
  if (!has_cache_control || authenticated) {
    MHD_add_response_header(resp, "Cache-Control", "no-store");
  }
}
