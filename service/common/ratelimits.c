/* Rate-limit counters kept no longer than they count (see ratelimits.h). */
#include "common/ratelimits.h"

#include "common/config.h"
#include "store/store.h"

#define HOUR_MS ((int64_t)3600 * 1000)

int64_t ratelimits_longest_window_ms(const struct config *cfg) {
  const int64_t login = (int64_t)cfg->login_window_s * 1000;
  return login > HOUR_MS ? login : HOUR_MS;
}

struct forget_ctx {
  int64_t window_before_ms, now_ms, forgotten;
};

static int forget_txn(struct store_tx *tx, void *arg) {
  struct forget_ctx *f = arg;
  return store_ratelimit_forget(tx, f->window_before_ms, f->now_ms, RATELIMITS_FORGET_BATCH,
                                &f->forgotten);
}

int ratelimits_forget(size_t *out_n, struct svc *svc, int64_t now_ms, int64_t longest_window_ms) {
  struct forget_ctx f = {.window_before_ms = now_ms - longest_window_ms, .now_ms = now_ms};
  *out_n = 0;
  if (longest_window_ms < 1) {
    return STORE_HARD;
  }
  int rc = store_txn(svc->store, forget_txn, &f);
  if (STORE_OK == rc) {
    *out_n = f.forgotten > 0 ? (size_t)f.forgotten : 0;
  }
  return rc;
}
