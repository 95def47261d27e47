/*
 * Forgetting the rate-limit counters that count nothing any more (common/ratelimits.h),
 * against a real store: a counter whose window ended more than the longest window ago and
 * whose back-off ended is deleted; one inside the window, one whose back-off still runs and
 * every counter within a longer --login-window stay; the next hit on a forgotten key answers
 * exactly as it would have with the counter kept; at most RATELIMITS_FORGET_BATCH go in one
 * call, and the next call goes on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/config.h"
#include "common/ratelimits.h"
#include "store/store.h"
#include "test_store_fixture.h"

#define MIN_MS  ((int64_t)60 * 1000)
#define HOUR_MS (60 * MIN_MS)
/* A fixed "now", far from the epoch, so that every time below is positive. */
#define NOW ((int64_t)1780000000000)

struct fixture {
  struct temp_store t;
  struct config cfg;
  struct svc svc;
};

static int setup(void **state) {
  int rc = temp_store_setup_with(state, sizeof(struct fixture), "ratelimits", NULL, NULL);
  if (0 == rc) {
    struct fixture *f = *state;
    f->cfg.login_window_s = 3600;
    f->svc.cfg = &f->cfg;
    f->svc.store = f->t.s;
  }
  return rc;
}

/* One hit on key at at_ms, counted in a window of window_ms with limit and block_ms. */
struct hit {
  const char *key;
  int64_t at_ms, window_ms, limit, block_ms;
  struct store_ratelimit after;
};

static int hit_txn(struct store_tx *tx, void *arg) {
  struct hit *h = arg;
  return store_ratelimit_hit(tx, &h->after, h->key, h->at_ms, h->window_ms, h->limit, h->block_ms);
}

static struct store_ratelimit hit(struct fixture *f, const char *key, int64_t at_ms, int64_t limit,
                                  int64_t block_ms) {
  struct hit h = {key, at_ms, HOUR_MS, limit, block_ms, {0}};
  assert_int_equal(STORE_OK, store_txn(f->svc.store, hit_txn, &h));
  return h.after;
}

static bool kept(struct fixture *f, const char *key) {
  struct store_rd *rd = NULL;
  struct store_ratelimit st;
  assert_int_equal(STORE_OK, store_rd_begin(f->svc.store, &rd));
  int rc = store_ratelimit_get(rd, &st, key);
  store_rd_end(rd);
  assert_true(STORE_OK == rc || STORE_NONE == rc);
  return STORE_OK == rc;
}

static size_t forget(struct fixture *f, int64_t now_ms) {
  size_t n = 99999;
  assert_int_equal(STORE_OK,
                   ratelimits_forget(&n, &f->svc, now_ms, ratelimits_longest_window_ms(&f->cfg)));
  return n;
}

/* The longest window: an hour, or --login-window when longer. */
static void test_longest_window(void **state) {
  struct fixture *f = *state;
  f->cfg.login_window_s = 600;
  assert_int_equal(HOUR_MS, ratelimits_longest_window_ms(&f->cfg));
  f->cfg.login_window_s = 7200;
  assert_int_equal(2 * HOUR_MS, ratelimits_longest_window_ms(&f->cfg));
}

