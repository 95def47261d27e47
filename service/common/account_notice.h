/*
 * Security notices to an account's holder (OWASP ASVS 2.2.3: tell the user after a change of
 * their credentials and after a sign-in from somewhere unknown), by mail to the account's
 * address, in Indonesian and English. Each says what happened, when (in the holder's time
 * zone, and UTC), from what kind of device (include/ujikom/device_kind.h) and address where
 * a request of the holder's did it, and what to do if it was not them. Someone who learnt a
 * password, or took over a session, is thus noticed by the holder at the first use.
 *
 * - A sign-in from a new browser: a password sign-in (after the second factor, for staff)
 *   from a browser with no device cookie of the account (docs/security.md, "Lock-out"), when
 *   another browser has signed in to it within the cookie's life. The first sign-in of an
 *   account, a known browser and a check-in with a test-site code (handed out in person)
 *   send nothing. At most ACCOUNT_NOTICE_SIGN_INS_PER_HOUR an hour per account, so that
 *   signing in again and again without the cookie cannot fill the holder's mailbox.
 * - The password changed by its holder, or set with a reset link.
 * - The second factor set up by its holder, or removed by an administrator.
 *
 * Without a mailer (no --smtp-url) nothing is sent. A notice never delays or refuses what it
 * tells of: it is queued after the change is stored, and a failure is logged only.
 */
#ifndef UJIKOM_COMMON_ACCOUNT_NOTICE_H
#define UJIKOM_COMMON_ACCOUNT_NOTICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/svc.h"

#define ACCOUNT_NOTICE_SIGN_INS_PER_HOUR 6

enum account_notice_kind {
  ACCOUNT_NOTICE_SIGN_IN,             /* from a browser new to the account */
  ACCOUNT_NOTICE_PASSWORD_CHANGED,    /* by its holder, who gave the current one */
  ACCOUNT_NOTICE_PASSWORD_RESET,      /* with a reset link sent to the account's address */
  ACCOUNT_NOTICE_SECOND_FACTOR_ON,    /* set up by its holder */
  ACCOUNT_NOTICE_SECOND_FACTOR_RESET, /* removed by an administrator */
};

/* Who did it and where from: the request's device (device_kind_code; NULL or "": not
 * recognised, or not the holder's request) and client address (NULL: none shown). */
struct account_notice_from {
  const char *device;
  const char *address;
  int64_t at_ms;
};

/* What a notice says, for its text. */
struct account_notice {
  enum account_notice_kind kind;
  const char *name; /* the holder's */
  bool candidate;   /* a candidate (who may ask for a reset link), else staff */
  const char *zone; /* the holder's time zone name; NULL or unknown: WIB */
  const char *base; /* the public URL, for the links */
  struct account_notice_from from;
};

/* The mail's subject (static) for kind. */
const char *account_notice_subject(enum account_notice_kind kind);

/* The mail's text, Indonesian then English, into out: its length, or 0 when it does not fit
 * (out then ""). */
size_t account_notice_text(char *out, size_t cap, const struct account_notice *n);

/* Sends the notice of kind to account user_id (read here: its address, name, role and time
 * zone). For ACCOUNT_NOTICE_SIGN_IN only when other_devices > 0 and this hour's sign-in
 * notices of the account are not spent (other_devices is ignored for the other kinds). True
 * when a mail was queued. */
bool account_notice_send(struct svc *svc, int64_t user_id, enum account_notice_kind kind,
                         const struct account_notice_from *from, int64_t other_devices);

#endif
