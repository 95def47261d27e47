/*
 * Changing an account's e-mail address (see email_change.h): a request confirmed by a link
 * to the new address, or an administrator's correction.
 */
#include "common/email_change.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "common/accounts.h"
#include "common/audit_text.h"
#include "common/mailer.h"
#include "common/ratelimits.h"
#include "common/recovery.h"
#include "ujikom/clock.h"
#include "ujikom/session_token.h"

/* Expired links are kept a day (a late click is answered "expired", not "unknown"), then
 * deleted when the next request is stored. */
#define EMAIL_CHANGE_KEEP_MS (24LL * 3600LL * 1000LL)

static enum email_change_rc store_failed(int *out_store_rc, int rc) {
  *out_store_rc = rc < 0 ? rc : STORE_HARD;
  return EMAIL_CHANGE_STORE_FAILED;
}

/* The account if enabled (password hash wiped): STORE_OK, STORE_NONE (none, or disabled) or
 * negative. */
static int enabled_account(struct store_rd *rd, int64_t id, struct store_user *out) {
  int rc = accounts_read(rd, id, out);
  return STORE_OK == rc && out->disabled ? STORE_NONE : rc;
}

/* Whether an account other than id has email (any case): STORE_EXISTS, STORE_OK when none
 * has, or negative. Checked before the update, whose unique constraint then only settles a
 * race (a failed statement would end a PostgreSQL transaction). */
static int other_has(struct store_rd *rd, const char *email, int64_t id) {
  struct store_user other;
  int rc = store_user_by_email(rd, &other, email);
  OPENSSL_cleanse(other.password_hash, sizeof other.password_hash);
  if (STORE_NONE == rc) {
    return STORE_OK;
  }
  return STORE_OK == rc && other.id != id ? STORE_EXISTS : rc;
}

/* --- mail --- */

/* Queues one plain-text mail; a failure is logged by the mailer and changes nothing stored. */
static void mail(struct svc *svc, const char *to, const char *subject, const char *body) {
  if (NULL != svc->mailer) {
    (void)mailer_send(svc->mailer, to, subject, body);
  }
}

/* To the new address: the link, or the note that an account has the address already.
 * Nothing of the account (its name, its address) goes there: a mistyped address reaches a
 * stranger. */
static void mail_new_address(struct svc *svc, const char *email, const char *url, bool taken) {
  static const char subject[] = "Konfirmasi alamat email ujikom / Confirm your ujikom e-mail";
  if (taken) {
    mail(svc, email, subject,
         "Halo,\n\n"
         "Seseorang meminta agar alamat email ini dipakai untuk akun ujikom lain.\n"
         "Alamat ini sudah dipakai oleh akun ujikom lain, jadi tidak ada yang diubah.\n"
         "Jika itu Anda, masuk dengan alamat ini atau atur ulang kata sandinya.\n\n"
         "Someone asked to use this address for another ujikom account. An account\n"
         "has this address already, so nothing was changed.\n\n-- \nujikom\n");
    return;
  }
  char body[2048];
  int n = snprintf(body, sizeof body,
                   "Halo,\n\n"
                   "Ada permintaan agar sebuah akun ujikom memakai alamat email ini. Jika itu\n"
                   "Anda, buka tautan berikut dalam 24 jam dan konfirmasikan dengan kata sandi\n"
                   "akun Anda; alamat baru berlaku setelah itu. Tautan ini hanya dapat dipakai\n"
                   "sekali:\n\n%s\n\n"
                   "Jika Anda tidak memintanya, abaikan email ini; tidak ada yang berubah.\n\n"
                   "Someone asked for a ujikom account to use this address. If it was you, open\n"
                   "the link above within 24 hours and confirm with your account's password.\n"
                   "If you did not ask, ignore this mail.\n\n-- \nujikom\n",
                   url);
  if (n > 0 && (size_t)n < sizeof body) {
    mail(svc, email, subject, body);
  }
  OPENSSL_cleanse(body, sizeof body);
}

