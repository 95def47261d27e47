/*
 * The display parts of the item analysis (common/analysis.c): the question's first words for
 * a table cell (white space folded, cut at a character boundary with an ellipsis) and the CSV
 * export of a report (headings and labels from the caller, the whole prompt, guarded
 * formulas, numbers, the small-sample column).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/analysis.h"

static void test_excerpt(void **state) {
  (void)state;
  char out[24];
  analysis_prompt_excerpt(out, sizeof out, "  Urutkan\n  langkah\tmencuci  \n");
  assert_string_equal("Urutkan langkah mencuci", out);
  analysis_prompt_excerpt(out, sizeof out, "Satu dua tiga empat lima enam tujuh");
  assert_string_equal("Satu dua tiga empat\xE2\x80\xA6", out);
  assert_true(strlen(out) < sizeof out);
  /* 20 bytes of room before the ellipsis: a "°" (2 bytes) at 19..20 would straddle it */
  analysis_prompt_excerpt(out, sizeof out, "Suhu 5-60 derajat x\xC2\xB0\xC2\xB0 lagi");
  assert_string_equal("Suhu 5-60 derajat x\xE2\x80\xA6", out);
  analysis_prompt_excerpt(out, sizeof out, "Suhu 5-60 derajat \xC2\xB0\xC2\xB0 lagi");
  assert_string_equal("Suhu 5-60 derajat \xC2\xB0\xE2\x80\xA6", out);
  analysis_prompt_excerpt(out, sizeof out, "Tepat dua puluh tiga b");
  assert_string_equal("Tepat dua puluh tiga b", out); /* fits whole: no ellipsis */
  analysis_prompt_excerpt(out, sizeof out,
                          "\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC"
                          "\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC");
  assert_string_equal("\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC"
                      "\xE2\x82\xAC\xE2\x80\xA6",
                      out);
  analysis_prompt_excerpt(out, sizeof out, NULL);
  assert_string_equal("", out);
  analysis_prompt_excerpt(out, sizeof out, " \n ");
  assert_string_equal("", out);
}

static const char *label(const void *ctx, const char *key) {
  (void)ctx;
  if (0 == strcmp(key, "analysis.too_easy")) {
    return "Terlalu mudah";
  }
  return 0 == strcmp(key, "analysis.negative") ? "Negatif" : "lain";
}

static void test_csv(void **state) {
  (void)state;
  struct exam_item items[2];
  memset(items, 0, sizeof items);
  items[0].id = "I-1";
  items[0].type = EXAM_ITEM_SINGLE;
  items[0].prompt = "=SUM(A1), \"kutip\"\nbaris dua";
  items[1].id = "I-2";
  items[1].type = EXAM_ITEM_OPEN;
  items[1].prompt = "Esai";
  struct analysis_report_item cols[2];
  memset(cols, 0, sizeof cols);
  cols[0].item = &items[0];
  cols[0].unit_code = "U.1";
  cols[0].stats.n = 40;
  cols[0].stats.facility = 0.95;
  cols[0].stats.discrimination = -0.126;
  cols[0].stats.has_discrimination = true;
  cols[1].item = &items[1];
  cols[1].unit_code = "U.2";
  struct analysis_report rep;
  memset(&rep, 0, sizeof rep);
  rep.items = cols;
  rep.nitems = 2;
  const struct analysis_csv_texts t = {.headings = {"Butir", "Unit", "Jenis", "Soal", "n",
                                                    "Kemudahan", "Ket", "Daya beda", "Ket",
                                                    "Kecil"},
                                       .yes = "ya",
                                       .no = "tidak",
                                       .label = label,
                                       .ctx = NULL};
  size_t len = 0;
  char *csv = analysis_report_csv(&rep, &t, &len);
  assert_non_null(csv);
  assert_string_equal("\xEF\xBB\xBF"
                      "Butir,Unit,Jenis,Soal,n,Kemudahan,Ket,Daya beda,Ket,Kecil\r\n"
                      "I-1,U.1,single,\"'=SUM(A1), \"\"kutip\"\"\nbaris dua\",40,0.95,"
                      "Terlalu mudah,-0.13,Negatif,tidak\r\n"
                      "I-2,U.2,open,Esai,0,,lain,,lain,ya\r\n",
                      csv);
  assert_int_equal(strlen(csv), len);
  free(csv);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_excerpt),
      cmocka_unit_test(test_csv),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
