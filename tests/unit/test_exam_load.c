/*
 * Exam loader tests: every shipped exam in exams/ validates; every bad file in
 * tests/data/exams-bad gives exactly the error lines of its .expected file; and the model
 * built from a small valid exam holds what the file says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/exam.h"

static char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    return NULL;
  }
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  size_t got;
  while (buf != NULL && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      char *nb = realloc(buf, cap * 2);
      if (nb == NULL) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
      cap *= 2;
    }
  }
  fclose(f);
  if (buf != NULL) {
    buf[n] = '\0';
  }
  *len = n;
  return buf;
}

static const char *src_dir(void) {
  const char *d = getenv("UJIKOM_SOURCE_DIR");
  return d ? d : ".";
}

/* A file of the source tree (rel from its top), read whole; fails the test when missing. */
static char *read_source(const char *rel, size_t *len) {
  char path[1024];
  snprintf(path, sizeof(path), "%s/%s", src_dir(), rel);
  char *buf = read_all(path, len);
  assert_non_null(buf);
  return buf;
}

static struct exam_subsectors *load_subsectors(void) {
  size_t len = 0;
  char *buf = read_source("exams/subsectors.yaml", &len);
  struct exam_errors errs = {0};
  struct exam_subsectors *subs = NULL;
  int rc = exam_subsectors_parse(&subs, &errs, buf, len, "exams/subsectors.yaml");
  for (size_t i = 0; i < errs.n; i++) {
    print_error("%s\n", errs.lines[i]);
  }
  assert_int_equal(rc, 0);
  assert_int_equal(subs->n, 17);
  assert_non_null(exam_subsector_find(subs, "FSN"));
  assert_null(exam_subsector_find(subs, "XYZ"));
  exam_errors_clear(&errs);
  free(buf);
  return subs;
}

static bool has_suffix(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted names of directory entries ending in suffix; caller frees each and the array. */
static char **list_dir(const char *dir, const char *suffix, size_t *n) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  char **names = NULL;
  size_t cnt = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (!has_suffix(e->d_name, suffix)) {
      continue;
    }
    names = realloc(names, (cnt + 1) * sizeof(*names));
    assert_non_null(names);
    names[cnt++] = strdup(e->d_name);
  }
  closedir(d);
  if (cnt > 0) {
    qsort(names, cnt, sizeof(*names), cmp_str);
  }
  *n = cnt;
  return names;
}

static void free_list(char **names, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(names[i]);
  }
  free(names);
}

