/*
 * The published Bitstring Status Lists (revocation, suspension): built from the register's
 * statuses, signed with the issuer's current certificate key as a status list credential,
 * and kept in the store so that they are signed again only when a status, the key or the
 * public URL changed, or the stored one names another issuer (any node may rebuild them).
 * The issuer is the service's did:web (ob3_did_web of --public-url), as in the Open Badges
 * 3.0 credentials that name the lists.
 */
#ifndef UJIKOM_STATUS_LISTS_H
#define UJIKOM_STATUS_LISTS_H

#include "common/svc.h"
#include "ujikom/status_list.h"

enum status_lists_rc {
  STATUS_LISTS_OK = 0,
  STATUS_LISTS_NO_KEYS,     /* no signing key loaded */
  STATUS_LISTS_UNAVAILABLE, /* the store is busy or unavailable */
  STATUS_LISTS_INTERNAL,    /* encoding or signing failed */
};

/* The signed status list credential of purpose as currently published: *out (malloc'd,
 * free()) is a compact JWS, its list URL <public-url>/status/<purpose>. Thread-safe. */
enum status_lists_rc status_lists_credential(char **out, struct svc *svc,
                                             enum status_purpose purpose);

#endif
