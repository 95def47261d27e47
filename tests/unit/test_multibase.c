/*
 * base58btc multibase and Multikey: the base58 examples of the IETF base58 draft
 * (draft-msporny-base58) through the Data Integrity proofs' codec, the did:key test vectors of the
 * W3C CCG did:key method (test-vectors/ed25519-x25519.json and nist-curves.json: Ed25519 keys as
 * "z6Mk...", P-256 keys compressed as "zDn..."), round trips, and the decoder's refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ujikom/es256.h"
#include "ujikom/multibase.h"
#include "ujikom/ob3.h"
#include "ujikom/token.h"

static void check_b58(const unsigned char *data, size_t len, const char *expected) {
  unsigned char back[128];
  char *text = ob3_base58btc(data, len);
  assert_non_null(text);
  assert_string_equal(text, expected);
  assert_int_equal(ob3_base58btc_decode(back, sizeof back, text), (int)len);
  assert_memory_equal(back, data, len);
  free(text);
}

static void test_base58_draft_examples(void **state) {
  (void)state;
  check_b58((const unsigned char *)"Hello World!", 12, "z2NEpo7TZRRrLZSi2U");
  const char *fox = "The quick brown fox jumps over the lazy dog.";
  check_b58((const unsigned char *)fox, strlen(fox),
            "zUSm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z");
  const unsigned char zeros[] = {0x00, 0x00, 0x28, 0x7f, 0xb4, 0xcd};
  check_b58(zeros, sizeof zeros, "z11233QC4");
  const unsigned char one_zero[] = {0x00};
  check_b58(one_zero, 1, "z1");
}

static void test_base58_refusals(void **state) {
  (void)state;
  unsigned char out[64];
  assert_int_equal(ob3_base58btc_decode(out, sizeof out, "2NEpo7"), -1);    /* no 'z' */
  assert_int_equal(ob3_base58btc_decode(out, sizeof out, "z0OIl"), -1);     /* not base58 */
  assert_int_equal(ob3_base58btc_decode(out, 2, "z2NEpo7TZRRrLZSi2U"), -1); /* no room */
}

static void test_ed25519_did_key_vectors(void **state) {
  (void)state;
  /* seed 00..00 and 00..01 of ed25519-x25519.json */
  static const struct {
    unsigned char last;
    const char *base58, *multikey;
  } v[] = {
      {0, "z4zvwRjXUKGfvwnParsHAS3HuSVzV5cA4McphgmoCtajS",
       "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"},
      {1, "z6ASf5EcmmEHTgDJ4X4ZT5vT6iHVJBXPg5AN5YoTCpGWt",
       "z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG"},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    unsigned char seed[TOKEN_SEED_LEN] = {0}, raw[40], key[MULTIKEY_P256_LEN];
    struct token_key k;
    char text[MULTIKEY_TEXT_SIZE];
    enum multikey_type t = MULTIKEY_P256;
    seed[TOKEN_SEED_LEN - 1] = v[i].last;
    assert_int_equal(token_key_from_seed(&k, seed), 0);
    assert_int_equal(ob3_base58btc_decode(raw, sizeof raw, v[i].base58), TOKEN_PUB_LEN);
    assert_memory_equal(raw, k.pub.pub, TOKEN_PUB_LEN);
    assert_int_equal(multikey_encode(text, MULTIKEY_ED25519, k.pub.pub), 0);
    assert_string_equal(text, v[i].multikey);
    assert_int_equal(multikey_decode(&t, key, text), 0);
    assert_int_equal(t, MULTIKEY_ED25519);
    assert_memory_equal(key, k.pub.pub, TOKEN_PUB_LEN);
    token_key_wipe(&k);
  }
}

static void test_p256_did_key_vectors(void **state) {
  (void)state;
  static const struct {
    const char *x, *y, *multikey;
  } v[] = {
      {"igrFmi0whuihKnj9R3Om1SoMph72wUGeFaBbzG2vzns", "efsX5b10x8yjyrj4ny3pGfLcY7Xby1KzgqOdqnsrJIM",
       "zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv"},
      {"fyNYMN0976ci7xqiSdag3buk-ZCwgXU4kz9XNkBlNUI", "hW2ojTNfH7Jbi8--CJUo3OCbH3y5n91g-IMA9MLMbTU",
       "zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169"},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    unsigned char *x = NULL, *y = NULL, pub[ES256_PUB_LEN], c[ES256_COMPRESSED_LEN],
                  key[MULTIKEY_P256_LEN];
    size_t xl = 0, yl = 0;
    char text[MULTIKEY_TEXT_SIZE];
    enum multikey_type t = MULTIKEY_ED25519;
    assert_int_equal(token_b64url_decode(&x, &xl, v[i].x, strlen(v[i].x)), 0);
    assert_int_equal(token_b64url_decode(&y, &yl, v[i].y, strlen(v[i].y)), 0);
    assert_int_equal(es256_pub_from_xy(pub, x, y), 0);
    es256_compress(c, pub);
    assert_int_equal(multikey_encode(text, MULTIKEY_P256, c), 0);
    assert_string_equal(text, v[i].multikey);
    assert_int_equal(multikey_decode(&t, key, text), 0);
    assert_int_equal(t, MULTIKEY_P256);
    assert_memory_equal(key, c, sizeof c);
    free(x);
    free(y);
  }
}

static void test_multikey_refusals(void **state) {
  (void)state;
  enum multikey_type t;
  unsigned char key[MULTIKEY_P256_LEN];
  const char *short_key = "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDoo"; /* bytes missing */
  assert_int_equal(multikey_decode(&t, key, short_key), -1);
  const char *hello = "z2NEpo7TZRRrLZSi2U"; /* base58, but no key codec */
  assert_int_equal(multikey_decode(&t, key, hello), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_base58_draft_examples),   cmocka_unit_test(test_base58_refusals),
      cmocka_unit_test(test_ed25519_did_key_vectors), cmocka_unit_test(test_p256_did_key_vectors),
      cmocka_unit_test(test_multikey_refusals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
