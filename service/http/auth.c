/*
 * Sessions on the HTTP side: which token a request presents, what it resolves to in the
 * store (with idle and absolute expiry), and the CSRF check for cookie-authenticated
 * state-changing requests. Only the token's hash is ever looked up or logged.
 */
#include "http/auth.h"

#include <errno.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "common/account_notice.h"
#include "common/accounts.h"
#include "common/log.h"
#include "common/second_factor.h"
#include "common/session_cache.h"
#include "http/ratelimit.h"
#include "http/reply.h"
#include "http/requtil.h"
#include "store/store.h"
#include "ujikom/device_kind.h"
#include "ujikom/password.h"
#include "ujikom/session_token.h"

/* Each hash at the default cost holds 32 MiB and a core for ~100 ms. The routes that hash
 * run on the server's password threads, one per CPU; with --write-threads 0 they run on the
 * HTTP workers instead. Whichever thread asks, at most one hash per CPU runs at a time, so memory
 * stays bounded and a stampede of log-ins queues here instead of thrashing the cores every other
 * request needs. */
static sem_t kdf_slots;
static bool kdf_slots_ok;

void auth_init(void) {
  if (kdf_slots_ok) {
    return;
  }
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  kdf_slots_ok = 0 == sem_init(&kdf_slots, 0, n > 0 ? (unsigned)n : 1u);
}

static void kdf_enter(void) {
  if (kdf_slots_ok) {
    while (0 != sem_wait(&kdf_slots) && EINTR == errno) {
    }
  }
}

static void kdf_leave(void) {
  if (kdf_slots_ok) {
    sem_post(&kdf_slots);
  }
}

enum password_result auth_password_hash(char **out, const char *password, unsigned log2n) {
  kdf_enter();
  enum password_result rc = password_hash(out, password, log2n);
  kdf_leave();
  return rc;
}

enum password_result auth_password_verify(const char *hash, const char *password) {
  kdf_enter();
  enum password_result rc = password_verify(hash, password);
  kdf_leave();
  return rc;
}

/* One throw-away hash at cost log2n: the work of one check at that cost. */
static void spend_hash(const char *password, unsigned log2n) {
  char *dummy = NULL;
  if (PASSWORD_OK == password_hash(&dummy, password, log2n)) {
    password_free(dummy);
  }
}

/* A log-in's password check (stored is NULL when the address has no account). A failed check
 * costs the same as one check at the configured cost log2n, whether or not the account exists
 * and whatever cost its hash was made with: an unknown account spends one hash at log2n; an
 * account whose hash is cheaper (made before --kdf-log2n was raised) adds hashes at costs
 * have, have + 1, ..., log2n - 1 to its check at 2^have, which sums to 2^log2n; an unreadable
 * hash adds a full one. A hash dearer than log2n (the cost was lowered) cannot be evened out
 * (docs/security.md). One hashing slot is held throughout. */
static enum password_result login_verify(const char *stored, const char *password, unsigned log2n) {
  enum password_result pr = PASSWORD_MISMATCH;
  kdf_enter();
  if (NULL == stored) {
    spend_hash(password, log2n);
  } else {
    pr = password_verify(stored, password);
    if (PASSWORD_MISMATCH == pr || PASSWORD_MALFORMED == pr) {
      int have = password_cost_log2n(stored);
      if (have < 0) {
        spend_hash(password, log2n);
      }
      for (unsigned k = have < 0 ? log2n : (unsigned)have; k < log2n; k++) {
        spend_hash(password, k);
      }
    }
  }
  kdf_leave();
  return pr;
}

struct touch_ctx {
  const char *hash;
  int64_t now_ms;
  int64_t idle_ms;
  struct store_session session;
};

static int touch_txn(struct store_tx *tx, void *arg) {
  struct touch_ctx *c = arg;
  memset(&c->session, 0, sizeof c->session);
  return store_session_touch(tx, &c->session, c->hash, c->now_ms, c->idle_ms);
}

/* A touch queued without waiting (store_txn_async): the request goes on with the session
 * its read found valid, as it would if the touch had run a moment later. */
struct touch_job {
  struct touch_ctx t;
  struct session_cache *sessions;
  char hash[SESSION_HASH_LEN + 1];
  char request_id[32];
};

static int touch_job_txn(struct store_tx *tx, void *arg) {
  struct touch_job *j = arg;
  return touch_txn(tx, &j->t);
}

static void touch_job_done(void *arg, int rc) {
  struct touch_job *j = arg;
  if (STORE_OK == rc) {
    session_cache_touched(j->sessions, j->hash, j->t.session.last_seen_ms, j->t.session.expires_ms);
  } else if (STORE_NONE != rc) {
    log_msg(LOG_WARN, j->request_id, "session touch: store %s", store_rc_name(rc));
  }
  OPENSSL_cleanse(j, sizeof(*j));
  free(j);
}

/* Moves the session's last use and idle expiry to now. Where the store queues writes, an
 * event-loop worker does not wait for that commit: the touch is queued and the request goes
 * on (the session was valid in the read just made; a log-out committed meanwhile wins, and
 * the touch then finds nothing). Else it waits: STORE_NONE when the session expired or was
 * ended meanwhile. */
static int touch(struct req *r, const char *hash, int64_t idle_ms) {
  struct touch_job *j = NULL;
  if (store_txn_async_queues(r->svc->store) && NULL != (j = calloc(1, sizeof(*j)))) {
    snprintf(j->hash, sizeof(j->hash), "%s", hash);
    snprintf(j->request_id, sizeof(j->request_id), "%s", r->request_id);
    j->t = (struct touch_ctx){.hash = j->hash, .now_ms = r->now_ms, .idle_ms = idle_ms};
    j->sessions = r->svc->sessions;
    store_txn_async(r->svc->store, touch_job_txn, j, touch_job_done);
    return STORE_OK;
  }
  struct touch_ctx t = {.hash = hash, .now_ms = r->now_ms, .idle_ms = idle_ms};
  int rc = store_txn(r->svc->store, touch_txn, &t);
  if (STORE_OK == rc) {
    session_cache_touched(r->svc->sessions, hash, t.session.last_seen_ms, t.session.expires_ms);
  }
  return rc;
}

