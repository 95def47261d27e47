/*
 * Tables read from uploads (ujikom/sheet.h): the row builder shared by both readers, and the
 * CSV reader.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sheet_internal.h"
#include "ujikom/utf8.h"

static void row_clear(struct sheet_row *r) {
  for (size_t i = 0; i < r->ncells; i++) {
    free(r->cells[i]);
  }
  free(r->cells);
  memset(r, 0, sizeof *r);
}

void sheet_free(struct sheet *s) {
  if (NULL == s) {
    return;
  }
  for (size_t i = 0; i < s->nrows; i++) {
    row_clear(&s->rows[i]);
  }
  free(s->rows);
  free(s);
}

enum sheet_rc sheet_build_start(struct sheet_build *b, const struct sheet_limits *lim) {
  memset(b, 0, sizeof *b);
  b->lim = lim;
  b->s = calloc(1, sizeof *b->s);
  return NULL == b->s ? SHEET_NO_MEMORY : SHEET_OK;
}

enum sheet_rc sheet_build_end_row(struct sheet_build *b) {
  struct sheet_row *r = b->cur;
  if (NULL == r) {
    return SHEET_OK;
  }
  b->cur = NULL;
  bool empty = 0 == r->formula_col;
  for (size_t i = 0; empty && i < r->ncells; i++) {
    const char *c = r->cells[i];
    empty = '\0' == c[strspn(c, " \t")];
  }
  if (empty) {
    row_clear(r);
    b->s->nrows--;
    return SHEET_OK;
  }
  return b->s->nrows > b->lim->max_rows ? SHEET_TOO_MANY_ROWS : SHEET_OK;
}

enum sheet_rc sheet_build_row(struct sheet_build *b, size_t line) {
  enum sheet_rc rc = sheet_build_end_row(b);
  if (SHEET_OK != rc) {
    return rc;
  }
  if (b->s->nrows == b->cap) {
    size_t cap = 0 == b->cap ? 16 : b->cap * 2;
    struct sheet_row *rows = realloc(b->s->rows, cap * sizeof *rows);
    if (NULL == rows) {
      return SHEET_NO_MEMORY;
    }
    b->s->rows = rows;
    b->cap = cap;
  }
  b->cur = &b->s->rows[b->s->nrows++];
  memset(b->cur, 0, sizeof *b->cur);
  b->cur->line = line;
  return SHEET_OK;
}

enum sheet_rc sheet_build_cell(struct sheet_build *b, size_t col, const char *text, size_t len) {
  struct sheet_row *r = b->cur;
  if (NULL == r) {
    return SHEET_MALFORMED;
  }
  if (col >= b->lim->max_cols) {
    return SHEET_TOO_MANY_COLS;
  }
  if (len > b->lim->max_cell) {
    return SHEET_CELL_TOO_LONG;
  }
  if (!utf8_well_formed(text, len) || NULL != memchr(text, '\0', len)) {
    return SHEET_NOT_UTF8;
  }
  if (col >= r->ncells) {
    char **cells = realloc(r->cells, (col + 1) * sizeof *cells);
    if (NULL == cells) {
      return SHEET_NO_MEMORY;
    }
    r->cells = cells;
    while (r->ncells <= col) {
      r->cells[r->ncells] = calloc(1, 1);
      if (NULL == r->cells[r->ncells]) {
        return SHEET_NO_MEMORY;
      }
      r->ncells++;
    }
  }
  char *copy = malloc(len + 1);
  if (NULL == copy) {
    return SHEET_NO_MEMORY;
  }
  memcpy(copy, text, len);
  copy[len] = '\0';
  free(r->cells[col]);
  r->cells[col] = copy;
  return SHEET_OK;
}

enum sheet_rc sheet_build_finish(struct sheet_build *b, enum sheet_rc rc, struct sheet **out) {
  if (SHEET_OK == rc) {
    rc = sheet_build_end_row(b);
  }
  if (SHEET_OK != rc) {
    if (NULL != b->cur) {
      /* the row being filled counts among nrows: sheet_free clears it */
      b->cur = NULL;
    }
    sheet_free(b->s);
    b->s = NULL;
    return rc;
  }
  *out = b->s;
  b->s = NULL;
  return SHEET_OK;
}

void sheet_column_name(char *out, size_t outlen, size_t col) {
  char tmp[16];
  size_t n = 0;
  while (col > 0 && n < sizeof tmp) {
    col--;
    tmp[n++] = (char)('A' + (int)(col % 26));
    col /= 26;
  }
  size_t i = 0;
  for (; i < n && i + 1 < outlen; i++) {
    out[i] = tmp[n - 1 - i];
  }
  if (outlen > 0) {
    out[i] = '\0';
  }
}

