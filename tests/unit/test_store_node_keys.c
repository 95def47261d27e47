/*
 * Fingerprints of the shared key files in the store, on both backends: the first one
 * registered under a name stays and is what every later claim answers; a prefix lists
 * names literally (no wildcards); a fingerprint of the wrong length is refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "test_store_fixture.h"

#define FP(c)                                                                                      \
  c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c  \
      c c c c c c c c c c c c c c c c

static const char fp_a[] = FP("a");
static const char fp_b[] = FP("b");

struct claim {
  const char *name, *fingerprint;
  char registered[STORE_NODE_KEY_FP_LEN + 1];
};

static int claim_txn(struct store_tx *tx, void *arg) {
  struct claim *c = arg;
  return store_node_key_claim(tx, c->registered, c->name, c->fingerprint, 1000);
}

static int claim(struct temp_store *t, struct claim *c) {
  return store_txn(t->s, claim_txn, c);
}

struct listing {
  const char *prefix;
  struct store_node_key *keys;
  size_t n;
};

static int list_txn(struct store_tx *tx, void *arg) {
  struct listing *l = arg;
  return store_node_keys_list(tx, &l->keys, &l->n, l->prefix);
}

static void test_first_claim_stays(void **state) {
  struct temp_store *t = *state;
  struct claim c = {"file:log-signing.key", fp_a, ""};
  assert_int_equal(STORE_OK, claim(t, &c));
  assert_string_equal(fp_a, c.registered);
  c.fingerprint = fp_b; /* another node's other file */
  assert_int_equal(STORE_OK, claim(t, &c));
  assert_string_equal(fp_a, c.registered);
  c.fingerprint = fp_a; /* the same file again */
  assert_int_equal(STORE_OK, claim(t, &c));
  assert_string_equal(fp_a, c.registered);
}

static void test_list_by_prefix(void **state) {
  struct temp_store *t = *state;
  const char *names[] = {"ed25519:KIDB2222", "ed25519:KIDA1111", "es256:KIDC3333",
                         "file:application.key", "ed25519_x:NOTAKEY"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    struct claim c = {names[i], fp_a, ""};
    assert_int_equal(STORE_OK, claim(t, &c));
  }
  struct listing l = {"ed25519:", NULL, 0};
  assert_int_equal(STORE_OK, store_txn(t->s, list_txn, &l));
  assert_int_equal(2, l.n); /* "_" is no wildcard here */
  assert_string_equal("ed25519:KIDA1111", l.keys[0].name);
  assert_string_equal("ed25519:KIDB2222", l.keys[1].name);
  assert_string_equal(fp_a, l.keys[0].fingerprint);
  store_node_keys_free(l.keys, l.n);
  l = (struct listing){"es256:", NULL, 0};
  assert_int_equal(STORE_OK, store_txn(t->s, list_txn, &l));
  assert_int_equal(1, l.n);
  store_node_keys_free(l.keys, l.n);
}

static void test_refusals(void **state) {
  struct temp_store *t = *state;
  struct claim c = {"file:second-factor.key", "abc", ""}; /* not a SHA-256 */
  assert_int_equal(STORE_HARD, claim(t, &c));
  c = (struct claim){"", fp_a, ""};
  assert_int_equal(STORE_HARD, claim(t, &c));
  c = (struct claim){NULL, fp_a, ""};
  assert_int_equal(STORE_HARD, claim(t, &c));
  struct listing l = {"file:", NULL, 0};
  assert_int_equal(STORE_OK, store_txn(t->s, list_txn, &l));
  assert_int_equal(0, l.n); /* nothing was registered */
  store_node_keys_free(l.keys, l.n);
}

int main(void) {
#define WITH_STORE(test)                                                                           \
  cmocka_unit_test_setup_teardown(test, temp_store_setup, temp_store_teardown)
  const struct CMUnitTest tests[] = {WITH_STORE(test_first_claim_stays),
                                     WITH_STORE(test_list_by_prefix), WITH_STORE(test_refusals)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
