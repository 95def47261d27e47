/*
 * Password-reset links (see recovery.h): issue, check, redeem, request by e-mail.
 */
#include "common/recovery.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "common/accounts.h"
#include "common/audit_text.h"
#include "common/mailer.h"
#include "ujikom/clock.h"
#include "ujikom/session_token.h"

#define HOUR_MS 3600000
/* Expired links are kept this long (so a late click is answered "expired", not "unknown"
 * in the log), then purged when the next link is stored. */
#define RECOVERY_KEEP_MS (24LL * HOUR_MS)

static enum recovery_rc store_failed(int *out_store_rc, int rc) {
  *out_store_rc = rc < 0 ? rc : STORE_HARD;
  return RECOVERY_STORE_FAILED;
}

/* A fresh token and its stored hash. 0, or -1 when the random generator failed. */
static int new_token(char token[SESSION_TOKEN_LEN + 1], char hash[SESSION_HASH_LEN + 1]) {
  if (0 != session_token_new(token) || 0 != session_token_hash(hash, token)) {
    OPENSSL_cleanse(token, SESSION_TOKEN_LEN + 1);
    return -1;
  }
  return 0;
}

/* The link for token under public_url + page; false when it does not fit. */
static bool link_url(char out[RECOVERY_URL_MAX], const char *public_url, const char *page,
                     const char *token) {
  int n = snprintf(out, RECOVERY_URL_MAX, "%s%s?t=%s", public_url, page, token);
  return n > 0 && n < RECOVERY_URL_MAX;
}

/* Ends the account's unused links, purges long-expired ones and stores r (its time fields
 * are set here from the transaction's clock). */
static int store_link(struct store_tx *tx, struct store_reset *r, long ttl_s) {
  int64_t now = store_tx_now_ms(tx);
  int rc = store_reset_end_user(tx, r->user_id, now, NULL);
  if (STORE_OK == rc) {
    rc = store_reset_purge(tx, now - RECOVERY_KEEP_MS, NULL);
  }
  if (STORE_OK != rc) {
    return rc;
  }
  r->created_ms = now;
  r->expires_ms = now + (int64_t)ttl_s * 1000;
  return store_reset_create(tx, r);
}

int recovery_link_new_at(char url[RECOVERY_URL_MAX], char hash[SESSION_HASH_LEN + 1],
                         const char *public_url, const char *page) {
  char token[SESSION_TOKEN_LEN + 1];
  if (NULL == public_url || NULL == page || 0 != new_token(token, hash)) {
    return -1;
  }
  bool ok = link_url(url, public_url, page, token);
  OPENSSL_cleanse(token, sizeof token);
  return ok ? 0 : -1;
}

int recovery_link_new(char url[RECOVERY_URL_MAX], char hash[SESSION_HASH_LEN + 1],
                      const char *public_url) {
  return recovery_link_new_at(url, hash, public_url, RECOVERY_PAGE);
}

int recovery_link_store(struct store_tx *tx, int64_t user_id, const char *hash, int64_t actor,
                        const char *action, long ttl_s, int64_t *out_expires_ms) {
  struct store_reset r;
  memset(&r, 0, sizeof r);
  memcpy(r.token_hash, hash, SESSION_HASH_LEN + 1);
  r.user_id = user_id;
  r.issued_by = actor;
  int rc = store_link(tx, &r, ttl_s);
  if (STORE_OK != rc) {
    return STORE_EXISTS == rc ? STORE_HARD : rc; /* a 256-bit collision: a broken generator */
  }
  *out_expires_ms = r.expires_ms;
  return audit_user_entry(tx, actor, action, user_id,
                          json_pack("{s:I}", "expires_at", (json_int_t)r.expires_ms));
}

/* ------------------------------------------------------------------------------------ */
/* issue */

bool recovery_may_issue(const struct store_user *u) {
  return ROLE_CANDIDATE == u->role && !u->disabled;
}

struct issue_ctx {
  const struct recovery_issue_in *in;
  const char *hash;
  struct store_user user;
  struct store_reset reset;
  enum recovery_rc outcome;
};

