/*
 * Fuzz target for the Excel template rows: the bytes are rows (lines) of tab-separated cells
 * under a fixed header row (type, question, options A..D, key, points, explanation, unit); a
 * cell starting with '=' becomes a formula cell. They are written into the first worksheet of
 * a workbook and imported: every row must be mapped or reported, a formula never evaluated,
 * and every accepted item must load with the exam loader as reported.
 */
#include "fuzz_itembank_check.h"

#include "zip_build.h"

#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_XLSX_MAX ((size_t)256 * 1024)

static void put(char *out, size_t *at, size_t cap, const char *s, size_t n) {
  if (*at + n < cap) {
    memcpy(out + *at, s, n);
    *at += n;
  }
}

static void put_text(char *out, size_t *at, size_t cap, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const char *r = s[i] == '<' ? "&lt;" : s[i] == '&' ? "&amp;" : s[i] == '>' ? "&gt;" : NULL;
    put(out, at, cap, r != NULL ? r : s + i, r != NULL ? strlen(r) : 1);
  }
}

static void put_cell(char *out, size_t *at, size_t cap, size_t row, size_t col, const char *s,
                     size_t n) {
  char head[64];
  int h = 0;
  if (n > 0 && s[0] == '=') {
    h = snprintf(head, sizeof(head), "<c r=\"%c%zu\" t=\"str\"><f>", (char)('A' + col), row);
    put(out, at, cap, head, (size_t)h);
    put_text(out, at, cap, s + 1, n - 1);
    put(out, at, cap, "</f><v>", 7);
    put_text(out, at, cap, s, n);
    put(out, at, cap, "</v></c>", 8);
    return;
  }
  h = snprintf(head, sizeof(head), "<c r=\"%c%zu\" t=\"inlineStr\"><is><t>", (char)('A' + col),
               row);
  put(out, at, cap, head, (size_t)h);
  put_text(out, at, cap, s, n);
  put(out, at, cap, "</t></is></c>", 13);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const header[] = {"type",        "question", "option A", "option B",
                                       "option C",    "option D", "key",      "points",
                                       "explanation", "unit"};
  if (size > FUZZ_XLSX_MAX / 8) {
    return 0;
  }
  size_t cap = FUZZ_XLSX_MAX, at = 0;
  char *xml = malloc(cap);
  if (xml == NULL) {
    return 0;
  }
  static const char open[] = "<worksheet><sheetData><row r=\"1\">";
  put(xml, &at, cap, open, sizeof(open) - 1);
  for (size_t c = 0; c < sizeof(header) / sizeof(header[0]); c++) {
    put_cell(xml, &at, cap, 1, c, header[c], strlen(header[c]));
  }
  put(xml, &at, cap, "</row>", 6);
  const char *s = (const char *)data;
  size_t row = 2, i = 0;
  while (i < size && row < 200) {
    char rh[32];
    int h = snprintf(rh, sizeof(rh), "<row r=\"%zu\">", row);
    put(xml, &at, cap, rh, (size_t)h);
    size_t col = 0;
    while (i <= size) {
      size_t start = i;
      while (i < size && s[i] != '\t' && s[i] != '\n') {
        i++;
      }
      if (i > start && col < 10) {
        put_cell(xml, &at, cap, row, col, s + start, i - start);
      }
      col++;
      if (i >= size || s[i] == '\n') {
        i++;
        break;
      }
      i++;
    }
    put(xml, &at, cap, "</row>", 6);
    row++;
  }
  put(xml, &at, cap, "</sheetData></worksheet>", 24);
  const struct zip_build_entry e[] = {{"xl/worksheets/sheet1.xml", xml, at}};
  size_t len = 0;
  unsigned char *wb = zip_build(e, 1, &len);
  if (wb != NULL) {
    fuzz_itembank_import(ITEMBANK_XLSX, (const char *)wb, len, false);
    free(wb);
  }
  free(xml);
  return 0;
}
