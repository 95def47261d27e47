/*
 * The CSV writer (ujikom/csv.h): the byte order mark, commas and CRLF between cells and
 * records, quoting of commas, quotes and line breaks (quotes doubled), the formula guard on
 * text cells starting with = + - @ TAB or CR (and only there), numbers with their sign, empty
 * cells for NULL and NaN, and the size cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>

#include "ujikom/csv.h"

/* The document's text after the BOM (checked), as a malloc'd string. */
static char *take_body(struct csv *c) {
  size_t len = 0;
  char *all = csv_take(c, &len);
  assert_non_null(all);
  assert_true(len >= 3);
  assert_memory_equal(all, "\xEF\xBB\xBF", 3);
  assert_int_equal(strlen(all), len);
  char *body = strdup(all + 3);
  free(all);
  return body;
}

static void test_plain_records(void **state) {
  (void)state;
  struct csv *c = csv_new(1024);
  csv_text(c, "id");
  csv_text(c, "soal");
  csv_end_record(c);
  csv_text(c, "KLN-001");
  csv_number(c, 0.8571, 2);
  csv_end_record(c);
  char *body = take_body(c);
  assert_string_equal(body, "id,soal\r\nKLN-001,0.86\r\n");
  free(body);
}

static void test_quoting(void **state) {
  (void)state;
  struct csv *c = csv_new(1024);
  csv_text(c, "a,b");
  csv_text(c, "kata \"kunci\"");
  csv_text(c, "baris\nkedua");
  csv_text(c, "cr\rlf");
  csv_text(c, "Suhu 5–60 °C");
  csv_end_record(c);
  char *body = take_body(c);
  assert_string_equal(body, "\"a,b\",\"kata \"\"kunci\"\"\",\"baris\nkedua\",\"cr\rlf\","
                            "Suhu 5–60 °C\r\n");
  free(body);
}

static void test_formula_guard(void **state) {
  (void)state;
  struct csv *c = csv_new(1024);
  csv_text(c, "=HYPERLINK(\"http://x\")");
  csv_text(c, "+1");
  csv_text(c, "-1");
  csv_text(c, "@SUM(A1)");
  csv_text(c, "\tx");
  csv_text(c, "a=b");
  csv_text(c, "=1,2");
  csv_number(c, -0.25, 2);
  csv_end_record(c);
  char *body = take_body(c);
  assert_string_equal(body, "\"'=HYPERLINK(\"\"http://x\"\")\",'+1,'-1,'@SUM(A1),'\tx,a=b,"
                            "\"'=1,2\",-0.25\r\n");
  free(body);
  assert_true(csv_needs_guard("=x"));
  assert_true(csv_needs_guard("\rx"));
  assert_false(csv_needs_guard("x=1"));
  assert_false(csv_needs_guard(""));
  assert_false(csv_needs_guard(NULL));
}

static void test_empty_cells(void **state) {
  (void)state;
  struct csv *c = csv_new(1024);
  csv_text(c, NULL);
  csv_number(c, NAN, 2);
  csv_text(c, "");
  csv_number(c, 3, 0);
  csv_end_record(c);
  char *body = take_body(c);
  assert_string_equal(body, ",,,3\r\n");
  free(body);
}

static void test_cap(void **state) {
  (void)state;
  struct csv *c = csv_new(16);
  csv_text(c, "0123456789");
  csv_text(c, "0123456789");
  csv_end_record(c);
  size_t len = 99;
  assert_null(csv_take(c, &len));
  assert_int_equal(0, len);
  assert_null(csv_take(NULL, &len));
  csv_free(csv_new(8));
  csv_free(NULL);
}

/* The bytes written so far, as the text taken will have them. */
static void test_length(void **state) {
  (void)state;
  struct csv *c = csv_new(1024);
  assert_int_equal(3, csv_length(c)); /* the BOM */
  csv_text(c, "a,b");
  csv_number(c, 2.5, 1);
  csv_end_record(c);
  size_t before = csv_length(c), len = 0;
  assert_int_equal(3 + strlen("\"a,b\",2.5\r\n"), before);
  char *text = csv_take(c, &len);
  assert_int_equal(before, len);
  free(text);
  assert_int_equal(0, csv_length(NULL));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_length),      cmocka_unit_test(test_plain_records),
      cmocka_unit_test(test_quoting),     cmocka_unit_test(test_formula_guard),
      cmocka_unit_test(test_empty_cells), cmocka_unit_test(test_cap),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
