/*
 * The one route table. Adding an endpoint = one row here + one handler function.
 * Rows are grouped by resource; keep each row inside its group.
 */
#include "http/routes.h"

#include <stdbool.h>
#include <string.h>

#include "http/handlers.h"

const struct route routes[] = {
    /* --- health --- */
    {"GET", "/healthz", ROLE_ANY, 0, h_healthz},
    {"GET", "/readyz", ROLE_ANY, 0, h_readyz},
    /* --- auth --- */
    {"POST", "/api/auth/register", ROLE_ANY, ROUTE_NO_CSRF | ROUTE_HASHES, h_auth_register},
    {"POST", "/api/auth/login", ROLE_ANY, ROUTE_NO_CSRF | ROUTE_HASHES, h_auth_login},
    {"POST", "/api/auth/logout", ROLE_ANY, ROUTE_CHECKIN, h_auth_logout},
    {"POST", "/api/auth/logout-all", ROLE_USER, ROUTE_BEFORE_2FA, h_auth_logout_all},
    {"POST", "/api/auth/logout-others", ROLE_USER, ROUTE_BEFORE_2FA, h_auth_logout_others},
    {"GET", "/api/auth/sessions", ROLE_USER, ROUTE_BEFORE_2FA, h_auth_sessions},
    {"POST", "/api/auth/sessions/:id/end", ROLE_USER, ROUTE_BEFORE_2FA, h_auth_session_end},
    {"GET", "/api/auth/me", ROLE_USER, ROUTE_BEFORE_2FA | ROUTE_CHECKIN, h_auth_me},
    /* the account's own data, as one download (common/personal_data.h) */
    {"GET", "/api/me/data", ROLE_USER, 0, h_me_data},
    {"GET", "/api/me/email", ROLE_USER, 0, h_me_email},
    {"POST", "/api/me/email", ROLE_USER, ROUTE_HASHES, h_me_email_change},
    {"POST", "/api/me/email/cancel", ROLE_USER, 0, h_me_email_cancel},
    {"POST", "/api/auth/email-change", ROLE_ANY, ROUTE_NO_CSRF | ROUTE_HASHES, h_email_confirm},
    {"POST", "/api/auth/password", ROLE_USER, ROUTE_HASHES | ROUTE_BEFORE_2FA, h_auth_password},
    {"POST", "/api/auth/login/totp", ROLE_ANY, ROUTE_NO_CSRF, h_auth_login_totp},
    {"GET", "/api/auth/2fa", ROLE_STAFF, ROUTE_BEFORE_2FA, h_auth_second_factor},
    {"POST", "/api/auth/2fa/enrol", ROLE_STAFF, ROUTE_BEFORE_2FA, h_auth_second_factor_enrol},
    {"POST", "/api/auth/2fa/confirm", ROLE_STAFF, ROUTE_BEFORE_2FA, h_auth_second_factor_confirm},
    {"POST", "/api/auth/reset", ROLE_ANY, ROUTE_NO_CSRF | ROUTE_HASHES, h_recovery_reset},
    {"POST", "/api/auth/reset-request", ROLE_ANY, ROUTE_NO_CSRF, h_recovery_request_api},
    {"POST", "/api/checkin", ROLE_ANY, ROUTE_NO_CSRF | ROUTE_CHECKIN, h_checkin},
    /* --- exams and attempts --- */
    {"GET", "/api/subsectors", ROLE_ANY, 0, h_subsectors_list},
    {"GET", "/api/exams", ROLE_ANY, 0, h_exams_list},
    {"GET", "/api/exams/:id", ROLE_ANY, 0, h_exams_get},
    {"POST", "/api/exams/:id/attempts", ROLE_CANDIDATE, ROUTE_CHECKIN_EXAM, h_attempts_start},
    {"GET", "/api/attempts", ROLE_CANDIDATE, 0, h_attempts_list},
    {"GET", "/api/attempts/:id", ROLE_CANDIDATE, ROUTE_SHARED_READ | ROUTE_CHECKIN_ATTEMPT,
     h_attempts_get},
    {"PUT", "/api/attempts/:id/answers/:item", ROLE_CANDIDATE,
     ROUTE_SHARED_READ | ROUTE_CHECKIN_ATTEMPT | ROUTE_QUEUES_WRITE, h_attempts_save_answer},
    {"PUT", "/api/attempts/:id/flags/:item", ROLE_CANDIDATE, ROUTE_CHECKIN_ATTEMPT,
     h_attempts_flag},
    {"PUT", "/api/me/time-zone", ROLE_USER, 0, h_attempts_time_zone},
    {"POST", "/api/attempts/:id/submit", ROLE_CANDIDATE, ROUTE_CHECKIN_ATTEMPT, h_attempts_submit},
    {"GET", "/api/attempts/:id/result", ROLE_CANDIDATE, ROUTE_CHECKIN_ATTEMPT, h_attempts_result},
    /* --- evidence uploads and files --- */
    {"POST", "/api/attempts/:id/uploads", ROLE_CANDIDATE, ROUTE_CHECKIN_ATTEMPT, h_evidence_create},
    /* an upload is its creator's: a candidate's evidence, an assessor's observation photo */
    {"GET", "/api/uploads/:id", ROLE_CANDIDATE | ROLE_ASSESSOR, ROUTE_CHECKIN_UPLOAD,
     h_evidence_upload_get},
    {"PUT", "/api/uploads/:id", ROLE_CANDIDATE | ROLE_ASSESSOR, ROUTE_UPLOAD | ROUTE_CHECKIN_UPLOAD,
     h_evidence_upload_put},
    {"POST", "/api/uploads/:id/complete", ROLE_CANDIDATE | ROLE_ASSESSOR, ROUTE_CHECKIN_UPLOAD,
     h_evidence_upload_complete},
    {"POST", "/api/exams/:id/application/uploads", ROLE_CANDIDATE, 0,
     h_evidence_application_create},
    {"GET", "/api/applications/:id/files/:sha256", ROLE_ANY, 0, h_evidence_application_file},
    {"GET", "/api/applications/:id/files/:sha256/preview", ROLE_ANY, 0,
     h_evidence_application_preview},
    /* anyone may ask; whoever may not see the file learns nothing (404, never 401/403) */
    {"GET", "/api/attempts/:id/evidence/:sha256", ROLE_ANY, ROUTE_CHECKIN_ATTEMPT, h_evidence_file},
    {"GET", "/api/attempts/:id/evidence/:sha256/preview", ROLE_ANY, ROUTE_CHECKIN_ATTEMPT,
     h_evidence_preview},
    {"GET", "/api/attempts/:id/observation/:sha256", ROLE_ANY, 0, h_evidence_observation_file},
    {"GET", "/api/attempts/:id/observation/:sha256/preview", ROLE_ANY, 0,
     h_evidence_observation_preview},
    {"POST", "/api/reviews/:attempt/observations/:unit/:kuk/photos", ROLE_ASSESSOR, 0,
     h_evidence_observation_create},
    /* a file handed in is removed by its owner until the attempt or application is closed */
    {"DELETE", "/api/attempts/:id/answers/:item/files/:sha256", ROLE_CANDIDATE,
     ROUTE_CHECKIN_ATTEMPT, h_evidence_remove},
    {"DELETE", "/api/exams/:id/application/files/:sha256", ROLE_CANDIDATE, 0,
     h_evidence_application_remove},
    /* --- certificates and verification --- */
    {"GET", "/.well-known/jwks.json", ROLE_ANY, 0, h_jwks},
    {"GET", "/.well-known/did.json", ROLE_ANY, 0, h_did_document},
    {"GET", "/api/keys/:kid", ROLE_ANY, 0, h_key_jwk},
    {"GET", "/api/certificates", ROLE_USER, 0, h_cert_list},
    {"GET", "/api/certificates/:serial", ROLE_USER, 0, h_cert_get},
    {"GET", "/api/certificates/:serial/credential", ROLE_USER, 0, h_cert_credential},
    {"GET", "/api/certificates/:serial/credential.json", ROLE_USER, 0, h_cert_credential_json},
    {"GET", "/api/certificates/:serial/credential.jwt", ROLE_USER, 0, h_cert_credential_jwt},
    {"PUT", "/api/me/did", ROLE_CANDIDATE, 0, h_me_did},
    {"GET", "/api/certificates/:serial/qr.png", ROLE_USER, 0, h_cert_qr_png},
    {"GET", "/api/certificates/:serial/qr.svg", ROLE_USER, 0, h_cert_qr_svg},
    {"GET", "/api/certificates/:serial/pdf", ROLE_USER, 0, h_cert_pdf},
    {"GET", "/api/certificates/:serial/log-proof", ROLE_USER, 0, h_log_proof},
    {"POST", "/api/certificates/:serial/revoke", ROLE_ADMIN, 0, h_cert_revoke},
    {"POST", "/api/certificates/:serial/suspend", ROLE_ADMIN, 0, h_cert_suspend},
    {"POST", "/api/certificates/:serial/reinstate", ROLE_ADMIN, 0, h_cert_reinstate},
    {"POST", "/api/certificates/:serial/share", ROLE_CANDIDATE, 0, h_share_create},
    {"DELETE", "/api/certificates/:serial/share", ROLE_CANDIDATE, 0, h_share_delete},
    {"POST", "/api/certificates/:serial/recertify", ROLE_CANDIDATE, 0, h_recert_open},
    {"GET", "/status/revocation", ROLE_ANY, 0, h_status_revocation},
    {"GET", "/status/suspension", ROLE_ANY, 0, h_status_suspension},
    {"POST", "/api/attempts/:id/certificate", ROLE_CANDIDATE | ROLE_ADMIN, 0, h_cert_issue},
    /* --- the transparency log (static files) --- */
    {"GET", "/log/checkpoint", ROLE_ANY, 0, h_log_checkpoint},
    {"GET", "/log/key", ROLE_ANY, 0, h_log_key},
    {"GET", "/log/tile/*", ROLE_ANY, 0, h_log_tile},
    {"GET", "/V/:token", ROLE_ANY, 0, h_verify_qr},
    {"GET", "/skkni/:exam", ROLE_ANY, ROUTE_HTML, h_page_skkni_scheme},
    {"GET", "/skkni/:exam/:unit", ROLE_ANY, ROUTE_HTML, h_page_skkni_unit},
    {"GET", "/c/:token", ROLE_ANY, 0, h_share_open},
    {"GET", "/v/:token", ROLE_ANY, 0, h_verify_qr},
    {"GET", "/verify", ROLE_ANY, 0, h_verify_page},
    {"POST", "/api/verify", ROLE_ANY, ROUTE_NO_CSRF, h_verify_api},
    /* --- reviews, appeals, admin --- */
    {"GET", "/api/reviews/queue", ROLE_STAFF, 0, h_reviews_queue},
    {"GET", "/api/reviews/:attempt", ROLE_STAFF, 0, h_reviews_get},
    {"POST", "/api/reviews/:attempt/claim", ROLE_ASSESSOR, 0, h_reviews_claim},
    {"POST", "/api/reviews/:attempt/decision", ROLE_ASSESSOR, 0, h_reviews_decide},
    {"POST", "/api/reviews/:attempt/marks/:item", ROLE_ASSESSOR, 0, h_reviews_item_marks},
    {"GET", "/api/attempts/:id/feedback", ROLE_CANDIDATE, 0, h_reviews_feedback},
    {"GET", "/api/reviews/:attempt/observations", ROLE_STAFF, 0, h_observation_sheet},
    {"PUT", "/api/reviews/:attempt/observations/:unit/:kuk", ROLE_ASSESSOR, 0, h_observation_save},
    {"POST", "/api/exams/:id/application", ROLE_CANDIDATE, 0, h_application_submit},
    {"GET", "/api/exams/:id/application", ROLE_CANDIDATE, 0, h_application_own},
    {"GET", "/api/applications", ROLE_STAFF, 0, h_application_list},
    {"GET", "/api/applications/:id", ROLE_STAFF, 0, h_application_get},
    {"POST", "/api/applications/:id/decision", ROLE_STAFF, 0, h_application_decide},
    {"POST", "/api/attempts/:id/appeal", ROLE_CANDIDATE, 0, h_appeals_create},
    {"GET", "/api/admin/appeals", ROLE_ADMIN, 0, h_appeals_list},
    {"POST", "/api/admin/appeals/:id/assign", ROLE_ADMIN, 0, h_appeals_assign},
    /* --- complaints (pengaduan): anyone lodges one, its token opens its status; a candidate
     * checked in at the test site too (the footer of the exam page links the form) --- */
    {"POST", "/api/complaints", ROLE_ANY, ROUTE_CHECKIN, h_complaints_create},
    {"GET", "/api/complaints/:token", ROLE_ANY, ROUTE_CHECKIN, h_complaints_status},
    {"POST", "/api/complaints/:token/replies", ROLE_ANY, ROUTE_CHECKIN, h_complaints_reply},
    {"GET", "/api/me/complaints", ROLE_USER, 0, h_complaints_mine},
    {"GET", "/api/admin/complaints", ROLE_ADMIN, 0, h_complaints_list},
    {"GET", "/api/admin/complaints/csv", ROLE_ADMIN, 0, h_complaints_csv}, /* before :id */
    {"GET", "/api/admin/complaints/:id", ROLE_ADMIN, 0, h_complaints_get},
    {"POST", "/api/admin/complaints/:id/take", ROLE_ADMIN, 0, h_complaints_take},
    {"POST", "/api/admin/complaints/:id/notes", ROLE_ADMIN, 0, h_complaints_note},
    {"POST", "/api/admin/complaints/:id/close", ROLE_ADMIN, 0, h_complaints_close},
    {"GET", "/api/admin/users", ROLE_ADMIN, 0, h_admin_users_list},
    {"POST", "/api/admin/users", ROLE_ADMIN, ROUTE_HASHES, h_admin_users_create},
    {"POST", "/api/admin/users/:id/disable", ROLE_ADMIN, 0, h_admin_users_disable},
    {"POST", "/api/admin/users/:id/sessions/end", ROLE_ADMIN, 0, h_admin_users_end_sessions},
    {"POST", "/api/admin/users/:id/2fa/reset", ROLE_ADMIN, 0, h_admin_users_reset_second_factor},
    {"POST", "/api/admin/users/:id/reset-link", ROLE_ADMIN, 0, h_recovery_admin_link},
    {"GET", "/api/admin/users/:id/data", ROLE_ADMIN, 0, h_admin_users_data},
    {"POST", "/api/admin/users/:id/name", ROLE_ADMIN, 0, h_admin_users_name},
    {"POST", "/api/admin/users/:id/email", ROLE_ADMIN, 0, h_admin_users_email},
    {"GET", "/api/admin/attempts", ROLE_ADMIN, 0, h_admin_attempts_list},
    {"POST", "/api/admin/attempts/:id/extra-time", ROLE_ADMIN, 0, h_admin_attempts_extra_time},
    {"POST", "/api/admin/attempts/:id/decision", ROLE_ADMIN, 0, h_admin_attempt_decision},
    {"POST", "/api/admin/users/:id/extra-time", ROLE_ADMIN, 0, h_admin_users_extra_time},
    {"GET", "/api/admin/analysis/:exam", ROLE_ADMIN, 0, h_admin_analysis},
    {"GET", "/api/admin/analysis/:exam/csv", ROLE_ADMIN, 0, h_admin_analysis_csv},
    {"GET", "/api/admin/audit/verify", ROLE_ADMIN, 0, h_admin_audit_verify},
    {"GET", "/api/admin/audit/status", ROLE_ADMIN, 0, h_admin_audit_status},
    {"GET", "/api/admin/audit/csv", ROLE_ADMIN, 0, h_admin_audit_csv},
    {"POST", "/api/admin/audit/check", ROLE_ADMIN, 0, h_admin_audit_check},
    {"GET", "/api/admin/audit", ROLE_ADMIN, 0, h_admin_audit_list},
    /* --- test events: schedules, enrolment, BNSP documents --- */
    {"GET", "/api/schedules", ROLE_STAFF, 0, h_schedules_list},
    {"POST", "/api/schedules", ROLE_ADMIN, 0, h_schedules_create},
    {"GET", "/api/schedules/:id", ROLE_STAFF, 0, h_schedules_get},
    {"POST", "/api/schedules/:id/import", ROLE_ADMIN, 0, h_schedules_import},
    {"POST", "/api/schedules/:id/attendance/:user", ROLE_STAFF, 0, h_schedules_attendance},
    {"POST", "/api/schedules/:id/checkin-codes", ROLE_STAFF, 0, h_checkin_codes},
    {"GET", "/api/schedules/:id/blank-request.xlsx", ROLE_ADMIN, 0, h_schedules_blank_request},
    {"GET", "/api/schedules/:id/berita-acara.pdf", ROLE_ADMIN, 0, h_schedules_minutes},
    {"GET", "/api/schedules/:id/results.csv", ROLE_ADMIN, 0, h_schedules_results},
    {"GET", "/api/enrolment-template.csv", ROLE_ADMIN, 0, h_schedules_template_csv},
    {"GET", "/api/enrolment-template.xlsx", ROLE_ADMIN, 0, h_schedules_template_xlsx},
    {"GET", "/api/me/schedules", ROLE_CANDIDATE, 0, h_schedules_mine},
    /* --- item banks: import, the Excel template, QTI 3.0 export --- */
    {"POST", "/api/admin/item-bank/import", ROLE_ADMIN, ROUTE_ITEM_BANK, h_item_bank_import},
    {"GET", "/api/admin/item-bank/template.xlsx", ROLE_ADMIN, 0, h_item_bank_template},
    {"GET", "/api/admin/exams/:exam/qti.zip", ROLE_ADMIN, 0, h_item_bank_export_qti},
    {"GET", "/admin/bank-soal", ROLE_ADMIN, ROUTE_HTML, h_page_admin_item_bank},
    /* --- pages and static assets --- */
    {"GET", "/static/*", ROLE_ANY, ROUTE_PUBLIC | ROUTE_CHECKIN, h_static},
    {"GET", "/favicon.ico", ROLE_ANY, ROUTE_PUBLIC | ROUTE_CHECKIN, h_favicon},
    {"GET", "/lang", ROLE_ANY, ROUTE_HTML | ROUTE_CHECKIN, h_lang},
    {"POST", "/lang", ROLE_ANY, ROUTE_HTML | ROUTE_NO_CSRF | ROUTE_CHECKIN, h_lang},
    {"GET", "/", ROLE_ANY, ROUTE_HTML, h_page_home},
    {"GET", "/signed-out", ROLE_ANY, ROUTE_HTML, h_page_signed_out},
    {"GET", "/login", ROLE_ANY, ROUTE_HTML | ROUTE_CHECKIN, h_page_login_form},
    {"POST", "/login", ROLE_ANY, ROUTE_HTML | ROUTE_NO_CSRF | ROUTE_HASHES | ROUTE_CHECKIN,
     h_page_login},
    {"POST", "/login/totp", ROLE_ANY, ROUTE_HTML | ROUTE_NO_CSRF | ROUTE_CHECKIN,
     h_page_login_totp},
    {"GET", "/masuk", ROLE_ANY, ROUTE_HTML | ROUTE_CHECKIN, h_page_checkin_form},
    {"POST", "/masuk", ROLE_ANY, ROUTE_HTML | ROUTE_NO_CSRF | ROUTE_CHECKIN, h_page_checkin},
    {"GET", "/register", ROLE_ANY, ROUTE_HTML, h_page_register_form},
    {"POST", "/register", ROLE_ANY, ROUTE_HTML | ROUTE_NO_CSRF | ROUTE_HASHES, h_page_register},
    {"GET", "/lupa-sandi", ROLE_ANY, ROUTE_HTML, h_page_reset_request_form},
    {"POST", "/lupa-sandi", ROLE_ANY, ROUTE_HTML | ROUTE_NO_CSRF, h_page_reset_request},
    {"GET", "/reset-sandi", ROLE_ANY, ROUTE_HTML, h_page_reset_form},
    {"POST", "/reset-sandi", ROLE_ANY, ROUTE_HTML | ROUTE_NO_CSRF | ROUTE_HASHES, h_page_reset},
    {"GET", "/account/sessions", ROLE_USER, ROUTE_HTML, h_page_sessions},
    {"POST", "/account/sessions/logout-others", ROLE_USER, ROUTE_HTML | ROUTE_FORM,
     h_auth_logout_others},
    {"POST", "/account/sessions/:id/end", ROLE_USER, ROUTE_HTML | ROUTE_FORM, h_auth_session_end},
    {"GET", "/account/email", ROLE_USER, ROUTE_HTML, h_page_email_form},
    {"POST", "/account/email", ROLE_USER, ROUTE_HTML | ROUTE_HASHES, h_page_email},
    {"POST", "/account/email/cancel", ROLE_USER, ROUTE_HTML | ROUTE_FORM, h_me_email_cancel},
    {"GET", "/ubah-email", ROLE_ANY, ROUTE_HTML, h_page_email_confirm_form},
    {"POST", "/ubah-email", ROLE_ANY, ROUTE_HTML | ROUTE_NO_CSRF | ROUTE_HASHES,
     h_page_email_confirm},
    {"GET", "/account/password", ROLE_USER, ROUTE_HTML | ROUTE_BEFORE_2FA, h_page_password_form},
    {"POST", "/account/password", ROLE_USER, ROUTE_HTML | ROUTE_HASHES | ROUTE_BEFORE_2FA,
     h_page_password},
    {"POST", "/logout", ROLE_USER, ROUTE_HTML | ROUTE_BEFORE_2FA | ROUTE_CHECKIN, h_page_logout},
    {"GET", "/me", ROLE_CANDIDATE, ROUTE_HTML, h_page_me},
    {"POST", "/me/time-zone", ROLE_USER, ROUTE_HTML, h_page_me_time_zone},
    {"POST", "/me/certificates/:serial/share", ROLE_CANDIDATE, ROUTE_HTML, h_page_share_create},
    {"POST", "/me/certificates/:serial/unshare", ROLE_CANDIDATE, ROUTE_HTML, h_page_share_remove},
    {"POST", "/me/certificates/:serial/recertify", ROLE_CANDIDATE, ROUTE_HTML, h_page_recert_open},
    {"GET", "/account/2fa", ROLE_STAFF, ROUTE_HTML | ROUTE_BEFORE_2FA, h_page_second_factor},
    {"POST", "/account/2fa/enrol", ROLE_STAFF, ROUTE_HTML | ROUTE_BEFORE_2FA,
     h_page_second_factor_enrol},
    {"POST", "/account/2fa/confirm", ROLE_STAFF, ROUTE_HTML | ROUTE_BEFORE_2FA,
     h_page_second_factor_confirm},
    {"GET", "/exams/:id/start", ROLE_CANDIDATE, ROUTE_HTML | ROUTE_CHECKIN_EXAM,
     h_page_exam_prestart},
    {"POST", "/exams/:id/start", ROLE_CANDIDATE, ROUTE_HTML | ROUTE_CHECKIN_EXAM,
     h_page_exam_start},
    {"GET", "/attempts/:id", ROLE_CANDIDATE, ROUTE_HTML | ROUTE_CHECKIN_ATTEMPT, h_page_attempt},
    {"POST", "/attempts/:id/save", ROLE_CANDIDATE, ROUTE_HTML | ROUTE_CHECKIN_ATTEMPT,
     h_page_attempt_save},
    {"GET", "/attempts/:id/review", ROLE_CANDIDATE, ROUTE_HTML | ROUTE_CHECKIN_ATTEMPT,
     h_page_attempt_review},
    {"POST", "/attempts/:id/submit", ROLE_CANDIDATE, ROUTE_HTML | ROUTE_CHECKIN_ATTEMPT,
     h_page_attempt_submit},
    {"POST", "/attempts/:id/appeal", ROLE_CANDIDATE, ROUTE_HTML | ROUTE_FORM, h_appeals_create},
    {"POST", "/attempts/:id/certificate", ROLE_CANDIDATE | ROLE_ADMIN, ROUTE_HTML | ROUTE_FORM,
     h_cert_issue},
    {"GET", "/review", ROLE_STAFF, ROUTE_HTML, h_page_review_queue},
    {"GET", "/review/:attempt", ROLE_STAFF, ROUTE_HTML, h_page_review},
    {"GET", "/marking/:exam/:item", ROLE_ASSESSOR, ROUTE_HTML, h_page_marking},
    {"POST", "/review/:attempt/claim", ROLE_ASSESSOR, ROUTE_HTML | ROUTE_FORM, h_reviews_claim},
    {"POST", "/review/:attempt/decision", ROLE_ASSESSOR, ROUTE_HTML | ROUTE_FORM, h_reviews_decide},
    {"POST", "/review/:attempt/marks/:item", ROLE_ASSESSOR, ROUTE_HTML | ROUTE_FORM,
     h_reviews_item_marks},
    {"GET", "/review/:attempt/observations", ROLE_STAFF, ROUTE_HTML, h_page_observation},
    {"POST", "/review/:attempt/observations/:unit/:kuk", ROLE_ASSESSOR, ROUTE_HTML | ROUTE_FORM,
     h_observation_save},
    {"GET", "/exams/:id/application", ROLE_CANDIDATE, ROUTE_HTML, h_page_application},
    {"POST", "/exams/:id/application", ROLE_CANDIDATE, ROUTE_HTML | ROUTE_FORM,
     h_application_submit},
    {"GET", "/applications", ROLE_STAFF, ROUTE_HTML, h_page_application_list},
    {"GET", "/applications/:id", ROLE_STAFF, ROUTE_HTML, h_page_application_staff},
    {"POST", "/applications/:id/decision", ROLE_STAFF, ROUTE_HTML | ROUTE_FORM,
     h_application_decide},
    {"GET", "/admin", ROLE_ADMIN, ROUTE_HTML, h_page_admin},
    {"POST", "/admin/users", ROLE_ADMIN, ROUTE_HTML | ROUTE_FORM | ROUTE_HASHES,
     h_admin_users_create},
    {"GET", "/admin/users/:id", ROLE_ADMIN, ROUTE_HTML, h_page_admin_user},
    {"GET", "/admin/users/:id/disable", ROLE_ADMIN, ROUTE_HTML, h_page_admin_disable_confirm},
    {"POST", "/admin/users/:id/disable", ROLE_ADMIN, ROUTE_HTML | ROUTE_FORM,
     h_admin_users_disable},
    {"GET", "/admin/users/:id/sessions/end", ROLE_ADMIN, ROUTE_HTML,
     h_page_admin_end_sessions_confirm},
    {"POST", "/admin/users/:id/sessions/end", ROLE_ADMIN, ROUTE_HTML | ROUTE_FORM,
     h_admin_users_end_sessions},
    {"GET", "/admin/users/:id/2fa/reset", ROLE_ADMIN, ROUTE_HTML, h_page_admin_2fa_reset_confirm},
    {"POST", "/admin/users/:id/2fa/reset", ROLE_ADMIN, ROUTE_HTML | ROUTE_FORM,
     h_admin_users_reset_second_factor},
    {"GET", "/admin/users/:id/name", ROLE_ADMIN, ROUTE_HTML, h_page_admin_rename},
    {"POST", "/admin/users/:id/name", ROLE_ADMIN, ROUTE_HTML | ROUTE_FORM, h_admin_users_name},
    {"GET", "/admin/users/:id/email", ROLE_ADMIN, ROUTE_HTML, h_page_admin_email},
    {"POST", "/admin/users/:id/email", ROLE_ADMIN, ROUTE_HTML | ROUTE_FORM, h_admin_users_email},
    {"GET", "/admin/users/:id/extra-time", ROLE_ADMIN, ROUTE_HTML, h_page_admin_extra_time},
    {"POST", "/admin/users/:id/extra-time", ROLE_ADMIN, ROUTE_HTML | ROUTE_FORM,
     h_admin_users_extra_time},
    {"POST", "/admin/users/:id/reset-link", ROLE_ADMIN, ROUTE_HTML, h_page_admin_reset_link},
    {"POST", "/admin/attempts/:id/extra-time", ROLE_ADMIN, ROUTE_HTML | ROUTE_FORM,
     h_admin_attempts_extra_time},
    {"POST", "/admin/attempts/:id/decision", ROLE_ADMIN, ROUTE_HTML | ROUTE_FORM,
     h_admin_attempt_decision},
    {"POST", "/admin/appeals/:id/assign", ROLE_ADMIN, ROUTE_HTML | ROUTE_FORM, h_appeals_assign},
    {"GET", "/pengaduan", ROLE_ANY, ROUTE_HTML | ROUTE_CHECKIN, h_page_complaint_form},
    {"POST", "/pengaduan", ROLE_ANY, ROUTE_HTML | ROUTE_CHECKIN, h_page_complaint_lodge},
    {"GET", "/pengaduan/:token", ROLE_ANY, ROUTE_HTML | ROUTE_CHECKIN, h_page_complaint_status},
    {"POST", "/pengaduan/:token/balas", ROLE_ANY, ROUTE_HTML | ROUTE_CHECKIN,
     h_page_complaint_reply},
    {"GET", "/admin/complaints", ROLE_ADMIN, ROUTE_HTML, h_page_admin_complaints},
    {"GET", "/admin/complaints/:id", ROLE_ADMIN, ROUTE_HTML, h_page_admin_complaint},
    {"POST", "/admin/complaints/:id/take", ROLE_ADMIN, ROUTE_HTML | ROUTE_FORM, h_complaints_take},
    {"POST", "/admin/complaints/:id/notes", ROLE_ADMIN, ROUTE_HTML | ROUTE_FORM, h_complaints_note},
    {"GET", "/admin/complaints/:id/close", ROLE_ADMIN, ROUTE_HTML, h_page_admin_complaint_close},
    {"POST", "/admin/complaints/:id/close", ROLE_ADMIN, ROUTE_HTML | ROUTE_FORM,
     h_complaints_close},
    {"GET", "/admin/certificates/:serial/revoke", ROLE_ADMIN, ROUTE_HTML,
     h_page_admin_revoke_confirm},
    {"POST", "/admin/certificates/:serial/revoke", ROLE_ADMIN, ROUTE_HTML | ROUTE_FORM,
     h_cert_revoke},
    {"GET", "/admin/audit", ROLE_ADMIN, ROUTE_HTML, h_page_admin_audit},
    {"POST", "/admin/audit/check", ROLE_ADMIN, ROUTE_HTML | ROUTE_FORM, h_admin_audit_check},
    {"GET", "/admin/schedules", ROLE_STAFF, ROUTE_HTML, h_page_admin_schedules},
    {"POST", "/admin/schedules", ROLE_ADMIN, ROUTE_HTML | ROUTE_FORM, h_schedules_create},
    {"GET", "/admin/schedules/:id", ROLE_STAFF, ROUTE_HTML, h_page_admin_schedule},
    {"POST", "/admin/schedules/:id/attendance/:user", ROLE_STAFF, ROUTE_HTML | ROUTE_FORM,
     h_schedules_attendance},
    {"POST", "/admin/schedules/:id/checkin-codes", ROLE_STAFF, ROUTE_HTML, h_page_checkin_codes},
    {"GET", "/admin/schedules/:id/attendance", ROLE_STAFF, ROUTE_HTML, h_page_attendance_list},
    {"GET", "/admin/analysis/:exam", ROLE_ADMIN, ROUTE_HTML, h_page_admin_analysis},
    {"GET", "/admin/certificates/:serial/suspend", ROLE_ADMIN, ROUTE_HTML,
     h_page_admin_suspend_confirm},
    {"POST", "/admin/certificates/:serial/suspend", ROLE_ADMIN, ROUTE_HTML | ROUTE_FORM,
     h_cert_suspend},
    {"GET", "/admin/certificates/:serial/reinstate", ROLE_ADMIN, ROUTE_HTML,
     h_page_admin_reinstate_confirm},
    {"POST", "/admin/certificates/:serial/reinstate", ROLE_ADMIN, ROUTE_HTML | ROUTE_FORM,
     h_cert_reinstate},
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);

