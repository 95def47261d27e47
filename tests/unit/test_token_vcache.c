/*
 * Tests of the verified-signature cache: a signature that held is not verified again (a
 * hit), while a changed message, a changed signature, another key or a bad signature are
 * always verified for real and never pass because of the cache; a small table that
 * overflows still answers correctly; threads share it. And the prepared signer: the same
 * (deterministic) Ed25519 signatures as signing from the seed, forgotten by a wipe.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "ujikom/token.h"

static void sign(unsigned char sig[TOKEN_SIG_LEN], const struct token_key *k, const char *msg) {
  assert_int_equal(0, token_ed25519_sign(sig, k, msg, strlen(msg)));
}

static void test_hits_only_for_the_same_key_message_and_signature(void **state) {
  (void)state;
  struct token_key k1, k2;
  struct token_vcache *c = NULL;
  unsigned char sig[TOKEN_SIG_LEN], bad[TOKEN_SIG_LEN];
  size_t hits = 0, misses = 0;
  const char *msg = "sertifikat UJK-0000";
  assert_int_equal(0, token_key_generate(&k1));
  assert_int_equal(0, token_key_generate(&k2));
  assert_int_equal(0, token_vcache_new(&c, 1024));
  struct token_pubkey p1 = k1.pub, p2 = k2.pub;
  p1.vcache = c;
  p2.vcache = c;
  sign(sig, &k1, msg);
  assert_true(token_pubkey_verify(&p1, msg, strlen(msg), sig)); /* miss, remembered */
  assert_true(token_pubkey_verify(&p1, msg, strlen(msg), sig)); /* hit */
  token_vcache_stats(c, &hits, &misses);
  assert_int_equal(1, hits);
  assert_int_equal(1, misses);
  /* Same signature, another message or key: verified for real, and refused. */
  assert_false(token_pubkey_verify(&p1, "sertifikat UJK-0001", 19, sig));
  assert_false(token_pubkey_verify(&p2, msg, strlen(msg), sig));
  /* A tampered signature never passes, however often it is tried. */
  memcpy(bad, sig, sizeof bad);
  bad[10] ^= 0x01;
  for (int i = 0; i < 3; i++) {
    assert_false(token_pubkey_verify(&p1, msg, strlen(msg), bad));
  }
  token_vcache_stats(c, &hits, &misses);
  assert_int_equal(1, hits);
  assert_int_equal(6, misses);
  /* Without a cache the same calls behave alike. */
  p1.vcache = NULL;
  assert_true(token_pubkey_verify(&p1, msg, strlen(msg), sig));
  assert_false(token_pubkey_verify(&p1, msg, strlen(msg), bad));
  token_vcache_free(c);
  token_key_wipe(&k1);
  token_key_wipe(&k2);
}

static void test_a_full_table_still_answers_right(void **state) {
  (void)state;
  struct token_key k;
  struct token_vcache *c = NULL;
  unsigned char sigs[40][TOKEN_SIG_LEN];
  char msgs[40][32];
  assert_int_equal(0, token_key_generate(&k));
  assert_int_equal(0, token_vcache_new(&c, 4)); /* far fewer slots than signatures */
  struct token_pubkey p = k.pub;
  p.vcache = c;
  for (int i = 0; i < 40; i++) {
    snprintf(msgs[i], sizeof msgs[i], "pesan nomor %d", i);
    sign(sigs[i], &k, msgs[i]);
  }
  for (int round = 0; round < 2; round++) {
    for (int i = 0; i < 40; i++) {
      assert_true(token_pubkey_verify(&p, msgs[i], strlen(msgs[i]), sigs[i]));
      assert_false(token_pubkey_verify(&p, msgs[i], strlen(msgs[i]), sigs[(i + 1) % 40]));
    }
  }
  struct token_vcache *none = NULL;
  assert_int_equal(-1, token_vcache_new(&none, 0)); /* no slots: refused */
  assert_null(none);
  token_vcache_free(c);
  token_key_wipe(&k);
}

struct shared {
  struct token_pubkey p;
  unsigned char sig[TOKEN_SIG_LEN];
  int wrong;
};

static void *verifier(void *arg) {
  struct shared *s = arg;
  for (int i = 0; i < 200; i++) {
    if (!token_pubkey_verify(&s->p, "bersama", 7, s->sig)) {
      s->wrong++;
    }
  }
  return NULL;
}

