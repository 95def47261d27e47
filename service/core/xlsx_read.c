/*
 * The XLSX reader (ujikom/sheet.h): the workbook is opened from memory with libzip, its
 * shared strings and first worksheet are inflated under limits (the size each entry claims
 * and the bytes it really yields, and the ratio to its compressed size, so a zip bomb is
 * refused before it is inflated) and parsed with expat, which is given no document type:
 * a DOCTYPE (entities, billion laughs) is refused outright.
 */
#include <expat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "sheet_internal.h"

/* A part inflating to more than this many times its compressed size is taken for a zip
 * bomb (worksheets of text compress about 10:1; a bomb, 1000:1). */
#define XLSX_MAX_RATIO 200
/* Parts smaller than this are never taken for bombs, whatever their ratio. */
#define XLSX_RATIO_FLOOR ((zip_uint64_t)64 * 1024)
/* Shared strings a workbook may hold. */
#define XLSX_MAX_STRINGS 1000000

enum sheet_rc sheet_zip_entry(zip_t *z, const char *name, bool required, size_t max, char **out,
                              size_t *out_len, char *err, size_t errlen) {
  zip_stat_t st;
  *out = NULL;
  *out_len = 0;
  zip_stat_init(&st);
  if (0 != zip_stat(z, name, 0, &st)) {
    if (required) {
      snprintf(err, errlen, "the workbook has no %s (not an XLSX file?)", name);
      return SHEET_MALFORMED;
    }
    return SHEET_OK;
  }
  if (!(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE)) {
    snprintf(err, errlen, "%s: its size is unknown", name);
    return SHEET_MALFORMED;
  }
  if (st.size > max || (st.size > XLSX_RATIO_FLOOR && st.size / XLSX_MAX_RATIO > st.comp_size)) {
    snprintf(err, errlen, "%s inflates to %llu bytes: too large (at most %zu, ratio %d:1)", name,
             (unsigned long long)st.size, max, XLSX_MAX_RATIO);
    return SHEET_TOO_LARGE;
  }
  zip_file_t *f = zip_fopen(z, name, 0);
  if (NULL == f) {
    snprintf(err, errlen, "%s cannot be opened (encrypted or damaged)", name);
    return SHEET_MALFORMED;
  }
  size_t want = (size_t)st.size;
  char *buf = malloc(want + 2);
  if (NULL == buf) {
    zip_fclose(f);
    return SHEET_NO_MEMORY;
  }
  /* Read one byte more than claimed: an entry yielding more than its header says is refused. */
  zip_int64_t got = 0;
  size_t total = 0;
  while (total <= want && (got = zip_fread(f, buf + total, want + 1 - total)) > 0) {
    total += (size_t)got;
  }
  zip_fclose(f);
  if (got < 0 || total != want) {
    free(buf);
    snprintf(err, errlen, "%s is damaged (its data does not match its size)", name);
    return SHEET_MALFORMED;
  }
  buf[total] = '\0';
  *out = buf;
  *out_len = total;
  return SHEET_OK;
}

/* ------------------------------------------------------------------ XML parsing */

enum where { IN_NONE, IN_SI, IN_SI_T, IN_RPH, IN_CELL, IN_V, IN_IS_T };

struct xp {
  XML_Parser parser;
  enum sheet_rc rc;
  char *err;
  size_t errlen;
  const struct sheet_limits *lim;
  /* shared strings */
  char **strings;
  size_t nstrings, capstrings;
  /* text being collected */
  char *text;
  size_t tlen, tcap;
  enum where where;
  int rph_depth;
  /* worksheet */
  struct sheet_build *b;
  size_t row_line, next_row, col, next_col;
  char ctype[16];
  bool cell_formula;
};

static void xp_fail(struct xp *x, enum sheet_rc rc, const char *msg) {
  if (SHEET_OK == x->rc) {
    x->rc = rc;
    if (NULL != msg) {
      snprintf(x->err, x->errlen, "%s", msg);
    }
  }
  XML_StopParser(x->parser, XML_FALSE);
}

static void text_add(struct xp *x, const char *s, int n) {
  if (n <= 0) {
    return;
  }
  size_t len = (size_t)n;
  if (x->tlen + len > x->lim->max_cell) {
    char msg[120];
    snprintf(msg, sizeof msg, "row %zu: a cell has more than %zu bytes", x->row_line,
             x->lim->max_cell);
    xp_fail(x, SHEET_CELL_TOO_LONG, msg);
    return;
  }
  if (x->tlen + len + 1 > x->tcap) {
    size_t cap = x->tcap ? x->tcap : 64;
    while (cap < x->tlen + len + 1) {
      cap *= 2;
    }
    char *p = realloc(x->text, cap);
    if (NULL == p) {
      xp_fail(x, SHEET_NO_MEMORY, "out of memory");
      return;
    }
    x->text = p;
    x->tcap = cap;
  }
  memcpy(x->text + x->tlen, s, len);
  x->tlen += len;
}