static int delete_txn(struct store_tx *tx, void *arg) {
  const char *hash = arg;
  int rc = store_session_delete(tx, hash);
  return STORE_NONE == rc ? STORE_OK : rc;
}

/* Reads the session and its user in one snapshot: from the session cache when it holds them
 * as of this snapshot's generation, else from the store (and keeps them there). STORE_OK,
 * STORE_NONE or negative. With keep (not NULL), the read transaction is not ended but left in
 * *keep on STORE_OK, for the handler to read on in the same snapshot (ROUTE_SHARED_READ). */
static int read_session(struct svc *svc, const char *hash, int64_t now_ms,
                        struct store_session *out_session, struct store_user *out_user,
                        struct store_rd **keep) {
  struct store_rd *rd = NULL;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK != rc) {
    return rc;
  }
  rc = session_cache_get(svc->sessions, out_session, out_user, hash, now_ms, rd);
  if (STORE_NONE == rc) {
    rc = store_session_user_get(rd, out_session, out_user, hash);
    if (STORE_OK == rc) {
      session_cache_put(svc->sessions, out_session, out_user);
    }
  }
  if (NULL != keep && STORE_OK == rc) {
    *keep = rd;
  } else {
    store_rd_end(rd);
  }
  return rc;
}

enum auth_result auth_load_user(struct req *r, struct req_user *out, bool *via_cookie,
                                bool keep_read) {
  const struct config *cfg = r->svc->cfg;
  struct store_session s;
  struct store_user u;
  char hash[SESSION_HASH_LEN + 1];
  bool cookie = false;
  const char *token;
  enum role role;
  enum auth_result result = AUTH_ANONYMOUS;
  int rc;

  memset(out, 0, sizeof *out);
  memset(&s, 0, sizeof s);
  memset(&u, 0, sizeof u);
  *via_cookie = false;
  token = presented_session_token(r, &cookie);
  if (NULL == token) {
    return AUTH_ANONYMOUS;
  }
  if (!session_token_well_formed(token) || 0 != session_token_hash(hash, token)) {
    log_msg(LOG_INFO, r->request_id, "malformed session token ignored");
    return AUTH_ANONYMOUS;
  }
  /* With keep_read the read transaction stays open (r->rd) on every way but a valid
   * session's that needs no touch: it is ended below on all the others. */
  struct store_rd *rd = NULL;
  rc = read_session(r->svc, hash, r->now_ms, &s, &u, keep_read ? &rd : NULL);
  if (NULL != rd &&
      (r->now_ms >= s.expires_ms || r->now_ms >= s.absolute_expires_ms || u.disabled ||
       0 == u.role || r->now_ms - s.last_seen_ms >= AUTH_TOUCH_INTERVAL_MS)) {
    store_rd_end(rd); /* not to be held across a write */
    rd = NULL;
  }
  if (rc < 0) {
    log_msg(LOG_WARN, r->request_id, "session look-up: store %s", store_rc_name(rc));
    result = AUTH_STORE_ERROR;
    goto cleanup;
  }
  if (STORE_NONE == rc) {
    goto cleanup; /* unknown token, or its user is gone */
  }
  if (r->now_ms >= s.expires_ms || r->now_ms >= s.absolute_expires_ms) {
    rc = store_txn(r->svc->store, delete_txn, hash);
    if (STORE_OK != rc) {
      log_msg(LOG_INFO, r->request_id, "deleting an expired session: store %s", store_rc_name(rc));
    }
    goto cleanup;
  }
  role = u.role;
  if (u.disabled || 0 == role) {
    goto cleanup;
  }
  if (r->now_ms - s.last_seen_ms >= AUTH_TOUCH_INTERVAL_MS) {
    rc = touch(r, hash, (int64_t)cfg->session_idle_s * 1000);
    if (STORE_NONE == rc) {
      goto cleanup; /* expired or logged out meanwhile */
    }
    if (STORE_OK != rc) {
      /* The session is valid; failing to move last_seen only shortens its idle life. */
      log_msg(LOG_WARN, r->request_id, "session touch: store %s", store_rc_name(rc));
    }
  }
  out->id = u.id;
  out->role = role;
  snprintf(out->name, sizeof out->name, "%s", u.name);
  snprintf(out->email, sizeof out->email, "%s", u.email);
  memcpy(out->session_hash, hash, sizeof out->session_hash);
  out->scope_schedule_id = s.scope_schedule_id;
  memcpy(out->scope_exam_id, s.scope_exam_id, sizeof out->scope_exam_id);
  *via_cookie = cookie; /* out->csrf stays "" until presented_csrf needs it */
  result = AUTH_USER;
  r->rd = rd;
  rd = NULL;
cleanup:
  if (NULL != rd) {
    store_rd_end(rd);
  }
  OPENSSL_cleanse(u.password_hash, sizeof u.password_hash);
  return result;
}

bool auth_check_csrf(const struct req *r) {
  const char *presented;
  if (NULL == r->user) {
    return false;
  }
  presented = req_header(r, AUTH_CSRF_HEADER);
  if (NULL == presented) {
    presented = req_form(r, AUTH_CSRF_FIELD);
  }
  char csrf[SESSION_CSRF_LEN + 1];
  return session_csrf_equal(presented_csrf(r, csrf), presented);
}

/* ------------------------------------------------------------------------------------ */
/* Account operations                                                                   */
/* ------------------------------------------------------------------------------------ */

void auth_set_cookie(struct req *r, const char *token) {
  if (NULL == token) {
    reply_cookie(r, AUTH_COOKIE, "", 0, true);
    return;
  }
  reply_cookie(r, AUTH_COOKIE, token, r->svc->cfg->session_max_s, true);
}

struct login_ctx {
  const char *old_hash; /* session the request came with, or NULL */
  bool delete_all;      /* end every session of the user first (password change) */
  struct store_session session;
  int64_t user_id;
  const char *rehash;      /* new or upgraded password hash, or NULL */
  const char *reset_key;   /* login back-off counter to clear, or NULL */
  const char *device_hash; /* device to record as known to the account, or NULL */
  int64_t devices_unused_before_ms;
  bool device_new;        /* device_hash is new to the account: count the others first */
  int64_t devices_before; /* then: the account's other devices (account_notice.h) */
};

