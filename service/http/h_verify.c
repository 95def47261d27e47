/*
 * Public verification: the page a QR code opens (GET /V/<token>), the serial look-up form
 * (GET /verify, GET /verify?serial=...) and the JSON API (POST /api/verify with a
 * credential, a QR token or a serial). Pages need no JavaScript and state the verdict in
 * Indonesian and English; clients asking for JSON get the same result as data.
 *
 * The signature decides authenticity; the store adds only what a signature cannot know:
 * revocation, and the full transcript for a token that carries just the core claims.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/issue.h"
#include "common/keystore.h"
#include "http/handlers.h"
#include "http/jsontext.h"
#include "http/html.h"
#include "http/i18n.h"
#include "http/layout.h"
#include "http/ratelimit.h"
#include "http/verify_json.h"
#include "store/store.h"

/* What a verification found, whichever way it was asked. */
struct outcome {
  struct cert_verification v;
  const char *form;   /* "qr", "credential", "serial" */
  int64_t revoked_ms; /* when revoked */
  char revoked_reason[501];
};

/* A zeroed outcome, except for the unit table (20 KB, most of it), which every path writes up
 * to nunits before anything reads it: the verifiers clear everything themselves, from_row
 * fills what it reads. */
static struct outcome *outcome_new(void) {
  struct outcome *o = malloc(sizeof *o);
  if (NULL == o) {
    return NULL;
  }
  size_t units = offsetof(struct outcome, v.claims.units);
  size_t after = units + sizeof o->v.claims.units;
  memset(o, 0, units);
  memset((char *)o + after, 0, sizeof *o - after);
  return o;
}

/* The catalogue texts of this page, looked up once: the catalogues are compiled into the
 * binary and loaded once for the life of the process (http/i18n.c), so these pointers never
 * go stale. The verdicts come first, in the order of enum cert_verdict. */
#define VERIFY_TEXTS(X)                                                                            \
  X(VT_VERDICT_GENUINE, "verify.verdict.genuine")                                                  \
  X(VT_VERDICT_EXPIRED, "verify.verdict.expired")                                                  \
  X(VT_VERDICT_REVOKED, "verify.verdict.revoked")                                                  \
  X(VT_VERDICT_NOT_GENUINE, "verify.verdict.not_genuine")                                          \
  X(VT_VERDICT_SUSPENDED, "verify.verdict.suspended")                                              \
  X(VT_CHECK, "verify.check")                                                                      \
  X(VT_CHECK_ANOTHER, "verify.check_another")                                                      \
  X(VT_EXPLAIN_EXPIRED, "verify.explain.expired")                                                  \
  X(VT_EXPLAIN_GENUINE, "verify.explain.genuine")                                                  \
  X(VT_EXPLAIN_NOT_GENUINE, "verify.explain.not_genuine")                                          \
  X(VT_EXPLAIN_REVOKED, "verify.explain.revoked")                                                  \
  X(VT_FIELD_EXPIRES, "verify.field.expires")                                                      \
  X(VT_FIELD_ISSUED, "verify.field.issued")                                                        \
  X(VT_FIELD_ISSUER, "verify.field.issuer")                                                        \
  X(VT_FIELD_KID, "verify.field.kid")                                                              \
  X(VT_FIELD_NAME, "verify.field.name")                                                            \
  X(VT_FIELD_NUMBER, "verify.field.number")                                                        \
  X(VT_FIELD_SCHEME, "verify.field.scheme")                                                        \
  X(VT_FIELD_SUBSECTOR, "verify.field.subsector")                                                  \
  X(VT_INTRO, "verify.intro")                                                                      \
  X(VT_NUMBER_LABEL, "verify.number_label")                                                        \
  X(VT_TITLE, "verify.title")                                                                      \
  X(VT_UNIT_CODE, "verify.unit_code")                                                              \
  X(VT_UNIT_TITLE, "verify.unit_title")                                                            \
  X(VT_UNITS, "verify.units")
#define VT_ENUM(name, key) name,
#define VT_KEY(name, key)  key,
enum vt { VERIFY_TEXTS(VT_ENUM) VT__MAX };
static const char *const vt_keys[VT__MAX] = {VERIFY_TEXTS(VT_KEY)};
static const char *vt_texts[2][VT__MAX]; /* [0] Indonesian, [1] English */
/* The same texts as html_text writes them (escaped by it, once), kept for the life of the
 * process like the catalogues; NULL where that failed (then html_text runs each time). */
