/*
 * Every handler, declared once, grouped by resource file (service/http/h_<resource>.c).
 * Add your declarations inside your resource's group.
 */
#ifndef UJIKOM_HANDLERS_H
#define UJIKOM_HANDLERS_H

#include "common/accounts.h"
#include "common/application.h"
#include "common/complaints.h"
#include "common/email_change.h"
#include "common/observation.h"
#include "common/recovery.h"
#include "common/reviews.h"
#include "http/http.h"
#include "store/store.h"
#include "ujikom/timefmt.h"

struct exam; /* include/ujikom/exam.h */

/* --- health (h_health.c) --- */
int h_healthz(struct req *r);
int h_readyz(struct req *r);

/* --- auth (h_auth.c) --- */
int h_auth_register(struct req *r);
int h_auth_login(struct req *r);
/* POST /api/checkin: a one-time code from the TUK starts a session scoped to its exam. */
int h_checkin(struct req *r);
int h_auth_logout(struct req *r);
int h_auth_logout_all(struct req *r);
int h_auth_logout_others(struct req *r);
int h_auth_session_end(struct req *r);
int h_auth_sessions(struct req *r);
int h_page_sessions(struct req *r); /* the holder's sessions (h_page_sessions.c) */
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
int h_checkin_codes(struct req *r);
int h_schedules_import(struct req *r);
int h_schedules_blank_request(struct req *r);
int h_schedules_minutes(struct req *r);
int h_schedules_results(struct req *r);
int h_schedules_template_csv(struct req *r);
int h_schedules_template_xlsx(struct req *r);
int h_schedules_mine(struct req *r);
int h_page_admin_schedules(struct req *r);
int h_page_admin_schedule(struct req *r);
/* The attendance list: with the codes just made (POST), or who has one and used it (GET). */
int h_page_checkin_codes(struct req *r);
int h_page_attendance_list(struct req *r);

/* --- item banks (h_item_bank.c, h_page_admin_item_bank.c) --- */
int h_item_bank_import(struct req *r);
int h_item_bank_template(struct req *r);
int h_item_bank_export_qti(struct req *r);
int h_page_admin_item_bank(struct req *r);

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

/* --- evidence uploads and files (h_evidence.c) --- */
int h_evidence_create(struct req *r);
int h_evidence_upload_get(struct req *r);
int h_evidence_upload_put(struct req *r);
int h_evidence_upload_complete(struct req *r);
int h_evidence_file(struct req *r);
int h_evidence_preview(struct req *r);
int h_evidence_application_create(struct req *r);
int h_evidence_application_file(struct req *r);
int h_evidence_application_preview(struct req *r);
int h_evidence_observation_create(struct req *r);
int h_evidence_observation_file(struct req *r);
int h_evidence_observation_preview(struct req *r);
int h_evidence_remove(struct req *r);
int h_evidence_application_remove(struct req *r);
/* The reasons an owner's limits are answered with (evidence_too_large, evidence_too_many):
 * index 0 (an item's) is NULL, then "application", "observation", then a NULL end; each has
 * reason.<error>.<reason> in both catalogues (checked by the tests). */
extern const char *const h_evidence_owner_reasons[];

/* --- certificates and verification (h_certificates.c, h_verify.c, h_jwks.c) --- */
int h_jwks(struct req *r);
/* h_did.c */
int h_did_document(struct req *r);
int h_key_jwk(struct req *r);
int h_cert_list(struct req *r);
int h_cert_get(struct req *r);
int h_cert_credential(struct req *r);
/* Loads the certificate named by the :serial parameter if the caller may see it (its holder
 * or an admin; anybody else gets 404). On success returns 0 with *out filled
 * (store_cert_clear); otherwise has replied and returns 1 with the reply's value in *replied. */
int cert_load_visible(struct req *r, struct store_cert *out, int *replied);
/* A revoked or suspended certificate's credentials and PDF are not handed out as if valid:
 * true, having replied 409, when c is not valid (c is then cleared). */
bool cert_refused_not_valid(struct req *r, struct store_cert *c, int *replied);
/* --- OB 3.0 credentials (h_credential.c) --- */
int h_cert_credential_json(struct req *r);
int h_cert_credential_jwt(struct req *r);
int h_me_did(struct req *r);
/* h_personal_data.c: a person's data as one JSON download, their own (GET /api/me/data) or
 * made by an administrator (GET /api/admin/users/:id/data) */
