/*
 * Excel template import tests: a workbook built here (inline strings, one formula cell) with
 * every item type and the row problems a person makes imports with every row accounted for,
 * its report equal line by line to the expected one ("row N"), and the fragment loads with
 * the exam loader with the expected keys. A formula cell is never evaluated: its row is
 * refused. Headers may be Indonesian. Malformed workbooks, a missing column and a
 * 50,000-row sheet are refused with a clear error.
 */
#include "test_itembank_fixture.h"

#include <math.h>

#include "ujikom/itembank_xlsx.h"

#define NCOL 11

static void xml_text(char **p, size_t *len, size_t *cap, const char *s) {
  for (; *s != '\0'; s++) {
    const char *r = *s == '<' ? "&lt;" : *s == '&' ? "&amp;" : *s == '>' ? "&gt;" : NULL;
    size_t n = r != NULL ? strlen(r) : 1;
    while (*len + n + 1 > *cap) {
      *cap *= 2;
      *p = realloc(*p, *cap);
      assert_non_null(*p);
    }
    memcpy(*p + *len, r != NULL ? r : s, n);
    *len += n;
    (*p)[*len] = '\0';
  }
}

/* A workbook whose first sheet holds rows[0..n) of NCOL cells; a cell starting with '=' is a
 * formula (its cached value the same text). */
static unsigned char *workbook(const char *const (*rows)[NCOL], size_t n, size_t *len) {
  size_t cap = 4096, l = 0;
  char *x = malloc(cap);
  assert_non_null(x);
  x[0] = '\0';
  const char *head = "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/"
                     "spreadsheetml/2006/main\"><sheetData>";
  size_t hl = strlen(head);
  while (l + hl + 1 > cap) {
    cap *= 2;
    x = realloc(x, cap);
  }
  memcpy(x + l, head, hl + 1);
  l += hl;
  for (size_t r = 0; r < n; r++) {
    char tag[64];
    snprintf(tag, sizeof(tag), "<row r=\"%zu\">", r + 1);
    while (l + 512 > cap) {
      cap *= 2;
      x = realloc(x, cap);
    }
    l += (size_t)snprintf(x + l, cap - l, "%s", tag);
    for (size_t c = 0; c < NCOL; c++) {
      const char *v = rows[r][c];
      if (v == NULL || v[0] == '\0') {
        continue;
      }
      while (l + 512 > cap) {
        cap *= 2;
        x = realloc(x, cap);
      }
      char ref[32];
      snprintf(ref, sizeof(ref), "%c%zu", (char)('A' + c), r + 1);
      if (v[0] == '=') {
        l += (size_t)snprintf(x + l, cap - l, "<c r=\"%s\" t=\"str\"><f>", ref);
        xml_text(&x, &l, &cap, v + 1);
        l += (size_t)snprintf(x + l, cap - l, "</f><v>");
        xml_text(&x, &l, &cap, v);
        l += (size_t)snprintf(x + l, cap - l, "</v></c>");
      } else {
        l += (size_t)snprintf(x + l, cap - l, "<c r=\"%s\" t=\"inlineStr\"><is><t>", ref);
        xml_text(&x, &l, &cap, v);
        while (l + 64 > cap) {
          cap *= 2;
          x = realloc(x, cap);
        }
        l += (size_t)snprintf(x + l, cap - l, "</t></is></c>");
      }
    }
    l += (size_t)snprintf(x + l, cap - l, "</row>");
  }
  while (l + 64 > cap) {
    cap *= 2;
    x = realloc(x, cap);
  }
  l += (size_t)snprintf(x + l, cap - l, "</sheetData></worksheet>");
  const struct zip_build_entry e[] = {{"xl/worksheets/sheet1.xml", x, 0}};
  unsigned char *zip = ibf_zip(e, 1, len);
  free(x);
  return zip;
}

static const char *const HEADER[NCOL] = {"unit",     "kuk",         "type",     "question",
                                         "option A", "option B",    "option C", "key",
                                         "points",   "explanation", "option D"};

