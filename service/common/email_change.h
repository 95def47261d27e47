/*
 * Changing an account's e-mail address, the address it logs in with and receives mail at
 * (the data subject's right to have their data kept correct and up to date, UU 27/2022).
 *
 * - The account holder asks, signed in and after typing their password again (the HTTP
 *   layer checks it, as for a password change): the service mails a one-time link to the
 *   new address, valid EMAIL_CHANGE_TTL_S, and a notice to the current one. The address
 *   changes only when the link is used, with the account's password again (the HTTP layer
 *   checks it): nobody moves an account to an address they do not read, a typo strands
 *   nothing, and a stranger who receives a mistyped address's link cannot use it (the mails
 *   to the new address say nothing of the account either). This needs an SMTP server
 *   (--smtp-url); without one the holder asks the LSP.
 * - Whether another account has the new address is not said to the asker (the answer is the
 *   same; the mail to that address says so instead), so the request cannot probe who has an
 *   account here. Requests are counted, EMAIL_CHANGE_PER_HOUR per account.
 * - An administrator corrects an address directly (the holder lost the old mailbox and
 *   proved who they are in person), with a reason recorded; notices go to both addresses.
 *
 * Every change appends "user.email_change" to the audit log in its transaction (the
 * addresses before and after, how); a request appends "user.email_change_request". Tokens
 * are 256-bit random values; the store keeps only their SHA-256 and they are never logged.
 * Sessions stay: the person is the same, and the sessions' cached users are read again
 * (the store's session-state trigger sees the new address).
 */
#ifndef UJIKOM_EMAIL_CHANGE_H
#define UJIKOM_EMAIL_CHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/svc.h"
#include "store/store.h"

/* The path of the page a link opens; the token follows as ?t=. */
#define EMAIL_CHANGE_PAGE "/ubah-email"
/* Lifetime of a link: a day, for mail that arrives late. */
#define EMAIL_CHANGE_TTL_S (24L * 3600L)
/* Requests one account may make in an hour (each sends two mails). */
#define EMAIL_CHANGE_PER_HOUR 3

enum email_change_rc {
  EMAIL_CHANGE_OK = 0,
  EMAIL_CHANGE_BAD_EMAIL,    /* not an address accounts_email_valid takes */
  EMAIL_CHANGE_SAME,         /* the account has that address already */
  EMAIL_CHANGE_TAKEN,        /* another account has it (an administrator's change, a link) */
  EMAIL_CHANGE_NO_MAIL,      /* request: no SMTP server to confirm the address with */
  EMAIL_CHANGE_RATE_LIMITED, /* request: EMAIL_CHANGE_PER_HOUR used (*out_retry_s) */
  EMAIL_CHANGE_BAD_TOKEN,    /* confirm: malformed, unknown, used or expired (one answer) */
  EMAIL_CHANGE_BAD_REASON,   /* administrator: no reason, or not 1-1000 bytes of text */
  EMAIL_CHANGE_NOT_FOUND,    /* no such account, or it is disabled */
  EMAIL_CHANGE_STORE_FAILED, /* the store could not answer; see *out_store_rc */
  EMAIL_CHANGE_INTERNAL,     /* randomness failed, or a link that does not fit */
};

/* A change waiting for its link, as the holder is told of it. */
struct email_change_pending {
  char email[255];
  int64_t expires_ms;
};

/* Whether a request for email can go anywhere at all, for the caller to ask before it checks
 * the holder's password (the costly step): EMAIL_CHANGE_OK, EMAIL_CHANGE_NO_MAIL (no SMTP
 * server) or EMAIL_CHANGE_BAD_EMAIL. email_change_request asks it too. */
enum email_change_rc email_change_precheck(const struct svc *svc, const char *email);

/* The account holder user_id (signed in; the caller checked their password) asks to move to
 * email. In one transaction: counts the request (EMAIL_CHANGE_PER_HOUR), checks the
 * address, stores a link (ending earlier ones) unless another account has the address, and
 * appends "user.email_change_request". After the commit the mails are queued (the link to
 * the new address, or there the note that it has an account; a notice to the current one).
 * EMAIL_CHANGE_OK with *out (also when the address is taken: see above), BAD_EMAIL, SAME,
 * NO_MAIL, RATE_LIMITED (*out_retry_s), NOT_FOUND, STORE_FAILED (*out_store_rc) or
 * INTERNAL. */
enum email_change_rc email_change_request(struct email_change_pending *out, struct svc *svc,
                                          int64_t user_id, const char *email, int64_t *out_retry_s,
                                          int *out_store_rc);

/* The change waiting for user_id's confirmation now: EMAIL_CHANGE_OK with *out,
 * EMAIL_CHANGE_NOT_FOUND when none waits, or STORE_FAILED. */
enum email_change_rc email_change_pending(struct email_change_pending *out, struct store *store,
                                          int64_t user_id, int *out_store_rc);

/* The holder withdraws the change waiting (its link stops working). EMAIL_CHANGE_OK (also
 * when none waited) or STORE_FAILED. */
enum email_change_rc email_change_cancel(struct svc *svc, int64_t user_id, int *out_store_rc);

/* What a link would do, for the page it opens (which asks before changing anything): OK with
 * *out_user (the account, password hash wiped) and *out (the new address), BAD_TOKEN or
 * STORE_FAILED. */
enum email_change_rc email_change_check(struct store_user *out_user,
                                        struct email_change_pending *out, struct store *store,
                                        const char *token, int *out_store_rc);

/* Uses a link: in one transaction, uses it (a link raced by another use is refused), sets the
 * account's address, ends its other links and appends "user.email_change" (via "link"); then
 * a notice goes to the address before. EMAIL_CHANGE_OK with *out the account after (password
 * hash wiped), BAD_TOKEN (also for a disabled account), TAKEN (another account took the
 * address meanwhile; the link stays usable), STORE_FAILED or INTERNAL. */
enum email_change_rc email_change_confirm(struct store_user *out, struct svc *svc,
                                          const char *token, int *out_store_rc);

/* Administrator actor sets account id's address to email, with reason (required: how the
 * person was identified) recorded; ends the account's waiting links; notices go to both
 * addresses. *out_changed is false when it had that address already (nothing recorded).
 * EMAIL_CHANGE_OK with *out the account after (password hash wiped), BAD_EMAIL, TAKEN,
 * BAD_REASON, NOT_FOUND, STORE_FAILED or INTERNAL. */
enum email_change_rc email_change_by_admin(struct store_user *out, bool *out_changed,
                                           struct svc *svc, int64_t actor, int64_t id,
                                           const char *email, const char *reason,
                                           int *out_store_rc);

#endif
