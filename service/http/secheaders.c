/*
 * Security headers on every response. Scripts and styles come only from this origin
 * (no inline script), nothing frames us, and authenticated answers are never cached.
 */
#include "http/secheaders.h"

#include <microhttpd.h>

const struct secheader secheaders[] = {
    {"Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; "
                                "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
                                "form-action 'self'; base-uri 'none'; object-src 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Frame-Options", "DENY"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
};
const size_t secheaders_count = sizeof(secheaders) / sizeof(secheaders[0]);

void secheaders_apply(struct MHD_Response *resp, bool authenticated, bool has_cache_control) {
  for (size_t i = 0; i < secheaders_count; i++) {
    MHD_add_response_header(resp, secheaders[i].name, secheaders[i].value);
  }
  /* Dynamic answers are not cached unless the handler chose a policy (static assets,
   * JWKS); authenticated ones never are, whatever a handler set. */
  if (!has_cache_control || authenticated) {
    MHD_add_response_header(resp, "Cache-Control", "no-store");
  }
}
