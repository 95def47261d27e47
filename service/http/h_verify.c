/*
 * Public verification: the page a QR code opens (GET /V/<token>), the serial look-up form
 * (GET /verify, GET /verify?serial=...) and the JSON API (POST /api/verify with a
 * credential, a QR token or a serial). Pages need no JavaScript and state the verdict in
 * Indonesian and English; clients asking for JSON get the same result as data.
 *
 * The signature decides authenticity; the store adds only what a signature cannot know:
 * revocation, and the full transcript for a token that carries just the core claims.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/issue.h"
#include "common/keystore.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/i18n.h"
#include "http/layout.h"
#include "http/ratelimit.h"
#include "store/store.h"

/* What a verification found, whichever way it was asked. */
struct outcome {
  struct cert_verification v;
  const char *form;   /* "qr", "credential", "serial" */
  int64_t revoked_ms; /* when revoked */
  char revoked_reason[501];
};

/* The verdict in one language, from the message catalogue ("verify.verdict.<name>"). */
static const char *verdict_text(const char *lang, enum cert_verdict v) {
  char key[64];
  snprintf(key, sizeof key, "verify.verdict.%s", cert_verdict_name(v));
  return i18n(lang, key);
}

static void ymd(char *out, size_t size, int64_t t) {
  time_t tt = (time_t)t;
  struct tm tm;
  if (NULL == gmtime_r(&tt, &tm) || 0 == strftime(out, size, "%Y-%m-%d", &tm))
    snprintf(out, size, "?");
}

/* Adds the store's knowledge to a verification whose signature held: revocation, and the
 * complete claims (units, titles) from the stored credential when the token is short.
 * Returns 0, or a negative store_rc when the store could not be read. */
static int apply_store(struct outcome *o, struct svc *svc) {
  struct store_rd *rd = NULL;
  struct store_cert c;
  if (!o->v.claims_valid)
    return 0;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc)
    rc = store_cert_by_serial(rd, &c, o->v.claims.serial);
  store_rd_end(rd);
  if (STORE_NONE == rc)
    return 0; /* signed by us, but unknown here (e.g. an older database): trust the signature */
  if (STORE_OK != rc)
    return rc;
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
  }
  store_cert_clear(&c);
  return 0;
}

/* The QR token stored for the certificate that tok names, or NULL (unknown, unreadable, or
 * the store failed: then the token is simply verified in full). A token that is the very one
 * this service issued needs no signature check. The caller frees the result. */
static char *issued_qr_token(struct svc *svc, const char *tok, size_t len) {
  char serial[CERT_SERIAL_SIZE];
  struct store_rd *rd = NULL;
  struct store_cert c;
  char *issued = NULL;
  if (0 != cert_qr_token_serial(serial, tok, len) || 0 != cert_serial_parse(serial, NULL, serial))
    return NULL;
  if (STORE_OK != store_rd_begin(svc->store, &rd))
    return NULL;
  if (STORE_OK == store_cert_by_serial(rd, &c, serial)) {
    issued = c.qr_token;
    c.qr_token = NULL;
    store_cert_clear(&c);
  }
  store_rd_end(rd);
  return issued;
}

static const struct token_pubkey *keys_of(struct svc *svc, size_t *n) {
  *n = 0;
  return NULL == svc->keys ? NULL : keystore_public(svc->keys, n);
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
  if (STORE_OK == rc)
    rc = store_cert_by_serial(rd, &c, serial);
  store_rd_end(rd);
  if (STORE_NONE == rc) {
    snprintf(o->v.reason, sizeof o->v.reason, "no certificate with this number");
    return 0;
  }
  if (STORE_OK != rc)
    return rc;
  size_t n;
  const struct token_pubkey *keys = keys_of(svc, &n);
  cert_jws_verify_issued(&o->v, c.jws, strlen(c.jws), keys, n, now, c.jws);
  store_cert_clear(&c);
  return apply_store(o, svc);
}

