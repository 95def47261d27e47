/*
 * The issuer's keys for verifiers that resolve them one at a time:
 *   GET /.well-known/did.json  the did:web document of every key, current and old (the same
 *                              keys as the JWKS), as Multikey verification methods;
 *   GET /api/keys/:kid         the one JWK of a key (application/jwk+json): what the
 *                              credential JWT's kid URL answers.
 * Both are public and change only when the key set does; built per request from the
 * loaded key set (a handful of keys).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/keystore.h"
#include "http/handlers.h"
#include "http/reply.h"
#include "http/server.h"
#include "ujikom/ob3.h"

/* Answers a public key document (text, malloc'd, taken) with content_type, cacheable. */
static int reply_key_document(struct req *r, const char *content_type, char *text) {
  if (NULL == text) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  reply_header(r, "Cache-Control", "public, max-age=300");
  reply_header(r, "Access-Control-Allow-Origin", "*");
  return reply_bytes_owned(r, 200, content_type, text, strlen(text));
}

int h_did_document(struct req *r) {
  char did[OB3_DID_SIZE];
  if (NULL == r->svc->keys) {
    return reply_error(r, ERR_CERT_KEYS_UNAVAILABLE, NULL);
  }
  if (0 != ob3_did_web(did, sizeof did, r->svc->cfg->public_url)) {
    return reply_error(r, ERR_INTERNAL, "The public URL gives no did:web identifier.");
  }
  return reply_key_document(r, "application/did+json", keystore_did_document(r->svc->keys, did));
}

int h_key_jwk(struct req *r) {
  if (NULL == r->svc->keys) {
    return reply_error(r, ERR_CERT_KEYS_UNAVAILABLE, NULL);
  }
  char *jwk = keystore_jwk(r->svc->keys, r->params[0]);
  if (NULL == jwk) {
    return reply_error(r, ERR_NOT_FOUND, "No key with this id.");
  }
  return reply_key_document(r, "application/jwk+json", jwk);
}
