/*
 * Security headers on every response. Scripts and styles come only from this origin
 * (no inline script), nothing frames us, and authenticated answers are never cached.
 */
#include "http/secheaders.h"

#include <microhttpd.h>

void secheaders_apply(struct MHD_Response *resp, bool authenticated, bool has_cache_control) {
  MHD_add_response_header(resp, "Content-Security-Policy",
                          "default-src 'self'; script-src 'self'; style-src 'self'; "
                          "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
                          "form-action 'self'; base-uri 'none'; object-src 'none'");
  MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(resp, "X-Frame-Options", "DENY");
  MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
  /* Dynamic answers are not cached unless the handler chose a policy (static assets,
   * JWKS); authenticated ones never are, whatever a handler set. */
  if (!has_cache_control || authenticated)
    MHD_add_response_header(resp, "Cache-Control", "no-store");
}
