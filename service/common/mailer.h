/*
 * Outgoing mail over SMTP (libcurl), sent by one background thread from a bounded queue, so
 * that a request handler never waits for a mail server: mailer_send only queues a copy.
 * Every transfer has a connect and a total timeout; a failure is logged (without the mail's
 * text, which may hold a secret link). A mail the server did not take for a passing reason
 * (no connection, a timeout, a 4xx answer) is sent again after retry_s seconds, then four and
 * sixteen times that (three tries after the first); a permanent refusal (5xx) is not retried.
 * A mail given up on is dropped, logged.
 */
#ifndef UJIKOM_MAILER_H
#define UJIKOM_MAILER_H

#include <stdbool.h>
#include <stddef.h>

/* Mails waiting to be sent at most; mailer_send refuses beyond it. Room for the activation
 * links of the largest import (5,000 rows, common/enrolment.h) beside the other mail: 64 made
 * every import of more than 64 new accounts leave the rest unmailed. A mail waiting holds its
 * text, ~2-3 KB. */
#define MAILER_QUEUE_MAX 8192
/* Seconds to connect to the SMTP server, and for a whole transfer. */
#define MAILER_CONNECT_TIMEOUT_S 5
#define MAILER_TOTAL_TIMEOUT_S   20
/* Tries after the first for a mail refused for a passing reason. */
#define MAILER_RETRIES 3

struct mailer;

/* Checks smtp_url (smtp:// or smtps://, no spaces or controls) and from (a plain address),
 * initialises libcurl (call before other threads start) and starts the sending thread. retry_s:
 * seconds before the first try again (0: none). On 0, *out is the caller's to stop with
 * mailer_stop; -1 with a one-line message in err. */
int mailer_start(struct mailer **out, const char *smtp_url, const char *from, long retry_s,
                 char *err, size_t errlen);

/* Queues a plain-text mail (UTF-8) to one address; every argument is copied. to and subject
 * must not hold CR, LF or other controls (the mail's headers). True when queued; false when
 * the queue is full, an argument is refused or memory ran out (logged). Thread-safe. */
bool mailer_send(struct mailer *m, const char *to, const char *subject, const char *body);

/* What became of a mail given to mailer_send_then. */
enum mail_fate {
  MAIL_ACCEPTED, /* the server took it */
  MAIL_REFUSED,  /* refused for good: by the server (a 5xx answer), or, before any try, an
                  * address no mail can go to (not one plain address: one '@', no spaces,
                  * angle brackets, quotes or controls) */
  MAIL_NOT_SENT, /* not taken: given up after passing failures, or dropped by mailer_stop */
};

/* Called once with the fate of a mail given to mailer_send_then: on the mailer's thread (in
 * mailer_stop for a mail still queued then), or, for an address no mail can go to, before
 * mailer_send_then returns; never under the mailer's lock. */
typedef void (*mail_done_fn)(void *ctx, enum mail_fate fate);

/* mailer_send, then done(ctx, fate) once the mail's fate is known. True when done is called
 * (or was: MAIL_REFUSED for an address no mail can go to); false when the mail was not
 * queued for a passing reason (a full queue, no memory, stopping) or a fault of the caller's
 * (no mailer, an unusable subject), and done is not called. */
bool mailer_send_then(struct mailer *m, const char *to, const char *subject, const char *body,
                      mail_done_fn done, void *ctx);

/* Mails the queue could take now (0 for NULL or while stopping). Thread-safe; a snapshot. */
size_t mailer_room(struct mailer *m);

/* Refuses new mail; then, for up to drain_s seconds, sends the queued mails never tried yet
 * (in order, each under the transfer timeouts, so the last one may end up to
 * MAILER_TOTAL_TIMEOUT_S after that); drops what is still queued or waiting to be tried
 * again (logged, each callback told MAIL_NOT_SENT), stops the thread and frees m. A daemon
 * stopped cleanly thus sends what an import or a request queued just before. NULL allowed. */
void mailer_stop(struct mailer *m, long drain_s);

#endif
