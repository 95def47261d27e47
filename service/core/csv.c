/*
 * The CSV writer (ujikom/csv.h).
 */
#include "ujikom/csv.h"

#include <math.h>
#include <stdbool.h>

#include "growbuf.h"

struct csv {
  struct growbuf b;
  bool mid_record; /* a cell was written in the current record: the next needs a comma */
};

struct csv *csv_new(size_t max_bytes) {
  struct csv *c = calloc(1, sizeof *c);
  if (NULL == c) {
    return NULL;
  }
  c->b.max = max_bytes;
  growbuf_str(&c->b, "\xEF\xBB\xBF");
  return c;
}

int csv_needs_guard(const char *s) {
  return NULL != s &&
         ('=' == s[0] || '+' == s[0] || '-' == s[0] || '@' == s[0] || '\t' == s[0] || '\r' == s[0]);
}

static void cell_start(struct csv *c) {
  if (c->mid_record) {
    growbuf_char(&c->b, ',');
  }
  c->mid_record = true;
}

void csv_text(struct csv *c, const char *s) {
  if (NULL == c) {
    return;
  }
  cell_start(c);
  if (NULL == s) {
    return;
  }
  bool quote = '\0' != s[strcspn(s, ",\"\r\n")];
  if (quote) {
    growbuf_char(&c->b, '"');
  }
  if (csv_needs_guard(s)) {
    growbuf_char(&c->b, '\'');
  }
  for (const char *p = s; '\0' != *p; p++) {
    if ('"' == *p) {
      growbuf_char(&c->b, '"');
    }
    growbuf_char(&c->b, *p);
  }
  if (quote) {
    growbuf_char(&c->b, '"');
  }
}

void csv_number(struct csv *c, double v, int decimals) {
  if (NULL == c) {
    return;
  }
  cell_start(c);
  if (!isfinite(v)) {
    return; /* an empty cell rather than "nan" */
  }
  if (decimals < 0) {
    decimals = 0;
  } else if (decimals > 6) {
    decimals = 6;
  }
  growbuf_fmt(&c->b, "%.*f", decimals, v);
}

void csv_end_record(struct csv *c) {
  if (NULL == c) {
    return;
  }
  growbuf_str(&c->b, "\r\n");
  c->mid_record = false;
}

size_t csv_length(const struct csv *c) {
  return NULL == c ? 0 : c->b.len;
}

char *csv_take(struct csv *c, size_t *out_len) {
  if (NULL != out_len) {
    *out_len = 0;
  }
  if (NULL == c) {
    return NULL;
  }
  char *p = growbuf_take(&c->b, out_len);
  free(c);
  return p;
}

void csv_free(struct csv *c) {
  if (NULL != c) {
    free(c->b.p);
    free(c);
  }
}