/* To the address before: what happened, so a change the holder did not make is noticed. */
static void mail_old_address(struct svc *svc, const struct store_user *before, const char *email,
                             const char *what_id, const char *what_en) {
  char body[2048];
  int n = snprintf(body, sizeof body,
                   "Halo %s,\n\n%s: %s\n\n"
                   "Jika bukan Anda yang melakukannya, segera ubah kata sandi Anda dan hubungi "
                   "LSP.\n\n%s: %s\nIf this was not you, change your password and contact the "
                   "LSP at once.\n\n-- \nujikom\n",
                   before->name, what_id, email, what_en, email);
  if (n > 0 && (size_t)n < sizeof body) {
    mail(svc, before->email, "Alamat email akun ujikom / Your ujikom e-mail address", body);
  }
}

/* --- the holder's request --- */

struct request_ctx {
  int64_t user_id;
  const char *email, *hash;
  char key[48];
  struct store_user user;
  struct store_email_change link;
  bool same, taken;
  int64_t retry_s;
};

static int tx_request(struct store_tx *tx, void *vctx) {
  struct request_ctx *c = vctx;
  int64_t now = store_tx_now_ms(tx);
  int rc = enabled_account(store_tx_rd(tx), c->user_id, &c->user);
  c->same = false;
  c->taken = false;
  if (STORE_OK != rc) {
    return rc;
  }
  if (0 == strcasecmp(c->user.email, c->email)) {
    c->same = true;
    return STORE_CONFLICT; /* refused: counts nothing */
  }
  rc = ratelimits_hourly_take(tx, c->key, EMAIL_CHANGE_PER_HOUR, &c->retry_s);
  if (STORE_OK == rc) {
    rc = store_email_change_purge(tx, now - EMAIL_CHANGE_KEEP_MS, NULL);
  }
  if (STORE_OK == rc) {
    rc = other_has(store_tx_rd(tx), c->email, c->user_id);
    c->taken = STORE_EXISTS == rc;
    rc = c->taken ? STORE_OK : rc;
  }
  if (STORE_OK != rc) {
    return rc;
  }
  memset(&c->link, 0, sizeof c->link);
  memcpy(c->link.token_hash, c->hash, SESSION_HASH_LEN + 1);
  c->link.user_id = c->user_id;
  snprintf(c->link.email, sizeof c->link.email, "%s", c->email);
  c->link.created_ms = now;
  c->link.expires_ms = now + EMAIL_CHANGE_TTL_S * 1000;
  if (c->taken) {
    /* No link: ending the earlier one is all the request does, as a new link would. */
    rc = store_email_change_end_user(tx, c->user_id, now, NULL);
  } else {
    rc = store_email_change_create(tx, &c->link);
    rc = STORE_EXISTS == rc ? STORE_HARD : rc; /* a 256-bit collision: a broken generator */
  }
  if (STORE_OK != rc) {
    return rc;
  }
  /* The address asked for is recorded, not whether it was taken (the log is the holder's to
   * read too). */
  return audit_user_entry(
      tx, c->user_id, "user.email_change_request", c->user_id,
      json_pack("{s:s, s:I}", "email", c->email, "expires_ms", (json_int_t)c->link.expires_ms));
}

enum email_change_rc email_change_precheck(const struct svc *svc, const char *email) {
  if (NULL == svc->mailer) {
    return EMAIL_CHANGE_NO_MAIL;
  }
  return accounts_email_valid(email) ? EMAIL_CHANGE_OK : EMAIL_CHANGE_BAD_EMAIL;
}