static int login_txn(struct store_tx *tx, void *arg) {
  struct login_ctx *c = arg;
  int rc;
  if (c->delete_all) {
    rc = store_session_delete_user(tx, c->user_id, NULL);
    if (rc < 0) {
      return rc;
    }
  } else if (NULL != c->old_hash) {
    rc = store_session_delete(tx, c->old_hash);
    if (rc < 0) {
      return rc;
    }
  }
  rc = store_session_purge(tx, store_tx_now_ms(tx), NULL);
  if (rc < 0) {
    return rc;
  }
  if (NULL != c->rehash) {
    rc = store_user_set_password(tx, c->user_id, c->rehash);
    if (rc < 0) {
      return rc;
    }
  }
  if (NULL != c->reset_key) {
    rc = store_ratelimit_reset(tx, c->reset_key);
    if (rc < 0) {
      return rc;
    }
  }
  if (NULL != c->device_hash && c->device_new) {
    rc = store_login_device_others(store_tx_rd(tx), c->user_id, c->device_hash,
                                   c->devices_unused_before_ms, &c->devices_before);
    if (rc < 0) {
      return rc;
    }
  }
  if (NULL != c->device_hash) {
    rc = store_login_device_put(tx, c->device_hash, c->user_id, store_tx_now_ms(tx),
                                AUTH_DEVICES_PER_ACCOUNT, c->devices_unused_before_ms);
    if (rc < 0) {
      return rc;
    }
  }
  return store_session_create(tx, &c->session);
}

/* Reads an account in its own snapshot: by e-mail when email is not NULL, else by id. */
static int read_user(struct svc *svc, const char *email, int64_t id, struct store_user *out) {
  struct store_rd *rd = NULL;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK != rc) {
    return rc;
  }
  rc = NULL != email ? store_user_by_email(rd, out, email) : store_user_by_id(rd, out, id);
  store_rd_end(rd);
  return rc;
}

/* The common end of a log-in and a password change: on failure the token is wiped; the new
 * password hash is freed and the loaded account's hash wiped either way. Returns ret. */
static int session_end(int ret, char out_token[SESSION_TOKEN_LEN + 1], char *new_hash,
                       struct store_user *u) {
  if (ret < 0) {
    OPENSSL_cleanse(out_token, SESSION_TOKEN_LEN + 1);
    out_token[0] = '\0';
  }
  password_free(new_hash);
  OPENSSL_cleanse(u->password_hash, sizeof u->password_hash);
  return ret;
}

/* The kind of device the request comes from, as a session keeps it (device_kind_code; ""
 * when its User-Agent names nothing known). */
static void request_device(const struct req *r, char out[DEVICE_KIND_CODE_SIZE]) {
  const char *ua = req_header(r, "User-Agent");
  device_kind_code(device_kind_of(ua, NULL != ua ? strlen(ua) : 0), out, DEVICE_KIND_CODE_SIZE);
}

void auth_notice(struct req *r, int64_t user_id, enum account_notice_kind kind) {
  char device[DEVICE_KIND_CODE_SIZE];
  request_device(r, device);
  const struct account_notice_from from = {device, r->client_ip, r->now_ms};
  (void)account_notice_send(r->svc, user_id, kind, &from, 0);
}

/* Creates the session of account u described by lc (deleting what lc says first) with a
 * fresh token, and fills out_token / *out_user. 0, or -1 after replying. */
static int start_session(struct req *r, struct login_ctx *lc, const struct store_user *u,
                         enum role role, char out_token[SESSION_TOKEN_LEN + 1],
                         struct req_user *out_user) {
  const struct config *cfg = r->svc->cfg;
  int rc = STORE_HARD;

  lc->user_id = u->id;
  /* A collision of 256-bit random tokens will not happen; one retry keeps it harmless. */
  for (int attempt = 0; attempt < 2; attempt++) {
    if (0 != session_token_new(out_token) ||
        0 != session_token_hash(lc->session.token_hash, out_token)) {
      log_msg(LOG_ERROR, r->request_id, "no randomness for a session token");
      reply_error(r, ERR_INTERNAL, NULL);
      return -1;
    }
    lc->session.user_id = u->id;
    request_device(r, lc->session.device);
    lc->session.created_ms = r->now_ms;
    lc->session.last_seen_ms = r->now_ms;
    lc->session.absolute_expires_ms = r->now_ms + (int64_t)cfg->session_max_s * 1000;
    lc->session.expires_ms = r->now_ms + (int64_t)cfg->session_idle_s * 1000;
    if (lc->session.expires_ms > lc->session.absolute_expires_ms) {
      lc->session.expires_ms = lc->session.absolute_expires_ms;
    }
    rc = store_txn(r->svc->store, login_txn, lc);
    if (STORE_EXISTS != rc) {
      break;
    }
  }
  if (STORE_OK != rc) {
    reply_store_error(r, rc, "creating a session");
    return -1;
  }
  out_user->id = u->id;
  out_user->role = role;
  snprintf(out_user->name, sizeof out_user->name, "%s", u->name);
  snprintf(out_user->email, sizeof out_user->email, "%s", u->email);
  memcpy(out_user->session_hash, lc->session.token_hash, sizeof out_user->session_hash);
  if (0 != session_csrf_token(out_user->csrf, out_token)) {
    reply_error(r, ERR_INTERNAL, NULL);
    return -1;
  }
  return 0;
}

/* A login's device (docs/security.md, "Lock-out"): the device cookie the request came with,
 * and whether it belongs to a device that has logged in to the account before. */
struct login_device {
  char token[SESSION_TOKEN_LEN + 1]; /* the cookie's token, or a new one after a login */
  char hash[SESSION_HASH_LEN + 1];   /* its hash */
  bool known;                        /* it logged in to this account within the max age */
};