int h_me_data(struct req *r);
int h_admin_users_data(struct req *r);
/* --- the public pages of exam schemes and their SKKNI units (h_page_skkni.c) --- */
int h_page_skkni_scheme(struct req *r);
int h_page_skkni_unit(struct req *r);
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
/* The verification page (or JSON, as the client asks) of a canonical serial, without the
 * look-up limit of typed serials: for callers that hold a capability to it. */
int h_verify_serial_page(struct req *r, const char *serial);

/* --- delivery to the holder and public credential URLs (h_share.c) --- */
struct html;
/* The certificate card's delivery on /me, inside its open <ul class="links">: the JSON-LD
 * and JWT downloads and "Add to LinkedIn" (while valid), then closes the list and adds the
 * public URL block (its URL and the form ending it, or the form making it). */
void h_share_delivery(struct html *h, struct req *r, const struct store_cert *c,
                      enum time_zone zone);
/* What the "Add to LinkedIn" URL is made of. */
struct share_linkedin {
  const char *name;   /* the certification's name */
  const char *issuer; /* the organisation */
  int64_t issued_s;   /* dates, as year and month in zone */
  int64_t expires_s;
  enum time_zone zone;
  const char *cert_url; /* where the credential can be seen */
  const char *serial;   /* the credential id */
};
/* LinkedIn's add-to-profile URL for l, every value percent-encoded, into out; false when it
 * does not fit. */
bool share_linkedin_url(char *out, size_t cap, const struct share_linkedin *l);
int h_page_share_create(struct req *r);
int h_page_share_remove(struct req *r);
int h_share_create(struct req *r);
int h_share_delete(struct req *r);
int h_share_open(struct req *r);

/* --- re-certification (h_recert.c) --- */
struct store_recert;
/* The re-certification part of a certificate card on /me: the certificate it renews, the one
 * that renewed it, or (valid, inside the window) the reminder with the way to re-certify.
 * list: the holder's re-certifications (store_recert_list_user). */
void h_recert_card(struct html *h, const struct req *r, const struct store_cert *c,
                   const struct store_recert *list, size_t n, enum time_zone zone);
int h_page_recert_open(struct req *r);
int h_recert_open(struct req *r);

/* --- complaints: the JSON API (h_complaints.c) and the pages (h_page_complaints.c) --- */
int h_complaints_create(struct req *r);
int h_complaints_status(struct req *r);
int h_complaints_reply(struct req *r);
int h_complaints_mine(struct req *r);
int h_complaints_list(struct req *r);
int h_complaints_csv(struct req *r);
int h_complaints_get(struct req *r);
int h_complaints_take(struct req *r);
int h_complaints_note(struct req *r);
int h_complaints_close(struct req *r);
int h_page_complaint_form(struct req *r);
int h_page_complaint_lodge(struct req *r);
int h_page_complaint_status(struct req *r);
/* POST /pengaduan/:token/balas: the complainant's reply from the status page (303 back to it
 * with a notice, or the page again with 400 and what was typed). */
int h_page_complaint_reply(struct req *r);
int h_page_admin_complaints(struct req *r);
int h_page_admin_complaint(struct req *r);
/* GET /admin/complaints/:id/close: the confirmation (outcome and text) of closing for good. */
int h_page_admin_complaint_close(struct req *r);
/* The quota of lodging complaints and replying to them (--complaints-per-hour), in one
 * bucket: the caller's account when signed in (a test site's cohort behind one address then
 * does not share one), else their client address. key holds the bucket's name while q is
 * used. A lodging or reply refused by it (COMPLAINTS_LIMITED) is answered with
 * h_complaints_limited: 429 with Retry-After. */
#define H_COMPLAINTS_KEY_MAX 160
void h_complaints_quota(struct complaints_quota *q, char key[H_COMPLAINTS_KEY_MAX],
                        const struct req *r);
int h_complaints_limited(struct req *r, const struct complaints_quota *q);
/* A complaint lodged signed in is the account's, in its name and to its e-mail address unless
 * others were given (the API and the page form alike). */
