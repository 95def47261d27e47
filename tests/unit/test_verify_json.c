/*
 * The verification answer's one writer (http/verify_json.c) against jansson: for every
 * verdict, with and without a reason, claims, units and a revocation, and with text that
 * needs escapes, the bytes must be what jansson writes for the same document compactly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "http/verify_json.h"

static const char tricky[] = "Désain \"grafis\" \\ 🙂\n\t\x01\x1f/ <b>&amp;</b>";

/* The date as the JSON has always shown it: strftime's %Y-%m-%d, or "?". */
static void reference_date(char *out, size_t size, int64_t secs) {
  time_t t = (time_t)secs;
  struct tm tm;
  if (NULL == gmtime_r(&t, &tm) || 0 == strftime(out, size, "%Y-%m-%d", &tm)) {
    snprintf(out, size, "?");
  }
}

/* The same document built with jansson, dumped compactly. */
static char *with_jansson(const struct verify_answer *a) {
  const struct cert_verification *v = a->v;
  json_t *doc = json_object();
  json_object_set_new(doc, "verdict", json_string(cert_verdict_name(v->verdict)));
  json_object_set_new(doc, "form", json_string(a->form));
  json_object_set_new(doc, "verdict_text",
                      json_pack("{s:s, s:s}", "id", a->verdict_id, "en", a->verdict_en));
  if (v->reason[0]) {
    json_object_set_new(doc, "reason", json_string(v->reason));
  }
  if (NULL != a->reason_code && a->reason_code[0]) {
    json_object_set_new(doc, "reason_code", json_string(a->reason_code));
    json_object_set_new(doc, "reason_text",
                        json_pack("{s:s, s:s}", "id", a->reason_id, "en", a->reason_en));
  }
  if (v->claims_valid) {
    const struct cert_claims *c = &v->claims;
    char issued[16], expires[16], until[16];
    reference_date(issued, sizeof issued, c->issued);
    reference_date(expires, sizeof expires, c->expires);
    reference_date(until, sizeof until, c->expires - 1); /* the last second it is valid */
    json_t *units = json_array();
    for (size_t i = 0; i < c->nunits; i++) {
      json_array_append_new(
          units, json_pack("{s:s, s:s}", "code", c->units[i].code, "title", c->units[i].title));
    }
    json_object_set_new(
        doc, "certificate",
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:I, s:I, s:s, s:s}",
                  "serial", c->serial, "holder", c->holder, "subsector", c->subsector,
                  "subsector_name", c->subsector_name, "scheme_id", c->scheme_id, "scheme_title",
                  c->scheme_title, "units", units, "issued", issued, "expires", expires,
                  "valid_until", until, "issued_at", (json_int_t)c->issued, "expires_at",
                  (json_int_t)c->expires, "kid", c->kid, "issuer", c->issuer_name));
  }
  if (CERT_REVOKED == v->verdict || CERT_SUSPENDED == v->verdict) {
    char when[16];
    reference_date(when, sizeof when, a->revoked_ms / 1000);
    json_object_set_new(doc, CERT_REVOKED == v->verdict ? "revocation" : "suspension",
                        json_pack("{s:s, s:I, s:s}", "date", when, "at_ms",
                                  (json_int_t)a->revoked_ms, "reason", a->revoked_reason));
  }
  if (a->logged) {
    json_object_set_new(doc, "log",
                        json_pack("{s:I, s:I}", "index", (json_int_t)a->log_index, "logged_at_ms",
                                  (json_int_t)a->logged_ms));
  }
  if (NULL != a->recertifies && a->recertifies[0]) {
    json_object_set_new(doc, "recertifies", json_string(a->recertifies));
  }
  if (NULL != a->renewed_by && a->renewed_by[0]) {
    json_object_set_new(doc, "renewed_by", json_string(a->renewed_by));
  }
  char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
  json_decref(doc);
  return text;
}

static void expect_same(const struct verify_answer *a) {
  struct jtext b = {0};
  verify_json_write(&b, a);
  assert_true(jt_done(&b));
  char *want = with_jansson(a);
  assert_non_null(want);
  if (0 != strcmp(want, b.s)) {
    fail_msg("writer:  %s\njansson: %s", b.s, want);
  }
  assert_int_equal(strlen(want), b.len);
  free(want);
  free(b.s);
}

static struct cert_verification *new_verification(enum cert_verdict verdict) {
  struct cert_verification *v = calloc(1, sizeof *v);
  assert_non_null(v);
  v->verdict = verdict;
  struct cert_claims *c = &v->claims;
  snprintf(c->serial, sizeof c->serial, "UJK-7QKM-2W9D-XR4T-J8C1");
  snprintf(c->holder, sizeof c->holder, "%s", tricky);
  snprintf(c->subsector, sizeof c->subsector, "DKV");
  snprintf(c->subsector_name, sizeof c->subsector_name, "Desain komunikasi visual");
  snprintf(c->scheme_id, sizeof c->scheme_id, "dkv-junior-2026");
  snprintf(c->scheme_title, sizeof c->scheme_title, "Desainer \"Grafis\" Muda");
  snprintf(c->issuer_name, sizeof c->issuer_name, "LSP Ujikom / Jakarta");
  snprintf(c->kid, sizeof c->kid, "k1");
  c->issued = 1795334400;             /* 2026-11-22 */
  c->expires = 1795334400 + 94608000; /* three years on */
  return v;
}

static void add_unit(struct cert_claims *c, const char *code, const char *title) {
  snprintf(c->units[c->nunits].code, sizeof c->units[c->nunits].code, "%s", code);
  snprintf(c->units[c->nunits].title, sizeof c->units[c->nunits].title, "%s", title);
  c->nunits++;
}