/* Reads the device cookie and looks its hash up (whether or not the account exists, so the
 * look-up's time says nothing): known when it last logged in to account user_id (0: none)
 * at most AUTH_DEVICE_MAX_AGE_S ago. A malformed cookie, an unknown or another account's
 * device, and a store error all count as an unknown device. */
static void login_device_read(struct req *r, int64_t user_id, struct login_device *dev) {
  const char *token = req_cookie(r, AUTH_DEVICE_COOKIE);
  struct store_rd *rd = NULL;
  int64_t device_user = 0;
  int rc;

  memset(dev, 0, sizeof *dev);
  if (NULL == token || !session_token_well_formed(token) ||
      0 != session_token_hash(dev->hash, token)) {
    return;
  }
  snprintf(dev->token, sizeof dev->token, "%s", token);
  rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_login_device_user(rd, dev->hash, r->now_ms - (int64_t)AUTH_DEVICE_MAX_AGE_S * 1000,
                                 &device_user);
    store_rd_end(rd);
  }
  if (rc < 0) {
    log_msg(LOG_WARN, r->request_id, "device look-up: store %s", store_rc_name(rc));
  }
  dev->known = STORE_OK == rc && user_id > 0 && device_user == user_id;
}

/* After a successful login: an unknown device gets a fresh token (a device cookie is never
 * adopted from the client); the login's transaction records it (lc) and the reply sets the
 * cookie, renewed on every login. 0, or -1 when there was no randomness (logged; the login
 * goes ahead without remembering the device). */
static int login_device_remember(struct req *r, struct login_device *dev, struct login_ctx *lc) {
  if (!dev->known &&
      (0 != session_token_new(dev->token) || 0 != session_token_hash(dev->hash, dev->token))) {
    log_msg(LOG_ERROR, r->request_id, "no randomness for a device token");
    return -1;
  }
  lc->device_hash = dev->hash;
  lc->device_new = !dev->known;
  lc->devices_unused_before_ms = r->now_ms - (int64_t)AUTH_DEVICE_MAX_AGE_S * 1000;
  return 0;
}

/* After a correct password: a staff account with a confirmed second factor gets a log-in
 * ticket in out_token instead of a session (AUTH_SECOND_FACTOR_DUE); 0 when no factor is
 * due; -1 after replying. */
static int second_factor_ticket(struct req *r, const struct store_user *u,
                                char out_token[SESSION_TOKEN_LEN + 1], struct req_user *out_user) {
  int store_rc = STORE_OK;
  if (!second_factor_due(r->svc, u->id, u->role, &store_rc)) {
    return STORE_OK == store_rc ? 0 : (reply_store_error(r, store_rc, "second factor"), -1);
  }
  enum second_factor_rc sr =
      second_factor_ticket_issue(out_token, r->svc, u->id, r->now_ms, &store_rc);
  if (SECOND_FACTOR_STORE_FAILED == sr) {
    reply_store_error(r, store_rc, "login ticket");
    return -1;
  }
  if (SECOND_FACTOR_OK != sr) {
    reply_error(r, ERR_INTERNAL, NULL);
    return -1;
  }
  out_user->id = u->id;
  out_user->role = u->role;
  snprintf(out_user->name, sizeof out_user->name, "%s", u->name);
  snprintf(out_user->email, sizeof out_user->email, "%s", u->email);
  log_msg(LOG_INFO, r->request_id, "account %lld: password accepted, second factor due",
          (long long)u->id);
  return AUTH_SECOND_FACTOR_DUE;
}

/* The end of every successful log-in (the password, or the password and then the second
 * factor): the bucket the attempt counted in is cleared and the device remembered in the
 * session's transaction (lc, which may already carry a rehashed password), the session the
 * request came with ends, a new one starts, and the device cookie is set; a device new to an
 * account that has others gets its holder a notice (account_notice.h). 0, or -1 after
 * replying. */
static int login_finish(struct req *r, struct login_ctx *lc, const struct store_user *u,
                        struct login_device *dev, char out_token[SESSION_TOKEN_LEN + 1],
                        struct req_user *out_user) {
  char reset_key[RATELIMIT_LOGIN_KEY_MAX];
  char old_hash[SESSION_HASH_LEN + 1];
  bool cookie = false;
  const char *old_token;
  if (0 !=
      ratelimit_login_key(reset_key, sizeof reset_key, u->email, dev->known ? dev->hash : NULL)) {
    reply_error(r, ERR_INTERNAL, NULL);
    return -1;
  }
  lc->reset_key = reset_key;
  bool remember = 0 == login_device_remember(r, dev, lc);
  old_token = presented_session_token(r, &cookie);
  if (NULL != old_token && 0 == session_token_hash(old_hash, old_token)) {
    lc->old_hash = old_hash;
  }
  if (0 != start_session(r, lc, u, u->role, out_token, out_user)) {
    return -1;
  }
  if (remember) {
    reply_cookie(r, AUTH_DEVICE_COOKIE, dev->token, AUTH_DEVICE_MAX_AGE_S, true);
  }
  if (remember && lc->device_new) {
    const struct account_notice_from from = {lc->session.device, r->client_ip, r->now_ms};
    (void)account_notice_send(r->svc, u->id, ACCOUNT_NOTICE_SIGN_IN, &from, lc->devices_before);
  }
  return 0;
}

/* A wrong password or check-in code: counted against the client address, logged (what), and
 * with quiet left to the caller to answer (quiet_ret), else answered with e (-1). */
static int credential_refused(struct req *r, bool quiet, int quiet_ret, enum err e,
                              const char *what) {
  ratelimit_login_failed(r);
  log_msg(LOG_INFO, r->request_id, "%s", what);
  if (quiet) {
    return quiet_ret;
  }
  reply_error(r, e, NULL);
  return -1;
}

