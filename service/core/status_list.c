/*
 * W3C Bitstring Status List: the bitstring, its GZIP + multibase base64url encoding, a
 * bounded decoder (the list comes from a URL or a file a verifier was handed), and random
 * index allocation.
 */
#include "ujikom/status_list.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "ujikom/token.h"

static void set_err(char *err, size_t errlen, const char *msg) {
  if (NULL != err && errlen > 0) {
    snprintf(err, errlen, "%s", msg);
  }
}

static bool nbits_valid(size_t nbits) {
  return nbits >= STATUS_LIST_MIN_BITS && nbits <= STATUS_LIST_MAX_BITS && 0 == nbits % 8;
}

int status_list_new(struct status_list **out, size_t nbits) {
  *out = NULL;
  if (!nbits_valid(nbits)) {
    return -1;
  }
  struct status_list *l = malloc(sizeof *l);
  if (NULL == l) {
    return -1;
  }
  l->bits = calloc(nbits / 8, 1);
  if (NULL == l->bits) {
    free(l);
    return -1;
  }
  l->nbits = nbits;
  *out = l;
  return 0;
}

void status_list_free(struct status_list *l) {
  if (NULL == l) {
    return;
  }
  free(l->bits);
  free(l);
}

int status_list_set(struct status_list *l, uint64_t index, bool value) {
  if (index >= l->nbits) {
    return -1;
  }
  unsigned char mask = (unsigned char)(0x80u >> (index % 8));
  if (value) {
    l->bits[index / 8] |= mask;
  } else {
    l->bits[index / 8] &= (unsigned char)~mask;
  }
  return 0;
}

int status_list_get(const struct status_list *l, uint64_t index) {
  if (index >= l->nbits) {
    return -1;
  }
  return (l->bits[index / 8] >> (7 - index % 8)) & 1;
}

int status_list_encode(char **out, const struct status_list *l) {
  *out = NULL;
  if (!nbits_valid(l->nbits)) {
    return -1;
  }
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  /* windowBits 15 + 16: the GZIP wrapper (RFC 1952), zlib's default level, as the
   * specification's examples were made. */
  if (Z_OK !=
      deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY)) {
    return -1;
  }
  uLong bound = deflateBound(&zs, (uLong)(l->nbits / 8));
  unsigned char *gz = malloc(bound);
  char *b64 = NULL;
  int rc = -1;
  if (NULL == gz) {
    goto cleanup;
  }
  zs.next_in = l->bits;
  zs.avail_in = (uInt)(l->nbits / 8);
  zs.next_out = gz;
  zs.avail_out = (uInt)bound;
  if (Z_STREAM_END != deflate(&zs, Z_FINISH)) {
    goto cleanup;
  }
  b64 = token_b64url_encode(gz, zs.total_out);
  if (NULL == b64) {
    goto cleanup;
  }
  size_t n = strlen(b64);
  char *s = malloc(n + 2);
  if (NULL == s) {
    goto cleanup;
  }
  s[0] = 'u';
  memcpy(s + 1, b64, n + 1);
  *out = s;
  rc = 0;
cleanup:
  deflateEnd(&zs);
  free(gz);
  free(b64);
  return rc;
}

