/*
 * Delivery of a certificate to its holder: on the certificate's card of /me the credential
 * as JSON-LD and as JWT (downloads of the certificate routes), an "Add to LinkedIn" link
 * filled in with the certificate, and the public credential URL (/c/<token>) the holder may
 * make and end; the public page that URL opens (the verification page of the certificate,
 * with its live verdict) and the JSON routes making and ending it. The rules (only the
 * holder, audited) are common/share.c's.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/catalog.h"
#include "common/share.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/page_time.h"
#include "http/pager.h"
#include "ujikom/cert.h"
#include "ujikom/timefmt.h"

#define LINKEDIN_ADD "https://www.linkedin.com/profile/add"

/* The year and month (1..12) of secs as the holder's zone dates it. */
static bool year_month(char year[8], char month[4], int64_t secs, enum time_zone zone) {
  char date[TIME_TEXT_SIZE];
  if (10 != time_format_zone(date, sizeof date, secs, zone, TIME_DATE)) {
    return false;
  }
  snprintf(year, 8, "%.4s", date);
  bool one_digit = '0' == date[5]; /* "2026-03-…": month 3 */
  snprintf(month, 4, "%.*s", one_digit ? 1 : 2, date + (one_digit ? 6 : 5));
  return true;
}

bool share_linkedin_url(char *out, size_t cap, const struct share_linkedin *l) {
  char iy[8], im[4], ey[8], em[4];
  if (!year_month(iy, im, l->issued_s, l->zone) || !year_month(ey, em, l->expires_s, l->zone)) {
    return false;
  }
  const char *const params[][2] = {
      {"startTask", "CERTIFICATION_NAME"},
      {"name", l->name},
      {"organizationName", l->issuer},
      {"issueYear", iy},
      {"issueMonth", im},
      {"expirationYear", ey},
      {"expirationMonth", em},
      {"certUrl", l->cert_url},
      {"certId", l->serial},
  };
  bool ok = (size_t)snprintf(out, cap, "%s", LINKEDIN_ADD) < cap;
  for (size_t i = 0; ok && i < sizeof params / sizeof params[0]; i++) {
    ok = pager_add_param(out, cap, params[i][0], params[i][1]);
  }
  return ok;
}

/* An item of the card's link list: kind names it for scripts and tests; download (may be
 * NULL) is the file name to save under; an external link opens in a new tab. */
static void link_item(struct html *h, const char *kind, const char *href, const char *download,
                      const char *text) {
  HTML_LIT(h, "<li><a");
  html_attr(h, "data-kind", kind);
  html_attr_url(h, "href", href);
  if (NULL != download) {
    html_attr(h, "download", download);
  } else {
    HTML_LIT(h, " rel=\"noopener\" target=\"_blank\"");
  }
  HTML_LIT(h, ">");
  html_text(h, text);
  HTML_LIT(h, "</a></li>");
}

/* A download link of the credential in one form (ext "json" or "jwt"). */
static void credential_link(struct html *h, const struct req *r, const char *serial,
                            const char *ext, const char *key) {
  char href[96], name[64], kind[32];
  snprintf(href, sizeof href, "/api/certificates/%s/credential.%s", serial, ext);
  snprintf(name, sizeof name, "ujikom-%s.%s", serial, ext);
  snprintf(kind, sizeof kind, "credential-%s", ext);
  link_item(h, kind, href, name, L(r, key));
}

/* The share block: the URL and the form ending it, or the form making it (valid only). */
static void share_block(struct html *h, const struct req *r, const struct store_cert *c,
                        const struct store_share *s, bool valid, enum time_zone zone) {
  char action[96];
  HTML_LIT(h, "<div class=\"share\"><h4>");
  html_text(h, L(r, "me.share_title"));
  HTML_LIT(h, "</h4>");
  if (NULL == s && !valid) {
    html_fmt(h, "<p>%s</p></div>", L(r, "me.share_invalid"));
    return;
  }
  if (NULL == s) {
    html_fmt(h, "<p>%s</p>", L(r, "me.share_intro"));
    snprintf(action, sizeof action, "/me/certificates/%s/share", c->serial);
  } else {
    char url[SHARE_URL_MAX], since[TIME_TEXT_SIZE], id[48];
    snprintf(id, sizeof id, "share-%s", c->serial);
    if (!share_url(url, r->svc->cfg->public_url, s->token)) {
      url[0] = '\0';
    }
    page_time(since, sizeof since, s->created_ms, zone, false);
    html_fmt(h, "<label for=\"%s\">", id);
    html_text(h, L(r, "me.share_url"));
    HTML_LIT(h, "</label><input type=\"text\" readonly class=\"share-url\"");
    html_attr(h, "id", id);
    html_attr(h, "value", url);
    HTML_LIT(h, "><p class=\"hint\">");
    html_text_sub(h, L(r, "me.share_since"), "time", since, NULL);
    HTML_LIT(h, " <a");
    html_attr_url(h, "href", url);
    HTML_LIT(h, ">");
    html_text(h, L(r, "me.share_open"));
    HTML_LIT(h, "</a></p>");
    snprintf(action, sizeof action, "/me/certificates/%s/unshare", c->serial);
  }
  layout_post_form(h, r, action);
  html_fmt(h, "<button type=\"submit\" class=\"secondary\">%s</button></form></div>",
           L(r, NULL == s ? "me.share_create" : "me.share_remove"));
}