enum email_change_rc email_change_request(struct email_change_pending *out, struct svc *svc,
                                          int64_t user_id, const char *email, int64_t *out_retry_s,
                                          int *out_store_rc) {
  char url[RECOVERY_URL_MAX], hash[SESSION_HASH_LEN + 1];
  struct request_ctx c = {.user_id = user_id, .email = email, .hash = hash};
  enum email_change_rc res = EMAIL_CHANGE_INTERNAL;
  memset(out, 0, sizeof *out);
  *out_retry_s = 0;
  *out_store_rc = STORE_OK;
  res = email_change_precheck(svc, email);
  if (EMAIL_CHANGE_OK != res) {
    return res;
  }
  if (0 != recovery_link_new_at(url, hash, svc->cfg->public_url, EMAIL_CHANGE_PAGE)) {
    return EMAIL_CHANGE_INTERNAL;
  }
  snprintf(c.key, sizeof c.key, "email-change:user:%lld", (long long)user_id);
  int rc = store_txn(svc->store, tx_request, &c);
  if (STORE_CONFLICT == rc && c.same) {
    res = EMAIL_CHANGE_SAME;
  } else if (STORE_CONFLICT == rc) {
    *out_retry_s = c.retry_s;
    res = EMAIL_CHANGE_RATE_LIMITED;
  } else if (STORE_NONE == rc) {
    res = EMAIL_CHANGE_NOT_FOUND;
  } else if (STORE_OK != rc) {
    res = store_failed(out_store_rc, rc);
  } else {
    mail_new_address(svc, email, url, c.taken);
    mail_old_address(svc, &c.user, email,
                     "Ada permintaan untuk mengganti alamat email akun Anda menjadi",
                     "Someone asked to change your account's e-mail address to");
    snprintf(out->email, sizeof out->email, "%s", email);
    out->expires_ms = c.link.expires_ms;
    res = EMAIL_CHANGE_OK;
  }
  OPENSSL_cleanse(url, sizeof url);
  OPENSSL_cleanse(hash, sizeof hash);
  return res;
}

enum email_change_rc email_change_pending(struct email_change_pending *out, struct store *store,
                                          int64_t user_id, int *out_store_rc) {
  struct store_rd *rd = NULL;
  struct store_email_change c;
  memset(out, 0, sizeof *out);
  *out_store_rc = STORE_OK;
  int rc = store_rd_begin(store, &rd);
  if (STORE_OK == rc) {
    rc = store_email_change_pending(rd, &c, user_id, clock_wall_ms());
  }
  store_rd_end(rd);
  if (STORE_NONE == rc) {
    return EMAIL_CHANGE_NOT_FOUND;
  }
  if (STORE_OK != rc) {
    return store_failed(out_store_rc, rc);
  }
  snprintf(out->email, sizeof out->email, "%s", c.email);
  out->expires_ms = c.expires_ms;
  return EMAIL_CHANGE_OK;
}

struct cancel_ctx {
  int64_t user_id;
};

static int tx_cancel(struct store_tx *tx, void *vctx) {
  const struct cancel_ctx *c = vctx;
  int64_t n = 0;
  int rc = store_email_change_end_user(tx, c->user_id, store_tx_now_ms(tx), &n);
  if (STORE_OK != rc || 0 == n) {
    return rc;
  }
  return audit_user_entry(tx, c->user_id, "user.email_change_cancel", c->user_id, json_object());
}

enum email_change_rc email_change_cancel(struct svc *svc, int64_t user_id, int *out_store_rc) {
  struct cancel_ctx c = {.user_id = user_id};
  *out_store_rc = STORE_OK;
  int rc = store_txn(svc->store, tx_cancel, &c);
  return STORE_OK == rc ? EMAIL_CHANGE_OK : store_failed(out_store_rc, rc);
}

/* --- the link --- */

/* The stored hash of token, when token has the shape of one: true, or false for anything
 * else (no link can be found by it). */
static bool token_hashed(char hash[SESSION_HASH_LEN + 1], const char *token) {
  return session_token_well_formed(token) && 0 == session_token_hash(hash, token);
}

/* The link of token and its account in one snapshot, and whether it can still be used now:
 * EMAIL_CHANGE_OK, BAD_TOKEN or STORE_FAILED. hash receives the token's hash. */