int status_list_decode(struct status_list **out, const char *text, size_t len, char *err,
                       size_t errlen) {
  *out = NULL;
  if (len < 2 || 'u' != text[0]) {
    set_err(err, errlen, "status list: encodedList must start with the multibase prefix 'u'");
    return -1;
  }
  if (len > STATUS_LIST_MAX_ENCODED) {
    set_err(err, errlen, "status list: encodedList is too long");
    return -1;
  }
  unsigned char *gz = NULL;
  size_t gzlen = 0;
  if (0 != token_b64url_decode(&gz, &gzlen, text + 1, len - 1)) {
    set_err(err, errlen, "status list: encodedList is not base64url without padding");
    return -1;
  }
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  if (Z_OK != inflateInit2(&zs, 15 + 16)) { /* GZIP only, no zlib or raw deflate */
    free(gz);
    set_err(err, errlen, "status list: out of memory");
    return -1;
  }
  /* One byte more than the maximum: filling it means the list is too large. */
  size_t cap = STATUS_LIST_MAX_BITS / 8 + 1;
  unsigned char *bits = malloc(cap);
  struct status_list *l = NULL;
  int rc = -1;
  if (NULL == bits) {
    set_err(err, errlen, "status list: out of memory");
    goto cleanup;
  }
  zs.next_in = gz;
  zs.avail_in = (uInt)gzlen;
  zs.next_out = bits;
  zs.avail_out = (uInt)cap;
  int z = inflate(&zs, Z_FINISH);
  if (Z_STREAM_END != z) {
    set_err(err, errlen,
            0 == zs.avail_out ? "status list: the list is larger than this verifier accepts"
                              : "status list: not valid GZIP data");
    goto cleanup;
  }
  if (0 != zs.avail_in) {
    set_err(err, errlen, "status list: data after the GZIP member");
    goto cleanup;
  }
  size_t nbytes = zs.total_out;
  if (nbytes * 8 < STATUS_LIST_MIN_BITS || nbytes * 8 > STATUS_LIST_MAX_BITS) {
    set_err(err, errlen, "status list: the list is smaller than the 16 KiB minimum or too large");
    goto cleanup;
  }
  l = malloc(sizeof *l);
  if (NULL == l) {
    set_err(err, errlen, "status list: out of memory");
    goto cleanup;
  }
  unsigned char *shrunk = realloc(bits, nbytes);
  if (NULL != shrunk) {
    bits = shrunk;
  }
  l->bits = bits;
  l->nbits = nbytes * 8;
  bits = NULL;
  *out = l;
  l = NULL;
  rc = 0;
cleanup:
  inflateEnd(&zs);
  free(gz);
  free(bits);
  free(l);
  return rc;
}

/* A uniform random number below n (n > 0), by rejection. */
static int random_below(uint64_t *out, uint64_t n) {
  uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  for (;;) {
    unsigned char b[8];
    if (1 != RAND_bytes(b, sizeof b)) {
      return -1;
    }
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
      v = v << 8 | b[i];
    }
    if (v < limit) {
      *out = v % n;
      return 0;
    }
  }
}

size_t status_list_bits_for(uint64_t upto) {
  if (upto > STATUS_LIST_MAX_BITS) {
    return 0;
  }
  size_t n = STATUS_LIST_MIN_BITS;
  while (n < upto) {
    n *= 2; /* MAX_BITS is MIN_BITS times a power of two: n stops there */
  }
  return n;
}

/* Up to tries uniform draws below n: 1 and *out at the first free index, 0 when each one hit
 * a used index, -1 when the CSPRNG fails. */
static int draw(uint64_t *out, uint64_t n, int tries, status_list_in_use_fn in_use, void *ctx) {
  for (int i = 0; i < tries; i++) {
    uint64_t v = 0;
    if (0 != random_below(&v, n)) {
      return -1;
    }
    if (!in_use(ctx, v)) {
      *out = v;
      return 1;
    }
  }
  return 0;
}

int status_list_random_index(uint64_t *out, uint64_t upto, uint64_t max_bits,
                             status_list_in_use_fn in_use, void *ctx) {
  if (max_bits < STATUS_LIST_MIN_BITS || max_bits > STATUS_LIST_MAX_BITS) {
    return -1;
  }
  uint64_t n = status_list_bits_for(upto < max_bits ? upto : max_bits);
  n = n < max_bits ? n : max_bits;
  for (;;) {
    int rc = draw(out, n, n < max_bits ? STATUS_LIST_GROW_AFTER : 64, in_use, ctx);
    if (0 != rc) {
      return rc > 0 ? 0 : -1;
    }
    if (n >= max_bits) {
      break;
    }
    n = n * 2 < max_bits ? n * 2 : max_bits;
  }
  uint64_t v = 0;
  if (0 != random_below(&v, max_bits)) {
    return -1;
  }
  for (uint64_t k = 0; k < max_bits; k++) {
    uint64_t idx = (v + k) % max_bits;
    if (!in_use(ctx, idx)) {
      *out = idx;
      return 0;
    }
  }
  return -1;
}