void h_complaints_as_account(const struct req *r, struct complaints_lodging *in);
/* Answers a complaints operation that did not succeed (rc not COMPLAINTS_OK): the refused
 * field's why (400), the registry's complaint errors, or the store's failure (503/500, logged
 * with what). */
int h_complaints_refused(struct req *r, enum complaints_rc rc, const char *why, int store_rc,
                         const char *what);
/* One page of the staff list of complaints, as the query asks it (?status=, ?before=), for the
 * JSON list and the admin page alike. */
struct complaints_listing {
  const char *status_text; /* the ?status= asked, NULL for all */
  int64_t before;          /* the ?before= cursor, 0 for the newest */
  struct store_complaint *list;
  size_t n;
  int64_t next;      /* the next page's cursor, 0 on the last page */
  int64_t counts[3]; /* complaints in each status (index: enum complaint_status) */
  enum complaints_rc rc;
  int store_rc;
};
/* Reads the query and then the page with the counts: false after answering 400 for a query
 * that is not one; true otherwise, with out->rc saying whether the page was read (free
 * out->list with store_complaint_list_free either way). */
bool h_complaints_listing(struct req *r, struct complaints_listing *out);
/* The signed-in candidate's complaints on their dashboard (nothing when they have none): the
 * newest of list (n of them), each with its reference, status and status link. */
void h_complaints_me_section(struct html *h, const struct req *r,
                             const struct store_complaint *list, size_t n, enum time_zone zone);

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
int h_admin_users_end_sessions(struct req *r);
/* POST /api/admin/users/:id/name (and the page form of GET /admin/users/:id/name) */
int h_admin_users_name(struct req *r);
int h_page_admin_rename(struct req *r);
int h_admin_users_reset_second_factor(struct req *r);
int h_admin_attempts_list(struct req *r);
int h_admin_attempts_extra_time(struct req *r);
int h_admin_analysis(struct req *r);
int h_admin_audit_list(struct req *r);
int h_admin_audit_verify(struct req *r);
int h_admin_audit_status(struct req *r);
int h_admin_audit_check(struct req *r);
int h_admin_audit_csv(struct req *r);
/* "missing", "unlinked", "altered", "rewritten" ("intact" for none): the API's names. */
const char *h_audit_fault_name(enum store_audit_fault f);
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

/* --- applications and eligibility (h_application.c; page in h_page_application.c) --- */
int h_application_submit(struct req *r);
int h_application_own(struct req *r);
int h_application_list(struct req *r);
int h_application_get(struct req *r);
int h_application_decide(struct req *r);
int h_page_application(struct req *r);
int h_page_application_list(struct req *r);
int h_page_application_staff(struct req *r);
/* Answers a refused or failed application operation with its registry error. */
int reply_application(struct req *r, enum application_rc rc, const struct application_err *err,
                      const char *what);

/* --- the observation sheet (h_observation.c; page in h_page_observation.c) --- */
int h_observation_sheet(struct req *r);
int h_observation_save(struct req *r);
int h_page_observation(struct req *r);
/* Answers a refused or failed observation operation with its registry error. */
int reply_observation(struct req *r, enum observation_rc rc, const struct observation_err *err,
                      const char *what);

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

/* --- an account's e-mail address (h_email.c; pages in h_page_email.c) --- */
int h_me_email(struct req *r);
int h_me_email_change(struct req *r);
int h_me_email_cancel(struct req *r);
int h_email_confirm(struct req *r);
int h_admin_users_email(struct req *r);
/* Answers a refused or failed e-mail change with its registry error (429 with Retry-After
 * retry_s for EMAIL_CHANGE_RATE_LIMITED). */
int reply_email_change(struct req *r, enum email_change_rc rc, int64_t retry_s, int store_rc);
/* The request's user asks to move to email, with their password: 0 with *out (the change
 * waiting for its link); with page, a wrong password is AUTH_CREDENTIALS_REFUSED and an
 * address refused as such (*out_refused: EMAIL_CHANGE_BAD_EMAIL or EMAIL_CHANGE_SAME)
 * H_EMAIL_REFUSED, neither answered; otherwise -1 after replying. */
int h_email_request(struct req *r, const char *email, const char *password, bool page,
                    struct email_change_pending *out, enum email_change_rc *out_refused);
