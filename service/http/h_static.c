/*
 * GET /static/<path>: the assets under static/ in the compiled-in table (static_assets.c serves
 * them), so no request path reaches the file system; and GET /favicon.ico, the icon browsers
 * ask for at the site's root, from the same table.
 */
#include <string.h>

#include "http/handlers.h"
#include "http/static_assets.h"

int h_static(struct req *r) {
  const char *rest = r->nparams > 0 ? r->params[0] : NULL;
  char path[256];
  if (NULL == rest) {
    return reply_error(r, ERR_NOT_FOUND, NULL);
  }
  size_t rlen = strlen(rest);
  if (rlen + sizeof("static/") > sizeof(path)) {
    return reply_error(r, ERR_NOT_FOUND, NULL);
  }
  memcpy(path, "static/", 7);
  memcpy(path + 7, rest, rlen + 1);
  return static_assets_reply(r, path);
}

int h_favicon(struct req *r) {
  return static_assets_reply(r, "static/favicon.ico");
}
