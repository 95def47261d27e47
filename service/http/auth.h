/*
 * Who is calling: resolves a session (cookie `ujikom_session` or `Authorization: Bearer`)
 * into a struct req_user, and checks CSRF tokens on state-changing requests.
 * The dispatcher calls these before any handler runs.
 */
#ifndef UJIKOM_AUTH_H
#define UJIKOM_AUTH_H

#include "common/account_notice.h"
#include "common/checkin.h"
#include "common/second_factor.h"
#include "http/presented.h"
#include "http/server.h"
#include "ujikom/password.h"
#include "ujikom/password_policy.h"
#include "ujikom/session_token.h"

/* Header that carries the CSRF token of cookie-authenticated API calls. */
#define AUTH_CSRF_HEADER "X-CSRF-Token"
/* Form field that carries it in HTML forms. */
#define AUTH_CSRF_FIELD "csrf"
/* The device cookie: a random token a browser gets at its first successful login to an
 * account, which gives it a login back-off of its own there (docs/security.md, "Lock-out").
 * It grants nothing else. Renewed at each login; forgotten after this long unused. */
#define AUTH_DEVICE_COOKIE    "ujikom_device"
#define AUTH_DEVICE_MAX_AGE_S (180L * 24 * 3600)
/* The most recently used devices an account keeps. */
#define AUTH_DEVICES_PER_ACCOUNT 20
/* A session's last_seen is written at most this often (one write per minute, not per
 * request); idle expiry is therefore exact to within this interval. */
#define AUTH_TOUCH_INTERVAL_MS 60000

enum auth_result {
  AUTH_ANONYMOUS = 0,   /* no or unknown/expired session: proceed as anonymous */
  AUTH_USER = 1,        /* out was filled */
  AUTH_STORE_ERROR = -1 /* the store could not answer: 503 */
};

/* Fills out from the request's session. *via_cookie tells whether the session came from
 * the cookie (CSRF applies) rather than a bearer token (CSRF exempt). A bearer token, when
 * present, wins over the cookie. Unknown, expired, malformed tokens and disabled accounts
 * all give AUTH_ANONYMOUS; an expired session is deleted. out is zeroed unless AUTH_USER.
 * With keep_read, a valid session's read transaction is left open in r->rd for the handler
 * to read on in the same snapshot (req_take_read), unless the session had to be written
 * (touched); the caller ends it if the handler does not take it. */
enum auth_result auth_load_user(struct req *r, struct req_user *out, bool *via_cookie,
                                bool keep_read);

/* For a cookie-authenticated state-changing request: true when the X-CSRF-Token header
 * or the `csrf` form field matches the session's CSRF token (constant time). False when
 * there is no user. */
bool auth_check_csrf(const struct req *r);

/* --- account operations shared by the JSON API and the HTML pages ---
 * Each returns 0 when it succeeded and has NOT replied, or -1 when it has already replied
 * with the error (400/401/403/409/429/503...), so a handler does `if (auth_login(...))
 * return 0;`. */

/* Sets up the hashing slots (one per CPU), once, at start-up (http_init), before any thread
 * hashes; without it (or when that fails) hashes are not limited. */
void auth_init(void);

/* password_hash / password_verify (ujikom/password.h) with at most one hash per CPU running at
 * once, whatever the number of threads asking: use these from request handlers. */
enum password_result auth_password_hash(char **out, const char *password, unsigned log2n);
enum password_result auth_password_verify(const char *hash, const char *password);

/* Checks the back-off (a known device's own bucket, else the account's and the address's),
 * the password (a failure costs one hash at --kdf-log2n whether or not the account exists
 * and whatever its hash's cost, so timing does not tell which e-mail addresses exist) and
 * the account, then ends the session the request came with (no session fixation) and starts
 * a new one, remembering the device (device cookie). On 0, out_token holds the new session
 * token (for the cookie / bearer answer) and *out_user the account with its CSRF token.
 * Old-cost password hashes are upgraded on the way. AUTH_SECOND_FACTOR_DUE (nothing replied,
 * no session made): the account is staff with a confirmed second factor, out_token holds a
 * log-in ticket for auth_login_second_factor and *out_user the account (without CSRF). */
int auth_login(struct req *r, const char *email, const char *password,
               char out_token[SESSION_TOKEN_LEN + 1], struct req_user *out_user);
#define AUTH_SECOND_FACTOR_DUE 1

/* auth_login for a log-in page: a wrong e-mail or password is counted as by auth_login but
 * not answered, AUTH_CREDENTIALS_REFUSED, so the page can show its form again with the
 * e-mail kept. Every other outcome is auth_login's. */
int auth_login_form(struct req *r, const char *email, const char *password,
                    char out_token[SESSION_TOKEN_LEN + 1], struct req_user *out_user);
#define AUTH_CREDENTIALS_REFUSED 3

/* The second step of a staff log-in: the ticket from auth_login and exactly one of code (the
 * authenticator app's) and recovery (a one-time recovery code). Under the same back-off as
 * passwords: a wrong or replayed code counts as a wrong password. On 0 a session is made as
 * by auth_login (out_token, *out_user); -1 after replying (401 wrong/replayed code or an
 * expired ticket, 429, 503...). With out_refused not NULL a wrong, malformed or replayed code
 * is counted but not answered: AUTH_CODE_REFUSED with the outcome in *out_refused, so a page
 * can show its code form again. */
