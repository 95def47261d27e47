/*
 * Store-backed rate limits and the login back-off. The key texts are built here so every
 * caller counts the same thing the same way ("login:acct:<hash of the e-mail>",
 * "login:dev:<device hash>", "login:ip:<addr>").
 */
#include "http/ratelimit.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "common/log.h"
#include "http/reply.h"
#include "store/store.h"

#define KEY_MAX 320

struct hit_ctx {
  const char *key;
  int64_t now_ms;
  int64_t window_ms;
  int64_t limit;
  int64_t block_ms;
  struct store_ratelimit state;
};

static int hit_txn(struct store_tx *tx, void *arg) {
  struct hit_ctx *c = arg;
  memset(&c->state, 0, sizeof c->state);
  /* The transaction's clock, not the request's: requests dispatched at nearly the same time
   * commit in some order, and their own timestamps need not follow it. */
  c->now_ms = store_tx_now_ms(tx);
  return store_ratelimit_hit(tx, &c->state, c->key, c->now_ms, c->window_ms, c->limit, c->block_ms);
}

static int64_t seconds_until(int64_t until_ms, int64_t now_ms) {
  int64_t s = (until_ms - now_ms + 999) / 1000;
  return s < 1 ? 1 : s;
}

int ratelimit_reply(struct req *r, int64_t retry_after_s) {
  char buf[32];
  snprintf(buf, sizeof buf, "%lld", (long long)(retry_after_s < 1 ? 1 : retry_after_s));
  reply_header(r, "Retry-After", buf);
  return reply_error(r, ERR_RATE_LIMITED, NULL);
}

enum ratelimit_rc ratelimit_hit(struct req *r, const char *key, long limit, long window_s) {
  struct hit_ctx c;
  int rc;

  memset(&c, 0, sizeof c);
  if (NULL == key || strlen(key) >= KEY_MAX || limit < 1 || window_s < 1) {
    log_msg(LOG_ERROR, r->request_id, "ratelimit_hit: bad arguments");
    reply_error(r, ERR_INTERNAL, NULL);
    return RATELIMIT_REPLIED;
  }
  c.key = key;
  c.now_ms = r->now_ms;
  c.window_ms = (int64_t)window_s * 1000;
  c.limit = limit;
  c.block_ms = (int64_t)window_s * 1000;
  rc = store_txn(r->svc->store, hit_txn, &c);
  if (STORE_OK != rc) {
    log_msg(LOG_WARN, r->request_id, "rate limit %s: store %s", key, store_rc_name(rc));
    reply_error(r, STORE_BUSY == rc ? ERR_BUSY : ERR_UNAVAILABLE, NULL);
    return RATELIMIT_REPLIED;
  }
  if (c.state.blocked_until_ms > c.now_ms) {
    log_msg(LOG_INFO, r->request_id, "rate limited: %s (%lld hits)", key, (long long)c.state.count);
    ratelimit_reply(r, seconds_until(c.state.blocked_until_ms, c.now_ms));
    return RATELIMIT_REPLIED;
  }
  return RATELIMIT_OK;
}

/* SHA-256 (lower-case hex) of the e-mail with ASCII upper case folded, so "A@x" and "a@x"
 * share one counter (the store compares e-mail addresses case-insensitively too) and the key
 * has one length whatever the address's. -1 when hashing fails. */
static int email_digest(char out[2 * 32 + 1], const char *email) {
  static const char hex[] = "0123456789abcdef";
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  int ok = NULL != ctx && 1 == EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
  for (size_t i = 0; ok && '\0' != email[i];) {
    char chunk[64];
    size_t n = 0;
    for (; n < sizeof chunk && '\0' != email[i]; n++, i++) {
      char ch = email[i];
      chunk[n] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
    }
    ok = 1 == EVP_DigestUpdate(ctx, chunk, n);
  }
  ok = ok && 1 == EVP_DigestFinal_ex(ctx, md, &mdlen) && 32 == mdlen;
  EVP_MD_CTX_free(ctx);
  out[0] = '\0';
  if (!ok) {
    return -1;
  }
  for (size_t i = 0; i < 32; i++) {
    out[2 * i] = hex[md[i] >> 4];
    out[2 * i + 1] = hex[md[i] & 15];
  }
  out[64] = '\0';
  return 0;
}