/* What goes and what stays; a forgotten key answers its next hit as a kept one does. */
static void test_forget(void **state) {
  struct fixture *f = *state;
  /* ended: window started two hours ago, no block */
  hit(f, "register:ip:192.0.2.1", NOW - 2 * HOUR_MS, 50, HOUR_MS);
  /* ended: its back-off ran out a minute ago */
  for (int i = 0; i < 3; i++) {
    hit(f, "login:ip:192.0.2.2", NOW - 2 * HOUR_MS, 1, HOUR_MS + 59 * MIN_MS);
  }
  /* its back-off still runs (ten minutes more), though its window ended */
  for (int i = 0; i < 3; i++) {
    hit(f, "login:acct:abc", NOW - 2 * HOUR_MS, 1, 2 * HOUR_MS + 10 * MIN_MS);
  }
  /* inside its window */
  hit(f, "complaint:ip:192.0.2.3", NOW - 30 * MIN_MS, 10, HOUR_MS);
  /* two twins, ended, with a running count above the limit when their window ran */
  for (int i = 0; i < 4; i++) {
    hit(f, "verify:ip:192.0.2.4", NOW - 3 * HOUR_MS, 2, 0);
    hit(f, "verify:ip:192.0.2.5", NOW - 3 * HOUR_MS, 2, 0);
  }
  /* One twin hit now with its counter kept: the answer a forgotten one must give. */
  const struct store_ratelimit with = hit(f, "verify:ip:192.0.2.4", NOW, 2, 0);

  assert_int_equal(3, forget(f, NOW));
  assert_false(kept(f, "register:ip:192.0.2.1"));
  assert_false(kept(f, "login:ip:192.0.2.2"));
  assert_false(kept(f, "verify:ip:192.0.2.5"));
  assert_true(kept(f, "login:acct:abc"));
  assert_true(kept(f, "complaint:ip:192.0.2.3"));
  assert_true(kept(f, "verify:ip:192.0.2.4")); /* its new window started now */
  assert_int_equal(0, forget(f, NOW));

  const struct store_ratelimit without = hit(f, "verify:ip:192.0.2.5", NOW, 2, 0);
  assert_int_equal(with.window_start_ms, without.window_start_ms);
  assert_int_equal(with.count, without.count);
  assert_int_equal(with.blocked_until_ms, without.blocked_until_ms);
  assert_int_equal(1, without.count);

  /* Once the back-off ends, that counter goes too; the one in its window once the window
   * ends (an hour after NOW - 30 min). */
  assert_int_equal(1, forget(f, NOW + 10 * MIN_MS));
  assert_false(kept(f, "login:acct:abc"));
  assert_true(kept(f, "complaint:ip:192.0.2.3"));
  assert_int_equal(0, forget(f, NOW + 29 * MIN_MS));
  assert_int_equal(1, forget(f, NOW + 31 * MIN_MS));
  assert_false(kept(f, "complaint:ip:192.0.2.3"));
}

/* A longer --login-window keeps every counter that window could still count. */
static void test_longer_login_window(void **state) {
  struct fixture *f = *state;
  f->cfg.login_window_s = 24 * 3600;
  hit(f, "login:ip:192.0.2.9", NOW - 5 * HOUR_MS, 100, 0);
  assert_int_equal(0, forget(f, NOW));
  assert_true(kept(f, "login:ip:192.0.2.9"));
  assert_int_equal(1, forget(f, NOW + 20 * HOUR_MS));
  assert_false(kept(f, "login:ip:192.0.2.9"));
}

/* Many ended counters, made in one transaction. */
static int many_txn(struct store_tx *tx, void *arg) {
  const size_t *n = arg;
  struct store_ratelimit after;
  char key[64];
  for (size_t i = 0; i < *n; i++) {
    snprintf(key, sizeof key, "verify:ip:10.0.%zu.%zu", i / 250, i % 250);
    int rc = store_ratelimit_hit(tx, &after, key, NOW - 2 * HOUR_MS, HOUR_MS, 120, 0);
    if (STORE_OK != rc) {
      return rc;
    }
  }
  return STORE_OK;
}

/* At most a batch a call; the next call goes on where it stopped. */
static void test_batches(void **state) {
  struct fixture *f = *state;
  size_t n = RATELIMITS_FORGET_BATCH + 7;
  assert_int_equal(STORE_OK, store_txn(f->svc.store, many_txn, &n));
  assert_int_equal(RATELIMITS_FORGET_BATCH, forget(f, NOW));
  assert_int_equal(7, forget(f, NOW));
  assert_int_equal(0, forget(f, NOW));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_longest_window, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_forget, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_longer_login_window, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_batches, setup, temp_store_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
