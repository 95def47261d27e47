/*
 * Fuzzes the JSON-LD to RDF mapping of credentials and the embedded proof's verifier with
 * arbitrary bytes read as JSON (what POST /api/verify and `ujikom verify` hand them). Neither
 * may crash or leak; a document that maps gives a dataset whose canonical N-Quads parse back
 * and canonicalize to the same bytes, and mapping it twice gives the same N-Quads; a proof
 * can only verify under the fixed key that signed the seed credential.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_fixed_key.h"
#include "ujikom/ob3.h"
#include "ujikom/rdfc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_DID "did:web:sertifikasi.lspekraf-jakut.go.id"

static void check_mapping(const json_t *doc) {
  char err[200], *nq = NULL, *again = NULL, *re = NULL;
  size_t len = 0, againlen = 0, relen = 0;
  if (0 != jsonld_canonical(&nq, &len, doc, err, sizeof err)) {
    if (NULL != nq) {
      abort(); /* nothing is handed out on failure */
    }
    return;
  }
  struct rdf_dataset *back = NULL;
  if (0 != jsonld_canonical(&again, &againlen, doc, err, sizeof err) || againlen != len ||
      0 != memcmp(nq, again, len) || 0 != rdf_nquads_parse(&back, nq, len, err, sizeof err) ||
      0 != rdfc_canonicalize(&re, &relen, back, err, sizeof err) || relen != len ||
      0 != memcmp(nq, re, len)) {
    abort();
  }
  rdf_dataset_free(back);
  free(nq);
  free(again);
  free(re);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  json_error_t je;
  json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
  if (NULL == doc) {
    return 0;
  }
  check_mapping(doc);
  const struct token_key *key = fuzz_fixed_key(0x11);
  char err[200], kid[TOKEN_KID_LEN + 1] = "";
  enum ob3_proof_rc rc = ob3_proof_verify(doc, FUZZ_DID, &key->pub, 1, kid, err, sizeof err);
  if (OB3_PROOF_OK == rc && 0 != strcmp(kid, key->pub.kid)) {
    abort();
  }
  json_decref(doc);
  return 0;
}