/* The local name of a (possibly prefixed) element name. */
static const char *local(const char *name) {
  const char *c = strrchr(name, ':');
  return NULL == c ? name : c + 1;
}

static const char *attr(const char **atts, const char *name) {
  for (size_t i = 0; NULL != atts[i]; i += 2) {
    if (0 == strcmp(local(atts[i]), name)) {
      return atts[i + 1];
    }
  }
  return NULL;
}

static void XMLCALL on_chars(void *ud, const XML_Char *s, int len) {
  struct xp *x = ud;
  if (IN_SI_T == x->where || IN_V == x->where || IN_IS_T == x->where) {
    text_add(x, s, len);
  }
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal) {
  (void)name, (void)sysid, (void)pubid, (void)has_internal;
  xp_fail(ud, SHEET_MALFORMED, "the workbook's XML declares a document type (refused)");
}

/* --- shared strings: <sst><si><t>..</t></si> or <si><r><t>..</t></r>...</si>; phonetic
 * runs (<rPh>) are not part of the text. */

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts) {
  struct xp *x = ud;
  (void)atts;
  const char *n = local(name);
  if (IN_RPH == x->where) {
    x->rph_depth++;
  } else if (0 == strcmp(n, "si")) {
    x->where = IN_SI;
    x->tlen = 0;
  } else if (0 == strcmp(n, "rPh") && IN_SI == x->where) {
    x->where = IN_RPH;
    x->rph_depth = 1;
  } else if (0 == strcmp(n, "t") && IN_SI == x->where) {
    x->where = IN_SI_T;
  }
}

static void XMLCALL sst_end(void *ud, const XML_Char *name) {
  struct xp *x = ud;
  const char *n = local(name);
  if (IN_RPH == x->where) {
    if (0 == --x->rph_depth) {
      x->where = IN_SI;
    }
    return;
  }
  if (IN_SI_T == x->where && 0 == strcmp(n, "t")) {
    x->where = IN_SI;
  } else if (IN_SI == x->where && 0 == strcmp(n, "si")) {
    x->where = IN_NONE;
    if (x->nstrings >= XLSX_MAX_STRINGS) {
      xp_fail(x, SHEET_TOO_LARGE, "the workbook has too many shared strings");
      return;
    }
    if (x->nstrings == x->capstrings) {
      size_t cap = x->capstrings ? x->capstrings * 2 : 64;
      char **p = realloc(x->strings, cap * sizeof *p);
      if (NULL == p) {
        xp_fail(x, SHEET_NO_MEMORY, "out of memory");
        return;
      }
      x->strings = p;
      x->capstrings = cap;
    }
    char *s = malloc(x->tlen + 1);
    if (NULL == s) {
      xp_fail(x, SHEET_NO_MEMORY, "out of memory");
      return;
    }
    memcpy(s, 0 == x->tlen ? "" : x->text, x->tlen);
    s[x->tlen] = '\0';
    x->strings[x->nstrings++] = s;
  }
}

/* --- the worksheet: <sheetData><row r="N"><c r="B2" t="s"><f/><v>..</v><is><t/></is></c> */

/* Column (1-based) of a cell reference such as "B2"; 0 when it is not one. */
static size_t ref_column(const char *ref) {
  size_t col = 0, n = 0;
  for (; ref[n] >= 'A' && ref[n] <= 'Z'; n++) {
    if (n >= 3) {
      return 0;
    }
    col = col * 26 + (size_t)(ref[n] - 'A' + 1);
  }
  return 0 == n || ref[n] < '1' || ref[n] > '9' ? 0 : col;
}

static bool parse_size(const char *s, size_t *out) {
  size_t v = 0;
  if (NULL == s || '\0' == *s) {
    return false;
  }
  for (; '\0' != *s; s++) {
    if (*s < '0' || *s > '9' || v > 100000000) {
      return false;
    }
    v = v * 10 + (size_t)(*s - '0');
  }
  *out = v;
  return v > 0;
}

