#include "store/store_backend.h"
int store_pg_open(struct store **out, const char *uri, const struct store_opts *opts, char *err,
                  size_t errlen) {
  (void)out;
  (void)uri;
  (void)opts;
  store_set_err(err, errlen, "no");
  return STORE_HARD;
}
