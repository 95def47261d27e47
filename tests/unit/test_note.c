/*
 * Signed notes: the known keys, note and signatures of the Go implementation's tests and the
 * example of the C2SP signed-note specification; signing reproduces them byte for byte; every
 * mangled verifier key, every changed or truncated note, and every malformed one is refused.
 *
 * Vectors from golang.org/x/mod/sumdb/note (note_test.go), Copyright 2019 The Go Authors,
 * BSD-style licence; and from c2sp.org/signed-note (CC BY 4.0).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ujikom/note.h"

#define PETER_VKEY   "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
#define PETER_SEED64 "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz" /* 0x01 || seed */
#define ENOCH_VKEY   "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
#define TEXT                                                                                       \
  "If you think cryptography is the answer to your problem,\n"                                     \
  "then you don't know what your problem is.\n"
#define PETER_SIG                                                                                  \
  "\xE2\x80\x94 PeterNeumann "                                                                     \
  "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="   \
  "\n"
#define ENOCH_SIG                                                                                  \
  "\xE2\x80\x94 EnochRoot "                                                                        \
  "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ="   \
  "\n"

static struct note_key key(const char *vkey) {
  struct note_key k;
  char err[128];
  if (0 != note_vkey_parse(&k, vkey, strlen(vkey), err, sizeof err)) {
    fail_msg("verifier key %s refused: %s", vkey, err);
  }
  return k;
}

static int open_with(const char *msg, size_t len, const struct note_key *keys, size_t n,
                     char **text) {
  size_t tl = 0;
  char err[160];
  char *t = NULL;
  int rc = note_open(&t, &tl, msg, len, keys, n, err, sizeof err);
  if (0 == rc) {
    assert_int_equal(strlen(t), tl);
  } else {
    assert_true('\0' != err[0]);
  }
  if (NULL != text) {
    *text = t;
  } else {
    free(t);
  }
  return rc;
}

static void test_verifier_keys(void **state) {
  (void)state;
  struct note_key k = key(PETER_VKEY);
  assert_string_equal("PeterNeumann", k.name);
  assert_true(0xc74f20a3u == k.id);
  char *back = note_vkey_format(&k);
  assert_string_equal(PETER_VKEY, back);
  free(back);
  /* Every substring and every single-byte change of the key is refused (as Go checks). */
  char b[sizeof PETER_VKEY];
  memcpy(b, PETER_VKEY, sizeof b);
  size_t len = strlen(b);
  struct note_key out;
  char err[128];
  for (size_t i = 0; i <= len; i++) {
    for (size_t j = i + 1; j <= len; j++) {
      if (0 == i && j == len) {
        continue;
      }
      if (0 == note_vkey_parse(&out, b + i, j - i, err, sizeof err)) {
        fail_msg("substring [%zu,%zu) of the key was accepted", i, j);
      }
    }
  }
  for (size_t i = 0; i < len; i++) {
    b[i]++;
    if (0 == note_vkey_parse(&out, b, len, err, sizeof err)) {
      fail_msg("key with byte %zu changed was accepted", i);
    }
    b[i]--;
  }
  static const char *const bad[] = {
      /* wrong length key, with adjusted key hash; unknown algorithm, adjusted key hash */
      "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
      "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW+",
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq_LDE4izWy10TW",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (0 == note_vkey_parse(&out, bad[i], strlen(bad[i]), err, sizeof err)) {
      fail_msg("bad key %zu was accepted", i);
    }
  }
  k = key(ENOCH_VKEY);
  assert_true(0xaf0cfe78u == k.id);
  k = key("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
  assert_string_equal("example.com/foo", k.name);
}

static void peter_signer(struct note_signer *s) {
  unsigned char *raw = NULL;
  size_t n = 0;
  assert_int_equal(0, note_b64_decode(&raw, &n, PETER_SEED64, strlen(PETER_SEED64)));
  assert_int_equal(1 + NOTE_SEED_LEN, n);
  assert_int_equal(NOTE_ALG_ED25519, raw[0]);
  assert_int_equal(0, note_signer_from_seed(s, "PeterNeumann", raw + 1));
  free(raw);
}

