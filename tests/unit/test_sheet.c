/*
 * The spreadsheet readers of bulk imports (ujikom/sheet.h): CSV quoting, separators, BOM,
 * line numbers and limits; XLSX shared strings, numbers, formula cells flagged (never their
 * cached value), and the refusals: not a workbook, a truncated archive, a document type, a
 * part that inflates past its limit (a zip bomb), too many rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ujikom/sheet.h"

static const struct sheet_limits LIM = {
    .max_bytes = 1u << 20, .max_unzipped = 1u << 22, .max_rows = 10, .max_cols = 8, .max_cell = 40};

static struct sheet *csv_ok(const char *text) {
  struct sheet *s = NULL;
  char err[200];
  assert_int_equal(SHEET_OK, sheet_read_csv(&s, text, strlen(text), &LIM, err, sizeof err));
  assert_non_null(s);
  return s;
}

static enum sheet_rc csv_refused(const char *text, const char *want_err) {
  struct sheet *s = NULL;
  char err[200];
  enum sheet_rc rc = sheet_read_csv(&s, text, strlen(text), &LIM, err, sizeof err);
  assert_int_not_equal(SHEET_OK, rc);
  assert_null(s);
  if (NULL == strstr(err, want_err)) {
    fail_msg("error \"%s\" does not say \"%s\"", err, want_err);
  }
  return rc;
}

static void test_csv_quotes_and_lines(void **state) {
  (void)state;
  struct sheet *s = csv_ok("\xEF\xBB\xBFnama,email\r\n\"Rahmawati, Siti\",\"a\"\"b@x.org\"\r\n"
                           "\r\n\"Dua\nBaris\",d@x.org\nlast,");
  assert_int_equal(4, s->nrows); /* the empty line is skipped */
  assert_string_equal("nama", s->rows[0].cells[0]);
  assert_string_equal("Rahmawati, Siti", s->rows[1].cells[0]);
  assert_string_equal("a\"b@x.org", s->rows[1].cells[1]);
  assert_int_equal(2, s->rows[1].line);
  assert_string_equal("Dua\nBaris", s->rows[2].cells[0]);
  assert_int_equal(4, s->rows[2].line); /* the record's first line */
  assert_int_equal(6, s->rows[3].line);
  assert_int_equal(2, s->rows[3].ncells);
  assert_string_equal("", s->rows[3].cells[1]);
  sheet_free(s);
}

static void test_csv_semicolons(void **state) {
  (void)state;
  struct sheet *s = csv_ok("nama;email\nSiti;s@x.org\n");
  assert_int_equal(2, s->rows[1].ncells);
  assert_string_equal("s@x.org", s->rows[1].cells[1]);
  sheet_free(s);
  /* A comma in the header keeps commas: semicolons are then text. */
  s = csv_ok("nama,email\nSiti;x,s@x.org\n");
  assert_string_equal("Siti;x", s->rows[1].cells[0]);
  sheet_free(s);
}

static void test_csv_refusals(void **state) {
  (void)state;
  assert_int_equal(SHEET_MALFORMED, csv_refused("a,b\n\"open,x\n", "line 2: a quoted field"));
  assert_int_equal(SHEET_MALFORMED, csv_refused("a,b\n\"x\"y,z\n", "after a closing quote"));
  assert_int_equal(SHEET_NOT_UTF8, csv_refused("a,\xff\n", "not UTF-8"));
  assert_int_equal(SHEET_CELL_TOO_LONG,
                   csv_refused("a\n0123456789012345678901234567890123456789x\n", "line 2"));
  assert_int_equal(SHEET_TOO_MANY_COLS, csv_refused("a,b,c,d,e,f,g,h,i\n", "too many columns"));
  assert_int_equal(SHEET_TOO_MANY_ROWS, csv_refused("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n", "rows"));
  /* the row past the limit is the last one, with no line break after it */
  assert_int_equal(SHEET_TOO_MANY_ROWS, csv_refused("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11", "rows"));
}

