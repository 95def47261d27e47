/*
 * Re-certification for the holder: the reminder on a certificate's card of /me (from the
 * re-certification window on), the links between a certificate and the one that renewed
 * it, and the form and JSON route opening a re-certification. The rules are common/recert.c's.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/recert.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/layout_reply.h"
#include "http/page_time.h"
#include "ujikom/timefmt.h"

/* A line naming another certificate with its verification link ({serial} in key's text). */
static void linked_serial(struct html *h, const struct req *r, const char *cls, const char *key,
                          const char *serial) {
  char href[64];
  snprintf(href, sizeof href, "/verify?serial=%s", serial);
  html_fmt(h, "<p class=\"%s\">", cls);
  html_text(h, L(r, key));
  HTML_LIT(h, " <a");
  html_attr_url(h, "href", href);
  HTML_LIT(h, ">");
  html_text(h, serial);
  HTML_LIT(h, "</a></p>");
}

/* The reminder of a valid certificate inside the window, with the way to re-certify: the
 * start page when the re-certification is open, else the form opening it. */
static void reminder(struct html *h, const struct req *r, const struct store_cert *c,
                     const struct store_recert *open, enum time_zone zone) {
  char when[TIME_TEXT_SIZE], days[24];
  page_time(when, sizeof when, c->expires_s * 1000, zone, true);
  int64_t left = recert_days_left(c->expires_s, r->now_ms);
  snprintf(days, sizeof days, "%lld", (long long)left);
  html_fmt(h, "<div class=\"notice warn recert\" id=\"recert-%s\"><p>", c->serial);
  html_text_sub(h, 0 == left ? L(r, "me.recert_expired") : LN(r, "me.recert_due", left), "days",
                days, "date", when, NULL);
  HTML_LIT(h, "</p>");
  if (NULL != open) {
    char href[96];
    snprintf(href, sizeof href, "/exams/%s/start", open->exam_id);
    HTML_LIT(h, "<p><a data-kind=\"recert-start\"");
    html_attr_url(h, "href", href);
    HTML_LIT(h, ">");
    html_text(h, L(r, "me.recert_continue"));
    HTML_LIT(h, "</a></p></div>");
    return;
  }
  char action[96];
  snprintf(action, sizeof action, "/me/certificates/%s/recertify", c->serial);
  layout_post_form(h, r, action);
  html_fmt(h, "<button type=\"submit\" data-kind=\"recert-open\">%s</button></form></div>",
           L(r, "me.recert_start"));
}

void h_recert_card(struct html *h, const struct req *r, const struct store_cert *c,
                   const struct store_recert *list, size_t n, enum time_zone zone) {
  const struct store_recert *mine = NULL; /* the re-certification of c, if opened */
  for (size_t i = 0; i < n; i++) {
    if (0 == strcmp(list[i].new_serial, c->serial)) {
      linked_serial(h, r, "recert-link recertifies", "me.recert_renews", list[i].old_serial);
    }
    if (0 == strcmp(list[i].old_serial, c->serial)) {
      mine = &list[i];
    }
  }
  if (NULL != mine && mine->new_serial[0]) {
    linked_serial(h, r, "recert-link renewed", "me.recert_renewed_by", mine->new_serial);
    return;
  }
  if (0 == strcmp(c->status, STORE_CERT_VALID) &&
      recert_days_left(c->expires_s, r->now_ms) <= recert_window_days(r->svc->cfg)) {
    reminder(h, r, c, mine, zone);
  }
}

/* The refusals after "not found" (409), by outcome: the registry's error and the page text. */
static const struct {
  enum err code;
  const char *key;
} refusals[] = {
    [RECERT_NOT_VALID] = {ERR_CERT_NOT_VALID, "me.recert_not_valid"},
    [RECERT_NOT_YET] = {ERR_RECERT_NOT_YET, "me.recert_not_yet"},
    [RECERT_RENEWED] = {ERR_RECERT_RENEWED, "me.recert_renewed"},
    [RECERT_EXAM_GONE] = {ERR_RECERT_EXAM_GONE, "me.recert_exam_gone"},
};

/* The answer to a refused or failed opening: JSON (an error of the registry) or a page. */
static int recert_failed(struct req *r, enum recert_rc rc, int store_rc, bool json) {
  if (RECERT_NOT_FOUND == rc) {
    return json ? reply_error(r, ERR_CERT_NOT_FOUND, NULL)
                : layout_message_page(r, 404, "page.not_found", "page.not_found_text");
  }
  if ((size_t)rc < sizeof refusals / sizeof refusals[0] && NULL != refusals[rc].key) {
    return json ? reply_error(r, refusals[rc].code, NULL)
                : layout_message_page(r, 409, "me.recert_title", refusals[rc].key);
  }
  return reply_store_error(r, store_rc, __func__);
}

/* POST /me/certificates/:serial/recertify: opens (or keeps) it, on to the exam's start page. */
int h_page_recert_open(struct req *r) {
  struct store_recert rc_out;
  bool created = false;
  int store_rc = STORE_OK;
  enum recert_rc rc =
      recert_open(&rc_out, &created, r->svc, r->user->id, r->params[0], r->now_ms, &store_rc);
  if (RECERT_OK != rc) {
    return recert_failed(r, rc, store_rc, false);
  }
  char next[96];
  snprintf(next, sizeof next, "/exams/%s/start", rc_out.exam_id);
  return reply_redirect(r, next);
}

/* POST /api/certificates/:serial/recertify: 201 {"serial","exam","start","opened_at"} when
 * opened now, 200 when it was open already. */
int h_recert_open(struct req *r) {
  struct store_recert o;
  bool created = false;
  int store_rc = STORE_OK;
  char when[TIME_TEXT_SIZE], start[96];
  enum recert_rc rc =
      recert_open(&o, &created, r->svc, r->user->id, r->params[0], r->now_ms, &store_rc);
  if (RECERT_OK != rc) {
    return recert_failed(r, rc, store_rc, true);
  }
  if (0 == time_format(when, sizeof when, o.opened_ms / 1000, TIME_ISO)) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  snprintf(start, sizeof start, "/exams/%s/start", o.exam_id);
  return reply_json(r, created ? 201 : 200,
                    json_pack("{s:s, s:s, s:s, s:s}", "serial", o.old_serial, "exam", o.exam_id,
                              "start", start, "opened_at", when));
}