static int tx_issue(struct store_tx *tx, void *vctx) {
  struct issue_ctx *c = vctx;
  const struct recovery_issue_in *in = c->in;
  struct store_rd *rd = store_tx_rd(tx);
  int rc = 0 != in->user_id ? accounts_read(rd, in->user_id, &c->user)
                            : store_user_by_email(rd, &c->user, in->email);
  c->outcome = RECOVERY_OK;
  if (STORE_OK != rc) {
    c->outcome = STORE_NONE == rc ? RECOVERY_NOT_FOUND : RECOVERY_OK;
    return rc;
  }
  OPENSSL_cleanse(c->user.password_hash, sizeof c->user.password_hash);
  if (!recovery_may_issue(&c->user)) {
    c->outcome = ROLE_CANDIDATE != c->user.role ? RECOVERY_NOT_CANDIDATE : RECOVERY_DISABLED;
    return STORE_CONFLICT;
  }
  memset(&c->reset, 0, sizeof c->reset);
  memcpy(c->reset.token_hash, c->hash, SESSION_HASH_LEN + 1);
  c->reset.user_id = c->user.id;
  c->reset.issued_by = in->actor;
  rc = store_link(tx, &c->reset, in->ttl_s);
  if (STORE_OK != rc) {
    return STORE_EXISTS == rc ? STORE_HARD : rc; /* a 256-bit collision: a broken generator */
  }
  return audit_user_entry(
      tx, in->actor, "user.reset_link", c->user.id,
      json_pack("{s:I, s:s?}", "expires_at", (json_int_t)c->reset.expires_ms, "via", in->via));
}

enum recovery_rc recovery_issue(struct recovery_link *out, struct store *store,
                                const struct recovery_issue_in *in, int *out_store_rc) {
  char token[SESSION_TOKEN_LEN + 1], hash[SESSION_HASH_LEN + 1];
  struct issue_ctx c = {.in = in, .hash = hash};
  enum recovery_rc res = RECOVERY_INTERNAL;
  int rc = STORE_HARD;
  memset(out, 0, sizeof *out);
  *out_store_rc = STORE_OK;
  if (0 == in->user_id && (NULL == in->email || !accounts_plain_text(in->email, 3, 254))) {
    return RECOVERY_NOT_FOUND;
  }
  if (in->ttl_s <= 0 || NULL == in->public_url || 0 != new_token(token, hash)) {
    return RECOVERY_INTERNAL;
  }
  if (!link_url(out->url, in->public_url, RECOVERY_PAGE, token)) {
    goto cleanup;
  }
  rc = store_txn(store, tx_issue, &c);
  if (STORE_OK != rc) {
    OPENSSL_cleanse(out->url, sizeof out->url);
    res = RECOVERY_OK != c.outcome ? c.outcome : store_failed(out_store_rc, rc);
    goto cleanup;
  }
  out->user_id = c.user.id;
  memcpy(out->email, c.user.email, sizeof out->email);
  memcpy(out->name, c.user.name, sizeof out->name);
  out->expires_ms = c.reset.expires_ms;
  res = RECOVERY_OK;
cleanup:
  OPENSSL_cleanse(token, sizeof token);
  return res;
}

/* ------------------------------------------------------------------------------------ */
/* check and redeem */

/* Finds the link of token and its account in one snapshot, and says whether it can still be
 * used at now_ms: RECOVERY_OK with *out_user, RECOVERY_BAD_TOKEN or RECOVERY_STORE_FAILED.
 * hash receives the token's hash. */
static enum recovery_rc link_lookup(struct store *store, const char *token,
                                    char hash[SESSION_HASH_LEN + 1], struct store_user *out_user,
                                    int *out_store_rc) {
  struct store_rd *rd = NULL;
  struct store_reset r;
  int64_t now = clock_wall_ms();
  int rc = STORE_HARD;
  memset(out_user, 0, sizeof *out_user);
  if (!session_token_well_formed(token) || 0 != session_token_hash(hash, token)) {
    return RECOVERY_BAD_TOKEN;
  }
  rc = store_rd_begin(store, &rd);
  if (STORE_OK == rc) {
    rc = store_reset_get(rd, &r, hash);
  }
  if (STORE_OK == rc) {
    rc = accounts_read(rd, r.user_id, out_user);
  }
  store_rd_end(rd);
  if (STORE_NONE == rc) {
    return RECOVERY_BAD_TOKEN;
  }
  if (STORE_OK != rc) {
    return store_failed(out_store_rc, rc);
  }
  /* The row was found by its hash; comparing again in constant time keeps any difference in
   * the look-up's timing from mattering. */
  if (0 != CRYPTO_memcmp(r.token_hash, hash, SESSION_HASH_LEN) || 0 != r.used_ms ||
      now >= r.expires_ms || !recovery_may_issue(out_user)) {
    return RECOVERY_BAD_TOKEN;
  }
  return RECOVERY_OK;
}

enum recovery_rc recovery_check(struct store *store, const char *token, int *out_store_rc) {
  char hash[SESSION_HASH_LEN + 1];
  struct store_user u;
  *out_store_rc = STORE_OK;
  return link_lookup(store, token, hash, &u, out_store_rc);
}