static json_t *outcome_json(const struct outcome *o) {
  json_t *j = json_pack("{s:s, s:s, s:{s:s, s:s}}", "verdict", cert_verdict_name(o->v.verdict),
                        "form", o->form, "verdict_text", "id", verdict_text("id", o->v.verdict),
                        "en", verdict_text("en", o->v.verdict));
  if (NULL == j)
    return NULL;
  if (o->v.reason[0])
    json_object_set_new(j, "reason", json_string(o->v.reason));
  if (o->v.claims_valid)
    json_object_set_new(j, "certificate", issue_claims_json(&o->v.claims));
  if (CERT_REVOKED == o->v.verdict) {
    char when[16];
    ymd(when, sizeof when, o->revoked_ms / 1000);
    json_object_set_new(j, "revocation",
                        json_pack("{s:s, s:I, s:s}", "date", when, "at_ms",
                                  (json_int_t)o->revoked_ms, "reason", o->revoked_reason));
  }
  return j;
}

/* The verification page speaks Indonesian and English at once, whatever the visitor's
 * language: an employer abroad and a local one read the same page. Writes the catalogue
 * text of key in Indonesian, then in English marked lang="en". */
static void both(struct html *h, const char *key) {
  html_text(h, i18n("id", key));
  HTML_LIT(h, " <span lang=\"en\">/ ");
  html_text(h, i18n("en", key));
  HTML_LIT(h, "</span>");
}

static void row(struct html *h, const char *key, const char *value) {
  HTML_LIT(h, "<dt>");
  both(h, key);
  HTML_LIT(h, "</dt><dd>");
  html_text(h, value);
  HTML_LIT(h, "</dd>");
}

static void page_begin(struct html *h, struct req *r) {
  char title[160];
  snprintf(title, sizeof title, "%s / %s", i18n("id", "verify.title"), i18n("en", "verify.title"));
  layout_begin(h, r, title);
  HTML_LIT(h, "<h1>");
  both(h, "verify.title");
  HTML_LIT(h, "</h1>");
}

static void serial_form(struct html *h, const char *value) {
  HTML_LIT(h, "<form method=\"get\" action=\"/verify\" class=\"verify-form\">"
              "<label for=\"serial\">");
  both(h, "verify.number_label");
  HTML_LIT(h, "</label><input id=\"serial\" name=\"serial\" autocomplete=\"off\" "
              "spellcheck=\"false\" placeholder=\"UJK-XXXX-XXXX-XXXX-XXXX-X\" maxlength=\"64\"");
  html_attr(h, "value", value);
  HTML_LIT(h, "> <button type=\"submit\">");
  both(h, "verify.check");
  HTML_LIT(h, "</button></form>");
}

/* Both languages of a catalogue paragraph, each line its own. */
static void explain(struct html *h, const char *key) {
  HTML_LIT(h, "<p>");
  html_text(h, i18n("id", key));
  HTML_LIT(h, "<br><span lang=\"en\">");
  html_text(h, i18n("en", key));
  HTML_LIT(h, "</span></p>");
}

