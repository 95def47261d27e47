/*
 * What both spreadsheet readers must hold for any input (tests/fuzz/fuzz_sheet_*.c): a
 * table within the limits, or no table and a message.
 */
#ifndef UJIKOM_FUZZ_SHEET_CHECK_H
#define UJIKOM_FUZZ_SHEET_CHECK_H

#include <string.h>

#include "ujikom/sheet.h"
#include "ujikom/utf8.h"

static const struct sheet_limits fuzz_sheet_limits = {.max_bytes = 1u << 20,
                                                      .max_unzipped = 1u << 22,
                                                      .max_rows = 200,
                                                      .max_cols = 12,
                                                      .max_cell = 300};

static void fuzz_sheet_check(enum sheet_rc rc, struct sheet *s, const char *err) {
  if (SHEET_OK != rc) {
    if (NULL != s || '\0' == err[0]) {
      __builtin_trap(); /* a refusal leaves no table and says why */
    }
    return;
  }
  if (NULL == s || s->nrows > fuzz_sheet_limits.max_rows) {
    __builtin_trap();
  }
  size_t last = 0;
  for (size_t i = 0; i < s->nrows; i++) {
    const struct sheet_row *r = &s->rows[i];
    if (r->line <= last || r->ncells > fuzz_sheet_limits.max_cols ||
        r->formula_col > fuzz_sheet_limits.max_cols) {
      __builtin_trap(); /* rows in file order, within the columns read */
    }
    last = r->line;
    for (size_t c = 0; c < r->ncells; c++) {
      size_t n = strlen(r->cells[c]);
      if (n > fuzz_sheet_limits.max_cell || !utf8_well_formed(r->cells[c], n)) {
        __builtin_trap(); /* every cell bounded, valid UTF-8 */
      }
    }
  }
  sheet_free(s);
}

#endif
