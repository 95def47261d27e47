/*
 * Public credential URLs: a holder may make one URL per certificate (/c/<token>) that shows
 * the certificate and its live verdict to anyone they give it to, and end it at any time.
 * Only the holder makes or ends it (not even an administrator does it for them); both are
 * written to the audit log, without the token. A URL that was ended never works again;
 * sharing again makes a new one.
 */
#ifndef UJIKOM_COMMON_SHARE_H
#define UJIKOM_COMMON_SHARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/svc.h"
#include "store/store.h"

#define SHARE_PATH "/c/"
/* public_url (< 256) + SHARE_PATH + token */
#define SHARE_URL_MAX 320

enum share_rc {
  SHARE_OK = 0,
  SHARE_NOT_FOUND,    /* no such certificate, not the holder's, or (removing, opening) no share */
  SHARE_NOT_VALID,    /* making a URL for a revoked or suspended certificate */
  SHARE_STORE_FAILED, /* see *out_store_rc */
};

/* Shares holder's certificate `serial` (any spelling cert_serial_parse takes): *out is the
 * share, made now and audited (certificate.share), or the one that already exists
 * (idempotent: *out_created false). A revoked or suspended certificate gets no new URL
 * (SHARE_NOT_VALID); one made before keeps working and shows the verdict as it is. */
enum share_rc share_create(struct store_share *out, bool *out_created, struct svc *svc,
                           int64_t holder, const char *serial, int *out_store_rc);

/* Ends the share of holder's certificate `serial`, audited (certificate.unshare). */
enum share_rc share_remove(struct svc *svc, int64_t holder, const char *serial, int *out_store_rc);

/* The share of a certificate (canonical serial) for its holder's page: SHARE_OK with *out,
 * SHARE_NOT_FOUND when it is not shared. */
enum share_rc share_of(struct store_share *out, struct svc *svc, const char *serial,
                       int *out_store_rc);

/* The certificate a public URL's token opens: SHARE_OK with its canonical serial in out,
 * SHARE_NOT_FOUND for a token that is malformed, unknown or ended. */
enum share_rc share_open(char out[26], struct svc *svc, const char *token, int *out_store_rc);

/* The public URL of token under public_url; false when it does not fit. */
bool share_url(char out[SHARE_URL_MAX], const char *public_url, const char *token);

#endif