static void test_genuine_with_units(void **state) {
  (void)state;
  struct cert_verification *v = new_verification(CERT_GENUINE);
  v->claims_valid = true;
  add_unit(&v->claims, "M.74100.001.01", "Menerapkan prinsip desain");
  add_unit(&v->claims, "M.74100.002.01", tricky);
  add_unit(&v->claims, "M.74100.003.01", "");
  struct verify_answer a = {.v = v, .form = "qr", .verdict_id = "ASLI", .verdict_en = "GENUINE"};
  expect_same(&a);
  v->claims.nunits = 0; /* a QR token carries no units */
  expect_same(&a);
  free(v);
}

static void test_not_genuine_with_reason(void **state) {
  (void)state;
  struct cert_verification *v = new_verification(CERT_NOT_GENUINE);
  snprintf(v->reason, sizeof v->reason, "signature does not verify under key \"k9\"");
  struct verify_answer a = {
      .v = v, .form = "credential", .verdict_id = "TIDAK ASLI", .verdict_en = "NOT GENUINE"};
  expect_same(&a);
  v->reason[0] = '\0'; /* no reason: no key */
  expect_same(&a);
  a.reason_code = "not_in_register"; /* the code and its texts */
  a.reason_id = tricky;
  a.reason_en = "Signed, but not issued by this register.";
  expect_same(&a);
  v->claims_valid = true; /* a forgery's claims, as signed */
  expect_same(&a);
  a.reason_code = ""; /* an empty code is no code */
  expect_same(&a);
  free(v);
}

static void test_suspended_and_logged(void **state) {
  (void)state;
  struct cert_verification *v = new_verification(CERT_SUSPENDED);
  v->claims_valid = true;
  struct verify_answer a = {.v = v,
                            .form = "qr",
                            .verdict_id = "DIBEKUKAN",
                            .verdict_en = "SUSPENDED",
                            .revoked_ms = 1800000000123,
                            .revoked_reason = tricky,
                            .logged = true,
                            .log_index = 4294967297ULL,
                            .logged_ms = 1795334400456};
  expect_same(&a);
  v->verdict = CERT_GENUINE; /* genuine: the log position, no suspension */
  expect_same(&a);
  a.logged = false;
  expect_same(&a);
  free(v);
}

/* Re-certification links: each when there is one, after the log, "" as none. */
static void test_recertification_links(void **state) {
  (void)state;
  struct cert_verification *v = new_verification(CERT_GENUINE);
  v->claims_valid = true;
  struct verify_answer a = {.v = v,
                            .form = "serial",
                            .verdict_id = "ASLI",
                            .verdict_en = "GENUINE",
                            .logged = true,
                            .log_index = 7,
                            .logged_ms = 1795334400456,
                            .recertifies = "UJK-0000-0000-0000-0000-0"};
  expect_same(&a);
  a.renewed_by = "UJK-1111-1111-1111-1111-1";
  expect_same(&a);
  a.recertifies = "";
  v->verdict = CERT_EXPIRED; /* an expired certificate says what renewed it */
  expect_same(&a);
  a.renewed_by = NULL;
  expect_same(&a);
  free(v);
}

static void test_revoked_and_expired(void **state) {
  (void)state;
  struct cert_verification *v = new_verification(CERT_REVOKED);
  v->claims_valid = true;
  add_unit(&v->claims, "U1", "Satu");
  struct verify_answer a = {.v = v,
                            .form = "serial",
                            .verdict_id = "DICABUT",
                            .verdict_en = "REVOKED",
                            .revoked_ms = 1800000000123,
                            .revoked_reason = tricky};
  expect_same(&a);
  a.revoked_reason = "";
  a.revoked_ms = 0;
  expect_same(&a);
  v->verdict = CERT_EXPIRED;
  a.verdict_id = "KEDALUWARSA";
  a.verdict_en = "EXPIRED";
  expect_same(&a);
  free(v);
}

static void test_dates_at_the_edges(void **state) {
  (void)state;
  struct cert_verification *v = new_verification(CERT_GENUINE);
  v->claims_valid = true;
  v->claims.issued = 951782400 + 86400; /* 2000-02-29 */
  v->claims.expires = 4107542400;       /* 2100-03-01 */
  struct verify_answer a = {.v = v, .form = "qr", .verdict_id = "ASLI", .verdict_en = "GENUINE"};
  expect_same(&a);
  v->claims.issued = -1;
  v->claims.expires = 253402300800; /* year 10000: too long for the date field, "?" */
  expect_same(&a);
  free(v);
}

static void test_not_utf8_fails(void **state) {
  (void)state;
  struct cert_verification *v = new_verification(CERT_GENUINE);
  v->claims_valid = true;
  snprintf(v->claims.holder, sizeof v->claims.holder, "bad \xff name");
  struct verify_answer a = {.v = v, .form = "qr", .verdict_id = "ASLI", .verdict_en = "GENUINE"};
  struct jtext b = {0};
  verify_json_write(&b, &a);
  assert_false(jt_done(&b)); /* jansson refuses such a string too */
  free(b.s);
  free(v);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_genuine_with_units),    cmocka_unit_test(test_not_genuine_with_reason),
      cmocka_unit_test(test_revoked_and_expired),   cmocka_unit_test(test_dates_at_the_edges),
      cmocka_unit_test(test_not_utf8_fails),        cmocka_unit_test(test_suspended_and_logged),
      cmocka_unit_test(test_recertification_links),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