/* Splits a pattern and a path in step; ":x" captures one segment, a final "*" the rest.
 * Does not touch path: on a match it records where each capture starts (caps) and how many
 * of them end at the next '/' (*segments; the "*" rest ends with the path). */
static int pattern_matches(const char *pattern, const char *path, const char *caps[REQ_MAX_PARAMS],
                           size_t *ncaps, size_t *segments) {
  const char *p = pattern;
  const char *s = path;
  size_t n = 0;
  size_t seg = 0;
  while ('\0' != *p) {
    if ('/' != *p || '/' != *s) {
      return 0;
    }
    p++;
    s++;
    const char *pend = strchr(p, '/');
    size_t plen = pend ? (size_t)(pend - p) : strlen(p);
    const char *send = strchr(s, '/');
    size_t slen = send ? (size_t)(send - s) : strlen(s);
    if (1 == plen && '*' == p[0]) {
      if (n >= REQ_MAX_PARAMS || '\0' == *s) {
        return 0;
      }
      caps[n++] = s;
      s += strlen(s);
      p++;
      break;
    }
    if (plen > 0 && ':' == p[0]) {
      if (0 == slen || n >= REQ_MAX_PARAMS) {
        return 0;
      }
      caps[n++] = s;
      seg = n;
    } else if (plen != slen || 0 != strncmp(p, s, plen)) {
      return 0;
    }
    p += plen;
    s += slen;
  }
  if ('\0' != *s || '\0' != *p) {
    return 0;
  }
  *ncaps = n;
  *segments = seg;
  return 1;
}

