/*
 * The attendance list of a schedule (daftar hadir) for the TUK, printable on A4: each enrolled
 * candidate with name and e-mail, the check-in code and a column for the signature. Right
 * after codes are made (POST) the page carries them, the only time they are ever shown; asked
 * for again (GET), it says who has a code and who has used it, never a code.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/checkin.h"
#include "common/schedule.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/layout_reply.h"
#include "http/page_time.h"

/* The code made for user now, if any. */
static const char *new_code(const struct checkin_issued *codes, size_t n, int64_t user) {
  for (size_t i = 0; i < n; i++) {
    if (codes[i].user_id == user) {
      return codes[i].code;
    }
  }
  return NULL;
}

/* The state of user's codes in states (ordered by user id). */
static const struct store_checkin_state *state_of(const struct store_checkin_state *states,
                                                  size_t n, int64_t user) {
  for (size_t i = 0; i < n; i++) {
    if (states[i].user_id == user) {
      return &states[i];
    }
  }
  return NULL;
}

/* The code cell: the code just made, else where the candidate stands. */
static void code_cell(struct html *h, const struct req *r, const char *code,
                      const struct store_checkin_state *st, enum time_zone z) {
  char when[48];
  if (NULL != code) {
    HTML_LIT(h, "<td class=\"code\"><code>");
    html_text(h, code);
    HTML_LIT(h, "</code></td>");
    return;
  }
  HTML_LIT(h, "<td>");
  if (NULL != st && 0 != st->used_ms) {
    page_time(when, sizeof when, st->used_ms, z, false);
    html_text_sub(h, L(r, "attendance.used"), "time", when, NULL);
    if (0 != st->unused) {
      html_fmt(h, "; %s", L(r, "attendance.unused"));
    }
  } else if (NULL != st && 0 != st->unused) {
    html_text(h, L(r, "attendance.unused"));
  } else {
    html_text(h, L(r, "attendance.none"));
  }
  HTML_LIT(h, "</td>");
}

/* The page: the schedule's facts, the list, and (codes given) the warning that they are shown
 * this once. */