static unsigned char *load(const char *name, size_t *len) {
  const char *dir = getenv("UJIKOM_SOURCE_DIR");
  char path[1024];
  snprintf(path, sizeof path, "%s/tests/data/sheet/%s", NULL != dir ? dir : ".", name);
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  unsigned char *buf = malloc(1u << 20);
  assert_non_null(buf);
  *len = fread(buf, 1, 1u << 20, f);
  fclose(f);
  return buf;
}

static enum sheet_rc xlsx(const char *name, struct sheet **s, char *err, size_t errlen) {
  size_t len = 0;
  unsigned char *buf = load(name, &len);
  enum sheet_rc rc = sheet_read_xlsx(s, buf, len, &LIM, err, errlen);
  free(buf);
  return rc;
}

static void test_xlsx_cells(void **state) {
  (void)state;
  struct sheet *s = NULL;
  char err[200];
  assert_int_equal(SHEET_OK, xlsx("plain.xlsx", &s, err, sizeof err));
  assert_int_equal(3, s->nrows);
  assert_string_equal("email", s->rows[0].cells[1]);
  assert_string_equal("siti@example.org", s->rows[1].cells[1]);
  assert_string_equal("1", s->rows[2].cells[0]);
  assert_string_equal("2.5", s->rows[2].cells[1]);
  assert_int_equal(0, s->rows[1].formula_col);
  sheet_free(s);
  /* A formula cell is flagged, and its cached value is not taken as data. */
  assert_int_equal(SHEET_OK, xlsx("formula.xlsx", &s, err, sizeof err));
  assert_int_equal(1, s->rows[1].formula_col);
  assert_string_equal("", s->rows[1].cells[0]);
  assert_string_equal("a@b.org", s->rows[1].cells[1]);
  sheet_free(s);
}

static void test_xlsx_refusals(void **state) {
  (void)state;
  struct sheet *s = NULL;
  char err[200];
  assert_int_equal(SHEET_MALFORMED, xlsx("doctype.xlsx", &s, err, sizeof err));
  assert_non_null(strstr(err, "document type"));
  assert_null(s);
  assert_int_equal(SHEET_TOO_LARGE, xlsx("bomb.xlsx", &s, err, sizeof err));
  assert_non_null(strstr(err, "inflates to"));
  assert_null(s);
  /* Truncated: the archive's directory is gone. */
  size_t len = 0;
  unsigned char *buf = load("plain.xlsx", &len);
  assert_int_equal(SHEET_MALFORMED, sheet_read_xlsx(&s, buf, len - 30, &LIM, err, sizeof err));
  assert_non_null(strstr(err, "not an XLSX workbook"));
  /* Text is not a workbook either, and too many bytes are refused before anything. */
  assert_int_equal(SHEET_MALFORMED, sheet_read_xlsx(&s, "nama,email\n", 11, &LIM, err, sizeof err));
  struct sheet_limits small = LIM;
  small.max_bytes = 100;
  assert_int_equal(SHEET_TOO_LARGE, sheet_read_xlsx(&s, buf, len, &small, err, sizeof err));
  small = LIM;
  small.max_rows = 2;
  assert_int_equal(SHEET_TOO_MANY_ROWS, sheet_read_xlsx(&s, buf, len, &small, err, sizeof err));
  assert_non_null(strstr(err, "more than 2 rows"));
  free(buf);
  assert_true(sheet_looks_like_zip("PK\x03\x04", 4));
  assert_false(sheet_looks_like_zip("nama", 4));
}

static void test_column_names(void **state) {
  (void)state;
  char b[8];
  sheet_column_name(b, sizeof b, 1);
  assert_string_equal("A", b);
  sheet_column_name(b, sizeof b, 26);
  assert_string_equal("Z", b);
  sheet_column_name(b, sizeof b, 27);
  assert_string_equal("AA", b);
  sheet_column_name(b, sizeof b, 16384);
  assert_string_equal("XFD", b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_csv_quotes_and_lines), cmocka_unit_test(test_csv_semicolons),
      cmocka_unit_test(test_csv_refusals),         cmocka_unit_test(test_xlsx_cells),
      cmocka_unit_test(test_xlsx_refusals),        cmocka_unit_test(test_column_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
