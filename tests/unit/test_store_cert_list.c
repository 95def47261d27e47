/*
 * The certificate list's pages (store_cert_list), on both backends: newest first, then by
 * serial; the cursor after the last certificate shown reaches every certificate once even
 * when many were issued in the same second (a decision day issues hundreds a second, and
 * the older cursor, a second, skipped the rest of the last one); the text and status
 * filters; one holder's list; and no next page announced after a full last page.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/store.h"
#include "test_store_fixture.h"

static const char version[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

#define NCERTS 7

struct seed {
  int64_t ayu, budi;
};

/* Seven certificates: six issued in the same second (Ayu's, Budi's alternating), one a
 * second later (Budi's), inserted out of serial order. */
static int tx_seed(struct store_tx *tx, void *arg) {
  struct seed *s = arg;
  static const char *const serials[NCERTS] = {
      "UJK-T00000000000000000005", "UJK-T00000000000000000002", "UJK-T00000000000000000006",
      "UJK-T00000000000000000001", "UJK-T00000000000000000004", "UJK-T00000000000000000003",
      "UJK-T00000000000000000000"};
  int rc = store_user_create(tx, &s->ayu, "ayu@contoh.test", "Ayu Lestari", ROLE_CANDIDATE, "$h");
  if (STORE_OK == rc) {
    rc = store_user_create(tx, &s->budi, "budi@contoh.test", "Budi Santoso", ROLE_CANDIDATE, "$h");
  }
  if (STORE_OK == rc) {
    rc = store_exam_source_put(tx, version, "DKV-UJI", "dkv-uji.exam.yaml", "format: 1\n", 10);
  }
  for (size_t i = 0; STORE_OK == rc && i < NCERTS; i++) {
    struct store_cert c;
    memset(&c, 0, sizeof c);
    bool later = 0 == strcmp(serials[i], "UJK-T00000000000000000000");
    snprintf(c.serial, sizeof c.serial, "%s", serials[i]);
    snprintf(c.holder, sizeof c.holder, "%s",
             0 == i % 2 && !later ? "Ayu Lestari" : "Budi Santoso");
    c.user_id = 0 == i % 2 && !later ? s->ayu : s->budi;
    c.issued_s = later ? 1700000001 : 1700000000;
    c.expires_s = 1800000000;
    rc = temp_store_certified(tx, &c, version);
  }
  return rc;
}

/* Walks q's list in pages of `page` with the serial cursor into out (at most NCERTS). */
static size_t walk(struct store *s, struct store_cert_query q, int page, char out[][32]) {
  struct store_rd *rd = NULL;
  size_t total = 0;
  char after[32] = "";
  assert_int_equal(STORE_OK, store_rd_begin(s, &rd));
  for (bool more = true; more;) {
    struct store_cert *list = NULL;
    size_t n = 0;
    q.after_serial = '\0' == after[0] ? NULL : after;
    assert_int_equal(STORE_OK, store_cert_list(rd, &list, &n, &q, page, &more));
    assert_true(more ? (int)n == page : (int)n <= page);
    assert_true(n > 0 || !more);
    for (size_t i = 0; i < n; i++) {
      assert_true(total < NCERTS);
      snprintf(out[total++], 32, "%s", list[i].serial);
    }
    if (n > 0) {
      snprintf(after, sizeof after, "%s", list[n - 1].serial);
    }
    store_cert_list_free(list, n);
  }
  store_rd_end(rd);
  return total;
}

static void test_pages(void **state) {
  struct temp_store *t = *state;
  struct seed seed;
  char got[NCERTS][32];
  assert_int_equal(STORE_OK, store_txn(t->s, tx_seed, &seed));
  static const char *const order[NCERTS] = {
      "UJK-T00000000000000000000", "UJK-T00000000000000000001", "UJK-T00000000000000000002",
      "UJK-T00000000000000000003", "UJK-T00000000000000000004", "UJK-T00000000000000000005",
      "UJK-T00000000000000000006"};
  for (int page = 1; page <= NCERTS + 1; page++) {
    memset(got, 0, sizeof got);
    assert_int_equal(NCERTS, walk(t->s, (struct store_cert_query){0}, page, got));
    for (size_t i = 0; i < NCERTS; i++) {
      assert_string_equal(order[i], got[i]);
    }
  }
  /* one holder's: Ayu's are T5, T6 and T4, all of the first second */
  assert_int_equal(3, walk(t->s, (struct store_cert_query){.user_id = seed.ayu}, 2, got));
  assert_string_equal("UJK-T00000000000000000004", got[0]);
  assert_string_equal("UJK-T00000000000000000005", got[1]);
  assert_string_equal("UJK-T00000000000000000006", got[2]);
  /* part of the holder's name (case ignored), part of the serial (typed in lower case) */
  assert_int_equal(4, walk(t->s, (struct store_cert_query){.text = "sANTOSO"}, 3, got));
  assert_string_equal("UJK-T00000000000000000000", got[0]);
  assert_int_equal(
      1, walk(t->s, (struct store_cert_query){.text = "ujk-t00000000000000000003"}, 3, got));
  assert_string_equal("UJK-T00000000000000000003", got[0]);
  /* the status filter */
  assert_int_equal(
      STORE_OK, temp_store_cert_change(t->s, "UJK-T00000000000000000002", STORE_CERT_TO_REVOKED));
  assert_int_equal(1, walk(t->s, (struct store_cert_query){.status = STORE_CERT_REVOKED}, 3, got));
  assert_string_equal("UJK-T00000000000000000002", got[0]);
  assert_int_equal(6, walk(t->s, (struct store_cert_query){.status = STORE_CERT_VALID}, 4, got));
  /* a cursor naming no certificate lists nothing */
  struct store_rd *rd = NULL;
  struct store_cert *list = NULL;
  size_t n = 0;
  bool more = true;
  const struct store_cert_query nowhere = {.after_serial = "UJK-N00000000000000000000"};
  assert_int_equal(STORE_OK, store_rd_begin(t->s, &rd));
  assert_int_equal(STORE_OK, store_cert_list(rd, &list, &n, &nowhere, 5, &more));
  assert_int_equal(0, n);
  assert_false(more);
  store_cert_list_free(list, n);
  /* what the serial cursor is for: after a page ending in the first second, a cursor of
   * seconds (issued before it) can only skip the rest of that second */
  const struct store_cert_query by_second = {.before_s = 1700000000};
  assert_int_equal(STORE_OK, store_cert_list(rd, &list, &n, &by_second, 10, &more));
  assert_int_equal(0, n);
  store_cert_list_free(list, n);
  /* the second cursor still works as it did */
  const struct store_cert_query before = {.before_s = 1700000001};
  assert_int_equal(STORE_OK, store_cert_list(rd, &list, &n, &before, 10, &more));
  assert_int_equal(NCERTS - 1, n);
  store_cert_list_free(list, n);
  store_rd_end(rd);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_pages, temp_store_setup, temp_store_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
