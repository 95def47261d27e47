/*
 * A CSV writer for exports that people open in spreadsheets (RFC 4180): fields separated by
 * commas, records ended by CRLF, a field quoted (its quotes doubled) when it holds a comma, a
 * quote, CR or LF. The text starts with a UTF-8 byte order mark so that spreadsheet programs
 * read it as UTF-8. A text cell that a spreadsheet would take as a formula (first character
 * = + - @, TAB or CR) is prefixed with an apostrophe, so an exported name or question can
 * never run as a formula (CSV injection); numbers written by csv_number are not text and
 * keep their sign.
 */
#ifndef UJIKOM_CSV_H
#define UJIKOM_CSV_H

#include <stddef.h>

struct csv;

/* A new document of at most max_bytes (the BOM included), holding the BOM. NULL when out of
 * memory. */
struct csv *csv_new(size_t max_bytes);
/* Appends a text cell (NULL: an empty cell) to the current record. */
void csv_text(struct csv *c, const char *s);
/* Appends a number cell with `decimals` digits after the point (0..6). */
void csv_number(struct csv *c, double v, int decimals);
/* Ends the current record. */
void csv_end_record(struct csv *c);
/* The bytes written so far (the BOM included); 0 for NULL. */
size_t csv_length(const struct csv *c);
/* Takes the text (the caller's to free) and its length, and frees the writer. NULL when out
 * of memory or past max_bytes (the writer is freed then too). c may be NULL (returns NULL). */
char *csv_take(struct csv *c, size_t *out_len);
void csv_free(struct csv *c);

/* Whether a spreadsheet would read a text cell starting like s as a formula. */
int csv_needs_guard(const char *s);

#endif
