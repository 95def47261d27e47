/*
 * The exam catalogue: loads a directory skipping invalid and duplicate files, keeps every
 * loaded version across reloads, restores a version from source text, refuses a directory
 * without a valid subsector list, and `exams check` semantics (catalog_check_files).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/catalog.h"

static const char subsectors[] = "format: 1\n"
                                 "subsectors:\n"
                                 "  - {code: FSN, name_id: Fesyen, name_en: Fashion}\n"
                                 "  - {code: KLN, name_id: Kuliner, name_en: Culinary}\n";

static const char exam_fmt[] = "format: 1\n"
                               "id: %s\n"
                               "subsector: %s\n"
                               "title: %s\n"
                               "title_en: T\n"
                               "scheme: S\n"
                               "standard: SKKNI\n"
                               "duration_minutes: 30\n"
                               "validity_years: 3\n"
                               "retake: {max_attempts: 2, cooldown_days: 1}\n"
                               "units:\n"
                               "  - code: U.001\n"
                               "    title: U\n"
                               "    cut_score: 60\n"
                               "    elements:\n"
                               "      - {id: 1, title: E, kuk: [{id: \"1.1\", text: K}]}\n"
                               "    pools:\n"
                               "      - id: P\n"
                               "        draw: 1\n"
                               "        items:\n"
                               "          - {id: Q1, type: truefalse, kuk: [\"1.1\"], prompt: p, "
                               "answer: true}\n";

struct fx {
  char dir[64];
};

static void write_file(const struct fx *fx, const char *name, const char *text) {
  char path[256];
  snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
  fclose(f);
}

static void write_exam(const struct fx *fx, const char *name, const char *id, const char *sub,
                       const char *title) {
  char buf[2048];
  snprintf(buf, sizeof(buf), exam_fmt, id, sub, title);
  write_file(fx, name, buf);
}

static void remove_file(const struct fx *fx, const char *name) {
  char path[256];
  snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
  unlink(path);
}

static int setup(void **state) {
  struct fx *fx = calloc(1, sizeof(*fx));
  snprintf(fx->dir, sizeof(fx->dir), "/tmp/ujikom-catalog-XXXXXX");
  if (NULL == fx || NULL == mkdtemp(fx->dir)) {
    return -1;
  }
  *state = fx;
  return 0;
}

static int teardown(void **state) {
  struct fx *fx = *state;
  const char *names[] = {"subsectors.yaml",   "fsn-a.exam.yaml",   "kln-b.exam.yaml",
                         "fsn-bad.exam.yaml", "fsn-dup.exam.yaml", "xyz-c.exam.yaml",
                         "notes.txt"};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    remove_file(fx, names[i]);
  }
  rmdir(fx->dir);
  free(fx);
  return 0;
}

static void test_load_skip_reload_keep(void **state) {
  struct fx *fx = *state;
  char err[512];
  struct catalog *c = NULL;
  /* No subsector list: refused. */
  assert_int_equal(catalog_open(&c, fx->dir, err, sizeof(err)), -1);
  assert_null(c);
  write_file(fx, "subsectors.yaml", subsectors);
  write_exam(fx, "fsn-a.exam.yaml", "FSN-A", "FSN", "Satu");
  write_exam(fx, "kln-b.exam.yaml", "KLN-B", "KLN", "Dua");
  write_file(fx, "fsn-bad.exam.yaml", "format: 1\nid: X\n");
  write_exam(fx, "fsn-dup.exam.yaml", "FSN-A", "FSN", "Kembar"); /* sorted after fsn-a */
  write_exam(fx, "xyz-c.exam.yaml", "XYZ-C", "XYZ", "Tiga");     /* unknown subsector */
  write_file(fx, "notes.txt", "not an exam");
  assert_int_equal(catalog_open(&c, fx->dir, err, sizeof(err)), 0);

  const struct exam **list = NULL;
  size_t n = 0;
  assert_int_equal(catalog_list(c, &list, &n), 0);
  assert_int_equal(n, 2);
  assert_string_equal(list[0]->id, "FSN-A");
  assert_string_equal(list[0]->title, "Satu"); /* the first file wins over the duplicate */
  assert_string_equal(list[1]->id, "KLN-B");
  free(list);
  assert_int_equal(catalog_subsectors(c)->n, 2);

  const struct exam *v1 = catalog_current(c, "FSN-A");
  assert_non_null(v1);
  char v1_version[65];
  memcpy(v1_version, v1->version, sizeof(v1_version));
  const char *src = NULL, *file = NULL;
  size_t len = 0;
  assert_int_equal(catalog_source(c, v1_version, &src, &len, &file), 0);
  assert_string_equal(file, "fsn-a.exam.yaml");
  assert_non_null(strstr(src, "title: Satu"));

  /* Edit FSN-A and remove KLN-B, then reload: the new version is current, the old one is
   * still there by hash (attempts keep it), KLN-B is gone from the list. */
  write_exam(fx, "fsn-a.exam.yaml", "FSN-A", "FSN", "Satu Revisi");
  remove_file(fx, "kln-b.exam.yaml");
  assert_int_equal(catalog_reload(c, err, sizeof(err)), 0);
  const struct exam *v2 = catalog_current(c, "FSN-A");
  assert_non_null(v2);
  assert_string_equal(v2->title, "Satu Revisi");
  assert_string_not_equal(v2->version, v1_version);
  assert_ptr_equal(catalog_version(c, v1_version), v1);
  assert_string_equal(v1->title, "Satu");
  assert_null(catalog_current(c, "KLN-B"));

  /* A broken subsector list on reload keeps the previous set. */
  write_file(fx, "subsectors.yaml", "format: 1\nsubsectors: []\n");
  assert_int_equal(catalog_reload(c, err, sizeof(err)), -1);
  assert_ptr_equal(catalog_current(c, "FSN-A"), v2);

  /* A version from source text (a store snapshot), and the same again. */
  char buf[2048];
  snprintf(buf, sizeof(buf), exam_fmt, "KLN-OLD", "KLN", "Lama");
  struct exam_errors errs = {0};
  const struct exam *old = NULL, *again = NULL;
  assert_int_equal(catalog_add_source(c, &old, buf, strlen(buf), "kln-old.exam.yaml", &errs), 0);
  assert_int_equal(catalog_add_source(c, &again, buf, strlen(buf), "kln-old.exam.yaml", &errs), 0);
  assert_ptr_equal(old, again);
  assert_ptr_equal(catalog_version(c, old->version), old);
  assert_null(catalog_current(c, "KLN-OLD")); /* restored, not offered */
  assert_int_equal(catalog_add_source(c, &old, "format: 1\n", 10, "x", &errs), -1);
  assert_true(errs.n > 0);
  exam_errors_clear(&errs);
  catalog_free(c);
}