int auth_login_second_factor(struct req *r, const char *ticket, const char *code,
                             const char *recovery, char out_token[SESSION_TOKEN_LEN + 1],
                             struct req_user *out_user, enum second_factor_rc *out_refused);
#define AUTH_CODE_REFUSED 2

/* Answers a second-factor outcome other than SECOND_FACTOR_OK with its registry error (503
 * or 500 for the store and for failures of our own). Returns the reply's value. */
int auth_second_factor_refused(struct req *r, enum second_factor_rc rc, int store_rc);

/* Ends the session the request presented, if any. Never fails towards the client:
 * returns 0, or -1 after replying 503 when the store could not delete it. */
int auth_logout(struct req *r);

/* Ends every session of the user ("log out everywhere"); *out_n (may be NULL) receives how
 * many. 0, or -1 after replying 503. */
int auth_logout_all(struct req *r, int64_t user_id, int64_t *out_n);

/* Ends every session of the request's user but the one the request presented ("sign out of
 * the other devices"); *out_n (may be NULL) receives how many. 0, or -1 after replying (401
 * without a session token, 503 when the store failed). */
int auth_logout_others(struct req *r, int64_t *out_n);

/* Mails account user_id's holder the notice of kind (common/account_notice.h) of what this
 * request did: its device, client address and time. */
void auth_notice(struct req *r, int64_t user_id, enum account_notice_kind kind);

/* Ends the request's user's session named id (struct store_session_info's id: the sessions
 * page's "Keluarkan" for one device). 0, or -1 after replying (404 session_not_found for an
 * id that is not one of the user's sessions, 503 when the store failed). */
int auth_logout_session(struct req *r, const char *id);

/* How many of an account's sessions a page reads at most (a user has a handful): the
 * sessions page, the dashboard's count of the other ones, the administrator's account page. */
#define AUTH_SESSIONS_MAX 100

/* The sessions of the request's user still valid now, the one the request presented marked
 * (store_user_sessions; free *out). 0, or -1 after replying 503. */
int auth_sessions(struct req *r, struct store_session_info **out, size_t *out_n);

/* Checks the request's user's password again before a change that needs it (the e-mail
 * address), under the same back-off as logins. 0 when right; with quiet, a wrong password is
 * counted but not answered (AUTH_CREDENTIALS_REFUSED); otherwise -1 after replying (401
 * without a session, 400 without a password, 403 wrong, 429, 503). */
int auth_check_password(struct req *r, const char *current, bool quiet);
/* The same for account user_id, whose address email keys the back-off, whoever asks (the
 * page a confirmation link opens, where nobody may be signed in). */
int auth_check_account_password(struct req *r, int64_t user_id, const char *email,
                                const char *current, bool quiet);

/* Changes the password of the request's user after checking the current one (under the
 * same back-off as logins, so a stolen session cannot be used to guess it) and the policy
 * for the new one; then ends every session of the user, this one included, and starts a
 * fresh session for this client. On 0, out_token / *out_user are as for auth_login. */
int auth_change_password(struct req *r, const char *current, const char *new_password,
                         char out_token[SESSION_TOKEN_LEN + 1], struct req_user *out_user);

/* auth_change_password for the password page: a wrong current password is counted but not
 * answered (AUTH_CREDENTIALS_REFUSED), a new password the policy refuses is not answered
 * (AUTH_PASSWORD_REFUSED, *out_verdict says why), so the page can show its form again with
 * the reason. Every other outcome is auth_change_password's. */
int auth_change_password_form(struct req *r, const char *current, const char *new_password,
                              char out_token[SESSION_TOKEN_LEN + 1], struct req_user *out_user,
                              enum password_policy_verdict *out_verdict);
#define AUTH_PASSWORD_REFUSED 4

/* Check-in by a one-time code from the TUK (common/checkin.h): under the client address's
 * log-in back-off (a refused code counts as a wrong password there), redeems code and starts
 * a session scoped to the code's schedule, ending the session the request came with. On 0,
 * out_token / *out_user are as for auth_login (with the scope) and *out names the schedule
 * and exam. With quiet, an unknown or used code is counted but not answered
 * (AUTH_CHECKIN_REFUSED) and a code outside its window is not answered (AUTH_CHECKIN_WINDOW,
 * the window in *out), so a page can show its form again; otherwise
 * they are answered 401 (one answer for unknown and used) and 403 with the window's times.
 * Every other outcome replies (-1): 400 without a code, 403 disabled account, 429, 503. */
int auth_checkin(struct req *r, const char *code, bool quiet, char out_token[SESSION_TOKEN_LEN + 1],
                 struct req_user *out_user, struct checkin_result *out);
#define AUTH_CHECKIN_REFUSED 5
#define AUTH_CHECKIN_WINDOW  6

/* Sets the session cookie (HttpOnly, SameSite=Strict, Secure under https) for token, or
 * deletes it when token is NULL. */
void auth_set_cookie(struct req *r, const char *token);

#endif