static int outcome_page(struct req *r, const struct outcome *o, const char *typed) {
  struct html *h = html_new();
  if (NULL == h)
    return reply_error(r, ERR_INTERNAL, NULL);
  page_begin(h, r);
  html_fmt(h, "<section class=\"verdict verdict-%s\" role=\"status\"><p class=\"verdict-text\">",
           cert_verdict_name(o->v.verdict));
  html_fmt(h, "<strong>%s</strong> / <strong lang=\"en\">%s</strong></p>",
           verdict_text("id", o->v.verdict), verdict_text("en", o->v.verdict));
  if (CERT_REVOKED == o->v.verdict) {
    char when[16];
    ymd(when, sizeof when, o->revoked_ms / 1000);
    HTML_LIT(h, "<p>");
    html_text_sub(h, i18n("id", "verify.explain.revoked"), "date", when, "reason",
                  o->revoked_reason, NULL);
    HTML_LIT(h, "<br><span lang=\"en\">");
    html_text_sub(h, i18n("en", "verify.explain.revoked"), "date", when, "reason",
                  o->revoked_reason, NULL);
    HTML_LIT(h, "</span></p>");
  } else if (CERT_EXPIRED == o->v.verdict) {
    explain(h, "verify.explain.expired");
  } else if (CERT_NOT_GENUINE == o->v.verdict) {
    explain(h, "verify.explain.not_genuine");
    if (o->v.reason[0])
      html_fmt(h, "<p class=\"verdict-reason\" lang=\"en\">(%s)</p>", o->v.reason);
  } else {
    explain(h, "verify.explain.genuine");
  }
  HTML_LIT(h, "</section>");
  if (o->v.claims_valid) {
    const struct cert_claims *c = &o->v.claims;
    char d1[16], d2[16], line[400];
    ymd(d1, sizeof d1, c->issued);
    ymd(d2, sizeof d2, c->expires);
    HTML_LIT(h, "<dl class=\"cert-claims\">");
    row(h, "verify.field.name", c->holder);
    row(h, "verify.field.number", c->serial);
    snprintf(line, sizeof line, "%s%s%s%s", c->subsector_name, c->subsector_name[0] ? " (" : "",
             c->subsector, c->subsector_name[0] ? ")" : "");
    row(h, "verify.field.subsector", line);
    snprintf(line, sizeof line, "%s%s%s%s", c->scheme_title, c->scheme_title[0] ? " (" : "",
             c->scheme_id, c->scheme_title[0] ? ")" : "");
    row(h, "verify.field.scheme", line);
    row(h, "verify.field.issued", d1);
    row(h, "verify.field.expires", d2);
    if (c->issuer_name[0])
      row(h, "verify.field.issuer", c->issuer_name);
    row(h, "verify.field.kid", c->kid);
    HTML_LIT(h, "</dl>");
    if (c->nunits > 0) {
      HTML_LIT(h, "<h2>");
      both(h, "verify.units");
      HTML_LIT(h, "</h2><table class=\"units\"><thead><tr><th scope=\"col\">");
      both(h, "verify.unit_code");
      HTML_LIT(h, "</th><th scope=\"col\">");
      both(h, "verify.unit_title");
      HTML_LIT(h, "</th></tr></thead><tbody>");
      for (size_t i = 0; i < c->nunits; i++)
        html_fmt(h, "<tr><td>%s</td><td>%s</td></tr>", c->units[i].code, c->units[i].title);
      HTML_LIT(h, "</tbody></table>");
    }
  }
  HTML_LIT(h, "<h2>");
  both(h, "verify.check_another");
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
    json_t *j = outcome_json(o);
    reply_header(r, "Cache-Control", "no-store");
    return NULL == j ? reply_error(r, ERR_INTERNAL, NULL) : reply_json(r, 200, j);
  }
  return outcome_page(r, o, typed);
}

int h_verify_qr(struct req *r) {
  struct outcome *o = calloc(1, sizeof *o);
  size_t n;
  if (NULL == o)
    return reply_error(r, ERR_INTERNAL, NULL);
  const struct token_pubkey *keys = keys_of(r->svc, &n);
  const char *tok = r->params[0];
  o->form = "qr";
  char *issued = issued_qr_token(r->svc, tok, strlen(tok));
  cert_qr_token_verify_issued(&o->v, tok, strlen(tok), keys, n, r->now_ms / 1000, issued);
  free(issued);
  int rc = apply_store(o, r->svc);
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
    if (NULL == h)
      return reply_error(r, ERR_INTERNAL, NULL);
    page_begin(h, r);
    explain(h, "verify.intro");
    serial_form(h, NULL);
    layout_end(h, r);
    return reply_html(r, 200, h);
  }
  if (RATELIMIT_OK != throttle_serial_lookup(r))
    return 0;
  struct outcome *o = calloc(1, sizeof *o);
  if (NULL == o)
    return reply_error(r, ERR_INTERNAL, NULL);
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
  if (!json_is_object(r->json) || 1 != given)
    return reply_error(r, ERR_INVALID_FIELD,
                       "Send exactly one of \"credential\", \"token\" or \"serial\" (strings).");
  if (NULL != serial && RATELIMIT_OK != throttle_serial_lookup(r))
    return 0;
  struct outcome *o = calloc(1, sizeof *o);
  if (NULL == o)
    return reply_error(r, ERR_INTERNAL, NULL);
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
      char *issued = issued_qr_token(r->svc, tok, tlen);
      cert_qr_token_verify_issued(&o->v, tok, tlen, keys, n, now, issued);
      free(issued);
    } else {
      o->v.verdict = CERT_NOT_GENUINE;
      snprintf(o->v.reason, sizeof o->v.reason, "not a QR token or QR URL");
    }
    rc = apply_store(o, r->svc);
  } else {
    rc = by_serial(o, r->svc, serial, now);
  }
  int ret;
  if (0 != rc) {
    ret = reply_store_error(r, rc, __func__);
  } else {
    json_t *j = outcome_json(o);
    ret = NULL == j ? reply_error(r, ERR_INTERNAL, NULL) : reply_json(r, 200, j);
  }
  free(o);
  return ret;
}