struct redeem_ctx {
  const char *token_hash, *password_hash;
  int64_t user_id;
  bool token_refused;
};

static int tx_redeem(struct store_tx *tx, void *vctx) {
  struct redeem_ctx *c = vctx;
  struct store_user u;
  int64_t ended = 0;
  int rc = store_reset_use(tx, c->token_hash, store_tx_now_ms(tx));
  c->token_refused = false;
  if (STORE_OK == rc) {
    rc = accounts_read(store_tx_rd(tx), c->user_id, &u);
    if (STORE_OK == rc && !recovery_may_issue(&u)) {
      rc = STORE_NONE; /* disabled since the look-up */
    }
  }
  if (STORE_NONE == rc) {
    c->token_refused = true; /* used, expired or disabled since the look-up */
    return STORE_CONFLICT;
  }
  if (STORE_OK == rc) {
    rc = store_user_set_password(tx, c->user_id, c->password_hash);
  }
  if (STORE_OK == rc) {
    rc = store_session_delete_user(tx, c->user_id, &ended);
  }
  if (STORE_OK == rc) {
    rc = store_reset_end_user(tx, c->user_id, store_tx_now_ms(tx), NULL);
  }
  if (STORE_OK != rc) {
    return rc;
  }
  return audit_user_entry(tx, c->user_id, "user.password_reset", c->user_id,
                          json_pack("{s:I}", "sessions_ended", (json_int_t)ended));
}

enum recovery_rc recovery_redeem(struct store_user *out, struct store *store,
                                 const struct recovery_redeem_in *in,
                                 enum password_policy_verdict *out_strength, int *out_store_rc) {
  char hash[SESSION_HASH_LEN + 1];
  struct store_user u;
  struct redeem_ctx c = {.token_hash = hash};
  char *hashed = NULL;
  enum accounts_rc arc;
  enum recovery_rc res;
  int rc = STORE_HARD;
  memset(out, 0, sizeof *out);
  *out_strength = PASSWORD_POLICY_OK;
  *out_store_rc = STORE_OK;
  res = link_lookup(store, in->token, hash, &u, out_store_rc);
  if (RECOVERY_OK != res) {
    return res;
  }
  arc = accounts_check_password(in->password, u.email, u.name, out_strength);
  if (ACCOUNTS_OK != arc) {
    return ACCOUNTS_NO_PASSWORD == arc ? RECOVERY_NO_PASSWORD : RECOVERY_WEAK_PASSWORD;
  }
  if (PASSWORD_OK != in->hash(&hashed, in->password, in->log2n)) {
    return RECOVERY_INTERNAL;
  }
  c.password_hash = hashed;
  c.user_id = u.id;
  rc = store_txn(store, tx_redeem, &c);
  password_free(hashed);
  if (c.token_refused) {
    return RECOVERY_BAD_TOKEN;
  }
  if (STORE_OK != rc) {
    return store_failed(out_store_rc, rc);
  }
  *out = u;
  return RECOVERY_OK;
}

/* ------------------------------------------------------------------------------------ */
/* request by e-mail */

/* The rate-limit key of an e-mail address: its SHA-256 with ASCII case folded, so that the
 * key has one length whatever the address (and the table holds no addresses). */
static bool mail_key(char *out, size_t outlen, const char *email) {
  static const char hex[] = "0123456789abcdef";
  unsigned char folded[255], md[32];
  unsigned int mdlen = 0;
  size_t n = strlen(email);
  int used = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)email[i];
    folded[i] = (ch >= 'A' && ch <= 'Z') ? (unsigned char)(ch + 32) : ch;
  }
  if (1 != EVP_Digest(folded, n, md, &mdlen, EVP_sha256(), NULL) || sizeof md != mdlen) {
    return false;
  }
  used = snprintf(out, outlen, "reset:mail:");
  for (size_t i = 0; i < sizeof md && (size_t)used + 2 < outlen; i++) {
    out[used++] = hex[md[i] >> 4];
    out[used++] = hex[md[i] & 15];
  }
  out[used] = '\0';
  return true;
}

struct request_ctx {
  const struct recovery_request_in *in;
  const char *addr_key, *mail_key, *hash;
  int64_t retry_s;
  bool limited, mail;
  struct store_user user;
  struct store_reset reset;
};

