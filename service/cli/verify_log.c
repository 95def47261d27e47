/*
 * The offline inclusion check of a certificate in the transparency log (see verify_log.h).
 */
#include "cli/verify_log.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/cert.h"
#include "ujikom/certlog_entry.h"
#include "ujikom/note.h"
#include "ujikom/tlog.h"

static char *read_proof(const char *path, size_t *out_len) {
  FILE *f = fopen(path, "rb");
  if (NULL == f) {
    fprintf(stderr, "ujikom verify: --log-proof %s: %s\n", path, strerror(errno));
    return NULL;
  }
  char *buf = malloc(TLOG_PROOF_MAX + 1);
  size_t n = NULL == buf ? 0 : fread(buf, 1, TLOG_PROOF_MAX + 1, f);
  fclose(f);
  if (NULL == buf || n > TLOG_PROOF_MAX) {
    fprintf(stderr, "ujikom verify: --log-proof %s: larger than %zu bytes\n", path, TLOG_PROOF_MAX);
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  *out_len = n;
  return buf;
}

/* The SHA-256 of the signed form in text and whether it is a credential (JWS) rather than a
 * QR token. 0 or -1 (neither). */
static int commitment_of(unsigned char out[CERTLOG_DIGEST_LEN], bool *is_jws, const char *text) {
  const char *tok = NULL;
  size_t tlen = 0;
  *is_jws = NULL != strchr(text, '.') && NULL == strstr(text, "/V/") && NULL == strstr(text, "/v/");
  if (*is_jws) {
    return certlog_entry_digest(out, text, strlen(text));
  }
  if (0 != cert_qr_url_token(&tok, &tlen, text, strlen(text))) {
    return -1;
  }
  return certlog_entry_digest(out, tok, tlen);
}

int verify_log_proof(const char *proof_path, const char *vkey, const char *text) {
  struct note_key key;
  struct tlog_proof proof;
  struct tlog_checkpoint cp;
  struct certlog_entry e;
  struct tlog_hash leaf;
  unsigned char want[CERTLOG_DIGEST_LEN];
  bool is_jws = false;
  char err[256];
  size_t len = 0;
  int rc = 1;
  if (0 != note_vkey_parse(&key, vkey, strlen(vkey), err, sizeof err)) {
    fprintf(stderr, "ujikom verify: --log-key: %s\n", err);
    return 2;
  }
  char *doc = read_proof(proof_path, &len);
  if (NULL == doc) {
    return 2;
  }
  memset(&proof, 0, sizeof proof);
  if (0 != tlog_proof_parse(&proof, doc, len, err, sizeof err)) {
    printf("log:      NOT PROVEN: the proof file is not a tlog-proof (%s)\n", err);
    free(doc);
    return 1;
  }
  free(doc);
  if (NULL == proof.extra ||
      0 != certlog_entry_parse(&e, proof.extra, proof.extra_len, err, sizeof err)) {
    printf("log:      NOT PROVEN: the proof carries no certificate entry\n");
  } else if (CERTLOG_ENTRY_ISSUE != e.event) {
    printf("log:      NOT PROVEN: the proof's entry is a %s, not an issuance\n",
           certlog_entry_event_name(e.event));
  } else if (0 != commitment_of(want, &is_jws, text) ||
             0 != memcmp(want, is_jws ? e.credential : e.token, CERTLOG_DIGEST_LEN)) {
    printf("log:      NOT PROVEN: the proof is for another certificate (%s), not this %s\n",
           e.serial, is_jws ? "credential" : "QR token");
  } else if (0 != tlog_leaf_hash(&leaf, proof.extra, proof.extra_len) ||
             0 != tlog_proof_verify(&cp, &proof, &leaf, &key, 1, key.name, err, sizeof err)) {
    printf("log:      NOT PROVEN: %s\n", err);
  } else {
    printf("log:      recorded in the public log %s at position %llu (issuance of %s; "
           "checkpoint of %llu entries)\n",
           cp.origin, (unsigned long long)proof.index, e.serial, (unsigned long long)cp.size);
    rc = 0;
  }
  tlog_proof_free(&proof);
  return rc;
}
