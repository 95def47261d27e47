/* Rate-limit counters kept no longer than they count (see ratelimits.h). */
#include "common/ratelimits.h"

#include "common/config.h"
#include "store/store.h"
#include "store/store_users.h"

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

/* Seconds until the hour's window that started at window_start_ms ends (at least 1). */
static int64_t hour_left_s(int64_t window_start_ms, int64_t now_ms) {
  const int64_t s = (window_start_ms + HOUR_MS - now_ms + 999) / 1000;
  return s < 1 ? 1 : s;
}

int ratelimits_hourly_take(struct store_tx *tx, const char *key, int64_t per_hour,
                           int64_t *out_retry_after_s) {
  struct store_ratelimit st;
  const int64_t now = store_tx_now_ms(tx);
  int rc = store_ratelimit_hit(tx, &st, key, now, HOUR_MS, per_hour, HOUR_MS);
  if (STORE_OK == rc && st.count > per_hour) {
    *out_retry_after_s = hour_left_s(st.window_start_ms, now);
    return STORE_CONFLICT;
  }
  return rc;
}

int ratelimits_hourly_spent(struct store_rd *rd, const char *key, int64_t per_hour, int64_t now_ms,
                            bool *out_spent, int64_t *out_retry_after_s) {
  struct store_ratelimit st;
  *out_spent = false;
  int rc = store_ratelimit_get(rd, &st, key);
  if (STORE_NONE == rc) {
    return STORE_OK;
  }
  if (STORE_OK == rc && now_ms - st.window_start_ms < HOUR_MS && st.count >= per_hour) {
    *out_spent = true;
    *out_retry_after_s = hour_left_s(st.window_start_ms, now_ms);
  }
  return rc;
}
