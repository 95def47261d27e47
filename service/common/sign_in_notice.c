/*
 * The notice of a sign-in from a new device (see sign_in_notice.h).
 */
#include "common/sign_in_notice.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "common/mailer.h"
#include "common/ratelimits.h"
#include "store/store_candidate.h"
#include "ujikom/device_kind.h"
#include "ujikom/timefmt.h"

/* The kind of device in words, in one language: "Chrome di Android" / "Chrome on Android". */
static void device_words(char *out, size_t cap, const char *code, bool english) {
  struct device_kind k;
  const char *b = NULL, *o = NULL;
  if (device_kind_parse(code, &k)) {
    b = device_browser_name(k.browser);
    o = device_os_name(k.os);
  }
  if (NULL != b && NULL != o) {
    snprintf(out, cap, "%s %s %s", b, english ? "on" : "di", o);
  } else if (NULL != b) {
    snprintf(out, cap, "%s", b);
  } else if (NULL != o) {
    snprintf(out, cap, english ? "another browser on %s" : "peramban lain di %s", o);
  } else {
    snprintf(out, cap, "%s", english ? "not recognised" : "tidak dikenali");
  }
}

size_t sign_in_notice_text(char *out, size_t cap, const struct sign_in_notice *n) {
  char dev_id[64], dev_en[64], local[40], utc[40];
  enum time_zone zone = TIME_ZONE_WIB;
  const char *address = NULL != n->address && '\0' != n->address[0] ? n->address : "-";
  if (NULL == out || 0 == cap) {
    return 0;
  }
  if (NULL == n->zone || !time_zone_parse(n->zone, &zone)) {
    zone = TIME_ZONE_WIB;
  }
  device_words(dev_id, sizeof dev_id, n->device, false);
  device_words(dev_en, sizeof dev_en, n->device, true);
  time_format_zone(local, sizeof local, n->at_ms / 1000, zone, TIME_MINUTE_UTC);
  time_format(utc, sizeof utc, n->at_ms / 1000, TIME_MINUTE_UTC);
  int len = snprintf(
      out, cap,
      "Halo %s,\n\n"
      "Akun ujikom Anda baru saja dipakai masuk dari peramban yang belum pernah dipakai\n"
      "untuk akun ini:\n\n"
      "  Perangkat:  %s\n"
      "  Waktu:      %s\n"
      "  Alamat IP:  %s\n\n"
      "Jika itu Anda, abaikan email ini. Jika bukan, segera ubah kata sandi Anda dan\n"
      "keluarkan semua perangkat lain di:\n\n  %s\n\n"
      "Your ujikom account was just signed in to from a browser not used for it before:\n\n"
      "  Device:      %s\n"
      "  Time:        %s\n"
      "  IP address:  %s\n\n"
      "If this was you, ignore this mail. If it was not, change your password at once and\n"
      "sign out all the other devices at the address above.\n\n-- \nujikom\n",
      n->name, dev_id, local, address, n->sessions_url, dev_en, utc, address);
  if (len < 0 || (size_t)len >= cap) {
    out[0] = '\0';
    return 0;
  }
  return (size_t)len;
}

struct take_ctx {
  char key[48];
  int64_t retry_s;
};

static int take_txn(struct store_tx *tx, void *arg) {
  struct take_ctx *c = arg;
  return ratelimits_hourly_take(tx, c->key, SIGN_IN_NOTICES_PER_HOUR, &c->retry_s);
}

bool sign_in_notice_send(struct svc *svc, const struct store_user *u, const char *device,
                         const char *address, int64_t at_ms, int64_t other_devices) {
  if (NULL == svc->mailer || other_devices <= 0) {
    return false;
  }
  struct take_ctx take = {.retry_s = 0};
  snprintf(take.key, sizeof take.key, "sign-in-notice:user:%" PRId64, u->id);
  int rc = store_txn(svc->store, take_txn, &take);
  if (STORE_OK != rc) {
    log_msg(STORE_CONFLICT == rc ? LOG_INFO : LOG_WARN, NULL,
            "account %" PRId64 ": no new-device notice (%s)", u->id,
            STORE_CONFLICT == rc ? "this hour's notices sent" : store_rc_name(rc));
    return false;
  }
  char zone[8] = "";
  struct store_rd *rd = NULL;
  if (STORE_OK == store_rd_begin(svc->store, &rd)) {
    (void)store_user_time_zone_get(rd, u->id, zone, sizeof zone); /* none: WIB */
    store_rd_end(rd);
  }
  char url[300], body[3072];
  snprintf(url, sizeof url, "%s/account/sessions", svc->cfg->public_url);
  const struct sign_in_notice n = {.name = u->name,
                                   .device = device,
                                   .address = address,
                                   .at_ms = at_ms,
                                   .zone = zone,
                                   .sessions_url = url};
  if (0 == sign_in_notice_text(body, sizeof body, &n)) {
    return false;
  }
  return mailer_send(svc->mailer, u->email,
                     "Masuk baru ke akun ujikom / New sign-in to your ujikom account", body);
}
