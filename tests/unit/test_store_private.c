/*
 * The database file is the service's alone: store_open creates a missing one with mode 0600
 * whatever the umask, refuses one that group or others may read or write (saying what to
 * do), and still reports a damaged file as damaged first.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "store/store.h"
#include "test_store_fixture.h"

static mode_t mode_of(const char *path) {
  struct stat sb;
  assert_int_equal(0, stat(path, &sb));
  return sb.st_mode & 0777;
}

static void test_created_private_whatever_the_umask(void **state) {
  if (temp_store_is_pg()) {
    skip(); /* the modes of the SQLite file */
  }
  struct temp_store *t = *state;
  char err[512] = "";
  mode_t old = umask(022);
  int rc = store_open(&t->s, t->db, NULL, err, sizeof err);
  umask(old);
  if (STORE_OK != rc) {
    fail_msg("store_open: %s", err);
  }
  assert_int_equal(0600, mode_of(t->db));
  store_close(t->s);
  t->s = NULL;
  /* Reopened as it is. */
  assert_int_equal(STORE_OK, store_open(&t->s, t->db, NULL, err, sizeof err));
}

static void test_readable_by_others_refused(void **state) {
  if (temp_store_is_pg()) {
    skip(); /* the modes of the SQLite file */
  }
  struct temp_store *t = *state;
  char err[512] = "";
  assert_int_equal(STORE_OK, store_open(&t->s, t->db, NULL, err, sizeof err));
  store_close(t->s);
  t->s = NULL;
  const mode_t bad[] = {0644, 0640, 0604, 0660, 0606};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(0, chmod(t->db, bad[i]));
    err[0] = '\0';
    assert_int_equal(STORE_HARD, store_open(&t->s, t->db, NULL, err, sizeof err));
    assert_null(t->s);
    char want[32];
    snprintf(want, sizeof want, "(mode %03o)", (unsigned)bad[i]);
    assert_non_null(strstr(err, want));
    assert_non_null(strstr(err, "group or others"));
    assert_non_null(strstr(err, "chmod 600"));
  }
  assert_int_equal(0, chmod(t->db, 0600));
  assert_int_equal(STORE_OK, store_open(&t->s, t->db, NULL, err, sizeof err));
}

static void test_damage_is_reported_first(void **state) {
  if (temp_store_is_pg()) {
    skip(); /* the modes of the SQLite file */
  }
  struct temp_store *t = *state;
  char err[512] = "";
  FILE *fp = fopen(t->db, "wb");
  assert_non_null(fp);
  assert_int_equal(1, fwrite("not a database at all, just some text", 37, 1, fp));
  assert_int_equal(0, fclose(fp));
  assert_int_equal(0, chmod(t->db, 0644));
  assert_int_equal(STORE_HARD, store_open(&t->s, t->db, NULL, err, sizeof err));
  assert_non_null(strstr(err, "not an SQLite database"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_created_private_whatever_the_umask, temp_store_dir_setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_readable_by_others_refused, temp_store_dir_setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_damage_is_reported_first, temp_store_dir_setup,
                                      temp_store_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
