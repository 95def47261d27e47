/*
 * Every handler, declared once, grouped by resource file (service/http/h_<resource>.c).
 * Add your declarations inside your resource's group.
 */
#ifndef UJIKOM_HANDLERS_H
#define UJIKOM_HANDLERS_H

#include "common/accounts.h"
#include "common/recovery.h"
#include "common/reviews.h"
#include "http/http.h"
#include "store/store.h"

struct exam; /* include/ujikom/exam.h */

/* --- health (h_health.c) --- */
int h_healthz(struct req *r);
int h_readyz(struct req *r);

/* --- auth (h_auth.c) --- */
int h_auth_register(struct req *r);
int h_auth_login(struct req *r);
int h_auth_logout(struct req *r);
int h_auth_logout_all(struct req *r);
int h_auth_me(struct req *r);
int h_auth_password(struct req *r);
int h_auth_login_totp(struct req *r);
int h_auth_second_factor(struct req *r);
int h_auth_second_factor_enrol(struct req *r);
int h_auth_second_factor_confirm(struct req *r);
/* Registers a candidate (the JSON API and the registration page both come here): the
 * accounts module's checks, then the per-address registration limit, then the account.
 * Returns 0 with *out_id, or -1 after replying (400/409/429/503...). */
int h_auth_register_account(struct req *r, const char *name, const char *email,
                            const char *password, int64_t *out_id);
/* The same for the registration page: a refusal of what was typed (name, e-mail, a missing or
 * weak password, an e-mail already registered) is not answered: -2 with *out_refused (and
 * *out_verdict for a weak password), so the page shows its form again with the reason. */
int h_auth_register_form(struct req *r, const char *name, const char *email, const char *password,
                         int64_t *out_id, enum accounts_rc *out_refused,
                         enum password_policy_verdict *out_verdict);

/* --- test events (h_schedules.c, h_page_admin_schedule.c) --- */
int h_schedules_create(struct req *r);
int h_schedules_list(struct req *r);
int h_schedules_get(struct req *r);
int h_schedules_attendance(struct req *r);
int h_schedules_import(struct req *r);
int h_schedules_blank_request(struct req *r);
int h_schedules_minutes(struct req *r);
int h_schedules_results(struct req *r);
int h_schedules_template_csv(struct req *r);
int h_schedules_template_xlsx(struct req *r);
int h_schedules_mine(struct req *r);
int h_page_admin_schedules(struct req *r);
int h_page_admin_schedule(struct req *r);
/* A schedule as the API writes it (staff: with its session code). */
struct store_schedule;
json_t *schedule_to_json(const struct store_schedule *s, bool staff);

/* --- exams and attempts (h_subsectors.c, h_exams.c, h_attempts.c) --- */
int h_subsectors_list(struct req *r);
int h_exams_list(struct req *r);
int h_exams_get(struct req *r);
int h_attempts_start(struct req *r);
int h_attempts_list(struct req *r);
int h_attempts_get(struct req *r);
int h_attempts_save_answer(struct req *r);
int h_attempts_flag(struct req *r);
int h_attempts_time_zone(struct req *r);
int h_attempts_submit(struct req *r);
int h_attempts_result(struct req *r);
/* The attempt summary document ({"id":..,"exam_id":..,...,"verdict":..}) written to b
 * WITHOUT its closing brace, so that a caller can add members: the one writer of it, for
 * every attempts answer. Not a handler; declared for its test against jansson. */
struct jtext;
struct store_attempt;
void attempt_summary_text(struct jtext *b, const struct svc *svc, const struct store_attempt *a,
                          int64_t now_ms);

/* --- certificates and verification (h_certificates.c, h_verify.c, h_jwks.c) --- */
int h_jwks(struct req *r);
int h_cert_list(struct req *r);
int h_cert_get(struct req *r);
int h_cert_credential(struct req *r);
int h_cert_qr_png(struct req *r);
int h_cert_qr_svg(struct req *r);
int h_cert_pdf(struct req *r);
/* --- the transparency log (h_log.c) --- */
int h_log_checkpoint(struct req *r);
int h_log_key(struct req *r);
int h_log_tile(struct req *r);
int h_log_proof(struct req *r);
int h_cert_revoke(struct req *r);
int h_cert_suspend(struct req *r);
int h_cert_reinstate(struct req *r);
int h_status_revocation(struct req *r);
int h_status_suspension(struct req *r);
int h_cert_issue(struct req *r);
int h_verify_qr(struct req *r);
/* Builds the verification page's texts (from the catalogues, so after i18n_init), once, at
 * start-up (http_init). */
void h_verify_init(void);
int h_verify_page(struct req *r);
int h_verify_api(struct req *r);

/* --- reviews, appeals, admin (h_reviews.c, h_appeals.c, h_admin.c) --- */
int h_reviews_queue(struct req *r);
int h_reviews_claim(struct req *r);
int h_reviews_get(struct req *r);
int h_reviews_decide(struct req *r);
int h_reviews_item_marks(struct req *r);     /* marks for one item ahead of the decision */
int h_admin_attempt_decision(struct req *r); /* in h_reviews.c: shares the decision code */
int h_reviews_feedback(struct req *r);       /* the candidate's view of the decision */
/* Answers a refused or failed reviews operation with its registry error (h_reviews.c);
 * what names the caller in the log of a store failure. */
