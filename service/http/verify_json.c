/*
 * The verification answer as JSON (see verify_json.h).
 */
#include "http/verify_json.h"

#include <stdio.h>

#include "ujikom/timefmt.h"

void verify_date_text(char *out, size_t size, int64_t secs) {
  if (0 == time_format(out, size, secs, TIME_DATE)) {
    snprintf(out, size, "?");
  }
}

static void put_claims(struct jtext *b, const struct cert_claims *c) {
  char issued[16], expires[16], until[16];
  verify_date_text(issued, sizeof issued, c->issued);
  verify_date_text(expires, sizeof expires, c->expires);
  cert_valid_until_text(until, sizeof until, c->expires);
  jt_objp_open(b, "certificate");
  jt_putstringp(b, "serial", c->serial);
  jt_putstringp(b, "holder", c->holder);
  jt_putstringp(b, "subsector", c->subsector);
  jt_putstringp(b, "subsector_name", c->subsector_name);
  jt_putstringp(b, "scheme_id", c->scheme_id);
  jt_putstringp(b, "scheme_title", c->scheme_title);
  jt_arrp_open(b, "units");
  for (size_t i = 0; i < c->nunits; i++) {
    jt_obj_open(b);
    jt_putstringp(b, "code", c->units[i].code);
    jt_putstringp(b, "title", c->units[i].title);
    jt_obj_close(b);
  }
  jt_arr_close(b);
  jt_putstringp(b, "issued", issued);
  jt_putstringp(b, "expires", expires);
  jt_putstringp(b, "valid_until", until);
  jt_putintp(b, "issued_at", c->issued);
  jt_putintp(b, "expires_at", c->expires);
  jt_putstringp(b, "kid", c->kid);
  jt_putstringp(b, "issuer", c->issuer_name);
  jt_obj_close(b);
}

void verify_json_write(struct jtext *b, const struct verify_answer *a) {
  const struct cert_verification *v = a->v;
  jt_obj_open(b);
  jt_putstringp(b, "verdict", cert_verdict_name(v->verdict));
  jt_putstringp(b, "form", a->form);
  jt_objp_open(b, "verdict_text");
  jt_putstringp(b, "id", a->verdict_id);
  jt_putstringp(b, "en", a->verdict_en);
  jt_obj_close(b);
  if (v->reason[0]) {
    jt_putstringp(b, "reason", v->reason);
  }
  if (NULL != a->reason_code && a->reason_code[0]) {
    jt_putstringp(b, "reason_code", a->reason_code);
    jt_objp_open(b, "reason_text");
    jt_putstringp(b, "id", a->reason_id);
    jt_putstringp(b, "en", a->reason_en);
    jt_obj_close(b);
  }
  if (v->claims_valid) {
    put_claims(b, &v->claims);
  }
  if (CERT_REVOKED == v->verdict || CERT_SUSPENDED == v->verdict) {
    char when[16];
    verify_date_text(when, sizeof when, a->revoked_ms / 1000);
    if (CERT_REVOKED == v->verdict) {
      jt_objp_open(b, "revocation");
    } else {
      jt_objp_open(b, "suspension");
    }
    jt_putstringp(b, "date", when);
    jt_putintp(b, "at_ms", a->revoked_ms);
    jt_putstringp(b, "reason", a->revoked_reason);
    jt_obj_close(b);
  }
  if (a->logged) {
    jt_objp_open(b, "log");
    jt_putintp(b, "index", (int64_t)a->log_index);
    jt_putintp(b, "logged_at_ms", a->logged_ms);
    jt_obj_close(b);
  }
  if (NULL != a->recertifies && a->recertifies[0]) {
    jt_putstringp(b, "recertifies", a->recertifies);
  }
  if (NULL != a->renewed_by && a->renewed_by[0]) {
    jt_putstringp(b, "renewed_by", a->renewed_by);
  }
  jt_obj_close(b);
}