/* Each pattern's literal prefix (up to its first ':' or '*'): a path can only match a
 * pattern that it starts with. Rows are also listed by the byte after the leading '/'
 * (the path's second byte must equal the pattern's when the prefix reaches it), so a
 * path is compared with a handful of rows, in table order, instead of all of them.
 * Computed once, at start-up (routes_init); the table is constant. */
#define NROUTES (sizeof(routes) / sizeof(routes[0]))
_Static_assert(NROUTES < 256, "route indexes are bytes");
static size_t prefix_len[NROUTES];
static unsigned char bucket[256][NROUTES];
static unsigned char bucket_n[256];
static bool prefix_ready;

void routes_init(void) {
  if (prefix_ready) {
    return;
  }
  for (size_t i = 0; i < routes_count; i++) {
    prefix_len[i] = strcspn(routes[i].pattern, ":*");
  }
  for (unsigned c = 0; c < 256; c++) {
    for (size_t i = 0; i < routes_count; i++) {
      /* a prefix of 1 ("/" alone, or "/:x") says nothing about the second byte */
      if (prefix_len[i] < 2 || (unsigned char)routes[i].pattern[1] == c) {
        bucket[c][bucket_n[c]++] = (unsigned char)i;
      }
    }
  }
  prefix_ready = true;
}

