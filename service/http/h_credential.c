/*
 * The Open Badges 3.0 credential of a certificate as JSON-LD with its embedded Data
 * Integrity proof (GET /api/certificates/:serial/credential.json: the holder or an admin,
 * while the certificate is valid, as for /credential), and the DID a holder binds to their
 * account for the credentials' subject (PUT /api/me/did); the same credential's VC-JOSE JWT
 * form (GET /api/certificates/:serial/credential.jwt, application/vc+jwt, same rules).
 */
#include <string.h>

#include "common/credential.h"
#include "common/credential_jwt.h"
#include "http/handlers.h"

/* Answers one form of the credential of the :serial certificate, made by make, as
 * content_type. */
static int reply_credential(struct req *r, const char *content_type,
                            enum credential_rc (*make)(char **, struct svc *,
                                                       const struct store_cert *)) {
  struct store_cert c;
  int replied = 0;
  if (0 != cert_load_visible(r, &c, &replied) || cert_refused_not_valid(r, &c, &replied)) {
    return replied;
  }
  char *text = NULL;
  enum credential_rc rc = make(&text, r->svc, &c);
  store_cert_clear(&c);
  switch (rc) {
  case CREDENTIAL_OK:
    return reply_bytes_owned(r, 200, content_type, text, strlen(text));
  case CREDENTIAL_UNAVAILABLE:
    return reply_error(r, ERR_BUSY, NULL);
  default:
    return reply_error(r, ERR_INTERNAL, "The credential cannot be made.");
  }
}

int h_cert_credential_json(struct req *r) {
  return reply_credential(r, "application/ld+json", credential_jsonld);
}

int h_cert_credential_jwt(struct req *r) {
  return reply_credential(r, "application/vc+jwt", credential_jwt);
}

int h_me_did(struct req *r) {
  const json_t *did = json_is_object(r->json) && 1 == json_object_size(r->json)
                          ? json_object_get(r->json, "did")
                          : NULL;
  if (NULL == did || !(json_is_string(did) || json_is_null(did))) {
    return reply_error(r, ERR_INVALID_FIELD,
                       "The body must be {\"did\": \"did:<method>:<id>\"} or {\"did\": null}.");
  }
  switch (credential_bind_did(r->svc, r->user->id, json_string_value(did))) {
  case CREDENTIAL_OK:
    break;
  case CREDENTIAL_BAD_DID:
    return reply_error(r, ERR_INVALID_FIELD,
                       "did must be a DID: did:<method>:<id>, 8 to 255 characters.");
  case CREDENTIAL_UNAVAILABLE:
    return reply_error(r, ERR_BUSY, NULL);
  default:
    return reply_error(r, ERR_UNAVAILABLE, NULL);
  }
  json_t *j = json_pack("{s:O}", "did", did);
  return NULL == j ? reply_error(r, ERR_INTERNAL, NULL) : reply_json(r, 200, j);
}
