/*
 * The Multikey encodings of Ed25519 and P-256 public keys (see ujikom/multibase.h), on the
 * base58btc codec of the Data Integrity proofs.
 */
#include "ujikom/multibase.h"

#include <stdlib.h>
#include <string.h>

#include "ujikom/ob3.h"

/* The multicodec varint prefix of each key type. */
static const unsigned char codec_ed25519[2] = {0xed, 0x01};
static const unsigned char codec_p256[2] = {0x80, 0x24};

int multikey_encode(char out[MULTIKEY_TEXT_SIZE], enum multikey_type t, const unsigned char *key) {
  unsigned char buf[2 + MULTIKEY_P256_LEN];
  size_t klen = MULTIKEY_P256 == t ? MULTIKEY_P256_LEN : MULTIKEY_ED25519_LEN;
  memcpy(buf, MULTIKEY_P256 == t ? codec_p256 : codec_ed25519, 2);
  memcpy(buf + 2, key, klen);
  char *text = ob3_base58btc(buf, 2 + klen);
  int rc = NULL == text || strlen(text) >= MULTIKEY_TEXT_SIZE ? -1 : 0;
  if (0 == rc) {
    memcpy(out, text, strlen(text) + 1);
  }
  free(text);
  return rc;
}

int multikey_decode(enum multikey_type *out_type, unsigned char key[MULTIKEY_P256_LEN],
                    const char *text) {
  unsigned char buf[2 + MULTIKEY_P256_LEN + 1];
  int n = strlen(text) >= MULTIKEY_TEXT_SIZE ? -1 : ob3_base58btc_decode(buf, sizeof buf, text);
  if (2 + MULTIKEY_ED25519_LEN == n && 0 == memcmp(buf, codec_ed25519, 2)) {
    *out_type = MULTIKEY_ED25519;
    memcpy(key, buf + 2, MULTIKEY_ED25519_LEN);
    return 0;
  }
  if (2 + MULTIKEY_P256_LEN == n && 0 == memcmp(buf, codec_p256, 2) &&
      (0x02 == buf[2] || 0x03 == buf[2])) {
    *out_type = MULTIKEY_P256;
    memcpy(key, buf + 2, MULTIKEY_P256_LEN);
    return 0;
  }
  return -1;
}