/* auth_login, and auth_login_form with quiet (a wrong e-mail or password not answered). */
static int login(struct req *r, const char *email, const char *password,
                 char out_token[SESSION_TOKEN_LEN + 1], struct req_user *out_user, bool quiet) {
  const struct config *cfg = r->svc->cfg;
  struct store_user u;
  struct login_ctx lc;
  struct login_device dev;
  char *rehash = NULL;
  enum password_result pr;
  enum role role;
  int ret = -1;
  int rc;

  memset(&u, 0, sizeof u);
  memset(&lc, 0, sizeof lc);
  memset(&dev, 0, sizeof dev);
  memset(out_user, 0, sizeof *out_user);
  out_token[0] = '\0';
  if (NULL == email || '\0' == email[0] || strlen(email) > 254) {
    reply_error(r, ERR_INVALID_FIELD, "email: is required (at most 254 bytes).");
    goto cleanup;
  }
  if (NULL == password || '\0' == password[0] || strlen(password) > PASSWORD_MAX_LEN) {
    reply_error(r, ERR_INVALID_FIELD, "password: is required (at most 1024 bytes).");
    goto cleanup;
  }
  rc = read_user(r->svc, email, 0, &u);
  if (rc < 0) {
    reply_store_error(r, rc, "login look-up");
    goto cleanup;
  }
  login_device_read(r, STORE_OK == rc ? u.id : 0, &dev);
  if (RATELIMIT_OK != ratelimit_login_begin(r, email, dev.known ? dev.hash : NULL)) {
    goto cleanup;
  }
  pr = login_verify(STORE_OK == rc ? u.password_hash : NULL, password, (unsigned)cfg->kdf_log2n);
  if (PASSWORD_ERROR == pr) {
    log_msg(LOG_ERROR, r->request_id, "password verification failed in the crypto library");
    reply_error(r, ERR_INTERNAL, NULL);
    goto cleanup;
  }
  if (PASSWORD_MALFORMED == pr) {
    log_msg(LOG_ERROR, r->request_id, "account %lld has an unreadable password hash",
            (long long)u.id);
  }
  if (PASSWORD_OK != pr) {
    ret =
        credential_refused(r, quiet, AUTH_CREDENTIALS_REFUSED, ERR_BAD_CREDENTIALS, "login failed");
    goto cleanup;
  }
  role = u.role;
  if (u.disabled || 0 == role) {
    reply_error(r, ERR_ACCOUNT_DISABLED, NULL);
    goto cleanup;
  }
  int due = second_factor_ticket(r, &u, out_token, out_user);
  if (0 != due) {
    ret = due; /* a ticket for the code step, or replied */
    goto cleanup;
  }
  /* Password right, account enabled: the session starts (login_finish). */
  if (password_needs_rehash(u.password_hash, (unsigned)cfg->kdf_log2n) &&
      PASSWORD_OK == auth_password_hash(&rehash, password, (unsigned)cfg->kdf_log2n)) {
    lc.rehash = rehash;
  }
  if (0 != login_finish(r, &lc, &u, &dev, out_token, out_user)) {
    goto cleanup;
  }
  log_msg(LOG_INFO, r->request_id, "account %lld logged in%s", (long long)u.id,
          dev.known ? " from a known device" : "");
  ret = 0;
cleanup:
  OPENSSL_cleanse(&dev, sizeof dev);
  return session_end(ret, out_token, rehash, &u);
}

int auth_login(struct req *r, const char *email, const char *password,
               char out_token[SESSION_TOKEN_LEN + 1], struct req_user *out_user) {
  return login(r, email, password, out_token, out_user, false);
}

int auth_login_form(struct req *r, const char *email, const char *password,
                    char out_token[SESSION_TOKEN_LEN + 1], struct req_user *out_user) {
  return login(r, email, password, out_token, out_user, true);
}

/* A current password as a body or form may give it: 1 to PASSWORD_MAX_LEN bytes. */
static bool current_well_formed(const char *current) {
  return NULL != current && '\0' != current[0] && strlen(current) <= PASSWORD_MAX_LEN;
}

/* Checks account user_id's password (email: its address, which keys the back-off) under the
 * log-in back-off; *u is the account read (wipe after use), *dev the device. 0 when right;
 * AUTH_CREDENTIALS_REFUSED when wrong and quiet (counted, not answered); otherwise -1 after
 * replying. */
static int check_password_of(struct req *r, int64_t user_id, const char *email, const char *current,
                             bool quiet, struct store_user *u, struct login_device *dev) {
  int rc;
  memset(u, 0, sizeof *u);
  memset(dev, 0, sizeof *dev);
  if (!current_well_formed(current)) {
    reply_error(r, ERR_INVALID_FIELD, "current_password: is required (at most 1024 bytes).");
    return -1;
  }
  login_device_read(r, user_id, dev);
  if (RATELIMIT_OK != ratelimit_login_begin(r, email, dev->known ? dev->hash : NULL)) {
    return -1;
  }
  rc = read_user(r->svc, NULL, user_id, u);
  if (rc < 0) {
    reply_store_error(r, rc, "password check look-up");
    return -1;
  }
  if (STORE_NONE == rc || u->disabled || 0 == u->role) {
    reply_error(r, ERR_UNAUTHENTICATED, NULL);
    return -1;
  }
  enum password_result pr = auth_password_verify(u->password_hash, current);
  if (PASSWORD_ERROR == pr) {
    reply_error(r, ERR_INTERNAL, NULL);
    return -1;
  }
  if (PASSWORD_OK != pr) {
    ratelimit_login_failed(r);
    log_msg(LOG_INFO, r->request_id, "wrong current password");
    if (quiet) {
      return AUTH_CREDENTIALS_REFUSED;
    }
    reply_error(r, ERR_WRONG_PASSWORD, NULL);
    return -1;
  }
  ratelimit_login_succeeded(r, u->email, dev->known ? dev->hash : NULL);
  return 0;
}

/* check_password_of for the request's user (401 without one): a stolen session cannot be
 * used to guess the password. */
static int check_current(struct req *r, const char *current, bool quiet, struct store_user *u,
                         struct login_device *dev) {
  if (NULL == r->user) {
    memset(u, 0, sizeof *u);
    memset(dev, 0, sizeof *dev);
    reply_error(r, ERR_UNAUTHENTICATED, NULL);
    return -1;
  }
  return check_password_of(r, r->user->id, r->user->email, current, quiet, u, dev);
}