static void test_sign_known_answer(void **state) {
  (void)state;
  struct note_signer s;
  peter_signer(&s);
  assert_true(0xc74f20a3u == s.key.id);
  char *vkey = note_vkey_format(&s.key);
  assert_string_equal(PETER_VKEY, vkey);
  free(vkey);
  char *msg = NULL;
  assert_int_equal(0, note_sign(&msg, TEXT, strlen(TEXT), &s));
  assert_string_equal(TEXT "\n" PETER_SIG, msg);
  free(msg);
  /* Text that is not valid note text is not signed. */
  static const char *const bad[] = {"",
                                    "\n",
                                    "no newline",
                                    "ends in a blank line\n\n",
                                    "tab\there\n",
                                    "cr\r\n",
                                    "c1 \xC2\x85\n",
                                    "bad \xff\n"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    msg = NULL;
    if (0 == note_sign(&msg, bad[i], strlen(bad[i]), &s)) {
      fail_msg("note text %zu was signed", i);
    }
    assert_null(msg);
  }
  /* A signer whose seed does not match its public key refuses to sign. */
  s.seed[0] ^= 1;
  assert_int_equal(-1, note_sign(&msg, TEXT, strlen(TEXT), &s));
  note_signer_wipe(&s);
  struct note_signer bad_name;
  unsigned char seed[NOTE_SEED_LEN] = {0};
  assert_int_equal(-1, note_signer_from_seed(&bad_name, "with space", seed));
  assert_int_equal(-1, note_signer_from_seed(&bad_name, "with+plus", seed));
  assert_int_equal(-1, note_signer_from_seed(&bad_name, "", seed));
}

static void test_open_known_notes(void **state) {
  (void)state;
  struct note_key peter = key(PETER_VKEY), enoch = key(ENOCH_VKEY);
  struct note_key both[2] = {peter, enoch};
  const char *two = TEXT "\n" PETER_SIG ENOCH_SIG;
  char *text = NULL;
  assert_int_equal(0, open_with(two, strlen(two), &peter, 1, &text));
  assert_string_equal(TEXT, text);
  free(text);
  assert_int_equal(0, open_with(two, strlen(two), &enoch, 1, NULL));
  assert_int_equal(0, open_with(two, strlen(two), both, 2, NULL));
  assert_int_equal(-1, open_with(two, strlen(two), NULL, 0, NULL));
  /* The example of the C2SP specification. */
  struct note_key foo =
      key("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
  const char *ex = "This is an example message.\n\n\xE2\x80\x94 example.com/foo "
                   "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHj"
                   "G1Yu72IneyaQM=\n";
  assert_int_equal(0, open_with(ex, strlen(ex), &foo, 1, &text));
  assert_string_equal("This is an example message.\n", text);
  free(text);
  assert_int_equal(-1, open_with(ex, strlen(ex), &peter, 1, NULL));
}

static void test_open_refuses(void **state) {
  (void)state;
  struct note_key peter = key(PETER_VKEY), enoch = key(ENOCH_VKEY);
  char msg[1024];
  int len = snprintf(msg, sizeof msg, "%s", TEXT "\n" PETER_SIG);
  /* Every single-byte change and every truncation of a singly-signed note is refused. */
  for (int i = 0; i < len; i++) {
    msg[i]++;
    if (0 == open_with(msg, (size_t)len, &peter, 1, NULL)) {
      fail_msg("note with byte %d changed was accepted", i);
    }
    msg[i]--;
    if (0 == open_with(msg, (size_t)i, &peter, 1, NULL)) {
      fail_msg("note cut at %d was accepted", i);
    }
  }
  assert_int_equal(0, open_with(msg, (size_t)len, &peter, 1, NULL));
  /* A known key's bad signature spoils the note even beside a good one; so does a second
   * signature by the same key. */
  static const char *const bad[] = {
      TEXT,
      TEXT "\n",
      TEXT "\n" PETER_SIG "Unexpected line.\n",
      "\x01" TEXT "\n" PETER_SIG,
      "\xff" TEXT "\n" PETER_SIG,
      "\xC2\x85" TEXT "\n" PETER_SIG,
      TEXT
      "\n\xE2\x80\x94 Bad Name "
      "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJ"
      "nAM=\n",
      TEXT "\n\xE2\x80\x94 PeterNeumann "
           "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInABCDNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6"
           "RyyBwJnAM=\n",
      TEXT "\n" PETER_SIG PETER_SIG,
      TEXT
      "\n" ENOCH_SIG "\xE2\x80\x94 PeterNeumann "
      "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJ"
      "nAA=\n",
      TEXT
      "\n- PeterNeumann "
      "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJ"
      "nAM=\n",
      TEXT
      "\n\xE2\x80\x94  PeterNeumann "
      "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJ"
      "nAM=\n",
      TEXT "\n\xE2\x80\x94 PeterNeumann AAAA\n",
      TEXT "\n\xE2\x80\x94 PeterNeumann\n",
      "\n\n" PETER_SIG,
      "If you think\r\n\n" PETER_SIG,
  };
  struct note_key both[2] = {peter, enoch};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (0 == open_with(bad[i], strlen(bad[i]), both, 2, NULL)) {
      fail_msg("bad note %zu was accepted", i);
    }
  }
  /* Unknown signatures are ignored (the note still needs one known one). */
  const char *unknown = TEXT "\n" PETER_SIG "\xE2\x80\x94 witness.example AAAAAAAA\n" ENOCH_SIG;
  assert_int_equal(0, open_with(unknown, strlen(unknown), &peter, 1, NULL));
  /* Same name, other key ID: an unknown key, not a failure. */
  const char *other_id = TEXT "\n" PETER_SIG "\xE2\x80\x94 PeterNeumann AAAAAAAA\n";
  assert_int_equal(0, open_with(other_id, strlen(other_id), &peter, 1, NULL));
  /* Too many signature lines. */
  size_t cap = strlen(TEXT) + 1 + (NOTE_MAX_SIGS + 1) * strlen(ENOCH_SIG) + strlen(PETER_SIG) + 1;
  char *many = malloc(cap);
  assert_non_null(many);
  size_t o = (size_t)snprintf(many, cap, "%s", TEXT "\n" PETER_SIG);
  for (int i = 0; i < NOTE_MAX_SIGS; i++) {
    o += (size_t)snprintf(many + o, cap - o, "\xE2\x80\x94 w%d.example AAAAAAAA\n", i);
  }
  assert_int_equal(-1, open_with(many, o, &peter, 1, NULL));
  free(many);
  /* Text with inner blank lines: the split is at the last one. */
  struct note_signer s;
  peter_signer(&s);
  char *signed_msg = NULL, *text = NULL;
  const char *blank = "first\n\nsecond\n";
  assert_int_equal(0, note_sign(&signed_msg, blank, strlen(blank), &s));
  assert_int_equal(0, open_with(signed_msg, strlen(signed_msg), &s.key, 1, &text));
  assert_string_equal(blank, text);
  free(text);
  free(signed_msg);
  note_signer_wipe(&s);
}

