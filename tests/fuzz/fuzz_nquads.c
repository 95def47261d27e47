/*
 * Fuzzes the N-Quads parser and RDFC-1.0 with arbitrary bytes. Neither may crash, leak or run
 * past its work limit; a dataset that canonicalizes gives canonical N-Quads that parse again
 * and canonicalize to the same bytes, and its plain serialization parses back to the same
 * canonical form.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/rdfc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *canonical(const char *text, size_t len, size_t *outlen, int *rc) {
  struct rdf_dataset *d = NULL;
  char *out = NULL, err[200];
  *rc = rdf_nquads_parse(&d, text, len, err, sizeof err);
  if (0 != *rc) {
    return NULL;
  }
  *rc = rdfc_canonicalize(&out, outlen, d, err, sizeof err);
  if (0 == *rc) {
    /* The dataset's own serialization reads back as the same dataset. */
    char *plain = NULL;
    size_t plainlen = 0, againlen = 0;
    struct rdf_dataset *back = NULL;
    char *again = NULL;
    if (0 != rdf_nquads_serialize(&plain, &plainlen, d) ||
        0 != rdf_nquads_parse(&back, plain, plainlen, err, sizeof err) ||
        back->nquads != d->nquads) {
      abort();
    }
    /* The work count depends on the order permutations are tried in, which follows the
     * labels: a dataset at the edge of the limit may be refused under other labels. */
    int again_rc = rdfc_canonicalize(&again, &againlen, back, err, sizeof err);
    if (RDFC_ERR_LIMIT != again_rc &&
        (0 != again_rc || againlen != *outlen || 0 != memcmp(again, out, againlen))) {
      abort();
    }
    free(again);
    free(plain);
    rdf_dataset_free(back);
  }
  rdf_dataset_free(d);
  return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  size_t len = 0, len2 = 0;
  int rc = 0, rc2 = 0;
  char *first = canonical((const char *)data, size, &len, &rc);
  if (NULL == first) {
    return 0;
  }
  char *second = canonical(first, len, &len2, &rc2);
  if (RDFC_ERR_LIMIT != rc2 && (0 != rc2 || len2 != len || 0 != memcmp(first, second, len))) {
    abort();
  }
  free(second);
  free(first);
  return 0;
}
