/*
 * Helpers of the item bank tests (Moodle XML, Excel template, QTI): read a file of the source
 * tree, compare an import report with its expected text line by line, and load an imported
 * fragment with the real exam loader inside a minimal exam that defines the KUK ids it uses.
 */
#ifndef UJIKOM_TEST_ITEMBANK_FIXTURE_H
#define UJIKOM_TEST_ITEMBANK_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/exam.h"
#include "ujikom/itembank.h"

#include "zip_build.h"

/* The bytes of rel (a path in the source tree), NUL-terminated; the caller frees. */
static inline char *ibf_read(const char *rel, size_t *len) {
  const char *dir = getenv("UJIKOM_SOURCE_DIR");
  char path[1024];
  snprintf(path, sizeof(path), "%s/%s", dir != NULL ? dir : ".", rel);
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "cannot open %s\n", path);
  }
  assert_non_null(f);
  size_t cap = 1u << 16, n = 0;
  char *buf = malloc(cap);
  assert_non_null(buf);
  size_t got;
  while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += got;
    if (n + 1 == cap) {
      cap *= 2;
      buf = realloc(buf, cap);
      assert_non_null(buf);
    }
  }
  fclose(f);
  buf[n] = '\0';
  *len = n;
  return buf;
}

/* One line per entry: line, item id, type, category, note ("-" when absent), tab-separated. */
static inline char *ibf_report_text(const struct itembank_report *r) {
  size_t cap = 256, len = 0;
  char *out = malloc(cap);
  assert_non_null(out);
  out[0] = '\0';
  for (size_t i = 0; i < r->n; i++) {
    const struct itembank_entry *e = &r->entries[i];
    char line[2048];
    int n =
        snprintf(line, sizeof(line), "%u\t%s\t%s\t%s\t%s\n", e->line, e->item_id ? e->item_id : "-",
                 e->type ? e->type : "-", e->category ? e->category : "-", e->note ? e->note : "-");
    assert_true(n > 0 && (size_t)n < sizeof(line));
    while (len + (size_t)n + 1 > cap) {
      cap *= 2;
      out = realloc(out, cap);
      assert_non_null(out);
    }
    memcpy(out + len, line, (size_t)n + 1);
    len += (size_t)n;
  }
  return out;
}

/* The report equals the expected file (rel), line by line; a difference names the line. */
static inline void ibf_assert_report(const struct itembank_report *r, const char *rel) {
  size_t elen = 0;
  char *want = ibf_read(rel, &elen);
  char *got = ibf_report_text(r);
  const char *a = got, *b = want;
  unsigned no = 1;
  while (*a != '\0' || *b != '\0') {
    size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
    if (la != lb || memcmp(a, b, la) != 0) {
      fprintf(stderr,
              "%s: report line %u differs\n  want: %.*s\n  got:  %.*s\nthe whole report:\n%s", rel,
              no, (int)lb, b, (int)la, a, got);
      fail();
    }
    a += la + (a[la] == '\n');
    b += lb + (b[lb] == '\n');
    no++;
  }
  free(got);
  free(want);
  assert_int_equal(r->n, r->nmapped + r->nunmapped);
}

/* Loads the fragment (indented 8, as a pool's items) in a one-unit exam whose elements define
 * the KUK ids kuk[0..nkuk) ("E.N"). Returns the exam (the caller frees) or fails. */
static inline struct exam *ibf_load(const char *yaml, const char *const *kuk, size_t nkuk) {
  static const char head[] = "format: 1\nid: IMPORT-TEST\nsubsector: FSN\ntitle: Uji\n"
                             "title_en: Test\nscheme: Skema\nstandard: Standar\n"
                             "duration_minutes: 60\nvalidity_years: 3\nretake:\n"
                             "  max_attempts: 3\n  cooldown_days: 0\nunits:\n"
                             "  - code: U.IMPORT.01\n    title: Unit\n    cut_score: 70\n"
                             "    elements:\n";
  size_t cap = strlen(head) + strlen(yaml) + 256 + nkuk * 128;
  char *doc = malloc(cap);
  assert_non_null(doc);
  size_t len = (size_t)snprintf(doc, cap, "%s", head);
  for (long e = 1; e <= 99; e++) {
    bool any = false;
    for (size_t k = 0; k < nkuk; k++) {
      if (strtol(kuk[k], NULL, 10) != e) {
        continue;
      }
      if (!any) {
        len += (size_t)snprintf(doc + len, cap - len,
                                "      - id: %ld\n        title: Elemen\n        kuk:\n", e);
        any = true;
      }
      len += (size_t)snprintf(doc + len, cap - len,
                              "          - id: \"%s\"\n            text: Kriteria.\n", kuk[k]);
    }
  }
  len += (size_t)snprintf(doc + len, cap - len, "    pools:\n      - id: P1\n        draw: 1\n%s",
                          yaml);
  struct exam_errors errs = {0};
  struct exam *exam = NULL;
  int rc = exam_parse(&exam, &errs, doc, len, "fragment", NULL);
  for (size_t i = 0; i < errs.n; i++) {
    fprintf(stderr, "load error: %s\n", errs.lines[i]);
  }
  assert_int_equal(rc, 0);
  exam_errors_clear(&errs);
  free(doc);
  return exam;
}

/* Imports buf; asserts success and returns the fragment (the caller frees). */
static inline char *ibf_import(enum itembank_format fmt, const char *buf, size_t len,
                               struct itembank_report *rep, const char *file) {
  static const char *const kuk[] = {"1.1"};
  struct itembank_options o = {
      .file = file, .id_prefix = "IMP", .kuk = kuk, .nkuk = 1, .indent = 8};
  struct exam_errors errs = {0};
  char *yaml = NULL;
  int rc = itembank_import(&yaml, rep, &errs, fmt, buf, len, &o);
  for (size_t i = 0; i < errs.n; i++) {
    fprintf(stderr, "import error: %s\n", errs.lines[i]);
  }
  assert_int_equal(rc, 0);
  assert_non_null(yaml);
  exam_errors_clear(&errs);
  return yaml;
}

/* Imports buf expecting a refusal whose first error contains want. */
static inline void ibf_refused(enum itembank_format fmt, const char *buf, size_t len,
                               const char *want) {
  static const char *const kuk[] = {"1.1"};
  struct itembank_options o = {.file = "bad", .id_prefix = "IMP", .kuk = kuk, .nkuk = 1};
  struct itembank_report rep = {0};
  struct exam_errors errs = {0};
  char *yaml = NULL;
  int rc = itembank_import(&yaml, &rep, &errs, fmt, buf, len, &o);
  if (rc == 0 || errs.n == 0 || strstr(errs.lines[0], want) == NULL) {
    fprintf(stderr, "want an error with \"%s\", got rc %d: %s\n", want, rc,
            errs.n > 0 ? errs.lines[0] : "(none)");
    fail();
  }
  assert_null(yaml);
  itembank_report_clear(&rep);
  exam_errors_clear(&errs);
}

/* A zip of the entries (the caller frees); fails the test when libzip fails. */
static inline unsigned char *ibf_zip(const struct zip_build_entry *e, size_t n, size_t *len) {
  unsigned char *buf = zip_build(e, n, len);
  assert_non_null(buf);
  return buf;
}

#endif