#define H_EMAIL_REFUSED 5
/* Uses confirmation link token after checking password against its account (under the
 * log-in back-off): 0 with *out (the account after); with page, a wrong password is
 * AUTH_CREDENTIALS_REFUSED and a dead link or an address taken meanwhile H_EMAIL_REFUSED
 * (*out_refused: EMAIL_CHANGE_BAD_TOKEN or EMAIL_CHANGE_TAKEN), neither answered; otherwise
 * -1 after replying. *out_pending is the change the link asks for, as read before the
 * password was checked (for the form shown again). */
int h_email_confirm_link(struct req *r, const char *token, const char *password, bool page,
                         struct store_user *out, struct email_change_pending *out_pending,
                         enum email_change_rc *out_refused);
int h_page_email_form(struct req *r);
int h_page_email(struct req *r);
int h_page_email_confirm_form(struct req *r);
int h_page_email_confirm(struct req *r);
int h_page_admin_email(struct req *r);

/* --- pages and static assets (h_page_*.c, h_static.c, h_lang.c) --- */
int h_favicon(struct req *r);
int h_static(struct req *r);
int h_lang(struct req *r);
int h_page_login_form(struct req *r);
int h_page_checkin_form(struct req *r);
int h_page_checkin(struct req *r);
int h_page_login(struct req *r);
int h_page_login_totp(struct req *r);
int h_page_register_form(struct req *r);
int h_page_password_form(struct req *r);
int h_page_password(struct req *r);
int h_page_register(struct req *r);
int h_page_logout(struct req *r);
int h_page_signed_out(struct req *r);
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
/* A labelled input of an admin action form, its id "f-<name>-<suffix>" (a leading '#' of
 * name, the form bridge's mark of a number, left out of the id) (h_page_admin.c). */
struct html;
void admin_input(struct html *h, const char *type, const char *name, const char *label,
                 const char *suffix, bool required);
int h_page_admin_user(struct req *r); /* one account (h_page_admin_user.c) */
int h_page_admin_disable_confirm(struct req *r);
int h_page_admin_end_sessions_confirm(struct req *r);
int h_page_admin_2fa_reset_confirm(struct req *r);
int h_page_admin_revoke_confirm(struct req *r);
int h_page_admin_suspend_confirm(struct req *r);
int h_page_admin_reinstate_confirm(struct req *r);
int h_page_admin_extra_time(struct req *r);
int h_page_admin_audit(struct req *r);
int h_page_admin_analysis(struct req *r);
/* The account forms' pieces (h_page_auth.c), for the other account pages: opens a form page
 * (heading, the error's catalogue key if any, the form posting to action, the show-password
 * toggle when it has a password field: secret; NULL when out of memory), writes a labelled
 * input, and closes the form with its button and a link. */
struct html;
struct html *auth_form_begin(const struct req *r, const char *title_key, const char *error_key,
                             const char *action, bool secret);
void auth_form_field(struct html *h, const char *id, const char *type, const char *label,
                     const char *hint, const char *value, const char *autocomplete);
/* The form's error, the catalogue's text of error_key, as the paragraph #form-error that an
 * invalid field's description names (nothing for NULL). */
void auth_form_error(struct html *h, const struct req *r, const char *error_key);
/* auth_form_field, marked invalid (aria-invalid, described by the form's error) when
 * invalid. */
void auth_form_input(struct html *h, const char *id, const char *type, const char *label,
                     const char *hint, const char *value, const char *autocomplete, bool invalid);
int auth_form_end(struct req *r, struct html *h, unsigned status, const char *submit_key,
                  const char *link, const char *link_key);
/* Where each role starts after logging in (/me, /review, /admin). */
const char *auth_start_page(enum role role);
int h_page_reset_request_form(struct req *r);
int h_page_reset_request(struct req *r);
int h_page_reset_form(struct req *r);
int h_page_reset(struct req *r);
int h_page_admin_reset_link(struct req *r);
/* A form that acts through the JSON API (h_page_forms.c): turns the url-encoded fields into
 * the JSON body api expects and runs api on it (routes flagged ROUTE_FORM). */
int h_page_form_bridge(struct req *r, handler_fn api);

#endif
