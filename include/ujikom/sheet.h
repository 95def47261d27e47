/*
 * Tables of text read from uploaded spreadsheets — a CSV file or the first worksheet of an
 * XLSX workbook — for bulk imports. Both readers are pure parsers of outside input: every
 * size is bounded by struct sheet_limits (bytes in, bytes unzipped, rows, columns, bytes per
 * cell), a zip bomb or an XML document type is refused, and every cell comes out as
 * well-formed UTF-8. A cell holding a formula is not evaluated: its row is flagged
 * (sheet_row.formula_col) so that the importer can report it.
 */
#ifndef UJIKOM_SHEET_H
#define UJIKOM_SHEET_H

#include <stdbool.h>
#include <stddef.h>

struct sheet_limits {
  size_t max_bytes;    /* the file as uploaded */
  size_t max_unzipped; /* XLSX: bytes of one part once inflated (the sheet, the strings) */
  size_t max_rows;     /* rows with any content, the header included */
  size_t max_cols;     /* columns A.. of a row that are read */
  size_t max_cell;     /* bytes of one cell's text */
};

struct sheet_row {
  size_t line;        /* the row's number as the file shows it (1 = the first row) */
  size_t ncells;      /* cells[0..ncells): column A, B, ...; never NULL entries */
  char **cells;       /* NUL-terminated UTF-8, "" for an empty cell */
  size_t formula_col; /* 1-based column of the first formula cell, 0 when none */
};

struct sheet {
  struct sheet_row *rows; /* rows with content, in file order; empty rows are skipped */
  size_t nrows;
};

enum sheet_rc {
  SHEET_OK = 0,
  SHEET_TOO_LARGE,     /* past max_bytes, or a part past max_unzipped (a zip bomb) */
  SHEET_TOO_MANY_ROWS, /* more than max_rows rows */
  SHEET_TOO_MANY_COLS, /* a cell past max_cols */
  SHEET_CELL_TOO_LONG, /* a cell past max_cell */
  SHEET_NOT_UTF8,      /* CSV: not UTF-8 text */
  SHEET_MALFORMED,     /* not a CSV / XLSX this reader understands (err says where) */
  SHEET_NO_MEMORY,
};

/* Reads CSV text (RFC 4180; comma, or semicolon when the first line has semicolons and no
 * comma; an optional UTF-8 byte order mark; CRLF or LF). On SHEET_OK *out is the caller's
 * to free with sheet_free; otherwise *out is NULL and err (errlen > 0) says what and, where
 * it can, on which line. */
enum sheet_rc sheet_read_csv(struct sheet **out, const char *data, size_t len,
                             const struct sheet_limits *lim, char *err, size_t errlen);

/* Reads the first worksheet (xl/worksheets/sheet1.xml, with xl/sharedStrings.xml) of an
 * XLSX workbook held in memory, as sheet_read_csv does. Numbers are given as written in the
 * file, booleans as TRUE/FALSE. */
enum sheet_rc sheet_read_xlsx(struct sheet **out, const void *data, size_t len,
                              const struct sheet_limits *lim, char *err, size_t errlen);

/* Whether data starts like a zip archive (an XLSX workbook) rather than text. */
bool sheet_looks_like_zip(const void *data, size_t len);

/* The column's letters (1 = "A", 27 = "AA") into out (at least 4 bytes for 16384 columns). */
void sheet_column_name(char *out, size_t outlen, size_t col);

void sheet_free(struct sheet *s);

#endif