static const char *const ROWS[][NCOL] = {
    {"U1", "", "single", "Alat ukur?", "Penggaris", "Pita ukur", "", "B", "", "Pita ukur lentur.",
     ""},
    {"U1", "1.1, 1.2", "Multiple", "Serat alami?", "Katun", "Sutra", "Poliester", "a,b", "2", "",
     ""},
    {"U1", "", "truefalse", "Kapur menandai kain.", "", "", "", "BENAR", "", "", ""},
    {"U2", "", "numeric", "Kelonggaran (cm)?", "", "", "", "2,5:0.5", "", "", ""},
    {"U2", "", "short", "Satuan?", "", "", "", "sentimeter | cm", "", "", ""},
    {"U2", "", "ordering", "Urutkan.", "Memotong", "Menjelujur", "Menjahit", "C, A, B", "", "", ""},
    {"U2", "", "open", "Jelaskan langkahnya.", "", "", "", "", "", "", ""},
    {"U2", "", "single", "=HYPERLINK(\"http://x.example\",\"klik\")", "a", "b", "", "A", "", "",
     ""},
    {"U3", "", "single", "Kunci di luar opsi?", "a", "b", "", "E", "", "", ""},
    {"U3", "", "matching", "Pasangkan.", "", "", "", "A", "", "", ""},
    {"U3", "", "single", "Poin?", "a", "b", "", "A", "abc", "", ""},
    {"U3", "", "single", "Opsi bolong?", "a", "", "c", "A", "", "", ""},
    {"U3", "", "truefalse", "Opsi untuk B/S?", "a", "b", "", "TRUE", "", "", ""},
    {"U3", "", "", "Tanpa jenis", "", "", "", "", "", "", ""},
    {"U3", "", "single", "", "a", "b", "", "A", "", "", ""},
    {"U3", "", "single", "Opsi D saja", "a", "b", "", "D", "", "", "d"},
};

static void test_template_rows(void **state) {
  (void)state;
  size_t nrows = sizeof(ROWS) / sizeof(ROWS[0]);
  const char *(*rows)[NCOL] = calloc(nrows + 1, sizeof(*rows));
  assert_non_null(rows);
  memcpy(rows[0], HEADER, sizeof(HEADER));
  memcpy(rows[1], ROWS, sizeof(ROWS));
  size_t len = 0;
  unsigned char *wb = workbook((const char *const(*)[NCOL])rows, nrows + 1, &len);
  struct itembank_report rep = {0};
  char *yaml = ibf_import(ITEMBANK_XLSX, (const char *)wb, len, &rep, "template.xlsx");
  ibf_assert_report(&rep, "tests/data/itembank/template.report");
  static const char *const kuk[] = {"1.1", "1.2"};
  struct exam *exam = ibf_load(yaml, kuk, 2);
  const struct exam_item *it = exam_find_item(exam, "IMP-001", NULL);
  assert_int_equal(it->type, EXAM_ITEM_SINGLE);
  assert_string_equal(it->key_ids[0], "b");
  assert_string_equal(it->explanation, "Pita ukur lentur.");
  it = exam_find_item(exam, "IMP-002", NULL);
  assert_int_equal(it->type, EXAM_ITEM_MULTIPLE);
  assert_int_equal(it->points, 2);
  assert_int_equal(it->nkuk, 2);
  assert_string_equal(it->kuk[1], "1.2");
  it = exam_find_item(exam, "IMP-003", NULL);
  assert_true(it->key_bool);
  it = exam_find_item(exam, "IMP-004", NULL);
  assert_true(fabs(it->key_value - 2.5) < 1e-12 && fabs(it->key_tolerance - 0.5) < 1e-12);
  it = exam_find_item(exam, "IMP-005", NULL);
  assert_int_equal(it->naccepted, 2);
  assert_string_equal(it->accepted[1], "cm");
  it = exam_find_item(exam, "IMP-006", NULL);
  assert_int_equal(it->type, EXAM_ITEM_ORDERING);
  assert_string_equal(it->key_ids[0], "c");
  assert_string_equal(it->key_ids[1], "a");
  it = exam_find_item(exam, "IMP-007", NULL);
  assert_int_equal(it->type, EXAM_ITEM_OPEN);
  assert_null(exam_find_item(exam, "IMP-008", NULL));
  exam_free(exam);
  free(yaml);
  itembank_report_clear(&rep);
  free(wb);
  free(rows);
}