enum route_match routes_match(const char *method, const char *path, char *scratch,
                              const struct route **out, const char *params[REQ_MAX_PARAMS],
                              size_t *nparams) {
  enum route_match result = ROUTE_NOT_FOUND;
  const char *m = (0 == strcmp(method, "HEAD")) ? "GET" : method;
  size_t len = strlen(path);
  if (0 == len) {
    return ROUTE_NOT_FOUND;
  }
  unsigned char c = (unsigned char)path[1];
  for (size_t k = 0; k < bucket_n[c]; k++) {
    size_t i = bucket[c][k];
    const char *pat = routes[i].pattern;
    size_t plen = prefix_len[i];
    if (plen > len || 0 != memcmp(pat, path, plen)) {
      continue;
    }
    const char *caps[REQ_MAX_PARAMS];
    size_t n = 0;
    size_t segments = 0;
    if (!pattern_matches(pat, path, caps, &n, &segments)) {
      continue;
    }
    if (0 != strcmp(routes[i].method, m)) {
      result = ROUTE_BAD_METHOD;
      continue;
    }
    /* Captures point into scratch, where a segment capture ends at its '/'. */
    memcpy(scratch, path, len + 1);
    for (size_t j = 0; j < n; j++) {
      char *cap = scratch + (caps[j] - path);
      if (j < segments) {
        char *slash = strchr(cap, '/');
        if (slash) {
          *slash = '\0';
        }
      }
      params[j] = cap;
    }
    *nparams = n;
    *out = &routes[i];
    return ROUTE_FOUND;
  }
  return result;
}
