/*
 * Account recovery without an e-mail server: one-time, short-lived password-reset links.
 * An administrator (the admin page, the JSON API or `ujikom admin reset-link`) issues a link
 * for a candidate and hands it over in person, the usual way at a test site; with an SMTP
 * server configured, candidates can also ask for one by e-mail. Redeeming a link sets a new
 * password (through the accounts module's one password check), uses the link up and ends
 * every session of the account, in one transaction.
 *
 * A link carries a 256-bit random token; the store keeps only its SHA-256. Tokens are never
 * logged nor written to the audit log. Staff accounts get no links: they are reset by an
 * administrator (and have a second factor to protect).
 */
#ifndef UJIKOM_RECOVERY_H
#define UJIKOM_RECOVERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/accounts.h"
#include "store/store.h"
#include "ujikom/person_name.h"
#include "ujikom/session_token.h"

struct mailer; /* common/mailer.h */

/* The path of the page a link opens; the token follows as ?t=. */
#define RECOVERY_PAGE "/reset-sandi"
/* Bytes of a link: the public URL (at most 255), the page, "?t=" and the token. */
#define RECOVERY_URL_MAX 320

enum recovery_rc {
  RECOVERY_OK = 0,
  RECOVERY_NOT_FOUND,     /* issue: no such account */
  RECOVERY_NOT_CANDIDATE, /* issue: links are for candidate accounts only */
  RECOVERY_DISABLED,      /* issue: the account is disabled */
  RECOVERY_BAD_TOKEN,     /* redeem: malformed, unknown, used or expired (one answer for all) */
  RECOVERY_NO_PASSWORD,   /* redeem: no new password */
  RECOVERY_WEAK_PASSWORD, /* redeem: refused by the password policy (see *out_strength) */
  RECOVERY_BAD_EMAIL,     /* request: not 3 to 254 bytes of text */
  RECOVERY_RATE_LIMITED,  /* request: the client address is over its limit (*out_retry_s) */
  RECOVERY_STORE_FAILED,  /* the store could not answer; see *out_store_rc */
  RECOVERY_INTERNAL,      /* randomness or hashing failed, or a broken invariant */
};

/* A link as issued. */
struct recovery_link {
  char url[RECOVERY_URL_MAX]; /* public URL + RECOVERY_PAGE + "?t=" + token */
  int64_t user_id;
  char email[255];
  char name[PERSON_NAME_SIZE];
  int64_t expires_ms;
};

/* May a link be issued for account u (an enabled candidate)? The admin page shows the
 * button only then. */
bool recovery_may_issue(const struct store_user *u);

struct recovery_issue_in {
  int64_t user_id;   /* the account, or 0 to find it by email */
  const char *email; /* used when user_id is 0 */
  int64_t actor;     /* the administrator, or STORE_AUDIT_SYSTEM (command line) */
  const char *via;   /* recorded in the audit entry ("cli"), or NULL */
  const char *public_url;
  long ttl_s; /* lifetime of the link, > 0 */
};

/* A fresh link before a transaction stores it: its URL (public_url + RECOVERY_PAGE + "?t=" +
 * token; wipe after use) and the token's hash, which recovery_link_store keeps. 0, or -1
 * when the random generator failed or the URL does not fit. */
int recovery_link_new(char url[RECOVERY_URL_MAX], char hash[SESSION_HASH_LEN + 1],
                      const char *public_url);
/* The same for a one-time link of another kind, opening page (a path, as RECOVERY_PAGE;
 * the e-mail change's link). */
int recovery_link_new_at(char url[RECOVERY_URL_MAX], char hash[SESSION_HASH_LEN + 1],
                         const char *public_url, const char *page);

/* Inside the caller's transaction: stores the link of token hash `hash` for account user_id
 * (ending its earlier unused links), valid ttl_s seconds, audited as `action` by actor (for
 * an account created by a bulk import, its activation link). STORE_OK with *out_expires_ms,
 * or negative. */
int recovery_link_store(struct store_tx *tx, int64_t user_id, const char *hash, int64_t actor,
                        const char *action, long ttl_s, int64_t *out_expires_ms);

/* Issues a link for a candidate: ends the account's earlier unused links, stores the new
 * one and appends "user.reset_link" to the audit log (who issued it for whom; never the
 * token), in one transaction. On RECOVERY_OK *out holds the link (wipe out->url after use);
 * otherwise RECOVERY_NOT_FOUND, RECOVERY_NOT_CANDIDATE, RECOVERY_DISABLED,
 * RECOVERY_STORE_FAILED (*out_store_rc set) or RECOVERY_INTERNAL. */
enum recovery_rc recovery_issue(struct recovery_link *out, struct store *store,
                                const struct recovery_issue_in *in, int *out_store_rc);

/* Whether token is a link that can still be used (the page shows the form only then):
 * RECOVERY_OK, RECOVERY_BAD_TOKEN or RECOVERY_STORE_FAILED (*out_store_rc set). */
enum recovery_rc recovery_check(struct store *store, const char *token, int *out_store_rc);

struct recovery_redeem_in {
  const char *token;
  const char *password; /* the new password */
  accounts_hash_fn hash;
  unsigned log2n; /* the password hashing cost */
};

/* Sets a new password with a link: the link must be unused and unexpired and its account an
 * enabled candidate; the password must pass accounts_check_password (a refused password
 * leaves the link usable). Then, in one transaction: uses the link (a link raced by another
 * redemption is refused), sets the password, ends the account's sessions and other links,
 * and appends "user.password_reset" to the audit log. RECOVERY_OK with *out the account
 * (password hash wiped);
 * RECOVERY_BAD_TOKEN, RECOVERY_NO_PASSWORD, RECOVERY_WEAK_PASSWORD (*out_strength),
 * RECOVERY_STORE_FAILED (*out_store_rc) or RECOVERY_INTERNAL. */
enum recovery_rc recovery_redeem(struct store_user *out, struct store *store,
                                 const struct recovery_redeem_in *in,
                                 enum password_policy_verdict *out_strength, int *out_store_rc);

struct recovery_request_in {
  const char *email;       /* as typed */
  const char *client_addr; /* the requesting client's address */
  const char *public_url;
  long ttl_s;
  long per_addr_per_hour; /* requests one client address may make per hour */
  long mails_per_hour;    /* mails one account receives per hour */
  struct mailer *mailer;  /* where the mail goes (not NULL) */
};

/* A candidate asks for a link by e-mail. The answer and the work are the same whether or not
 * the address belongs to an account: one transaction counts the request against the client
 * address and the address asked for, looks the account up and, only for an enabled
 * candidate under its mail limit, stores a new link (ending earlier ones); after the commit
 * the mail is queued (sending happens in the background, its failure is only logged).
 * RECOVERY_OK for every address (known or not, mailed or not); RECOVERY_BAD_EMAIL;
 * RECOVERY_RATE_LIMITED with *out_retry_s when the client address is over its limit;
 * RECOVERY_STORE_FAILED (*out_store_rc) or RECOVERY_INTERNAL. */
enum recovery_rc recovery_request(struct store *store, const struct recovery_request_in *in,
                                  int64_t *out_retry_s, int *out_store_rc);

#endif
