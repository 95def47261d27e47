/*
 * The notice of a sign-in from a new device. When an account that has signed in before from
 * one browser or more is signed in to with its password from a browser that never has (no
 * device cookie of this account: docs/security.md, "Lock-out"), its address gets a mail: what
 * kind of device (include/ujikom/device_kind.h), when (in the account's time zone, and UTC),
 * from which address, and where to sign the other devices out. Someone who learnt the
 * password is thus noticed by its holder at the first use, as a candidate is who forgot to
 * sign out of a test site's computer when someone else signs in there.
 *
 * The first sign-in of an account (no device yet) sends nothing, nor does a check-in with a
 * test-site code (handed out in person) or a sign-in from a known browser. At most
 * SIGN_IN_NOTICES_PER_HOUR an hour per account, so that a holder's mailbox cannot be filled
 * by signing in again and again without the cookie. Without a mailer (no --smtp-url)
 * nothing is sent. The notice never delays or refuses the sign-in.
 */
#ifndef UJIKOM_COMMON_SIGN_IN_NOTICE_H
#define UJIKOM_COMMON_SIGN_IN_NOTICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/svc.h"
#include "store/store_users.h"

#define SIGN_IN_NOTICES_PER_HOUR 6

/* What the notice says of one sign-in. */
struct sign_in_notice {
  const char *name;         /* the account holder's */
  const char *device;       /* device_kind_code ("" or NULL: not recognised) */
  const char *address;      /* the client's address (NULL or "": unknown) */
  int64_t at_ms;            /* when */
  const char *zone;         /* the account's time zone name; NULL or unknown: WIB */
  const char *sessions_url; /* the sessions page, absolute */
};

/* The mail's text, Indonesian then English, into out: its length, or 0 when it does not fit
 * (out then ""). */
size_t sign_in_notice_text(char *out, size_t cap, const struct sign_in_notice *n);

/* Sends the notice of user u's sign-in from the device (device_kind_code) at address at
 * at_ms, when other_devices > 0 (devices that signed in to the account before, within the
 * device cookie's life) and this hour's notices of the account are not spent. True when a
 * mail was queued. */
bool sign_in_notice_send(struct svc *svc, const struct store_user *u, const char *device,
                         const char *address, int64_t at_ms, int64_t other_devices);

#endif
