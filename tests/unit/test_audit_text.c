/*
 * Tests of recording a change in the audit log (common/audit_text.c): the subject names the
 * record, before and after are compact JSON with sorted keys, a new record has nothing
 * before it, and a state that could not be built records nothing at all. The tests share
 * one store.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common/audit_text.h"
#include "store/store.h"
#include "test_store_fixture.h"

struct fixture {
  struct temp_store t;
};

static int group_setup(void **state) {
  return temp_store_setup_with(state, sizeof(struct fixture), "audit-text", NULL, NULL);
}

static int tx_record(struct store_tx *tx, void *ctx) {
  (void)ctx;
  int rc =
      audit_change(tx, 7, "attempt.extra_time", "attempt", 42,
                   json_pack("{s:I}", "deadline_at", (json_int_t)1000),
                   json_pack("{s:s, s:I}", "reason", "power cut", "deadline_at", (json_int_t)2000));
  if (STORE_OK == rc) {
    rc = audit_creation(tx, 9, "appeal.create", "attempt", 5, json_pack("{s:s}", "status", "open"));
  }
  return rc;
}

static int tx_missing_before(struct store_tx *tx, void *ctx) {
  (void)ctx;
  return audit_change(tx, 7, "user.disable", "user", 3, NULL, json_pack("{s:b}", "disabled", 1));
}

/* The newest entries of the log, at most limit. */
static size_t newest(struct fixture *f, struct store_audit_entry **list, int limit) {
  struct store_rd *rd = NULL;
  size_t n = 0;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_audit_list(rd, list, &n, NULL, 0, limit));
  store_rd_end(rd);
  return n;
}

static void test_change_and_creation_are_recorded(void **state) {
  struct fixture *f = *state;
  struct store_audit_entry *e = NULL;
  assert_int_equal(STORE_OK, store_txn(f->t.s, tx_record, NULL));
  assert_int_equal(2, newest(f, &e, 2));
  /* newest first: the creation, then the change */
  assert_string_equal("attempt:5", e[0].subject);
  assert_int_equal(9, e[0].actor);
  assert_null(e[0].before);
  assert_string_equal("{\"status\":\"open\"}", e[0].after);
  assert_string_equal("attempt.extra_time", e[1].action);
  assert_string_equal("attempt:42", e[1].subject);
  assert_string_equal("{\"deadline_at\":1000}", e[1].before);
  assert_string_equal("{\"deadline_at\":2000,\"reason\":\"power cut\"}", e[1].after);
  store_audit_list_free(e, 2);
}

static void test_missing_state_records_nothing(void **state) {
  struct fixture *f = *state;
  struct store_audit_entry *before = NULL, *after = NULL;
  size_t n = newest(f, &before, 1000);
  assert_int_equal(STORE_HARD, store_txn(f->t.s, tx_missing_before, NULL));
  assert_int_equal(n, newest(f, &after, 1000));
  store_audit_list_free(before, n);
  store_audit_list_free(after, n);
}

/* How entries read: a known action has its catalogue key, an unknown one "audit.other"; the
 * detail is the first telling member of the after-state, numbers as text. */
static void test_describe(void **state) {
  (void)state;
  struct audit_description d;
  audit_describe(&d, "user.disable", "{\"disabled\":true,\"reason\":\"Akun ganda.\"}");
  assert_string_equal("audit.user.disable", d.key);
  assert_string_equal("reason", d.field);
  assert_string_equal("Akun ganda.", d.value);
  audit_describe(&d, "attempt.extra_time", "{\"deadline_at\":5,\"minutes\":15}");
  assert_string_equal("audit.attempt.extra_time", d.key);
  assert_string_equal("minutes", d.field);
  assert_string_equal("15", d.value);
  audit_describe(&d, "something.new", NULL);
  assert_string_equal("audit.other", d.key);
  assert_string_equal("", d.field);
  audit_describe(&d, "keys.rotate", "not json");
  assert_string_equal("audit.keys.rotate", d.key);
  assert_string_equal("", d.field);
  audit_describe(&d, NULL, "[1]");
  assert_string_equal("audit.other", d.key);
  for (size_t i = 0; NULL != audit_known_actions[i]; i++) {
    audit_describe(&d, audit_known_actions[i], "{}");
    assert_string_not_equal("audit.other", d.key);
  }
  audit_describe(&d, "auth.checkin", "{\"address\":\"192.0.2.7\",\"exam_id\":\"X\",\"user_id\":5}");
  assert_string_equal("audit.auth.checkin", d.key);
  assert_string_equal("address", d.field);
  assert_string_equal("192.0.2.7", d.value);
  /* A complaint's entries tell how it ended, or what it is about (codes the page words). */
  audit_describe(&d, "complaint.close", "{\"not_involved\":true,\"outcome\":\"upheld\"}");
  assert_string_equal("outcome", d.field);
  assert_string_equal("upheld", d.value);
  audit_describe(&d, "complaint.lodge", "{\"category\":\"assessor\",\"signed_in\":false}");
  assert_string_equal("category", d.field);
  assert_string_equal("assessor", d.value);
}

/* Every action the viewer knows has its words, and every telling field its name, in both
 * catalogues (else the page would show the catalogue's key). */
static void test_catalogue_words(void **state) {
  (void)state;
  const char *dir = getenv("UJIKOM_SOURCE_DIR");
  for (size_t l = 0; l < 2; l++) {
    char path[1024], key[128];
    snprintf(path, sizeof path, "%s/service/web/i18n/%s.json", NULL != dir ? dir : ".",
             0 == l ? "id" : "en");
    json_t *cat = json_load_file(path, 0, NULL);
    if (NULL == cat) {
      fail_msg("cannot read %s", path);
    }
    for (size_t i = 0; NULL != audit_known_actions[i]; i++) {
      snprintf(key, sizeof key, "audit.%s", audit_known_actions[i]);
      if (!json_is_string(json_object_get(cat, key))) {
        fail_msg("%s has no words for %s", path, key);
      }
    }
    for (size_t i = 0; NULL != audit_telling_fields[i]; i++) {
      snprintf(key, sizeof key, "audit.field.%s", audit_telling_fields[i]);
      if (!json_is_string(json_object_get(cat, key))) {
        fail_msg("%s has no name for %s", path, key);
      }
    }
    json_decref(cat);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_change_and_creation_are_recorded),
      cmocka_unit_test(test_missing_state_records_nothing),
      cmocka_unit_test(test_describe),
      cmocka_unit_test(test_catalogue_words),
  };
  return cmocka_run_group_tests(tests, group_setup, temp_store_teardown);
}