static char *vt_html[2][VT__MAX];
static size_t vt_html_len[2][VT__MAX];

void h_verify_init(void) {
  if (NULL != vt_texts[0][0]) {
    return;
  }
  for (size_t l = 0; l < 2; l++) {
    for (size_t i = 0; i < VT__MAX; i++) {
      vt_texts[l][i] = i18n(0 == l ? "id" : "en", vt_keys[i]);
      struct html *h = html_new();
      if (NULL != h) {
        html_text(h, vt_texts[l][i]);
        vt_html[l][i] = html_take(h, &vt_html_len[l][i]);
      }
    }
  }
}

/* The text of t in Indonesian (en false) or English. */
static const char *vt(bool en, enum vt t) {
  return vt_texts[en ? 1 : 0][t];
}

/* Appends the text of t as html_text would: its escaped form, made by html_text once. */
static void vt_text(struct html *h, bool en, enum vt t) {
  const char *text = vt(en, t);
  const char *escaped = vt_html[en ? 1 : 0][t];
  if (NULL != escaped) {
    html_raw_(h, escaped, vt_html_len[en ? 1 : 0][t]);
  } else {
    html_text(h, text);
  }
}

_Static_assert(VT_VERDICT_NOT_GENUINE - VT_VERDICT_GENUINE == CERT_NOT_GENUINE &&
                   VT_VERDICT_REVOKED - VT_VERDICT_GENUINE == CERT_REVOKED &&
                   VT_VERDICT_EXPIRED - VT_VERDICT_GENUINE == CERT_EXPIRED &&
                   VT_VERDICT_SUSPENDED - VT_VERDICT_GENUINE == CERT_SUSPENDED,
               "verdict texts follow enum cert_verdict");

/* The verdict in Indonesian (en false) or English ("verify.verdict.<name>"). */
static const char *verdict_text(bool en, enum cert_verdict v) {
  return vt(en, (enum vt)(VT_VERDICT_GENUINE + (int)v));
}

/* Adds the store's knowledge to a verification whose signature held: revocation, and the
 * complete claims (units, titles) from the stored credential when the token is short.
 * Returns 0, or a negative store_rc when the store could not be read. */
static int apply_store(struct outcome *o, struct svc *svc) {
  struct store_rd *rd = NULL;
  struct store_cert c;
  if (!o->v.claims_valid) {
    return 0;
  }
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_cert_by_serial(rd, &c, o->v.claims.serial);
  }
  store_rd_end(rd);
  if (STORE_NONE == rc) {
    return 0; /* signed by us, but unknown here (e.g. an older database): trust the signature */
  }
  if (STORE_OK != rc) {
    return rc;
  }
  if (0 == o->v.claims.nunits) {
    struct cert_claims *full = malloc(sizeof *full);
    /* Only enrich when the stored credential says exactly what the token says. */
    if (NULL != full && 0 == issue_claims_of(full, svc, &c) &&
        0 == strcmp(full->holder, o->v.claims.holder) &&
        0 == strcmp(full->scheme_id, o->v.claims.scheme_id) &&
        0 == strcmp(full->subsector, o->v.claims.subsector)) {
      full->issued = o->v.claims.issued;
      full->expires = o->v.claims.expires;
      memcpy(full->kid, o->v.claims.kid, sizeof full->kid);
      o->v.claims = *full;
    }
    free(full);
  }
  if (0 == strcmp(c.status, STORE_CERT_REVOKED)) {
    o->v.verdict = CERT_REVOKED;
    o->revoked_ms = c.revoked_ms;
    snprintf(o->revoked_reason, sizeof o->revoked_reason, "%s", c.revoked_reason);
  } else if (0 == strcmp(c.status, STORE_CERT_SUSPENDED)) {
    o->v.verdict = CERT_SUSPENDED;
  }
  store_cert_clear(&c);
  return 0;
}

static const struct token_pubkey *keys_of(struct svc *svc, size_t *n) {
  *n = 0;
  return NULL == svc->keys ? NULL : keystore_public(svc->keys, n);
}