int ratelimit_login_key(char *out, size_t outlen, const char *email, const char *device_hash) {
  char digest[2 * 32 + 1];
  if (NULL != device_hash) {
    snprintf(out, outlen, "login:dev:%s", device_hash);
    return 0;
  }
  if (0 != email_digest(digest, NULL != email ? email : "")) {
    out[0] = '\0';
    return -1;
  }
  snprintf(out, outlen, "login:acct:%s", digest);
  return 0;
}

static void address_key(char out[KEY_MAX], const struct req *r) {
  snprintf(out, KEY_MAX, "login:ip:%s", r->client_ip ? r->client_ip : "-");
}

/* The back-off after `failures` counted attempts when `allowed` are free: base, 2 x base,
 * 4 x base, ... up to the cap. */
static int64_t backoff_for(int64_t failures, int64_t allowed, int64_t base_ms, int64_t max_ms) {
  int64_t ms = base_ms;
  for (int64_t i = allowed; i < failures && ms < max_ms; i++) {
    ms *= 2;
  }
  return ms > max_ms ? max_ms : ms;
}

struct attempt_ctx {
  const char *key;
  bool refuse_when_blocked; /* check first and refuse without counting */
  int64_t now_ms;
  int64_t window_ms;
  int64_t max_failures;
  int64_t backoff_ms;
  int64_t backoff_max_ms;
  int64_t blocked_until_ms; /* out: > now when refused */
};

/* One counted attempt under c->key with the growing back-off. The store blocks once the
 * count goes above its limit; passing max_failures - 1 makes the attempt that reaches
 * max_failures start the back-off, and each later one (once a back-off ran out) start a
 * doubled one. */
static int attempt_txn(struct store_tx *tx, void *arg) {
  struct attempt_ctx *c = arg;
  struct store_ratelimit prev;
  struct store_ratelimit after;
  int64_t count = 1;
  int rc;

  c->blocked_until_ms = 0;
  c->now_ms = store_tx_now_ms(tx); /* see hit_txn */
  memset(&prev, 0, sizeof prev);
  memset(&after, 0, sizeof after);
  rc = store_ratelimit_get(store_tx_rd(tx), &prev, c->key);
  if (rc < 0) {
    return rc;
  }
  if (STORE_OK == rc && c->refuse_when_blocked && prev.blocked_until_ms > c->now_ms) {
    c->blocked_until_ms = prev.blocked_until_ms;
    return STORE_OK; /* refused, not counted: waiting out a back-off costs nothing more */
  }
  if (STORE_OK == rc && c->now_ms >= prev.window_start_ms &&
      c->now_ms - prev.window_start_ms < c->window_ms) {
    count = prev.count + 1;
  }
  return store_ratelimit_hit(tx, &after, c->key, c->now_ms, c->window_ms, c->max_failures - 1,
                             backoff_for(count, c->max_failures, c->backoff_ms, c->backoff_max_ms));
}

static void attempt_init(struct attempt_ctx *c, const struct req *r, const char *key,
                         long max_failures) {
  const struct config *cfg = r->svc->cfg;
  memset(c, 0, sizeof *c);
  c->key = key;
  c->now_ms = r->now_ms;
  c->window_ms = (int64_t)cfg->login_window_s * 1000;
  c->max_failures = max_failures;
  c->backoff_ms = (int64_t)cfg->login_backoff_s * 1000;
  c->backoff_max_ms = (int64_t)cfg->login_backoff_max_s * 1000;
}