int auth_check_account_password(struct req *r, int64_t user_id, const char *email,
                                const char *current, bool quiet) {
  struct store_user u;
  struct login_device dev;
  int ret = check_password_of(r, user_id, email, current, quiet, &u, &dev);
  OPENSSL_cleanse(&u, sizeof u);
  OPENSSL_cleanse(&dev, sizeof dev);
  return ret;
}

int auth_check_password(struct req *r, const char *current, bool quiet) {
  if (NULL == r->user) {
    reply_error(r, ERR_UNAUTHENTICATED, NULL);
    return -1;
  }
  return auth_check_account_password(r, r->user->id, r->user->email, current, quiet);
}

/* auth_change_password; with out_verdict not NULL (a page), a wrong current password or a
 * weak new one is not answered (see auth_change_password_form). */
static int change_password(struct req *r, const char *current, const char *new_password,
                           char out_token[SESSION_TOKEN_LEN + 1], struct req_user *out_user,
                           enum password_policy_verdict *out_verdict) {
  const struct config *cfg = r->svc->cfg;
  struct store_user u;
  struct login_ctx lc;
  struct login_device dev;
  char *hash = NULL;
  enum password_policy_verdict verdict = PASSWORD_POLICY_OK;
  int ret = -1;

  memset(&u, 0, sizeof u);
  memset(&lc, 0, sizeof lc);
  memset(&dev, 0, sizeof dev);
  memset(out_user, 0, sizeof *out_user);
  out_token[0] = '\0';
  /* refused in this order: no session, no current password (check_current), no new one */
  if (NULL != r->user && current_well_formed(current) && NULL == new_password) {
    reply_error(r, ERR_INVALID_FIELD, "new_password: is required.");
    goto cleanup;
  }
  ret = check_current(r, current, NULL != out_verdict, &u, &dev);
  if (0 != ret) {
    goto cleanup;
  }
  ret = -1;
  if (ACCOUNTS_OK != accounts_check_password(new_password, u.email, u.name, &verdict)) {
    if (NULL != out_verdict) {
      *out_verdict = verdict;
      ret = AUTH_PASSWORD_REFUSED;
    } else {
      reply_error_reason(r, ERR_WEAK_PASSWORD, password_policy_code(verdict),
                         password_policy_message(verdict));
    }
    goto cleanup;
  }
  if (PASSWORD_OK != auth_password_hash(&hash, new_password, (unsigned)cfg->kdf_log2n)) {
    reply_error(r, ERR_INTERNAL, NULL);
    goto cleanup;
  }
  lc.delete_all = true;
  lc.rehash = hash;
  if (0 != start_session(r, &lc, &u, u.role, out_token, out_user)) {
    goto cleanup;
  }
  log_msg(LOG_INFO, r->request_id, "account %lld changed its password", (long long)u.id);
  auth_notice(r, u.id, ACCOUNT_NOTICE_PASSWORD_CHANGED);
  ret = 0;
cleanup:
  OPENSSL_cleanse(&dev, sizeof dev);
  return session_end(ret, out_token, hash, &u);
}

int auth_change_password(struct req *r, const char *current, const char *new_password,
                         char out_token[SESSION_TOKEN_LEN + 1], struct req_user *out_user) {
  return change_password(r, current, new_password, out_token, out_user, NULL);
}

int auth_change_password_form(struct req *r, const char *current, const char *new_password,
                              char out_token[SESSION_TOKEN_LEN + 1], struct req_user *out_user,
                              enum password_policy_verdict *out_verdict) {
  *out_verdict = PASSWORD_POLICY_OK;
  return change_password(r, current, new_password, out_token, out_user, out_verdict);
}

/* The window a refused code was outside of, in the refusal's words. */
static int reply_checkin_window(struct req *r, const struct checkin_result *res, bool not_yet) {
  char opens[32], closes[32], detail[200];
  iso_time(opens, sizeof opens, res->opens_ms);
  iso_time(closes, sizeof closes, res->closes_ms);
  snprintf(detail, sizeof detail, "%s (%s: %s to %s).", err_message(ERR_CHECKIN_WINDOW),
           not_yet ? "It opens" : "It has closed", opens, closes);
  reply_header(r, "Cache-Control", "no-store");
  return reply_error_reason(r, ERR_CHECKIN_WINDOW, not_yet ? "not_yet" : "closed", detail);
}