void h_share_delivery(struct html *h, struct req *r, const struct store_cert *c,
                      enum time_zone zone) {
  bool valid = 0 == strcmp(c->status, STORE_CERT_VALID);
  struct store_share s;
  int store_rc = STORE_OK;
  /* A store failure reads as "not shared": the card offers the form, whose post then
   * answers with the store's real state (the existing URL, or the failure). */
  bool shared = SHARE_OK == share_of(&s, r->svc, c->serial, &store_rc);
  if (valid) { /* as the PDF: handed out only while valid */
    credential_link(h, r, c->serial, "json", "me.cert_json");
    credential_link(h, r, c->serial, "jwt", "me.cert_jwt");
    const struct exam *x =
        NULL != r->svc->catalog ? catalog_current(r->svc->catalog, c->exam_id) : NULL;
    bool en = 0 == strcmp(r->lang, "en");
    char cert_url[SHARE_URL_MAX], link[2048];
    if (!shared || !share_url(cert_url, r->svc->cfg->public_url, s.token)) {
      snprintf(cert_url, sizeof cert_url, "%s/verify?serial=%s", r->svc->cfg->public_url,
               c->serial);
    }
    const struct share_linkedin l = {
        .name = NULL != x ? (en && NULL != x->title_en ? x->title_en : x->title) : c->exam_id,
        .issuer = r->svc->cfg->cert_issuer,
        .issued_s = c->issued_s,
        .expires_s = c->expires_s,
        .zone = zone,
        .cert_url = cert_url,
        .serial = c->serial};
    if (share_linkedin_url(link, sizeof link, &l)) {
      link_item(h, "linkedin", link, NULL, L(r, "me.cert_linkedin"));
    }
  }
  HTML_LIT(h, "</ul>");
  share_block(h, r, c, shared ? &s : NULL, valid, zone);
}

/* --- the holder's forms and the JSON routes ------------------------------------------ */

/* The answer to a share operation that did not succeed: not_found (an error code of the
 * JSON API) or, for a page (json false), the not-found page; a certificate that is not
 * valid 409; a store failure as such. */
static int share_failed(struct req *r, enum share_rc rc, int store_rc, bool json,
                        enum err not_found) {
  switch (rc) {
  case SHARE_NOT_FOUND:
    return json ? reply_error(r, not_found, NULL)
                : layout_message_page(r, 404, "page.not_found", "page.not_found_text");
  case SHARE_NOT_VALID:
    return json ? reply_error(r, ERR_CERT_NOT_VALID,
                              "A revoked or suspended certificate gets no public link.")
                : layout_message_page(r, 409, "me.share_title", "me.share_invalid");
  default:
    return reply_store_error(r, store_rc, __func__);
  }
}

/* POST /me/certificates/:serial/share: makes (or keeps) the public URL, back to the card. */
int h_page_share_create(struct req *r) {
  struct store_share s;
  bool created = false;
  int store_rc = STORE_OK;
  char back[96];
  enum share_rc rc = share_create(&s, &created, r->svc, r->user->id, r->params[0], &store_rc);
  if (SHARE_OK != rc) {
    return share_failed(r, rc, store_rc, false, ERR_NOT_FOUND);
  }
  snprintf(back, sizeof back, "/me?share=made#cert-%s", s.serial);
  return reply_redirect(r, back);
}

/* POST /me/certificates/:serial/unshare: ends the public URL, back to the card. */
int h_page_share_remove(struct req *r) {
  int store_rc = STORE_OK;
  enum share_rc rc = share_remove(r->svc, r->user->id, r->params[0], &store_rc);
  return SHARE_OK == rc ? reply_redirect(r, "/me?share=ended#certificates")
                        : share_failed(r, rc, store_rc, false, ERR_NOT_FOUND);
}

/* POST /api/certificates/:serial/share: 201 {"serial","url","created_at"} for a new URL,
 * 200 for the one that exists. */
int h_share_create(struct req *r) {
  struct store_share s;
  bool created = false;
  int store_rc = STORE_OK;
  char url[SHARE_URL_MAX], when[TIME_TEXT_SIZE];
  enum share_rc rc = share_create(&s, &created, r->svc, r->user->id, r->params[0], &store_rc);
  if (SHARE_OK != rc) {
    return share_failed(r, rc, store_rc, true, ERR_CERT_NOT_FOUND);
  }
  if (!share_url(url, r->svc->cfg->public_url, s.token) ||
      0 == time_format(when, sizeof when, s.created_ms / 1000, TIME_ISO)) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  return reply_json(
      r, created ? 201 : 200,
      json_pack("{s:s, s:s, s:s}", "serial", s.serial, "url", url, "created_at", when));
}

/* DELETE /api/certificates/:serial/share: 200 {"serial","shared":false}, or 404 when the
 * certificate is not the caller's or was not shared. */
int h_share_delete(struct req *r) {
  int store_rc = STORE_OK;
  char serial[26];
  enum share_rc rc = share_remove(r->svc, r->user->id, r->params[0], &store_rc);
  if (SHARE_OK != rc) {
    return share_failed(r, rc, store_rc, true, ERR_NOT_FOUND);
  }
  if (0 != cert_serial_parse(serial, NULL, r->params[0])) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  return reply_json(r, 200, json_pack("{s:s, s:b}", "serial", serial, "shared", 0));
}

/* GET /c/:token: the certificate a holder shared, with its live verdict (the verification
 * page); 404 for a URL that does not exist or was ended. Never indexed by search engines. */
int h_share_open(struct req *r) {
  char serial[26];
  int store_rc = STORE_OK;
  switch (share_open(serial, r->svc, r->params[0], &store_rc)) {
  case SHARE_OK:
    reply_header(r, "X-Robots-Tag", "noindex");
    return h_verify_serial_page(r, serial);
  case SHARE_NOT_FOUND:
    return layout_message_page(r, 404, "verify.share_gone_title", "verify.share_gone_text");
  default:
    return reply_store_error(r, store_rc, __func__);
  }
}