static void test_check_files(void **state) {
  struct fx *fx = *state;
  char a[256], b[256], bad[256], subs[256], dup[256], missing[256];
  write_file(fx, "subsectors.yaml", subsectors);
  write_exam(fx, "fsn-a.exam.yaml", "FSN-A", "FSN", "Satu");
  write_exam(fx, "kln-b.exam.yaml", "KLN-B", "KLN", "Dua");
  write_exam(fx, "fsn-dup.exam.yaml", "FSN-A", "FSN", "Kembar");
  write_file(fx, "fsn-bad.exam.yaml", "format: 1\nid: X\n");
  snprintf(a, sizeof(a), "%s/fsn-a.exam.yaml", fx->dir);
  snprintf(b, sizeof(b), "%s/kln-b.exam.yaml", fx->dir);
  snprintf(bad, sizeof(bad), "%s/fsn-bad.exam.yaml", fx->dir);
  snprintf(dup, sizeof(dup), "%s/fsn-dup.exam.yaml", fx->dir);
  snprintf(subs, sizeof(subs), "%s/subsectors.yaml", fx->dir);
  snprintf(missing, sizeof(missing), "%s/none.exam.yaml", fx->dir);
  struct exam_errors errs = {0};
  const char *good[] = {a, b};
  assert_int_equal(catalog_check_files(good, 2, subs, &errs), 0);
  assert_int_equal(errs.n, 0);
  const char *mixed[] = {a, bad, dup, missing};
  assert_int_equal(catalog_check_files(mixed, 4, subs, &errs), 3);
  assert_non_null(strstr(errs.lines[errs.n - 2], "is already used by"));
  assert_non_null(strstr(errs.lines[errs.n - 1], "none.exam.yaml:1:1: cannot open"));
  exam_errors_clear(&errs);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_load_skip_reload_keep, setup, teardown),
      cmocka_unit_test_setup_teardown(test_check_files, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