static enum email_change_rc link_lookup(struct store *store, const char *token,
                                        char hash[SESSION_HASH_LEN + 1],
                                        struct store_email_change *out, struct store_user *user,
                                        int *out_store_rc) {
  struct store_rd *rd = NULL;
  int64_t now = clock_wall_ms();
  memset(out, 0, sizeof *out);
  memset(user, 0, sizeof *user);
  if (!token_hashed(hash, token)) {
    return EMAIL_CHANGE_BAD_TOKEN;
  }
  int rc = store_rd_begin(store, &rd);
  if (STORE_OK == rc) {
    rc = store_email_change_get(rd, out, hash);
  }
  if (STORE_OK == rc) {
    rc = enabled_account(rd, out->user_id, user);
  }
  store_rd_end(rd);
  if (STORE_NONE == rc) {
    return EMAIL_CHANGE_BAD_TOKEN;
  }
  if (STORE_OK != rc) {
    return store_failed(out_store_rc, rc);
  }
  /* Found by its hash; compared again in constant time so the look-up's timing cannot
   * matter. */
  if (0 != CRYPTO_memcmp(out->token_hash, hash, SESSION_HASH_LEN) || 0 != out->used_ms ||
      now >= out->expires_ms) {
    return EMAIL_CHANGE_BAD_TOKEN;
  }
  return EMAIL_CHANGE_OK;
}

enum email_change_rc email_change_check(struct store_user *out_user,
                                        struct email_change_pending *out, struct store *store,
                                        const char *token, int *out_store_rc) {
  char hash[SESSION_HASH_LEN + 1];
  struct store_email_change c;
  *out_store_rc = STORE_OK;
  memset(out, 0, sizeof *out);
  enum email_change_rc res = link_lookup(store, token, hash, &c, out_user, out_store_rc);
  if (EMAIL_CHANGE_OK == res) {
    snprintf(out->email, sizeof out->email, "%s", c.email);
    out->expires_ms = c.expires_ms;
  }
  return res;
}

/* Sets account c->user's address to email in tx, ends its waiting links and records how
 * (how: the audit entry's after, taken). STORE_OK, STORE_EXISTS (taken) or negative. */
static int set_email(struct store_tx *tx, const struct store_user *before, const char *email,
                     int64_t actor, json_t *how) {
  int rc = store_user_set_email(tx, before->id, email);
  if (STORE_OK == rc) {
    rc = store_email_change_end_user(tx, before->id, store_tx_now_ms(tx), NULL);
  }
  if (STORE_OK != rc) {
    json_decref(how);
    return rc;
  }
  if (NULL != how) {
    json_object_set_new(how, "email", json_string(email));
  }
  return audit_change(tx, actor, "user.email_change", "user", before->id,
                      json_pack("{s:s}", "email", before->email), how);
}

struct confirm_ctx {
  const char *hash;
  struct store_email_change link;
  struct store_user before;
  bool taken;
};

/* Uses the link of c->hash (unused and unexpired: checked by the use itself) and reads what
 * it asks for, in the transaction that makes the change. */
static int tx_confirm(struct store_tx *tx, void *vctx) {
  struct confirm_ctx *c = vctx;
  int rc = store_email_change_use(tx, c->hash, store_tx_now_ms(tx));
  c->taken = false;
  if (STORE_OK == rc) {
    rc = store_email_change_get(store_tx_rd(tx), &c->link, c->hash);
  }
  if (STORE_OK == rc) {
    rc = enabled_account(store_tx_rd(tx), c->link.user_id, &c->before);
  }
  if (STORE_NONE == rc) {
    return STORE_CONFLICT; /* unknown, used, expired, or its account disabled */
  }
  if (STORE_OK == rc) {
    rc = other_has(store_tx_rd(tx), c->link.email, c->before.id);
  }
  if (STORE_EXISTS == rc) {
    c->taken = true; /* rolled back: the link stays usable */
    return STORE_CONFLICT;
  }
  if (STORE_OK != rc) {
    return rc;
  }
  rc = set_email(tx, &c->before, c->link.email, c->before.id, json_pack("{s:s}", "via", "link"));
  if (STORE_EXISTS == rc) {
    c->taken = true; /* taken between the look-up and the update */
    return STORE_CONFLICT;
  }
  return rc;
}

