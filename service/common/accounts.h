/*
 * Accounts: a candidate's self-registration, and staff accounts as an administrator (or
 * the command line) manages them — creating assessors and administrators, listing and
 * disabling accounts. The rules (what an e-mail address, a name, a role and a password must
 * be; that nobody disables themselves; that disabling ends every session) live here once;
 * the JSON API, the pages and `ujikom admin create` only parse, call and answer. Every
 * change by an administrator goes to the audit log in the same transaction.
 *
 * Logging in, sessions, the login back-off and changing one's password belong to the HTTP
 * shell's session code (auth.c), as does the per-address registration limit.
 */
#ifndef UJIKOM_ACCOUNTS_H
#define UJIKOM_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "ujikom/password.h"
#include "ujikom/password_policy.h"

#define ACCOUNTS_MAX_REASON 1000 /* bytes of an administrator's reason */
#define ACCOUNTS_LIST_MAX   1000 /* accounts a list shows */

enum accounts_rc {
  ACCOUNTS_OK = 0,
  ACCOUNTS_BAD_EMAIL,     /* not an e-mail address of 3 to 254 bytes */
  ACCOUNTS_BAD_NAME,      /* refused by the name validator (person_name_for_record) */
  ACCOUNTS_BAD_ROLE,      /* staff accounts are "assessor" or "admin" */
  ACCOUNTS_NO_PASSWORD,   /* an initial password is required */
  ACCOUNTS_WEAK_PASSWORD, /* refused by the password policy (see *out_verdict) */
  ACCOUNTS_EMAIL_TAKEN,   /* an account with that e-mail address exists */
  ACCOUNTS_NOT_FOUND,     /* no such account */
  ACCOUNTS_DISABLE_SELF,  /* an administrator cannot disable their own account */
  ACCOUNTS_BAD_REASON,    /* a reason of more than ACCOUNTS_MAX_REASON bytes or with controls */
  ACCOUNTS_STORE_FAILED,  /* the store could not answer; see *out_store_rc */
  ACCOUNTS_INTERNAL,      /* hashing failed or a broken invariant */
};

/* --- the one validator of each field, for every entry point --- */

/* A person's name (registration, staff accounts over HTTP, pages and the CLI; the
 * certificate's holder is checked by the same core rule): person_name_for_record, i.e. NFC,
 * no control, bidirectional or invisible character, spaces folded, 1-200 characters (counted
 * in characters, whatever their bytes). ACCOUNTS_OK with *out the normalised name to store
 * (free()), or ACCOUNTS_BAD_NAME with why (when not NULL) saying which rule failed (NULL name:
 * missing). */
enum accounts_rc accounts_name(char **out, const char *name, char *why, size_t whylen);

/* The message for a name accounts_name refuses, as every entry point gives it: "name: ",
 * which rule failed and what a name may be, into buf. */
void accounts_name_refusal(char *buf, size_t len, const char *name);

/* An e-mail address, for candidates and staff alike: 3-254 printable ASCII bytes, one '@',
 * a local part of 1-64 bytes, a domain with an inner dot and no "..". NULL: false. */
bool accounts_email_valid(const char *email);

/* --- a candidate's self-registration --- */

/* Checks a registration: accounts_name, accounts_email_valid, and accounts_check_password.
 * ACCOUNTS_OK, ACCOUNTS_BAD_NAME, ACCOUNTS_BAD_EMAIL, ACCOUNTS_NO_PASSWORD or
 * ACCOUNTS_WEAK_PASSWORD with *out_verdict (NULL texts count as missing). */
enum accounts_rc accounts_check_registration(const char *name, const char *email,
                                             const char *password,
                                             enum password_policy_verdict *out_verdict);

/* Hashes a password (the HTTP shell bounds how many run at once; the CLI hashes directly). */
typedef enum password_result (*accounts_hash_fn)(char **out, const char *password, unsigned log2n);

/* True for min..max bytes of text without control characters (NULL: false). */
bool accounts_plain_text(const char *s, size_t min, size_t max);

/* Checks a new staff account's e-mail and name (the same validators as registration) and
 * role (assessor or admin; a caller that could not parse the role's text passes ROLE_ANON):
 * ACCOUNTS_OK, ACCOUNTS_BAD_EMAIL, ACCOUNTS_BAD_NAME or ACCOUNTS_BAD_ROLE (NULL texts count
 * as invalid). */
enum accounts_rc accounts_check_staff(const char *email, const char *name, enum role role);

/* The one check of a new password, wherever one is chosen (registration, password change,
 * staff accounts, the CLI): password_policy_check for the account's e-mail and name
 * (NFKC, white space removed, common and personal words, zxcvbn's estimate). ACCOUNTS_OK,
 * ACCOUNTS_NO_PASSWORD or ACCOUNTS_WEAK_PASSWORD with *out_verdict, whose
 * password_policy_message says why. */
enum accounts_rc accounts_check_password(const char *password, const char *email, const char *name,
                                         enum password_policy_verdict *out_verdict);

