/*
 * Start-up of the HTTP shell: the order matters where one table is built from another
 * (asset versions before the asset answers, catalogues before the verification texts).
 */
#include "http/httpd.h"

#include "http/assets.h"
#include "http/auth.h"
#include "http/dispatch.h"
#include "http/errors.h"
#include "http/handlers.h"
#include "http/i18n.h"
#include "http/routes.h"
#include "http/static_assets.h"

void http_init(void) {
  errors_init();
  assets_init();
  i18n_init();
  static_assets_init();
  routes_init();
  auth_init();
  h_verify_init();
}

int http_start(struct svc *svc, struct server **out, char *err, size_t errlen) {
  http_init();
  return server_start(svc, &dispatch_app, out, err, errlen);
}