static void test_shipped_exams_are_valid(void **state) {
  (void)state;
  struct exam_subsectors *subs = load_subsectors();
  char dir[1024];
  snprintf(dir, sizeof(dir), "%s/exams", src_dir());
  size_t n = 0;
  char **names = list_dir(dir, ".exam.yaml", &n);
  assert_true(n >= 1);
  char **ids = calloc(n, sizeof(*ids));
  assert_non_null(ids);
  size_t failures = 0;
  for (size_t i = 0; i < n; i++) {
    char path[2048], shown[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
    snprintf(shown, sizeof(shown), "exams/%s", names[i]);
    size_t len = 0;
    char *buf = read_all(path, &len);
    assert_non_null(buf);
    struct exam_errors errs = {0};
    struct exam *exam = NULL;
    if (exam_parse(&exam, &errs, buf, len, shown, subs) != 0) {
      for (size_t k = 0; k < errs.n; k++) {
        print_error("%s\n", errs.lines[k]);
      }
      failures++;
    } else {
      /* Ids are unique across files. */
      for (size_t k = 0; k < i; k++) {
        if (ids[k] != NULL && strcmp(ids[k], exam->id) == 0) {
          print_error("%s: exam id %s is also used by another file\n", shown, exam->id);
          failures++;
        }
      }
      ids[i] = strdup(exam->id);
      /* The file name starts with the lower-case subsector code. */
      char prefix[16];
      size_t sl = strlen(exam->subsector);
      assert_true(sl < sizeof(prefix) - 1);
      for (size_t k = 0; k < sl; k++) {
        prefix[k] = (char)(exam->subsector[k] - 'A' + 'a');
      }
      prefix[sl] = '-';
      prefix[sl + 1] = '\0';
      if (strncmp(names[i], prefix, sl + 1) != 0) {
        print_error("%s: file name should start with %s\n", shown, prefix);
        failures++;
      }
      assert_int_equal(strlen(exam->version), 64);
    }
    exam_free(exam);
    exam_errors_clear(&errs);
    free(buf);
  }
  assert_int_equal(failures, 0);
  free_list(ids, n);
  free_list(names, n);
  exam_subsectors_free(subs);
}

/* Every NAME.exam.yaml in tests/data/exams-bad fails with exactly the lines in NAME.expected
 * (file name shown as NAME.exam.yaml). */
static void test_bad_exams_report_expected_errors(void **state) {
  (void)state;
  struct exam_subsectors *subs = load_subsectors();
  char dir[1024];
  snprintf(dir, sizeof(dir), "%s/tests/data/exams-bad", src_dir());
  size_t n = 0;
  char **names = list_dir(dir, ".exam.yaml", &n);
  assert_true(n >= 15);
  size_t failures = 0;
  for (size_t i = 0; i < n; i++) {
    char path[2048], exp_path[2048];
    snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
    snprintf(exp_path, sizeof(exp_path), "%s/%.*s.expected", dir,
             (int)(strlen(names[i]) - strlen(".exam.yaml")), names[i]);
    size_t len = 0, elen = 0;
    char *buf = read_all(path, &len);
    char *expected = read_all(exp_path, &elen);
    assert_non_null(buf);
    if (expected == NULL) {
      print_error("%s: missing .expected file\n", names[i]);
      failures++;
      free(buf);
      continue;
    }
    struct exam_errors errs = {0};
    struct exam *exam = NULL;
    int rc = exam_parse(&exam, &errs, buf, len, names[i], subs);
    size_t glen = 0;
    for (size_t k = 0; k < errs.n; k++) {
      glen += strlen(errs.lines[k]) + 1;
    }
    char *got = calloc(glen + 1, 1);
    assert_non_null(got);
    for (size_t k = 0; k < errs.n; k++) {
      size_t l = strlen(got);
      snprintf(got + l, glen + 1 - l, "%s\n", errs.lines[k]);
    }
    if (rc == 0 || exam != NULL || strcmp(got, expected) != 0) {
      print_error("%s: rc=%d\n--- expected\n%s--- got\n%s", names[i], rc, expected, got);
      failures++;
    }
    free(got);
    exam_free(exam);
    exam_errors_clear(&errs);
    free(buf);
    free(expected);
  }
  assert_int_equal(failures, 0);
  free_list(names, n);
  exam_subsectors_free(subs);
}

static const char small_exam[] = "format: 1\n"
                                 "id: TST-SMALL\n"
                                 "subsector: FSN\n"
                                 "title: Ujian Kecil\n"
                                 "title_en: Small Exam\n"
                                 "scheme: Skema Uji\n"
                                 "standard: SKKNI Nomor 1 Tahun 2020\n"
                                 "duration_minutes: 30\n"
                                 "validity_years: 3\n"
                                 "retake: {max_attempts: 2, cooldown_days: 7}\n"
                                 "shuffle_options: true\n"
                                 "units:\n"
                                 "  - code: C.14FSN00.001.1\n"
                                 "    title: Mengukur Badan\n"
                                 "    cut_score: 70\n"
                                 "    elements:\n"
                                 "      - id: 1\n"
                                 "        title: Menyiapkan alat\n"
                                 "        kuk:\n"
                                 "          - {id: \"1.1\", text: Pita ukur disiapkan.}\n"
                                 "    pools:\n"
                                 "      - id: P1\n"
                                 "        draw: 1\n"
                                 "        items:\n"
                                 "          - id: Q1\n"
                                 "            type: numeric\n"
                                 "            kuk: [\"1.1\"]\n"
                                 "            prompt: Berapa cm?\n"
                                 "            answer: {value: 12.5, tolerance: 0.5, unit: cm}\n"
                                 "          - id: Q2\n"
                                 "            type: short\n"
                                 "            kuk: [\"1.1\"]\n"
                                 "            points: 2\n"
                                 "            prompt: Nama alat?\n"
                                 "            answer: [\"  Pita   UKUR \"]\n";

static void test_model_holds_the_file(void **state) {
  (void)state;
  struct exam_errors errs = {0};
  struct exam *exam = NULL;
  int rc = exam_parse(&exam, &errs, small_exam, sizeof(small_exam) - 1, "small", NULL);
  for (size_t k = 0; k < errs.n; k++) {
    print_error("%s\n", errs.lines[k]);
  }
  assert_int_equal(rc, 0);
  assert_string_equal(exam->id, "TST-SMALL");
  assert_int_equal(exam->duration_minutes, 30);
  assert_int_equal(exam->max_attempts, 2);
  assert_int_equal(exam->cooldown_days, 7);
  assert_true(exam->shuffle_options);
  assert_int_equal(exam->nunits, 1);
  assert_int_equal(exam->units[0].cut_score, 70);
  assert_null(exam->units[0].title_en);
  size_t ui = 9;
  const struct exam_item *q1 = exam_find_item(exam, "Q1", &ui);
  assert_non_null(q1);
  assert_int_equal(ui, 0);
  assert_int_equal(q1->type, EXAM_ITEM_NUMERIC);
  assert_true(q1->key_value == 12.5);
  assert_true(q1->key_tolerance == 0.5);
  assert_string_equal(q1->key_unit, "cm");
  assert_int_equal(q1->points, 1);
  const struct exam_item *q2 = exam_find_item(exam, "Q2", NULL);
  assert_non_null(q2);
  assert_int_equal(q2->points, 2);
  assert_string_equal(q2->accepted_norm[0], "pita ukur");
  assert_null(exam_find_item(exam, "Q3", NULL));
  /* The version is the SHA-256 of the bytes: one changed byte gives another version. */
  char copy[sizeof(small_exam)];
  memcpy(copy, small_exam, sizeof(small_exam));
  copy[strlen("format: 1\nid: TST-SMALL\nsubsector: FSN\ntitle: Ujian Keci")] = 'K';
  struct exam *other = NULL;
  assert_int_equal(exam_parse(&other, &errs, copy, sizeof(copy) - 1, "copy", NULL), 0);
  assert_string_not_equal(exam->version, other->version);
  exam_free(other);
  exam_free(exam);
  exam_errors_clear(&errs);
}

/* The same bytes with an unknown subsector fail only when a catalogue is given. */
static void test_subsector_checked_against_catalogue(void **state) {
  (void)state;
  struct exam_subsectors *subs = load_subsectors();
  struct exam_errors errs = {0};
  struct exam *exam = NULL;
  char copy[sizeof(small_exam)];
  memcpy(copy, small_exam, sizeof(small_exam));
  char *p = strstr(copy, "subsector: FSN");
  assert_non_null(p);
  memcpy(p + strlen("subsector: "), "XXX", 3);
  assert_int_equal(exam_parse(&exam, &errs, copy, sizeof(copy) - 1, "x", subs), -1);
  assert_int_equal(errs.n, 1);
  assert_string_equal(errs.lines[0], "x:3:12: unknown subsector 'XXX'");
  exam_errors_clear(&errs);
  assert_int_equal(exam_parse(&exam, &errs, copy, sizeof(copy) - 1, "x", NULL), 0);
  exam_free(exam);
  exam_subsectors_free(subs);
}

/* Level descriptors and blind marking, as the corpus file that exercises them holds them. */
static void test_levels_and_blind_marking(void **state) {
  (void)state;
  size_t len = 0;
  char *buf = read_source("tests/fuzz/corpus/exam_load/levels-blind.exam.yaml", &len);
  struct exam_errors errs = {0};
  struct exam *exam = NULL;
  int rc = exam_parse(&exam, &errs, buf, len, "levels-blind", NULL);
  for (size_t k = 0; k < errs.n; k++) {
    print_error("%s\n", errs.lines[k]);
  }
  assert_int_equal(rc, 0);
  assert_true(exam->blind_marking);
  const struct exam_item *open = NULL;
  for (size_t p = 0; p < exam->units[0].npools && NULL == open; p++) {
    for (size_t i = 0; i < exam->units[0].pools[p].nitems; i++) {
      if (exam_item_is_open(&exam->units[0].pools[p].items[i])) {
        open = &exam->units[0].pools[p].items[i];
      }
    }
  }
  assert_non_null(open);
  const struct exam_criterion *c = &open->rubric[0];
  assert_int_equal(c->nlevels, 3);
  assert_int_equal(c->levels[0].points, 2);
  assert_string_equal(c->levels[0].text, "Lengkap.");
  assert_string_equal(exam_criterion_level(c, 1)->text, "Sebagian.");
  assert_null(exam_criterion_level(c, 5));
  exam_free(exam);
  free(buf);
  /* Without the key an exam is not blind, and a criterion without levels has none. */
  assert_int_equal(exam_parse(&exam, &errs, small_exam, sizeof(small_exam) - 1, "small", NULL), 0);
  assert_false(exam->blind_marking);
  exam_free(exam);
  exam_errors_clear(&errs);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_levels_and_blind_marking),
      cmocka_unit_test(test_shipped_exams_are_valid),
      cmocka_unit_test(test_bad_exams_report_expected_errors),
      cmocka_unit_test(test_model_holds_the_file),
      cmocka_unit_test(test_subsector_checked_against_catalogue),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