int auth_checkin(struct req *r, const char *code, bool quiet, char out_token[SESSION_TOKEN_LEN + 1],
                 struct req_user *out_user, struct checkin_result *out) {
  char token_hash[SESSION_HASH_LEN + 1], old_hash[SESSION_HASH_LEN + 1];
  bool cookie = false;
  int store_rc = STORE_OK;
  int ret = -1;
  memset(out_user, 0, sizeof *out_user);
  memset(out, 0, sizeof *out);
  out_token[0] = '\0';
  if (NULL == code || '\0' == code[0] || strlen(code) > CHECKIN_CODE_INPUT_MAX) {
    reply_error(r, ERR_INVALID_FIELD, "code: is required (at most 64 bytes).");
    goto cleanup;
  }
  if (RATELIMIT_OK != ratelimit_address_begin(r)) {
    goto cleanup;
  }
  const char *token = out_token;
  if (0 != session_token_new(out_token) || 0 != session_token_hash(token_hash, token)) {
    log_msg(LOG_ERROR, r->request_id, "no randomness for a session token");
    reply_error(r, ERR_INTERNAL, NULL);
    goto cleanup;
  }
  const char *old_token = presented_session_token(r, &cookie);
  bool has_old = NULL != old_token && 0 == session_token_hash(old_hash, old_token);
  char device[DEVICE_KIND_CODE_SIZE];
  request_device(r, device);
  const struct checkin_from from = {r->client_ip, device};
  enum checkin_rc rc =
      checkin_redeem(out, r->svc, code, token_hash, has_old ? old_hash : NULL, &from, r->now_ms,
                     (int64_t)r->svc->cfg->session_idle_s * 1000, &store_rc);
  switch (rc) {
  case CHECKIN_OK:
    break;
  case CHECKIN_REFUSED:
    ret =
        credential_refused(r, quiet, AUTH_CHECKIN_REFUSED, ERR_CHECKIN_REFUSED, "check-in refused");
    goto cleanup;
  case CHECKIN_NOT_YET:
  case CHECKIN_CLOSED:
    if (quiet) {
      ret = AUTH_CHECKIN_WINDOW;
    } else {
      reply_checkin_window(r, out, CHECKIN_NOT_YET == rc);
    }
    goto cleanup;
  case CHECKIN_DISABLED:
    reply_error(r, ERR_ACCOUNT_DISABLED, NULL);
    goto cleanup;
  case CHECKIN_STORE_FAILED:
    reply_store_error(r, store_rc, "check-in");
    goto cleanup;
  default:
    reply_error(r, ERR_INTERNAL, NULL);
    goto cleanup;
  }
  out_user->id = out->user_id;
  out_user->role = out->role;
  snprintf(out_user->name, sizeof out_user->name, "%s", out->name);
  snprintf(out_user->email, sizeof out_user->email, "%s", out->email);
  memcpy(out_user->session_hash, token_hash, sizeof out_user->session_hash);
  out_user->scope_schedule_id = out->schedule_id;
  memcpy(out_user->scope_exam_id, out->exam_id, sizeof out_user->scope_exam_id);
  if (0 != session_csrf_token(out_user->csrf, out_token)) {
    reply_error(r, ERR_INTERNAL, NULL);
    goto cleanup;
  }
  log_msg(LOG_INFO, r->request_id, "account %lld checked in to schedule %lld",
          (long long)out->user_id, (long long)out->schedule_id);
  ret = 0;
cleanup:
  if (0 != ret) {
    OPENSSL_cleanse(out_token, SESSION_TOKEN_LEN + 1);
    out_token[0] = '\0';
    if (AUTH_CHECKIN_WINDOW != ret) {
      memset(out, 0, sizeof *out);
    }
  }
  return ret;
}

/* The hash of the session token the request presented into hash: false when it has none. */
static bool request_token_hash(struct req *r, char hash[SESSION_HASH_LEN + 1]) {
  bool cookie = false;
  const char *token = presented_session_token(r, &cookie);
  return NULL != token && 0 == session_token_hash(hash, token);
}

int auth_logout(struct req *r) {
  char hash[SESSION_HASH_LEN + 1];
  int rc;
  if (!request_token_hash(r, hash)) {
    return 0;
  }
  rc = store_txn(r->svc->store, delete_txn, hash);
  if (STORE_OK != rc) {
    reply_store_error(r, rc, "logout");
    return -1;
  }
  return 0;
}

struct delete_all_ctx {
  int64_t user_id;
  int64_t n;
};

static int delete_all_txn(struct store_tx *tx, void *arg) {
  struct delete_all_ctx *c = arg;
  c->n = 0;
  return store_session_delete_user(tx, c->user_id, &c->n);
}

int auth_logout_all(struct req *r, int64_t user_id, int64_t *out_n) {
  struct delete_all_ctx c = {.user_id = user_id, .n = 0};
  int rc = store_txn(r->svc->store, delete_all_txn, &c);
  if (NULL != out_n) {
    *out_n = 0;
  }
  if (STORE_OK != rc) {
    reply_store_error(r, rc, "logout everywhere");
    return -1;
  }
  log_msg(LOG_INFO, r->request_id, "account %lld logged out of %lld sessions", (long long)user_id,
          (long long)c.n);
  if (NULL != out_n) {
    *out_n = c.n;
  }
  return 0;
}

struct delete_others_ctx {
  int64_t user_id;
  const char *keep;
  int64_t n;
};

static int delete_others_txn(struct store_tx *tx, void *arg) {
  struct delete_others_ctx *c = arg;
  c->n = 0;
  return store_session_delete_others(tx, c->user_id, c->keep, &c->n);
}

int auth_logout_others(struct req *r, int64_t *out_n) {
  char hash[SESSION_HASH_LEN + 1];
  if (NULL != out_n) {
    *out_n = 0;
  }
  if (!request_token_hash(r, hash)) {
    reply_error(r, ERR_UNAUTHENTICATED, NULL);
    return -1;
  }
  struct delete_others_ctx c = {.user_id = r->user->id, .keep = hash};
  int rc = store_txn(r->svc->store, delete_others_txn, &c);
  if (STORE_OK != rc) {
    reply_store_error(r, rc, "logout elsewhere");
    return -1;
  }
  log_msg(LOG_INFO, r->request_id, "account %lld logged out of %lld other sessions",
          (long long)r->user->id, (long long)c.n);
  if (NULL != out_n) {
    *out_n = c.n;
  }
  return 0;
}

struct delete_mine_ctx {
  int64_t user_id;
  const char *id;
};

static int delete_mine_txn(struct store_tx *tx, void *arg) {
  struct delete_mine_ctx *c = arg;
  return store_session_delete_mine(tx, c->user_id, c->id);
}

/* Whether id has the shape of a session's id: STORE_SESSION_ID_LEN lower-case hex digits. */
static bool session_id_well_formed(const char *id) {
  return NULL != id && STORE_SESSION_ID_LEN == strspn(id, "0123456789abcdef") &&
         '\0' == id[STORE_SESSION_ID_LEN];
}

int auth_logout_session(struct req *r, const char *id) {
  if (!session_id_well_formed(id)) {
    reply_error(r, ERR_SESSION_NOT_FOUND, NULL);
    return -1;
  }
  struct delete_mine_ctx c = {.user_id = r->user->id, .id = id};
  int rc = store_txn(r->svc->store, delete_mine_txn, &c);
  if (STORE_NONE == rc) {
    reply_error(r, ERR_SESSION_NOT_FOUND, NULL);
    return -1;
  }
  if (STORE_OK != rc) {
    reply_store_error(r, rc, "logout of one session");
    return -1;
  }
  log_msg(LOG_INFO, r->request_id, "account %lld ended one of its sessions",
          (long long)r->user->id);
  return 0;
}