static int tx_request(struct store_tx *tx, void *vctx) {
  struct request_ctx *c = vctx;
  const struct recovery_request_in *in = c->in;
  struct store_ratelimit addr = {0}, mail = {0};
  int64_t now = store_tx_now_ms(tx);
  int rc =
      store_ratelimit_hit(tx, &addr, c->addr_key, now, HOUR_MS, in->per_addr_per_hour, HOUR_MS);
  c->limited = false;
  c->mail = false;
  if (STORE_OK != rc) {
    return rc;
  }
  if (addr.blocked_until_ms > now) {
    c->limited = true;
    c->retry_s = (addr.blocked_until_ms - now + 999) / 1000;
    return STORE_OK; /* the count is kept */
  }
  /* The same statements run for every address from here; only a known candidate's link
   * adds a row. */
  rc = store_ratelimit_hit(tx, &mail, c->mail_key, now, HOUR_MS, in->mails_per_hour, HOUR_MS);
  if (STORE_OK == rc) {
    rc = store_user_by_email(store_tx_rd(tx), &c->user, in->email);
    OPENSSL_cleanse(c->user.password_hash, sizeof c->user.password_hash);
  }
  if (STORE_NONE == rc ||
      (STORE_OK == rc && (!recovery_may_issue(&c->user) || mail.blocked_until_ms > now))) {
    return STORE_OK;
  }
  if (STORE_OK != rc) {
    return rc;
  }
  memset(&c->reset, 0, sizeof c->reset);
  memcpy(c->reset.token_hash, c->hash, SESSION_HASH_LEN + 1);
  c->reset.user_id = c->user.id;
  c->reset.issued_by = STORE_RESET_SELF;
  rc = store_link(tx, &c->reset, in->ttl_s);
  c->mail = STORE_OK == rc;
  return STORE_EXISTS == rc ? STORE_HARD : rc;
}

/* The mail of a link, in Indonesian. */
static bool send_link(struct mailer *m, const struct store_user *u, const char *url, long ttl_s) {
  char body[2048];
  long minutes = (ttl_s + 59) / 60;
  int n = snprintf(body, sizeof body,
                   "Halo %s,\n\n"
                   "Kami menerima permintaan untuk mengatur ulang kata sandi akun ujikom Anda.\n"
                   "Buka tautan berikut dalam %ld menit untuk membuat kata sandi baru. Tautan "
                   "ini hanya dapat dipakai sekali:\n\n%s\n\n"
                   "Jika Anda tidak memintanya, abaikan email ini; kata sandi Anda tidak "
                   "berubah.\n\n-- \nujikom\n",
                   u->name, minutes, url);
  bool ok = n > 0 && (size_t)n < sizeof body &&
            mailer_send(m, u->email, "Atur ulang kata sandi ujikom", body);
  OPENSSL_cleanse(body, sizeof body);
  return ok;
}

enum recovery_rc recovery_request(struct store *store, const struct recovery_request_in *in,
                                  int64_t *out_retry_s, int *out_store_rc) {
  char token[SESSION_TOKEN_LEN + 1], hash[SESSION_HASH_LEN + 1];
  char url[RECOVERY_URL_MAX], addr_key[128], mkey[96];
  struct request_ctx c = {.in = in, .addr_key = addr_key, .mail_key = mkey, .hash = hash};
  enum recovery_rc res = RECOVERY_INTERNAL;
  int rc = STORE_HARD;
  *out_retry_s = 0;
  *out_store_rc = STORE_OK;
  if (NULL == in->email || !accounts_plain_text(in->email, 3, 254)) {
    return RECOVERY_BAD_EMAIL;
  }
  /* Every request makes a token, whether or not it will be stored: the same work for every
   * address. */
  if (NULL == in->mailer || in->ttl_s <= 0 || 0 != new_token(token, hash)) {
    return RECOVERY_INTERNAL;
  }
  snprintf(addr_key, sizeof addr_key, "reset:ip:%.64s",
           NULL != in->client_addr ? in->client_addr : "");
  if (!link_url(url, in->public_url, RECOVERY_PAGE, token) ||
      !mail_key(mkey, sizeof mkey, in->email)) {
    goto cleanup;
  }
  rc = store_txn(store, tx_request, &c);
  if (STORE_OK != rc) {
    res = store_failed(out_store_rc, rc);
    goto cleanup;
  }
  if (c.limited) {
    *out_retry_s = c.retry_s;
    res = RECOVERY_RATE_LIMITED;
    goto cleanup;
  }
  if (c.mail) {
    send_link(in->mailer, &c.user, url, in->ttl_s); /* a failure is logged by the mailer */
  }
  res = RECOVERY_OK;
cleanup:
  OPENSSL_cleanse(token, sizeof token);
  OPENSSL_cleanse(url, sizeof url);
  return res;
}