int reply_reviews(struct req *r, enum reviews_rc rc, const struct reviews_err *err,
                  const char *what);
int h_appeals_create(struct req *r);
int h_appeals_list(struct req *r);
int h_appeals_assign(struct req *r);
int h_admin_users_create(struct req *r);
int h_admin_users_list(struct req *r);
int h_admin_users_disable(struct req *r);
int h_admin_users_reset_second_factor(struct req *r);
int h_admin_attempts_list(struct req *r);
int h_admin_attempts_extra_time(struct req *r);
int h_admin_analysis(struct req *r);
int h_admin_audit_list(struct req *r);
int h_admin_audit_verify(struct req *r);
int h_admin_users_extra_time(struct req *r);
int h_admin_analysis_csv(struct req *r);
/* Builds the item analysis of the exam in the request's first parameter into *rep (free with
 * analysis_report_free); false when it answered a refusal or failure instead. */
struct analysis_report;
bool h_admin_analysis_load(struct req *r, struct analysis_report *rep);
/* The audit log's filters and cursor from the request's query (actor, action, subject,
 * from, to: dates YYYY-MM-DD, to included; before): false when it answered a bad value. */
struct h_audit_query {
  struct store_audit_filter f;
  int64_t before;
};
bool h_admin_audit_query(struct req *r, struct h_audit_query *q);

/* --- password-reset links (h_recovery.c; pages in h_page_reset.c) --- */
int h_recovery_admin_link(struct req *r);
int h_recovery_reset(struct req *r);
int h_recovery_request_api(struct req *r);
/* Answers a refused or failed recovery operation with its registry error (429 with
 * Retry-After retry_s for RECOVERY_RATE_LIMITED). */
int reply_recovery(struct req *r, enum recovery_rc rc, enum password_policy_verdict strength,
                   int store_rc, int64_t retry_s);
/* Issues a link for the account of path parameter :id as the request's administrator:
 * 0 with *out (wipe out->url after use), or -1 after replying. */
int h_recovery_issue(struct req *r, struct recovery_link *out);
/* Redeems token with password and clears the account's login back-off (the recovery
 * module's outcome; nothing replied). */
enum recovery_rc h_recovery_redeem(struct req *r, const char *token, const char *password,
                                   enum password_policy_verdict *out_strength, int *out_store_rc);
/* Asks for a link by e-mail: 0 when accepted (the same for every address; nothing replied),
 * or -1 after replying (404 without --smtp-url, 400, 429, 503). */
int h_recovery_request(struct req *r, const char *email);

/* --- pages and static assets (h_page_*.c, h_static.c, h_lang.c) --- */
int h_favicon(struct req *r);
int h_static(struct req *r);
int h_lang(struct req *r);
int h_page_login_form(struct req *r);
int h_page_login(struct req *r);
int h_page_login_totp(struct req *r);
int h_page_register_form(struct req *r);
int h_page_password_form(struct req *r);
int h_page_password(struct req *r);
int h_page_register(struct req *r);
int h_page_logout(struct req *r);
int h_page_home(struct req *r);
int h_page_me(struct req *r);
int h_page_me_time_zone(struct req *r);
int h_page_second_factor(struct req *r);
int h_page_second_factor_enrol(struct req *r);
int h_page_second_factor_confirm(struct req *r);
int h_page_exam_prestart(struct req *r);
int h_page_exam_start(struct req *r);
int h_page_attempt(struct req *r);
int h_page_attempt_save(struct req *r);
int h_page_attempt_review(struct req *r);
int h_page_attempt_submit(struct req *r);
int h_page_review_queue(struct req *r);
int h_page_marking(struct req *r); /* marking by question (h_page_review.c) */
int h_page_review(struct req *r);
int h_page_admin(struct req *r);
int h_page_admin_disable_confirm(struct req *r);
int h_page_admin_2fa_reset_confirm(struct req *r);
int h_page_admin_revoke_confirm(struct req *r);
int h_page_admin_suspend_confirm(struct req *r);
int h_page_admin_reinstate_confirm(struct req *r);
int h_page_admin_extra_time(struct req *r);
int h_page_admin_audit(struct req *r);
int h_page_admin_analysis(struct req *r);
/* The account forms' pieces (h_page_auth.c), for the other account pages: opens a form page
 * (heading, the error's catalogue key if any, the form posting to action; NULL when out of
 * memory), writes a labelled input, and closes the form with its button and a link. */
struct html;
struct html *auth_form_begin(const struct req *r, const char *title_key, const char *error_key,
                             const char *action);
void auth_form_field(struct html *h, const char *id, const char *type, const char *label,
                     const char *hint, const char *value, const char *autocomplete);
int auth_form_end(struct req *r, struct html *h, unsigned status, const char *submit_key,
                  const char *link, const char *link_key);
int h_page_reset_request_form(struct req *r);
int h_page_reset_request(struct req *r);
int h_page_reset_form(struct req *r);
int h_page_reset(struct req *r);
int h_page_admin_reset_link(struct req *r);
/* A form that acts through the JSON API (h_page_forms.c): turns the url-encoded fields into
 * the JSON body api expects and runs api on it (routes flagged ROUTE_FORM). */
int h_page_form_bridge(struct req *r, handler_fn api);

#endif