static void XMLCALL ws_start(void *ud, const XML_Char *name, const XML_Char **atts) {
  struct xp *x = ud;
  const char *n = local(name);
  char msg[160];
  if (0 == strcmp(n, "row")) {
    size_t line = x->next_row;
    const char *r = attr(atts, "r");
    if (NULL != r && !parse_size(r, &line)) {
      snprintf(msg, sizeof msg, "a row number is not a number: \"%.20s\"", r);
      xp_fail(x, SHEET_MALFORMED, msg);
      return;
    }
    if (line < x->next_row) {
      snprintf(msg, sizeof msg, "row %zu comes after row %zu", line, x->next_row - 1);
      xp_fail(x, SHEET_MALFORMED, msg);
      return;
    }
    x->row_line = line;
    x->next_row = line + 1;
    x->next_col = 1;
    enum sheet_rc rc = sheet_build_row(x->b, line);
    if (SHEET_TOO_MANY_ROWS == rc) {
      snprintf(msg, sizeof msg, "the sheet has more than %zu rows", x->lim->max_rows);
      xp_fail(x, rc, msg);
    } else if (SHEET_OK != rc) {
      xp_fail(x, rc, "out of memory");
    }
  } else if (0 == strcmp(n, "c")) {
    if (0 == x->row_line) {
      xp_fail(x, SHEET_MALFORMED, "a cell outside a row");
      return;
    }
    const char *r = attr(atts, "r");
    const char *t = attr(atts, "t");
    size_t col = NULL == r ? x->next_col : ref_column(r);
    if (0 == col || col < x->next_col) {
      snprintf(msg, sizeof msg, "row %zu: a cell reference is malformed or out of order",
               x->row_line);
      xp_fail(x, SHEET_MALFORMED, msg);
      return;
    }
    if (col > x->lim->max_cols) {
      snprintf(msg, sizeof msg, "row %zu: column %zu is past the %zu read", x->row_line, col,
               x->lim->max_cols);
      xp_fail(x, SHEET_TOO_MANY_COLS, msg);
      return;
    }
    x->col = col;
    x->next_col = col + 1;
    snprintf(x->ctype, sizeof x->ctype, "%s", NULL == t ? "n" : t);
    x->cell_formula = false;
    x->where = IN_CELL;
    x->tlen = 0;
  } else if (IN_CELL == x->where && 0 == strcmp(n, "v")) {
    x->where = IN_V;
  } else if (IN_CELL == x->where && 0 == strcmp(n, "f")) {
    x->cell_formula = true;
  } else if (IN_CELL == x->where && 0 == strcmp(n, "t")) {
    x->where = IN_IS_T; /* <is><t>: an inline string (runs append) */
  }
}

static void cell_done(struct xp *x) {
  char msg[160];
  const char *text = 0 == x->tlen ? "" : x->text;
  size_t len = x->tlen;
  if (x->cell_formula) {
    if (0 == x->b->cur->formula_col) {
      x->b->cur->formula_col = x->col;
    }
    len = 0; /* a formula's cached value is not taken as data */
  } else if (0 == strcmp(x->ctype, "s")) {
    size_t idx = 0;
    bool ok = x->tlen > 0 && x->tlen < 12;
    for (size_t i = 0; ok && i < x->tlen; i++) {
      ok = x->text[i] >= '0' && x->text[i] <= '9';
      idx = idx * 10 + (size_t)(x->text[i] - '0');
    }
    if (!ok || idx >= x->nstrings) {
      snprintf(msg, sizeof msg, "row %zu: a cell points at a shared string that is not there",
               x->row_line);
      xp_fail(x, SHEET_MALFORMED, msg);
      return;
    }
    text = x->strings[idx];
    len = strlen(text);
  } else if (0 == strcmp(x->ctype, "b")) {
    text = 1 == len && '1' == x->text[0] ? "TRUE" : "FALSE";
    len = strlen(text);
  } else if (0 == strcmp(x->ctype, "e")) {
    len = 0; /* an error value (#N/A) is no data */
  }
  enum sheet_rc rc = sheet_build_cell(x->b, x->col - 1, text, len);
  if (SHEET_OK != rc) {
    snprintf(msg, sizeof msg, "row %zu, column %zu: %s", x->row_line, x->col,
             SHEET_CELL_TOO_LONG == rc ? "the cell is too long"
             : SHEET_NOT_UTF8 == rc    ? "the cell is not text"
                                       : "cannot be read");
    xp_fail(x, rc, msg);
  }
}