struct accounts_new_staff {
  const char *email, *name;
  enum role role;
  const char *password;
  int64_t actor;   /* who creates it (STORE_AUDIT_SYSTEM from the command line) */
  const char *via; /* recorded in the audit entry ("cli"), or NULL */
  accounts_hash_fn hash;
  unsigned log2n; /* the password hashing cost */
};

/* Creates a staff account after accounts_check_staff and accounts_check_password, with the
 * name as accounts_name normalises it. On ACCOUNTS_OK *out is the stored account
 * (password_hash wiped). Otherwise one of the check outcomes, ACCOUNTS_EMAIL_TAKEN,
 * ACCOUNTS_STORE_FAILED (*out_store_rc set) or ACCOUNTS_INTERNAL. *out_verdict is set with
 * ACCOUNTS_WEAK_PASSWORD. */
enum accounts_rc accounts_create_staff(struct store_user *out, struct store *store,
                                       const struct accounts_new_staff *in,
                                       enum password_policy_verdict *out_verdict,
                                       int *out_store_rc);

/* Creates a candidate account after accounts_check_registration, with the name as
 * accounts_name normalises it: ACCOUNTS_OK with *out_id, a check outcome,
 * ACCOUNTS_EMAIL_TAKEN, ACCOUNTS_STORE_FAILED (*out_store_rc set) or ACCOUNTS_INTERNAL
 * (hashing failed). */
enum accounts_rc accounts_register(int64_t *out_id, struct store *store, const char *name,
                                   const char *email, const char *password, accounts_hash_fn hash,
                                   unsigned log2n, enum password_policy_verdict *out_verdict,
                                   int *out_store_rc);

/* Accounts ordered by id, of one role (NULL = all), at most
 * ACCOUNTS_LIST_MAX, password hashes wiped. On ACCOUNTS_OK *out is the caller's to free
 * with store_user_list_free; else ACCOUNTS_STORE_FAILED with *out_store_rc. */
enum accounts_rc accounts_list(struct store_user **out, size_t *out_n, struct store *store,
                               const enum role *role, int *out_store_rc);

/* Keyset paging over accounts: those matching f (NULL = all) with id > after_id, ordered by
 * id, at most limit (1..1000), password hashes wiped; *out_more says whether more follow. As
 * accounts_list otherwise. */
enum accounts_rc accounts_search(struct store_user **out, size_t *out_n, bool *out_more,
                                 struct store *store, const struct store_user_filter *f,
                                 int64_t after_id, int limit, int *out_store_rc);

/* Account id as rd reads it, its password hash wiped (for the rules that need the account,
 * not its secret): STORE_OK, STORE_NONE or negative. */
int accounts_read(struct store_rd *rd, int64_t id, struct store_user *out);

/* May actor disable account u (a page shows the button only then)? */
bool accounts_may_disable(int64_t actor, const struct store_user *u);

/* Administrator actor disables account id and ends its sessions; reason (NULL: none) is
 * recorded. *out_changed is false when it was disabled already (nothing recorded).
 * ACCOUNTS_OK, ACCOUNTS_DISABLE_SELF, ACCOUNTS_BAD_REASON, ACCOUNTS_NOT_FOUND or
 * ACCOUNTS_STORE_FAILED (*out_store_rc set). */
enum accounts_rc accounts_disable(bool *out_changed, struct store *store, int64_t actor, int64_t id,
                                  bool reason_given, const char *reason, int *out_store_rc);

/* Administrator actor ends every session of account id (a device left signed in at a test
 * site, a password the holder fears was seen): the account stays usable with its password;
 * its holder signs in again. Recorded as user.sessions_end with how many ended (also when
 * none were open, so the request is on record). *out_n: how many. ACCOUNTS_OK,
 * ACCOUNTS_NOT_FOUND or ACCOUNTS_STORE_FAILED (*out_store_rc set). */
enum accounts_rc accounts_end_sessions(int64_t *out_n, struct store *store, int64_t actor,
                                       int64_t id, int *out_store_rc);

/* Administrator actor corrects the name of account id (a typo at registration, a name that
 * differs from the identity document checked at the TUK: the data subject's right to have it
 * corrected), to name as accounts_name normalises it; reason (required: what the name was
 * checked against) is recorded with the names before and after (user.rename). *out_changed
 * is false when the account had that name already (nothing recorded); *out is the account
 * after (password hash wiped). Certificates already issued keep the name they were signed
 * with. ACCOUNTS_OK, ACCOUNTS_BAD_NAME (why), ACCOUNTS_BAD_REASON, ACCOUNTS_NOT_FOUND or
 * ACCOUNTS_STORE_FAILED (*out_store_rc set). */
enum accounts_rc accounts_rename(struct store_user *out, bool *out_changed, struct store *store,
                                 int64_t actor, int64_t id, const char *name, const char *reason,
                                 char *why, size_t whylen, int *out_store_rc);

#endif