static int attendance_page(struct req *r, const struct checkin_issued *codes, size_t ncodes,
                           bool made) {
  int64_t id = 0;
  int store_rc = STORE_OK;
  struct store_schedule s;
  struct store_enrolment *batch = NULL, *assessors = NULL;
  struct store_checkin_state *states = NULL;
  size_t nb = 0, na = 0, ns = 0;
  if (!parse_id(r->params[0], &id)) {
    return reply_error(r, ERR_SCHEDULE_NOT_FOUND, NULL);
  }
  enum schedule_rc rc = schedule_get(&s, r->svc, r->user->id, r->user->role, id, &store_rc);
  if (SCHEDULE_OK == rc) {
    rc = schedule_batch(&batch, &nb, &assessors, &na, r->svc, r->user->id, r->user->role, id,
                        &store_rc);
  }
  if (SCHEDULE_NOT_FOUND == rc) {
    return reply_error(r, ERR_SCHEDULE_NOT_FOUND, NULL);
  }
  if (SCHEDULE_OK != rc || CHECKIN_OK != checkin_states(&states, &ns, r->svc, r->user->id,
                                                        r->user->role, id, &store_rc)) {
    store_enrolment_list_free(batch, nb);
    store_enrolment_list_free(assessors, na);
    return layout_store_error(r, store_rc);
  }
  enum time_zone z = TIME_ZONE_WIB;
  (void)time_zone_parse(s.time_zone, &z);
  char opens[48], closes[48], back[64];
  page_time(opens, sizeof opens, s.opens_ms, z, false);
  page_time(closes, sizeof closes, s.closes_ms, z, false);
  struct html *h = layout_page_new(r, "attendance.title", NULL);
  if (NULL != h) {
    HTML_LIT(h, "<div class=\"attendance\"><p class=\"lead\">");
    html_text(h, s.title);
    HTML_LIT(h, "</p><p>");
    html_text_sub(h, L(r, "attendance.facts"), "tuk", s.tuk_name, "opens", opens, "closes", closes,
                  NULL);
    HTML_LIT(h, "</p>");
    if (made) {
      char n[32];
      snprintf(n, sizeof n, "%zu", ncodes);
      HTML_LIT(h, "<p class=\"notice no-print\" role=\"status\">");
      html_text_sub(h, L(r, "attendance.made"), "n", n, NULL);
      HTML_LIT(h, "</p>");
    }
    html_fmt(h, "<p class=\"hint\">%s</p>", L(r, "attendance.how"));
    static const char *const cols[] = {"attendance.name", "attendance.email", "attendance.code",
                                       "attendance.signature"};
    layout_table_begin(h, r, true, cols, sizeof cols / sizeof cols[0]);
    for (size_t i = 0; i < nb; i++) {
      html_fmt(h, "<tr><td>%zu</td><td>", i + 1);
      html_text(h, batch[i].name);
      HTML_LIT(h, "</td><td>");
      html_text(h, batch[i].email);
      HTML_LIT(h, "</td>");
      const char *code = new_code(codes, ncodes, batch[i].user_id);
      code_cell(h, r, code, state_of(states, ns, batch[i].user_id), z);
      if (NULL == code) {
        /* A new code for this candidate alone (a lost paper, a code someone else used). */
        char action[80], uid[24], label[PERSON_NAME_SIZE + 64];
        snprintf(action, sizeof action, "/admin/schedules/%" PRId64 "/checkin-codes", id);
        snprintf(uid, sizeof uid, "%" PRId64, batch[i].user_id);
        HTML_LIT(h, "<td class=\"sign\">");
        layout_post_form(h, r, action);
        html_hidden(h, "user_id", uid);
        HTML_LIT(h, "<button type=\"submit\" class=\"no-print\"");
        snprintf(label, sizeof label, "%s: %s", L(r, "attendance.new_one"), batch[i].name);
        html_attr(h, "aria-label", label);
        HTML_LIT(h, ">");
        html_text(h, L(r, "attendance.new_one"));
        HTML_LIT(h, "</button></form></td></tr>");
      } else {
        HTML_LIT(h, "<td class=\"sign\"></td></tr>");
      }
    }
    HTML_LIT(h, "</tbody></table></div>");
    /* Codes for those who have none (after a log-out, say) are made from here again. */
    char action[80];
    snprintf(action, sizeof action, "/admin/schedules/%" PRId64 "/checkin-codes", id);
    layout_post_form(h, r, action);
    html_fmt(h, "<p class=\"no-print\"><button type=\"submit\">%s</button></p></form>",
             L(r, "attendance.make"));
  }
  store_enrolment_list_free(batch, nb);
  store_enrolment_list_free(assessors, na);
  store_checkin_states_free(states, ns);
  if (NULL == h) {
    return layout_reply(r, 500, NULL);
  }
  reply_header(r, "Cache-Control", "no-store");
  snprintf(back, sizeof back, "/admin/schedules/%" PRId64, id);
  return layout_reply_with_back(r, h, back);
}

int h_page_attendance_list(struct req *r) {
  return attendance_page(r, NULL, 0, false);
}

int h_page_checkin_codes(struct req *r) {
  int64_t id = 0, user = 0;
  int store_rc = STORE_OK;
  if (!parse_id(r->params[0], &id)) {
    return reply_error(r, ERR_SCHEDULE_NOT_FOUND, NULL);
  }
  const char *one = req_form(r, "user_id");
  if (NULL != one && '\0' != one[0] && !parse_id(one, &user)) {
    return reply_error(r, ERR_INVALID_FIELD, "user_id: a candidate's id.");
  }
  struct checkin_issued *codes = NULL;
  size_t n = 0;
  enum checkin_rc rc =
      checkin_codes_make(&codes, &n, r->svc, r->user->id, r->user->role, id, user, &store_rc);
  if (CHECKIN_NOT_FOUND == rc) {
    return reply_error(r, ERR_SCHEDULE_NOT_FOUND, NULL);
  }
  if (CHECKIN_NOT_ENROLLED == rc) {
    return reply_error(r, ERR_NOT_ENROLLED, NULL);
  }
  if (CHECKIN_OK != rc) {
    return CHECKIN_STORE_FAILED == rc ? layout_store_error(r, store_rc)
                                      : reply_error(r, ERR_INTERNAL, NULL);
  }
  int ret = attendance_page(r, codes, n, true);
  checkin_issued_free(codes, n);
  return ret;
}