/* Read-only: the address's back-off, if running. STORE_OK or negative. */
static int address_blocked_until(struct req *r, const char *key, int64_t *out) {
  struct store_rd *rd = NULL;
  struct store_ratelimit st;
  int rc = store_rd_begin(r->svc->store, &rd);
  *out = 0;
  if (STORE_OK != rc) {
    return rc;
  }
  memset(&st, 0, sizeof st);
  rc = store_ratelimit_get(rd, &st, key);
  store_rd_end(rd);
  if (STORE_OK == rc) {
    *out = st.blocked_until_ms;
  }
  return rc < 0 ? rc : STORE_OK;
}

/* Answers a store failure of a back-off check (503) or a running back-off (429): true when it
 * replied. */
static bool refused_by_backoff(struct req *r, int rc, int64_t until) {
  if (STORE_OK != rc) {
    log_msg(LOG_WARN, r->request_id, "login back-off: store %s", store_rc_name(rc));
    reply_error(r, STORE_BUSY == rc ? ERR_BUSY : ERR_UNAVAILABLE, NULL);
    return true;
  }
  if (until > r->now_ms) {
    log_msg(LOG_INFO, r->request_id, "login refused during back-off");
    ratelimit_reply(r, seconds_until(until, r->now_ms));
    return true;
  }
  return false;
}

enum ratelimit_rc ratelimit_address_begin(struct req *r) {
  char addr[KEY_MAX];
  int64_t until = 0;
  address_key(addr, r);
  int rc = address_blocked_until(r, addr, &until);
  return refused_by_backoff(r, rc, until) ? RATELIMIT_REPLIED : RATELIMIT_OK;
}

enum ratelimit_rc ratelimit_login_begin(struct req *r, const char *email, const char *device_hash) {
  char bucket[KEY_MAX];
  char addr[KEY_MAX];
  struct attempt_ctx c;
  int64_t until = 0;
  int rc = STORE_OK;

  if (0 != ratelimit_login_key(bucket, sizeof bucket, email, device_hash)) {
    log_msg(LOG_ERROR, r->request_id, "login back-off: hashing the e-mail failed");
    reply_error(r, ERR_INTERNAL, NULL);
    return RATELIMIT_REPLIED;
  }
  /* A known device is not held by its address's back-off: it has its own bucket. */
  if (NULL == device_hash) {
    address_key(addr, r);
    rc = address_blocked_until(r, addr, &until);
  }
  if (STORE_OK == rc && until <= r->now_ms) {
    attempt_init(&c, r, bucket, r->svc->cfg->login_max_failures);
    c.refuse_when_blocked = true;
    rc = store_txn(r->svc->store, attempt_txn, &c);
    until = c.blocked_until_ms;
  }
  return refused_by_backoff(r, rc, until) ? RATELIMIT_REPLIED : RATELIMIT_OK;
}

int ratelimit_login_failed(struct req *r) {
  char addr[KEY_MAX];
  struct attempt_ctx c;
  int rc;

  address_key(addr, r);
  attempt_init(&c, r, addr, r->svc->cfg->login_ip_max_failures);
  rc = store_txn(r->svc->store, attempt_txn, &c);
  if (STORE_OK != rc) {
    log_msg(LOG_WARN, r->request_id, "recording a login failure: store %s", store_rc_name(rc));
    return -1;
  }
  return 0;
}

struct reset_ctx {
  const char *key;
};

static int reset_txn(struct store_tx *tx, void *arg) {
  struct reset_ctx *c = arg;
  return store_ratelimit_reset(tx, c->key);
}

int ratelimit_login_succeeded(struct req *r, const char *email, const char *device_hash) {
  char bucket[KEY_MAX];
  struct reset_ctx c;
  int rc = STORE_HARD;

  if (0 == ratelimit_login_key(bucket, sizeof bucket, email, device_hash)) {
    c.key = bucket;
    rc = store_txn(r->svc->store, reset_txn, &c);
  }
  if (STORE_OK != rc) {
    log_msg(LOG_WARN, r->request_id, "resetting login failures: store %s", store_rc_name(rc));
    return -1;
  }
  return 0;
}