static void test_base64(void **state) {
  (void)state;
  static const struct {
    const char *raw, *b64;
  } v[] = {{"", ""},
           {"f", "Zg=="},
           {"fo", "Zm8="},
           {"foo", "Zm9v"},
           {"foob", "Zm9vYg=="},
           {"fooba", "Zm9vYmE="},
           {"foobar", "Zm9vYmFy"}};
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    char *e = note_b64_encode(v[i].raw, strlen(v[i].raw));
    assert_string_equal(v[i].b64, e);
    free(e);
    unsigned char *d = NULL;
    size_t n = 0;
    assert_int_equal(0, note_b64_decode(&d, &n, v[i].b64, strlen(v[i].b64)));
    assert_int_equal(strlen(v[i].raw), n);
    assert_memory_equal(v[i].raw, d, n);
    free(d);
  }
  static const char *const bad[] = {"Zg",   "Zg=",  "Zh==", "Zm9=",   "Zm9vY",    "Z===",
                                    "=Zm8", "Zm-v", "Zm_v", "Zm9v\n", "Zg==Zg==", "Zm 9v"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    unsigned char *d = NULL;
    size_t n = 0;
    if (0 == note_b64_decode(&d, &n, bad[i], strlen(bad[i]))) {
      fail_msg("base64 \"%s\" was accepted", bad[i]);
    }
    assert_null(d);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_verifier_keys),    cmocka_unit_test(test_sign_known_answer),
      cmocka_unit_test(test_open_known_notes), cmocka_unit_test(test_open_refuses),
      cmocka_unit_test(test_base64),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