/* The certificate row named by the serial that QR token tok carries, read without the
 * credential: STORE_OK (*c filled; clear it), STORE_NONE (no such certificate, or tok does
 * not lead to a serial), or a negative store_rc. */
static int row_of_qr_token(struct store_cert *c, struct svc *svc, const char *tok, size_t len) {
  char serial[CERT_SERIAL_SIZE];
  struct store_rd *rd = NULL;
  memset(c, 0, sizeof *c);
  if (0 != cert_qr_token_serial(serial, tok, len) || 0 != cert_serial_parse(serial, NULL, serial)) {
    return STORE_NONE;
  }
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_cert_by_serial_brief(rd, c, serial);
  }
  store_rd_end(rd);
  return rc;
}

/* Copies a NUL-terminated string into dst, cut to fit (the row's fields are no longer than
 * the claims'). */
static void copy(char *dst, size_t size, const char *src) {
  size_t n = strnlen(src, size - 1);
  memcpy(dst, src, n);
  dst[n] = '\0';
}

/* The verification of a certificate this service issued, from its row alone. The caller has
 * found the presented token to be the very text stored in that row at issuance (the QR token
 * letter case aside, or the stored credential itself), so it is genuine by construction —
 * the service signed exactly that text, and a row's signed content never changes (triggers
 * certificates_immutable and certificates_display_once) — and its claims are the row's,
 * written by the same insert from the same claims. Nothing here can go stale: the only thing
 * that changes, revocation, and the clock are read now. The signing key must still be in the
 * key set, as a verifier requires. qr_days: report dates as the QR token carries them.
 * Returns false when the row has no (usable) display text or its key is gone: the caller
 * then verifies in full, as for any other token. */
static bool from_row(struct outcome *o, struct svc *svc, const struct store_cert *c, int64_t now,
                     bool qr_days) {
  size_t n;
  const struct token_pubkey *keys = keys_of(svc, &n);
  struct cert_claims *cl = &o->v.claims;
  if (NULL == c->display || NULL == token_keyset_find(keys, n, c->kid) ||
      0 != cert_display_decode(cl, c->display)) {
    return false;
  }
  copy(cl->serial, sizeof cl->serial, c->serial);
  copy(cl->holder, sizeof cl->holder, c->holder);
  copy(cl->subsector, sizeof cl->subsector, c->subsector);
  copy(cl->scheme_id, sizeof cl->scheme_id, c->exam_id);
  copy(cl->kid, sizeof cl->kid, c->kid);
  cl->holder_id[0] = cl->issuer_url[0] = '\0'; /* neither is shown */
  cl->issued = c->issued_s;
  cl->expires = c->expires_s;
  if (qr_days) {
    cert_claims_qr_days(cl);
  }
  o->v.reason[0] = '\0';
  cert_verification_issued(&o->v, now);
  if (0 == strcmp(c->status, STORE_CERT_REVOKED)) {
    o->v.verdict = CERT_REVOKED;
    o->revoked_ms = c->revoked_ms;
    snprintf(o->revoked_reason, sizeof o->revoked_reason, "%s", c->revoked_reason);
  } else if (0 == strcmp(c->status, STORE_CERT_SUSPENDED)) {
    o->v.verdict = CERT_SUSPENDED;
  }
  return true;
}

/* Verifies a QR token (form "qr"). A token that is the one stored for the serial it names
 * is answered from that row; anything else (tampered, forged, re-encoded, an unknown serial,
 * a key no longer trusted) is verified in full, signature included. Returns 0 or a
 * negative store_rc. */
static int verify_qr(struct outcome *o, struct svc *svc, const char *tok, size_t len, int64_t now) {
  struct store_cert c;
  size_t n;
  const struct token_pubkey *keys = keys_of(svc, &n);
  int rc = row_of_qr_token(&c, svc, tok, len);
  const char *issued = STORE_OK == rc ? c.qr_token : NULL;
  bool same = NULL != issued && strlen(issued) == len && 0 == strncasecmp(tok, issued, len);
  if (same && from_row(o, svc, &c, now, true)) {
    store_cert_clear(&c);
    return 0;
  }
  cert_qr_token_verify_issued(&o->v, tok, len, keys, n, now, issued);
  store_cert_clear(&c);
  return apply_store(o, svc);
}

