/*
 * Building a struct sheet row by row under its limits: shared by the CSV and XLSX readers.
 */
#ifndef UJIKOM_SHEET_INTERNAL_H
#define UJIKOM_SHEET_INTERNAL_H

#include "ujikom/sheet.h"

struct sheet_build {
  struct sheet *s;
  size_t cap; /* rows allocated */
  const struct sheet_limits *lim;
  struct sheet_row *cur; /* the row being filled, or NULL */
};

/* Starts the builder (s allocated here): SHEET_OK or SHEET_NO_MEMORY. */
enum sheet_rc sheet_build_start(struct sheet_build *b, const struct sheet_limits *lim);
/* Starts row number line (the previous row is ended first). */
enum sheet_rc sheet_build_row(struct sheet_build *b, size_t line);
/* Sets cell col (0-based) of the current row to len bytes of text (checked: max_cols,
 * max_cell, UTF-8). */
enum sheet_rc sheet_build_cell(struct sheet_build *b, size_t col, const char *text, size_t len);
/* Ends the current row: a row without content is dropped; more than max_rows rows is
 * SHEET_TOO_MANY_ROWS. */
enum sheet_rc sheet_build_end_row(struct sheet_build *b);
/* Hands the sheet over (*out) or frees it (rc != SHEET_OK). */
enum sheet_rc sheet_build_finish(struct sheet_build *b, enum sheet_rc rc, struct sheet **out);

/* Inflates zip entry `name` into *out (NUL-terminated, *out_len bytes): SHEET_OK,
 * SHEET_MALFORMED when it is absent (when required) or unreadable, SHEET_TOO_LARGE when it
 * claims or yields more than max bytes or inflates like a zip bomb. Also used by the QTI
 * package reader. */
typedef struct zip zip_t;
enum sheet_rc sheet_zip_entry(zip_t *z, const char *name, bool required, size_t max, char **out,
                              size_t *out_len, char *err, size_t errlen);

#endif