static void XMLCALL ws_end(void *ud, const XML_Char *name) {
  struct xp *x = ud;
  const char *n = local(name);
  if ((IN_V == x->where && 0 == strcmp(n, "v")) || (IN_IS_T == x->where && 0 == strcmp(n, "t"))) {
    x->where = IN_CELL; /* the value, or an inline string's text, ends */
  } else if (IN_CELL == x->where && 0 == strcmp(n, "c")) {
    x->where = IN_NONE;
    cell_done(x);
  } else if (0 == strcmp(n, "row")) {
    x->row_line = 0;
  }
}

static enum sheet_rc parse_xml(struct xp *x, const char *part, const char *xml, size_t len,
                               XML_StartElementHandler start, XML_EndElementHandler end) {
  x->parser = XML_ParserCreate("UTF-8");
  if (NULL == x->parser) {
    return SHEET_NO_MEMORY;
  }
  XML_SetUserData(x->parser, x);
  XML_SetElementHandler(x->parser, start, end);
  XML_SetCharacterDataHandler(x->parser, on_chars);
  XML_SetStartDoctypeDeclHandler(x->parser, on_doctype);
  x->where = IN_NONE;
  if (len > (size_t)INT32_MAX) {
    XML_ParserFree(x->parser);
    return SHEET_TOO_LARGE;
  }
  if (XML_STATUS_ERROR == XML_Parse(x->parser, xml, (int)len, XML_TRUE) && SHEET_OK == x->rc) {
    x->rc = SHEET_MALFORMED;
    snprintf(x->err, x->errlen, "%s line %lu: %s", part,
             (unsigned long)XML_GetCurrentLineNumber(x->parser),
             XML_ErrorString(XML_GetErrorCode(x->parser)));
  }
  XML_ParserFree(x->parser);
  x->parser = NULL;
  return x->rc;
}

enum sheet_rc sheet_read_xlsx(struct sheet **out, const void *data, size_t len,
                              const struct sheet_limits *lim, char *err, size_t errlen) {
  struct sheet_build b;
  struct xp x;
  char *sst = NULL, *ws = NULL;
  size_t sst_len = 0, ws_len = 0;
  zip_t *z = NULL;
  zip_source_t *src = NULL;
  zip_error_t ze;
  enum sheet_rc rc = SHEET_MALFORMED;
  *out = NULL;
  memset(&x, 0, sizeof x);
  memset(&b, 0, sizeof b);
  snprintf(err, errlen, "%s", "");
  x.err = err;
  x.errlen = errlen;
  x.lim = lim;
  if (len > lim->max_bytes) {
    snprintf(err, errlen, "the file has more than %zu bytes", lim->max_bytes);
    return SHEET_TOO_LARGE;
  }
  zip_error_init(&ze);
  if (0 == len || NULL == (src = zip_source_buffer_create(data, len, 0, &ze))) {
    snprintf(err, errlen, "the file is empty or cannot be read");
    goto cleanup;
  }
  z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
  if (NULL == z) {
    zip_source_free(src);
    snprintf(err, errlen, "not an XLSX workbook (the zip archive cannot be opened: %s)",
             zip_error_strerror(&ze));
    goto cleanup;
  }
  rc = sheet_zip_entry(z, "xl/sharedStrings.xml", false, lim->max_unzipped, &sst, &sst_len, err,
                       errlen);
  if (SHEET_OK == rc) {
    rc = sheet_zip_entry(z, "xl/worksheets/sheet1.xml", true, lim->max_unzipped, &ws, &ws_len, err,
                         errlen);
  }
  if (SHEET_OK == rc && NULL != sst) {
    rc = parse_xml(&x, "xl/sharedStrings.xml", sst, sst_len, sst_start, sst_end);
  }
  if (SHEET_OK == rc) {
    rc = sheet_build_start(&b, lim);
  }
  if (SHEET_OK == rc) {
    x.b = &b;
    x.next_row = 1;
    rc = parse_xml(&x, "xl/worksheets/sheet1.xml", ws, ws_len, ws_start, ws_end);
  }
cleanup:
  if (NULL != z) {
    zip_discard(z);
  }
  zip_error_fini(&ze);
  for (size_t i = 0; i < x.nstrings; i++) {
    free(x.strings[i]);
  }
  free(x.strings);
  free(x.text);
  free(sst);
  free(ws);
  if (NULL == b.s) {
    return rc;
  }
  rc = sheet_build_finish(&b, rc, out);
  if (SHEET_TOO_MANY_ROWS == rc && '\0' == err[0]) {
    snprintf(err, errlen, "the sheet has more than %zu rows", lim->max_rows);
  }
  return rc;
}