static int by_serial(struct outcome *o, struct svc *svc, const char *text, int64_t now) {
  char serial[CERT_SERIAL_SIZE];
  struct store_rd *rd = NULL;
  struct store_cert c;
  memset(o, 0, sizeof *o);
  o->form = "serial";
  o->v.verdict = CERT_NOT_GENUINE;
  if (0 != cert_serial_parse(serial, NULL, text)) {
    snprintf(o->v.reason, sizeof o->v.reason, "not a certificate number (or a mistyped one)");
    return 0;
  }
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_cert_by_serial(rd, &c, serial);
  }
  store_rd_end(rd);
  if (STORE_NONE == rc) {
    snprintf(o->v.reason, sizeof o->v.reason, "no certificate with this number");
    return 0;
  }
  if (STORE_OK != rc) {
    return rc;
  }
  /* The stored credential is what this service issued: its row says what it says. */
  if (from_row(o, svc, &c, now, false)) {
    store_cert_clear(&c);
    return 0;
  }
  size_t n;
  const struct token_pubkey *keys = keys_of(svc, &n);
  cert_jws_verify_issued(&o->v, c.jws, strlen(c.jws), keys, n, now, c.jws);
  store_cert_clear(&c);
  return apply_store(o, svc);
}

/* The outcome as JSON text (malloc'd, *len bytes), or NULL when out of memory. */
static char *outcome_json(const struct outcome *o, size_t *len) {
  struct jtext b = {0};
  const struct verify_answer a = {.v = &o->v,
                                  .form = o->form,
                                  .verdict_id = verdict_text(false, o->v.verdict),
                                  .verdict_en = verdict_text(true, o->v.verdict),
                                  .revoked_ms = o->revoked_ms,
                                  .revoked_reason = o->revoked_reason};
  verify_json_write(&b, &a);
  if (!jt_done(&b)) {
    free(b.s);
    return NULL;
  }
  *len = b.len;
  return b.s;
}

static int reply_outcome_json(struct req *r, const struct outcome *o) {
  size_t len = 0;
  char *text = outcome_json(o, &len);
  if (NULL == text) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  return reply_bytes_owned(r, 200, "application/json; charset=utf-8", text, len);
}

/* The verification page speaks Indonesian and English at once, whatever the visitor's
 * language: an employer abroad and a local one read the same page. Writes the catalogue
 * text of key in Indonesian, then in English marked lang="en". */
static void both(struct html *h, enum vt key) {
  vt_text(h, false, key);
  HTML_LIT(h, " <span lang=\"en\">/ ");
  vt_text(h, true, key);
  HTML_LIT(h, "</span>");
}

static void row(struct html *h, enum vt key, const char *value) {
  HTML_LIT(h, "<dt>");
  both(h, key);
  HTML_LIT(h, "</dt><dd>");
  html_text(h, value);
  HTML_LIT(h, "</dd>");
}

static void page_begin(struct html *h, struct req *r) {
  char title[160];
  snprintf(title, sizeof title, "%s / %s", vt(false, VT_TITLE), vt(true, VT_TITLE));
  layout_begin(h, r, title);
  HTML_LIT(h, "<h1>");
  both(h, VT_TITLE);
  HTML_LIT(h, "</h1>");
}

static void serial_form(struct html *h, const char *value) {
  HTML_LIT(h, "<form method=\"get\" action=\"/verify\" class=\"verify-form\">"
              "<label for=\"serial\">");
  both(h, VT_NUMBER_LABEL);
  HTML_LIT(h, "</label><input id=\"serial\" name=\"serial\" autocomplete=\"off\" "
              "spellcheck=\"false\" placeholder=\"UJK-XXXX-XXXX-XXXX-XXXX-X\" maxlength=\"64\"");
  html_attr(h, "value", value);
  HTML_LIT(h, "> <button type=\"submit\">");
  both(h, VT_CHECK);
  HTML_LIT(h, "</button></form>");
}

/* Both languages of a catalogue paragraph, each line its own. */
static void explain(struct html *h, enum vt key) {
  HTML_LIT(h, "<p>");
  vt_text(h, false, key);
  HTML_LIT(h, "<br><span lang=\"en\">");
  vt_text(h, true, key);
  HTML_LIT(h, "</span></p>");
}