enum email_change_rc email_change_confirm(struct store_user *out, struct svc *svc,
                                          const char *token, int *out_store_rc) {
  char hash[SESSION_HASH_LEN + 1];
  struct confirm_ctx c = {.hash = hash};
  memset(out, 0, sizeof *out);
  *out_store_rc = STORE_OK;
  if (!token_hashed(hash, token)) {
    return EMAIL_CHANGE_BAD_TOKEN;
  }
  int rc = store_txn(svc->store, tx_confirm, &c);
  if (STORE_CONFLICT == rc) {
    return c.taken ? EMAIL_CHANGE_TAKEN : EMAIL_CHANGE_BAD_TOKEN;
  }
  if (STORE_OK != rc) {
    return store_failed(out_store_rc, rc);
  }
  *out = c.before;
  snprintf(out->email, sizeof out->email, "%s", c.link.email);
  mail_old_address(svc, &c.before, c.link.email, "Alamat email akun Anda telah diganti menjadi",
                   "Your account's e-mail address was changed to");
  return EMAIL_CHANGE_OK;
}

/* --- an administrator's correction --- */

struct admin_ctx {
  int64_t actor, id;
  const char *email, *reason;
  struct store_user before;
  bool changed;
};

static int tx_admin(struct store_tx *tx, void *vctx) {
  struct admin_ctx *c = vctx;
  int rc = accounts_read(store_tx_rd(tx), c->id, &c->before);
  c->changed = false;
  if (STORE_OK != rc || 0 == strcmp(c->before.email, c->email)) {
    return rc; /* that address already: nothing changes, nothing to record */
  }
  rc = other_has(store_tx_rd(tx), c->email, c->id);
  if (STORE_OK != rc) {
    return rc;
  }
  rc = set_email(tx, &c->before, c->email, c->actor,
                 json_pack("{s:s, s:s}", "via", "admin", "reason", c->reason));
  c->changed = STORE_OK == rc;
  return rc;
}

enum email_change_rc email_change_by_admin(struct store_user *out, bool *out_changed,
                                           struct svc *svc, int64_t actor, int64_t id,
                                           const char *email, const char *reason,
                                           int *out_store_rc) {
  struct admin_ctx c = {.actor = actor, .id = id, .email = email, .reason = reason};
  memset(out, 0, sizeof *out);
  *out_changed = false;
  *out_store_rc = STORE_OK;
  if (!accounts_email_valid(email)) {
    return EMAIL_CHANGE_BAD_EMAIL;
  }
  if (!accounts_plain_text(reason, 1, ACCOUNTS_MAX_REASON)) {
    return EMAIL_CHANGE_BAD_REASON;
  }
  int rc = store_txn(svc->store, tx_admin, &c);
  if (STORE_NONE == rc) {
    return EMAIL_CHANGE_NOT_FOUND;
  }
  if (STORE_EXISTS == rc) {
    return EMAIL_CHANGE_TAKEN;
  }
  if (STORE_OK != rc) {
    return store_failed(out_store_rc, rc);
  }
  *out = c.before;
  snprintf(out->email, sizeof out->email, "%s", email);
  *out_changed = c.changed;
  if (c.changed) {
    mail_old_address(svc, &c.before, email,
                     "Administrator LSP mengganti alamat email akun Anda menjadi",
                     "The LSP's administrator changed your account's e-mail address to");
    mail(svc, email, "Alamat email akun ujikom / Your ujikom e-mail address",
         "Halo,\n\nAdministrator LSP mengganti alamat email akun ujikom Anda menjadi alamat "
         "ini.\n\nThe LSP's administrator changed your ujikom account's e-mail address to "
         "this one.\n\n-- \nujikom\n");
  }
  return EMAIL_CHANGE_OK;
}