int auth_sessions(struct req *r, struct store_session_info **out, size_t *out_n) {
  char hash[SESSION_HASH_LEN + 1];
  struct store_rd *rd = NULL;
  *out = NULL;
  *out_n = 0;
  if (!request_token_hash(r, hash)) {
    hash[0] = '\0';
  }
  int rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_user_sessions(rd, out, out_n, r->user->id, hash, r->now_ms, AUTH_SESSIONS_MAX);
  }
  store_rd_end(rd);
  if (STORE_OK != rc) {
    reply_store_error(r, rc, "sessions");
    return -1;
  }
  return 0;
}

/* ------------------------------------------------------------------------------------ */
/* The second factor's log-in step                                                      */
/* ------------------------------------------------------------------------------------ */

int auth_second_factor_refused(struct req *r, enum second_factor_rc rc, int store_rc) {
  static const struct {
    enum second_factor_rc rc;
    enum err err;
  } answers[] = {
      {SECOND_FACTOR_NOT_STAFF, ERR_SECOND_FACTOR_STAFF_ONLY},
      {SECOND_FACTOR_ALREADY_ENROLLED, ERR_SECOND_FACTOR_ENROLLED},
      {SECOND_FACTOR_NOT_PENDING, ERR_SECOND_FACTOR_NOT_PENDING},
      {SECOND_FACTOR_BAD_CODE, ERR_SECOND_FACTOR_WRONG},
      {SECOND_FACTOR_WRONG_CODE, ERR_SECOND_FACTOR_WRONG},
      {SECOND_FACTOR_REPLAYED, ERR_SECOND_FACTOR_REPLAYED},
      {SECOND_FACTOR_BAD_TICKET, ERR_SECOND_FACTOR_TICKET},
      {SECOND_FACTOR_NOT_ENROLLED, ERR_SECOND_FACTOR_NONE},
      {SECOND_FACTOR_OWN_RESET, ERR_SECOND_FACTOR_OWN},
  };
  if (SECOND_FACTOR_STORE_FAILED == rc) {
    return reply_store_error(r, store_rc, "second factor");
  }
  for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++) {
    if (answers[i].rc == rc) {
      return reply_error(r, answers[i].err, NULL);
    }
  }
  log_msg(LOG_ERROR, r->request_id,
          "second factor: cannot check codes (outcome %d; a sealed secret that does not open "
          "means second-factor.key changed: reset with ujikom admin reset-2fa)",
          (int)rc);
  return reply_error(r, ERR_INTERNAL, NULL);
}

/* A refused code step. A wrong, malformed or replayed code counts against the client address
 * like a wrong password (the account's attempt was counted when the step began) and, when
 * out_refused is not NULL, is left to the caller to answer (AUTH_CODE_REFUSED); anything else
 * is answered here (-1). */
static int code_refused(struct req *r, enum second_factor_rc sr, int store_rc,
                        enum second_factor_rc *out_refused) {
  if (SECOND_FACTOR_WRONG_CODE == sr || SECOND_FACTOR_BAD_CODE == sr ||
      SECOND_FACTOR_REPLAYED == sr) {
    ratelimit_login_failed(r);
    log_msg(LOG_INFO, r->request_id, "login: second-factor code refused (%s)",
            SECOND_FACTOR_REPLAYED == sr ? "replayed" : "wrong");
    if (NULL != out_refused) {
      *out_refused = sr;
      return AUTH_CODE_REFUSED;
    }
  }
  auth_second_factor_refused(r, sr, store_rc);
  return -1;
}

int auth_login_second_factor(struct req *r, const char *ticket, const char *code,
                             const char *recovery, char out_token[SESSION_TOKEN_LEN + 1],
                             struct req_user *out_user, enum second_factor_rc *out_refused) {
  struct store_user u;
  struct login_ctx lc;
  struct login_device dev;
  const char *given = NULL != code ? code : recovery;
  bool used_recovery = false;
  int64_t user_id = 0;
  int store_rc = STORE_OK;
  enum second_factor_rc sr;
  int ret = -1;

  memset(&u, 0, sizeof u);
  memset(&lc, 0, sizeof lc);
  memset(&dev, 0, sizeof dev);
  memset(out_user, 0, sizeof *out_user);
  out_token[0] = '\0';
  if (NULL == ticket || (NULL == code) == (NULL == recovery) || strlen(given) > TOTP_INPUT_MAX) {
    reply_error(r, ERR_INVALID_FIELD,
                "ticket and exactly one of code and recovery_code are required.");
    goto cleanup;
  }
  sr = second_factor_ticket_user(&user_id, r->svc, ticket, r->now_ms, &store_rc);
  if (SECOND_FACTOR_OK != sr) {
    ret = code_refused(r, sr, store_rc, out_refused);
    goto cleanup;
  }
  store_rc = read_user(r->svc, NULL, user_id, &u);
  if (store_rc < 0) {
    reply_store_error(r, store_rc, "login look-up");
    goto cleanup;
  }
  if (STORE_NONE == store_rc || u.disabled || 0 == u.role) {
    reply_error(r, ERR_ACCOUNT_DISABLED, NULL);
    goto cleanup;
  }
  /* The same bucket as the password step: the account's, or this known device's. */
  login_device_read(r, user_id, &dev);
  if (RATELIMIT_OK != ratelimit_login_begin(r, u.email, dev.known ? dev.hash : NULL)) {
    goto cleanup;
  }
  sr = second_factor_login(&used_recovery, r->svc, user_id, ticket, code, recovery, r->now_ms,
                           &store_rc);
  if (SECOND_FACTOR_OK != sr) {
    ret = code_refused(r, sr, store_rc, out_refused);
    goto cleanup;
  }
  if (0 != login_finish(r, &lc, &u, &dev, out_token, out_user)) {
    goto cleanup;
  }
  log_msg(LOG_INFO, r->request_id, "account %lld logged in with its second factor%s",
          (long long)u.id, used_recovery ? " (a recovery code)" : "");
  ret = 0;
cleanup:
  OPENSSL_cleanse(&dev, sizeof dev);
  return session_end(ret, out_token, NULL, &u);
}