static void test_indonesian_headers(void **state) {
  (void)state;
  const char *const rows[][NCOL] = {
      {"Jenis", " SOAL ", "kunci", "opsi A", "opsi B", "poin", "penjelasan", "", "", "", ""},
      {"single", "Apa?", "A", "x", "y", "3", "", "", "", "", ""},
  };
  size_t len = 0;
  unsigned char *wb = workbook(rows, 2, &len);
  struct itembank_report rep = {0};
  char *yaml = ibf_import(ITEMBANK_XLSX, (const char *)wb, len, &rep, "id.xlsx");
  assert_int_equal(rep.nmapped, 1);
  assert_int_equal(rep.entries[0].line, 2);
  static const char *const kuk[] = {"1.1"};
  struct exam *exam = ibf_load(yaml, kuk, 1);
  assert_int_equal(exam->units[0].pools[0].items[0].points, 3);
  exam_free(exam);
  free(yaml);
  itembank_report_clear(&rep);
  free(wb);
}

static void test_refused(void **state) {
  (void)state;
  ibf_refused(ITEMBANK_XLSX, "type,question,key\n", 18,
              "bad:1:1: not an XLSX workbook (an Excel file saved as .xlsx is expected)");
  ibf_refused(ITEMBANK_XLSX, "PK\x03\x04garbage", 11, "the zip archive cannot be opened");
  const char *const no_key[][NCOL] = {{"type", "question", "", "", "", "", "", "", "", "", ""},
                                      {"open", "Apa?", "", "", "", "", "", "", "", "", ""}};
  size_t len = 0;
  unsigned char *wb = workbook(no_key, 2, &len);
  ibf_refused(ITEMBANK_XLSX, (const char *)wb, len,
              "bad:1:1: the first row must name the columns: \"key\" (or \"kunci\") is missing");
  free(wb);
  const struct zip_build_entry doctype[] = {
      {"xl/worksheets/sheet1.xml",
       "<!DOCTYPE x [<!ENTITY a SYSTEM \"file:///etc/passwd\">]>"
       "<worksheet><sheetData/></worksheet>",
       0}};
  wb = ibf_zip(doctype, 1, &len);
  ibf_refused(ITEMBANK_XLSX, (const char *)wb, len, "declares a document type (refused)");
  free(wb);
  const struct zip_build_entry other[] = {{"word/document.xml", "<w/>", 0}};
  wb = ibf_zip(other, 1, &len);
  ibf_refused(ITEMBANK_XLSX, (const char *)wb, len, "the workbook has no xl/worksheets/sheet1.xml");
  free(wb);
}

/* 50,000 rows: refused as a whole, before any item is written. */
static void test_fifty_thousand_rows(void **state) {
  (void)state;
  size_t n = 50001;
  const char *(*rows)[NCOL] = calloc(n, sizeof(*rows));
  assert_non_null(rows);
  memcpy(rows[0], HEADER, sizeof(HEADER));
  for (size_t r = 1; r < n; r++) {
    rows[r][2] = "truefalse";
    rows[r][3] = "Benar?";
    rows[r][7] = "TRUE";
  }
  size_t len = 0;
  unsigned char *wb = workbook((const char *const(*)[NCOL])rows, n, &len);
  ibf_refused(ITEMBANK_XLSX, (const char *)wb, len, "the sheet has more than 5000 question rows");
  free(wb);
  free(rows);
}

/* The template's columns: the names the importer reads, each once, the required ones first. */
static void test_columns(void **state) {
  (void)state;
  for (size_t c = 0; c < IBX_NCOLS; c++) {
    assert_non_null(ITEMBANK_XLSX_COLUMNS[c].name);
    assert_non_null(ITEMBANK_XLSX_COLUMNS[c].hint_en);
    for (size_t d = 0; d < c; d++) {
      assert_true(strcmp(ITEMBANK_XLSX_COLUMNS[c].name, ITEMBANK_XLSX_COLUMNS[d].name) != 0);
    }
  }
  assert_true(ITEMBANK_XLSX_COLUMNS[IBX_TYPE].required && ITEMBANK_XLSX_COLUMNS[IBX_KEY].required);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_template_rows), cmocka_unit_test(test_indonesian_headers),
      cmocka_unit_test(test_refused),       cmocka_unit_test(test_fifty_thousand_rows),
      cmocka_unit_test(test_columns),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
