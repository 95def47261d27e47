/*
 * GET /status/revocation and /status/suspension: the W3C Bitstring Status Lists that
 * certificate credentials name in credentialStatus, each a status list credential signed
 * with the issuer's current key (common/status_lists.c). Public, cached briefly: a status
 * change shows within minutes.
 */
#include <stdlib.h>
#include <string.h>

#include "common/status_lists.h"
#include "http/handlers.h"

static int status_list_reply(struct req *r, enum status_purpose purpose) {
  char *jws = NULL;
  switch (status_lists_credential(&jws, r->svc, purpose)) {
  case STATUS_LISTS_OK:
    break;
  case STATUS_LISTS_NO_KEYS:
    return reply_error(r, ERR_CERT_KEYS_UNAVAILABLE, NULL);
  case STATUS_LISTS_UNAVAILABLE:
    return reply_error(r, ERR_UNAVAILABLE, NULL);
  case STATUS_LISTS_INTERNAL:
  default:
    return reply_error(r, ERR_INTERNAL, "The status list cannot be built.");
  }
  reply_header(r, "Cache-Control", "public, max-age=60");
  reply_header(r, "Access-Control-Allow-Origin", "*");
  return reply_bytes_owned(r, 200, "application/vc+jwt", jws, strlen(jws));
}

int h_status_revocation(struct req *r) {
  return status_list_reply(r, STATUS_PURPOSE_REVOCATION);
}

int h_status_suspension(struct req *r) {
  return status_list_reply(r, STATUS_PURPOSE_SUSPENSION);
}