bool sheet_looks_like_zip(const void *data, size_t len) {
  return len >= 4 && 0 == memcmp(data, "PK\x03\x04", 4);
}

/* ------------------------------------------------------------------ CSV */

static const char *rc_text(enum sheet_rc rc) {
  switch (rc) {
  case SHEET_TOO_LARGE:
    return "the file is too large";
  case SHEET_TOO_MANY_ROWS:
    return "the file has too many rows";
  case SHEET_TOO_MANY_COLS:
    return "a row has too many columns";
  case SHEET_CELL_TOO_LONG:
    return "a cell is too long";
  case SHEET_NOT_UTF8:
    return "the text is not UTF-8";
  case SHEET_NO_MEMORY:
    return "out of memory";
  default:
    return "the file is malformed";
  }
}

/* A field being read: its bytes (quotes undone) in a buffer that grows up to max_cell + 1. */
struct field {
  char *p;
  size_t len, cap;
};

static enum sheet_rc field_add(struct field *f, char ch, size_t max) {
  if (f->len > max) {
    return SHEET_CELL_TOO_LONG;
  }
  if (f->len == f->cap) {
    size_t cap = 0 == f->cap ? 64 : f->cap * 2;
    char *p = realloc(f->p, cap);
    if (NULL == p) {
      return SHEET_NO_MEMORY;
    }
    f->p = p;
    f->cap = cap;
  }
  f->p[f->len++] = ch;
  return SHEET_OK;
}

enum sheet_rc sheet_read_csv(struct sheet **out, const char *data, size_t len,
                             const struct sheet_limits *lim, char *err, size_t errlen) {
  struct sheet_build b;
  struct field f = {0};
  *out = NULL;
  snprintf(err, errlen, "%s", "");
  if (len > lim->max_bytes) {
    snprintf(err, errlen, "the file has more than %zu bytes", lim->max_bytes);
    return SHEET_TOO_LARGE;
  }
  if (len >= 3 && 0 == memcmp(data, "\xEF\xBB\xBF", 3)) {
    data += 3;
    len -= 3;
  }
  if (!utf8_well_formed(data, len)) {
    snprintf(err, errlen, "the file is not UTF-8 text (save it as \"CSV UTF-8\")");
    return SHEET_NOT_UTF8;
  }
  const char *nl = memchr(data, '\n', len);
  size_t first = NULL == nl ? len : (size_t)(nl - data);
  bool has_comma = NULL != memchr(data, ',', first);
  char sep = !has_comma && NULL != memchr(data, ';', first) ? ';' : ',';
  enum sheet_rc rc = sheet_build_start(&b, lim);
  size_t line = 1, record_line = 1, col = 0, i = 0;
  bool quoted = false, was_quoted = false;
  if (SHEET_OK == rc) {
    rc = sheet_build_row(&b, 1);
  }
  while (SHEET_OK == rc && i <= len) {
    char ch = i < len ? data[i] : '\n';
    bool at_end = i == len;
    i++;
    if (quoted) {
      if (at_end) {
        snprintf(err, errlen, "line %zu: a quoted field is not closed", record_line);
        rc = SHEET_MALFORMED;
      } else if ('"' == ch && i < len && '"' == data[i]) {
        rc = field_add(&f, '"', lim->max_cell);
        i++;
      } else if ('"' == ch) {
        quoted = false;
      } else {
        line += '\n' == ch;
        rc = field_add(&f, ch, lim->max_cell);
      }
      continue;
    }
    if ('"' == ch && 0 == f.len && !was_quoted) {
      quoted = was_quoted = true;
    } else if (sep == ch || '\n' == ch) {
      if (f.len > 0 && '\r' == f.p[f.len - 1] && '\n' == ch && !was_quoted) {
        f.len--;
      }
      rc = sheet_build_cell(&b, col, 0 == f.len ? "" : f.p, f.len);
      f.len = 0;
      was_quoted = false;
      col++;
      if ('\n' == ch && SHEET_OK == rc) {
        col = 0;
        record_line = ++line;
        rc = at_end ? SHEET_OK : sheet_build_row(&b, record_line);
      }
    } else if (was_quoted) {
      if ('\r' != ch) { /* a CR before the LF is dropped */
        snprintf(err, errlen, "line %zu: text after a closing quote", record_line);
        rc = SHEET_MALFORMED;
      }
    } else {
      rc = field_add(&f, ch, lim->max_cell);
    }
  }
  free(f.p);
  /* finishing checks the last row too (one past the limit with no line break after it) */
  rc = sheet_build_finish(&b, rc, out);
  if (SHEET_OK != rc && '\0' == err[0]) {
    snprintf(err, errlen, "line %zu: %s", record_line, rc_text(rc));
  }
  return rc;
}