static void test_threads_share_the_cache(void **state) {
  (void)state;
  struct token_key k;
  struct token_vcache *c = NULL;
  struct shared s[4];
  pthread_t t[4];
  unsigned char sig[TOKEN_SIG_LEN];
  size_t hits = 0, misses = 0;
  assert_int_equal(0, token_key_generate(&k));
  assert_int_equal(0, token_vcache_new(&c, 64));
  sign(sig, &k, "bersama");
  for (int i = 0; i < 4; i++) {
    s[i].p = k.pub;
    s[i].p.vcache = c;
    memcpy(s[i].sig, sig, sizeof sig);
    s[i].wrong = 0;
    assert_int_equal(0, pthread_create(&t[i], NULL, verifier, &s[i]));
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(t[i], NULL);
    assert_int_equal(0, s[i].wrong);
  }
  token_vcache_stats(c, &hits, &misses);
  assert_int_equal(800, hits + misses);
  assert_true(hits >= 796); /* at most one real verification per thread */
  token_vcache_free(c);
  token_key_wipe(&k);
}

static void test_prepared_signer_signs_identically(void **state) {
  (void)state;
  struct token_key k;
  struct token_signer *signer = NULL;
  unsigned char plain[TOKEN_SIG_LEN], prepared[TOKEN_SIG_LEN];
  assert_int_equal(0, token_key_generate(&k));
  assert_null(k.signer);
  sign(plain, &k, "piagam");
  assert_int_equal(0, token_signer_new(&signer, &k));
  k.signer = signer;
  for (int i = 0; i < 3; i++) {
    sign(prepared, &k, "piagam");
    assert_memory_equal(plain, prepared, TOKEN_SIG_LEN);
  }
  assert_true(token_ed25519_verify(k.pub.pub, "piagam", 6, prepared));
  token_key_wipe(&k);
  assert_null(k.signer);
  token_signer_free(signer);
  token_signer_free(NULL);
}

/* The prepared signer's context is copied by every signature: threads signing with one
 * signer at once each get the signature the key alone gives (Ed25519 is deterministic). */
#define SIGNERS    4
#define SIGNS_EACH 25
struct signer_job {
  const struct token_key *key;
  const unsigned char (*want)[TOKEN_SIG_LEN];
  int wrong;
};

static void *sign_many(void *arg) {
  struct signer_job *j = arg;
  char msg[32];
  unsigned char got[TOKEN_SIG_LEN];
  for (int i = 0; i < SIGNS_EACH; i++) {
    snprintf(msg, sizeof msg, "piagam %d", i);
    if (0 != token_ed25519_sign(got, j->key, msg, strlen(msg)) ||
        0 != memcmp(got, j->want[i], TOKEN_SIG_LEN)) {
      j->wrong++;
    }
  }
  return NULL;
}

static void test_threads_sign_with_one_prepared_signer(void **state) {
  (void)state;
  struct token_key k, prepared;
  struct token_signer *signer = NULL;
  unsigned char want[SIGNS_EACH][TOKEN_SIG_LEN];
  char msg[32];
  assert_int_equal(0, token_key_generate(&k));
  for (int i = 0; i < SIGNS_EACH; i++) {
    snprintf(msg, sizeof msg, "piagam %d", i);
    sign(want[i], &k, msg);
  }
  prepared = k;
  assert_int_equal(0, token_signer_new(&signer, &k));
  prepared.signer = signer;
  pthread_t t[SIGNERS];
  struct signer_job jobs[SIGNERS];
  for (int i = 0; i < SIGNERS; i++) {
    jobs[i] =
        (struct signer_job){.key = &prepared, .want = (const unsigned char(*)[TOKEN_SIG_LEN])want};
    assert_int_equal(0, pthread_create(&t[i], NULL, sign_many, &jobs[i]));
  }
  for (int i = 0; i < SIGNERS; i++) {
    assert_int_equal(0, pthread_join(t[i], NULL));
    assert_int_equal(0, jobs[i].wrong);
  }
  token_key_wipe(&prepared);
  token_key_wipe(&k);
  token_signer_free(signer);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hits_only_for_the_same_key_message_and_signature),
      cmocka_unit_test(test_a_full_table_still_answers_right),
      cmocka_unit_test(test_threads_share_the_cache),
      cmocka_unit_test(test_prepared_signer_signs_identically),
      cmocka_unit_test(test_threads_sign_with_one_prepared_signer),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