static int outcome_page(struct req *r, const struct outcome *o, const char *typed) {
  struct html *h = html_new();
  if (NULL == h) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  page_begin(h, r);
  html_fmt(h, "<section class=\"verdict verdict-%s\" role=\"status\"><p class=\"verdict-text\">",
           cert_verdict_name(o->v.verdict));
  enum vt verdict = (enum vt)(VT_VERDICT_GENUINE + (int)o->v.verdict);
  HTML_LIT(h, "<strong>");
  vt_text(h, false, verdict);
  HTML_LIT(h, "</strong> / <strong lang=\"en\">");
  vt_text(h, true, verdict);
  HTML_LIT(h, "</strong></p>");
  if (CERT_REVOKED == o->v.verdict) {
    char when[16];
    verify_date_text(when, sizeof when, o->revoked_ms / 1000);
    HTML_LIT(h, "<p>");
    html_text_sub(h, vt(false, VT_EXPLAIN_REVOKED), "date", when, "reason", o->revoked_reason,
                  NULL);
    HTML_LIT(h, "<br><span lang=\"en\">");
    html_text_sub(h, vt(true, VT_EXPLAIN_REVOKED), "date", when, "reason", o->revoked_reason, NULL);
    HTML_LIT(h, "</span></p>");
  } else if (CERT_EXPIRED == o->v.verdict) {
    explain(h, VT_EXPLAIN_EXPIRED);
  } else if (CERT_NOT_GENUINE == o->v.verdict) {
    explain(h, VT_EXPLAIN_NOT_GENUINE);
    if (o->v.reason[0]) {
      html_fmt(h, "<p class=\"verdict-reason\" lang=\"en\">(%s)</p>", o->v.reason);
    }
  } else {
    explain(h, VT_EXPLAIN_GENUINE);
  }
  HTML_LIT(h, "</section>");
  if (o->v.claims_valid) {
    const struct cert_claims *c = &o->v.claims;
    char d1[16], d2[16], line[400];
    verify_date_text(d1, sizeof d1, c->issued);
    verify_date_text(d2, sizeof d2, c->expires);
    HTML_LIT(h, "<dl class=\"cert-claims\">");
    row(h, VT_FIELD_NAME, c->holder);
    row(h, VT_FIELD_NUMBER, c->serial);
    snprintf(line, sizeof line, "%s%s%s%s", c->subsector_name, c->subsector_name[0] ? " (" : "",
             c->subsector, c->subsector_name[0] ? ")" : "");
    row(h, VT_FIELD_SUBSECTOR, line);
    snprintf(line, sizeof line, "%s%s%s%s", c->scheme_title, c->scheme_title[0] ? " (" : "",
             c->scheme_id, c->scheme_title[0] ? ")" : "");
    row(h, VT_FIELD_SCHEME, line);
    row(h, VT_FIELD_ISSUED, d1);
    row(h, VT_FIELD_EXPIRES, d2);
    if (c->issuer_name[0]) {
      row(h, VT_FIELD_ISSUER, c->issuer_name);
    }
    row(h, VT_FIELD_KID, c->kid);
    HTML_LIT(h, "</dl>");
    if (c->nunits > 0) {
      HTML_LIT(h, "<h2>");
      both(h, VT_UNITS);
      HTML_LIT(h, "</h2><table class=\"units\"><thead><tr><th scope=\"col\">");
      both(h, VT_UNIT_CODE);
      HTML_LIT(h, "</th><th scope=\"col\">");
      both(h, VT_UNIT_TITLE);
      HTML_LIT(h, "</th></tr></thead><tbody>");
      for (size_t i = 0; i < c->nunits; i++) {
        HTML_LIT(h, "<tr><td>");
        html_text(h, c->units[i].code);
        HTML_LIT(h, "</td><td>");
        html_text(h, c->units[i].title);
        HTML_LIT(h, "</td></tr>");
      }
      HTML_LIT(h, "</tbody></table>");
    }
  }
  HTML_LIT(h, "<h2>");
  both(h, VT_CHECK_ANOTHER);
  HTML_LIT(h, "</h2>");
  serial_form(h, typed);
  layout_end(h, r);
  reply_header(r, "Cache-Control", "no-store");
  return reply_html(r, 200, h);
}

