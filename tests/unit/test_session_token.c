/*
 * Session tokens: shape, uniqueness, the stored hash and the derived CSRF token against
 * values computed independently (Python hashlib), the same from many threads at once (each
 * keeps its own digest context), and constant-time comparison edges.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ujikom/session_token.h"

static int cmp_str(const void *a, const void *b) {
  return strcmp((const char *)a, (const char *)b);
}

static void test_new_tokens(void **state) {
  enum { N = 2000 };
  char(*tokens)[SESSION_TOKEN_LEN + 1] = calloc(N, sizeof *tokens);
  (void)state;
  assert_non_null(tokens);
  for (size_t i = 0; i < N; i++) {
    assert_int_equal(0, session_token_new(tokens[i]));
    assert_int_equal(SESSION_TOKEN_LEN, strlen(tokens[i]));
    assert_true(session_token_well_formed(tokens[i]));
  }
  qsort(tokens, N, sizeof *tokens, cmp_str);
  for (size_t i = 1; i < N; i++) {
    if (0 == strcmp(tokens[i - 1], tokens[i])) {
      fail_msg("two of %d fresh tokens are equal: %s", N, tokens[i]);
    }
  }
  free(tokens);
}

static void test_well_formed(void **state) {
  static const char *const bad[] = {
      "",
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",   /* 42 */
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", /* 44 */
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",
      "AAAAAAAAAAAAAAAAAAAAA AAAAAAAAAAAAAAAAAAAAA",
      "AAAAAAAAAAAAAAAAAAAAA;AAAAAAAAAAAAAAAAAAAAA",
  };
  (void)state;
  assert_true(session_token_well_formed("abcdefghijklmnopqrstuvwxyz0123456789-_ABCDE"));
  assert_false(session_token_well_formed(NULL));
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (session_token_well_formed(bad[i])) {
      fail_msg("\"%s\" was accepted as a token", bad[i]);
    }
  }
}

static void test_hash_and_csrf_vectors(void **state) {
  char hash[SESSION_HASH_LEN + 1];
  char csrf[SESSION_CSRF_LEN + 1];
  (void)state;

  assert_int_equal(0, session_token_hash(hash, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
  assert_string_equal("0f007385b6f9d4b7eeb2748605afe1a984a0a3bfa3f014d09e2a784ce9e5cd1a", hash);
  assert_int_equal(0, session_csrf_token(csrf, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
  assert_string_equal("1-PI1UQ_lCYCDxK3DnPyzwAzefbPXxq0Bkq4-Fsq7Gs", csrf);

  assert_int_equal(0, session_token_hash(hash, "abcdefghijklmnopqrstuvwxyz0123456789-_ABCDE"));
  assert_string_equal("30329e6672d47ed68335b2af12c129956345c61188152e8218c485bd7d6cc356", hash);
  assert_int_equal(0, session_csrf_token(csrf, "abcdefghijklmnopqrstuvwxyz0123456789-_ABCDE"));
  assert_string_equal("7xokIsNWeYjvUkLPgK2lHja4rPEJ0Gf-wZ6pxvFPAgc", csrf);

  assert_int_equal(-1, session_token_hash(hash, "short"));
  assert_string_equal("", hash);
  assert_int_equal(-1, session_csrf_token(csrf, NULL));
  assert_string_equal("", csrf);
}

struct hasher {
  char token[SESSION_TOKEN_LEN + 1];
  char hash[SESSION_HASH_LEN + 1];
  char csrf[SESSION_CSRF_LEN + 1];
  int wrong;
};

static void *hash_many(void *arg) {
  struct hasher *h = arg;
  char hash[SESSION_HASH_LEN + 1], csrf[SESSION_CSRF_LEN + 1];
  for (int i = 0; i < 2000; i++) {
    if (0 != session_token_hash(hash, h->token) || 0 != session_csrf_token(csrf, h->token) ||
        0 != strcmp(hash, h->hash) || 0 != strcmp(csrf, h->csrf)) {
      h->wrong++;
    }
  }
  return NULL;
}

static void test_threads_agree(void **state) {
  enum { T = 6 };
  struct hasher h[T];
  pthread_t t[T];
  (void)state;
  for (int i = 0; i < T; i++) {
    memset(&h[i], 0, sizeof h[i]);
    assert_int_equal(0, session_token_new(h[i].token));
    assert_int_equal(0, session_token_hash(h[i].hash, h[i].token));
    assert_int_equal(0, session_csrf_token(h[i].csrf, h[i].token));
  }
  for (int i = 0; i < T; i++) {
    assert_int_equal(0, pthread_create(&t[i], NULL, hash_many, &h[i]));
  }
  for (int i = 0; i < T; i++) {
    pthread_join(t[i], NULL);
  }
  for (int i = 0; i < T; i++) {
    assert_int_equal(0, h[i].wrong);
  }
}

static void test_csrf_equal(void **state) {
  char tok[SESSION_TOKEN_LEN + 1];
  char csrf[SESSION_CSRF_LEN + 1];
  char other[SESSION_CSRF_LEN + 1];
  (void)state;

  assert_int_equal(0, session_token_new(tok));
  assert_int_equal(0, session_csrf_token(csrf, tok));
  assert_true(session_csrf_equal(csrf, csrf));
  memcpy(other, csrf, sizeof other);
  other[10] = (char)(other[10] == 'A' ? 'B' : 'A');
  assert_false(session_csrf_equal(csrf, other));
  other[10] = csrf[10];
  other[SESSION_CSRF_LEN - 1] = '\0';
  assert_false(session_csrf_equal(csrf, other));
  assert_false(session_csrf_equal(csrf, ""));
  assert_false(session_csrf_equal(csrf, NULL));
  assert_false(session_csrf_equal(NULL, csrf));
  assert_false(session_csrf_equal("", ""));
  /* The CSRF token of one session is not valid for another. */
  assert_int_equal(0, session_token_new(tok));
  assert_int_equal(0, session_csrf_token(other, tok));
  assert_false(session_csrf_equal(csrf, other));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_new_tokens),
      cmocka_unit_test(test_well_formed),
      cmocka_unit_test(test_hash_and_csrf_vectors),
      cmocka_unit_test(test_csrf_equal),
      cmocka_unit_test(test_threads_agree),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
