/*
 * Security notices to an account's holder (see account_notice.h).
 */
#include "common/account_notice.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/log.h"
#include "common/mailer.h"
#include "common/ratelimits.h"
#include "store/store_candidate.h"
#include "store/store_users.h"
#include "ujikom/device_kind.h"
#include "ujikom/timefmt.h"

/* Per kind: the subject, and what happened in each language. */
static const struct {
  const char *subject, *what_id, *what_en;
} kinds[] = {
    [ACCOUNT_NOTICE_SIGN_IN] =
        {"Masuk baru ke akun ujikom / New sign-in to your ujikom account",
         "Akun ujikom Anda baru saja dipakai masuk dari peramban yang belum pernah dipakai\n"
         "untuk akun ini.",
         "Your ujikom account was just signed in to from a browser not used for it before."},
    [ACCOUNT_NOTICE_PASSWORD_CHANGED] =
        {"Kata sandi akun ujikom diubah / Your ujikom password was changed",
         "Kata sandi akun ujikom Anda baru saja diubah dari sesi yang sedang masuk. Semua\n"
         "perangkat lain telah dikeluarkan.",
         "The password of your ujikom account was just changed from a signed-in session.\n"
         "Every other device has been signed out."},
    [ACCOUNT_NOTICE_PASSWORD_RESET] =
        {"Kata sandi akun ujikom diubah / Your ujikom password was changed",
         "Kata sandi akun ujikom Anda baru saja diatur ulang dengan tautan yang dikirim ke\n"
         "alamat email ini. Semua perangkat telah dikeluarkan.",
         "The password of your ujikom account was just reset with a link sent to this\n"
         "address. Every device has been signed out."},
    [ACCOUNT_NOTICE_SECOND_FACTOR_ON] =
        {"Faktor kedua akun ujikom aktif / Second factor set up for your ujikom account",
         "Faktor kedua (kode dari aplikasi autentikator) kini aktif untuk akun ujikom Anda.",
         "A second factor (codes from an authenticator app) is now set up for your ujikom\n"
         "account."},
    [ACCOUNT_NOTICE_SECOND_FACTOR_RESET] =
        {"Faktor kedua akun ujikom dihapus / Second factor removed from your ujikom account",
         "Seorang administrator LSP menghapus faktor kedua akun ujikom Anda. Saat masuk\n"
         "berikutnya Anda diminta memasangnya lagi.",
         "An administrator of the LSP removed the second factor of your ujikom account. You\n"
         "will be asked to set it up again at your next sign-in."},
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

const char *account_notice_subject(enum account_notice_kind kind) {
  return (unsigned)kind < NKINDS ? kinds[kind].subject : kinds[ACCOUNT_NOTICE_SIGN_IN].subject;
}

/* Appends to out (cap bytes, *len used); on overflow *len becomes cap (the text is cut). */
static void add(char *out, size_t cap, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void add(char *out, size_t cap, size_t *len, const char *fmt, ...) {
  if (*len >= cap) {
    return;
  }
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(out + *len, cap - *len, fmt, ap);
  va_end(ap);
  *len = n < 0 || (size_t)n >= cap - *len ? cap : *len + (size_t)n;
}

/* The facts of one language: the device and address when the holder's request did it, and
 * the time. */
static void facts(char *out, size_t cap, size_t *len, const struct account_notice *n, bool english,
                  const char *when) {
  char dev[64];
  const struct account_notice_from *f = &n->from;
  if (NULL != f->device) {
    device_kind_words(f->device, english, dev, sizeof dev);
    add(out, cap, len, "  %-12s %s\n", english ? "Device:" : "Perangkat:", dev);
  }
  add(out, cap, len, "  %-12s %s\n", english ? "Time:" : "Waktu:", when);
  if (NULL != f->address) {
    add(out, cap, len, "  %-12s %s\n",
        english ? "IP address:" : "Alamat IP:", '\0' != f->address[0] ? f->address : "-");
  }
}

/* What to do if it was not the holder, in one language. */
static void advice(char *out, size_t cap, size_t *len, const struct account_notice *n,
                   bool english) {
  switch (n->kind) {
  case ACCOUNT_NOTICE_SIGN_IN:
    add(out, cap, len,
        english ? "If this was you, ignore this mail. If it was not, change your password at once\n"
                  "and sign out all the other devices at:\n\n  %s/account/sessions\n"
                : "Jika itu Anda, abaikan email ini. Jika bukan, segera ubah kata sandi Anda dan\n"
                  "keluarkan semua perangkat lain di:\n\n  %s/account/sessions\n",
        n->base);
    break;
  case ACCOUNT_NOTICE_PASSWORD_CHANGED:
  case ACCOUNT_NOTICE_PASSWORD_RESET:
    if (n->candidate) {
      add(out, cap, len,
          english ? "If this was not you, ask for a new password at once at\n\n  %s/lupa-sandi\n\n"
                    "and tell the LSP.\n"
                  : "Jika bukan Anda yang melakukannya, segera minta kata sandi baru di\n\n"
                    "  %s/lupa-sandi\n\ndan beri tahu LSP.\n",
          n->base);
    } else {
      add(out, cap, len, "%s\n",
          english ? "If this was not you, tell an administrator of the LSP at once."
                  : "Jika bukan Anda yang melakukannya, segera hubungi administrator LSP.");
    }
    break;
  case ACCOUNT_NOTICE_SECOND_FACTOR_ON:
  case ACCOUNT_NOTICE_SECOND_FACTOR_RESET:
  default:
    add(out, cap, len, "%s\n",
        english ? "If this was not you or at your request, tell an administrator of the LSP at "
                  "once."
                : "Jika bukan Anda atau tidak atas permintaan Anda, segera hubungi administrator "
                  "LSP.");
    break;
  }
}

size_t account_notice_text(char *out, size_t cap, const struct account_notice *n) {
  char local[40], utc[40];
  enum time_zone zone = TIME_ZONE_WIB;
  size_t len = 0;
  if (NULL == out || 0 == cap) {
    return 0;
  }
  if (NULL == n->zone || !time_zone_parse(n->zone, &zone)) {
    zone = TIME_ZONE_WIB;
  }
  unsigned k = (unsigned)n->kind < NKINDS ? (unsigned)n->kind : ACCOUNT_NOTICE_SIGN_IN;
  time_format_zone(local, sizeof local, n->from.at_ms / 1000, zone, TIME_MINUTE_UTC);
  time_format(utc, sizeof utc, n->from.at_ms / 1000, TIME_MINUTE_UTC);
  add(out, cap, &len, "Halo %s,\n\n%s\n\n", n->name, kinds[k].what_id);
  facts(out, cap, &len, n, false, local);
  add(out, cap, &len, "\n");
  advice(out, cap, &len, n, false);
  add(out, cap, &len, "\n%s\n\n", kinds[k].what_en);
  facts(out, cap, &len, n, true, utc);
  add(out, cap, &len, "\n");
  advice(out, cap, &len, n, true);
  add(out, cap, &len, "\n-- \nujikom\n");
  if (len >= cap) {
    out[0] = '\0';
    return 0;
  }
  return len;
}

struct take_ctx {
  char key[48];
  int64_t retry_s;
};

static int take_txn(struct store_tx *tx, void *arg) {
  struct take_ctx *c = arg;
  return ratelimits_hourly_take(tx, c->key, ACCOUNT_NOTICE_SIGN_INS_PER_HOUR, &c->retry_s);
}

/* This hour's sign-in notices of the account, one taken: true when one was left. */
static bool sign_in_quota(struct svc *svc, int64_t user_id) {
  struct take_ctx take = {.retry_s = 0};
  snprintf(take.key, sizeof take.key, "sign-in-notice:user:%" PRId64, user_id);
  int rc = store_txn(svc->store, take_txn, &take);
  if (STORE_OK != rc) {
    log_msg(STORE_CONFLICT == rc ? LOG_INFO : LOG_WARN, NULL,
            "account %" PRId64 ": no new-device notice (%s)", user_id,
            STORE_CONFLICT == rc ? "this hour's notices sent" : store_rc_name(rc));
    return false;
  }
  return true;
}

bool account_notice_send(struct svc *svc, int64_t user_id, enum account_notice_kind kind,
                         const struct account_notice_from *from, int64_t other_devices) {
  if (NULL == svc->mailer || (unsigned)kind >= NKINDS) {
    return false;
  }
  if (ACCOUNT_NOTICE_SIGN_IN == kind && (other_devices <= 0 || !sign_in_quota(svc, user_id))) {
    return false;
  }
  struct store_user u;
  char zone[8] = "";
  struct store_rd *rd = NULL;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_user_by_id(rd, &u, user_id);
    OPENSSL_cleanse(u.password_hash, sizeof u.password_hash);
    if (STORE_OK == rc) {
      (void)store_user_time_zone_get(rd, user_id, zone, sizeof zone); /* none: WIB */
    }
    store_rd_end(rd);
  }
  if (STORE_OK != rc) {
    log_msg(LOG_WARN, NULL, "account %" PRId64 ": no notice (%s)", user_id, store_rc_name(rc));
    return false;
  }
  const struct account_notice n = {.kind = kind,
                                   .name = u.name,
                                   .candidate = ROLE_CANDIDATE == u.role,
                                   .zone = zone,
                                   .base = svc->cfg->public_url,
                                   .from = *from};
  char body[4096];
  if (0 == account_notice_text(body, sizeof body, &n)) {
    return false;
  }
  return mailer_send(svc->mailer, u.email, account_notice_subject(kind), body);
}