/* The verification page is for people first (a phone camera opens it; so may a plain
 * HTTP client): HTML unless the client asks for JSON before (or without) HTML. */
static bool verify_wants_json(const struct req *r) {
  const char *accept = req_header(r, "Accept");
  const char *j = NULL == accept ? NULL : strstr(accept, "application/json");
  const char *h = NULL == accept ? NULL : strstr(accept, "text/html");
  return NULL != j && (NULL == h || j < h);
}

static int reply_outcome(struct req *r, const struct outcome *o, const char *typed) {
  if (verify_wants_json(r)) {
    reply_header(r, "Cache-Control", "no-store");
    return reply_outcome_json(r, o);
  }
  return outcome_page(r, o, typed);
}

int h_verify_qr(struct req *r) {
  struct outcome *o = outcome_new();
  if (NULL == o) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  const char *tok = r->params[0];
  o->form = "qr";
  int rc = verify_qr(o, r->svc, tok, strlen(tok), r->now_ms / 1000);
  int ret = 0 == rc ? reply_outcome(r, o, NULL) : reply_store_error(r, rc, __func__);
  free(o);
  return ret;
}

/* Typing serials reveals holders' names, so look-ups by serial are counted per client
 * address; a signed QR token or credential carries its own claims and is not limited. */
static enum ratelimit_rc throttle_serial_lookup(struct req *r) {
  char key[128];
  snprintf(key, sizeof key, "verify-serial:ip:%s", r->client_ip);
  return ratelimit_hit(r, key, r->svc->cfg->verify_lookups_per_hour, 3600);
}

int h_verify_page(struct req *r) {
  const char *serial = req_query(r, "serial");
  if (NULL == serial || '\0' == serial[0]) {
    struct html *h = html_new();
    if (NULL == h) {
      return reply_error(r, ERR_INTERNAL, NULL);
    }
    page_begin(h, r);
    explain(h, VT_INTRO);
    serial_form(h, NULL);
    layout_end(h, r);
    return reply_html(r, 200, h);
  }
  if (RATELIMIT_OK != throttle_serial_lookup(r)) {
    return 0;
  }
  struct outcome *o = outcome_new();
  if (NULL == o) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  int rc = by_serial(o, r->svc, serial, r->now_ms / 1000);
  int ret = 0 == rc ? reply_outcome(r, o, serial) : reply_store_error(r, rc, __func__);
  free(o);
  return ret;
}

int h_verify_api(struct req *r) {
  const char *credential = json_string_value(json_object_get(r->json, "credential"));
  const char *token = json_string_value(json_object_get(r->json, "token"));
  const char *serial = json_string_value(json_object_get(r->json, "serial"));
  int given = (NULL != credential) + (NULL != token) + (NULL != serial);
  if (!json_is_object(r->json) || 1 != given) {
    return reply_error(r, ERR_INVALID_FIELD,
                       "Send exactly one of \"credential\", \"token\" or \"serial\" (strings).");
  }
  if (NULL != serial && RATELIMIT_OK != throttle_serial_lookup(r)) {
    return 0;
  }
  struct outcome *o = outcome_new();
  if (NULL == o) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  size_t n;
  const struct token_pubkey *keys = keys_of(r->svc, &n);
  int64_t now = r->now_ms / 1000;
  int rc = 0;
  if (NULL != credential) {
    o->form = "credential";
    cert_jws_verify(&o->v, credential, strlen(credential), keys, n, now);
    rc = apply_store(o, r->svc);
  } else if (NULL != token) {
    const char *tok = NULL;
    size_t tlen = 0;
    o->form = "qr";
    if (0 == cert_qr_url_token(&tok, &tlen, token, strlen(token))) {
      rc = verify_qr(o, r->svc, tok, tlen, now);
    } else {
      o->v.verdict = CERT_NOT_GENUINE;
      snprintf(o->v.reason, sizeof o->v.reason, "not a QR token or QR URL");
    }
  } else {
    rc = by_serial(o, r->svc, serial, now);
  }
  int ret;
  if (0 != rc) {
    ret = reply_store_error(r, rc, __func__);
  } else {
    ret = reply_outcome_json(r, o);
  }
  free(o);
  return ret;
}
