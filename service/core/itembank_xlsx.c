/*
 * The Excel template import: rows of the first worksheet (read by the XLSX reader of
 * ujikom/sheet.h, under its limits: zip bombs and document types are refused) to ujikom
 * items. The header row names the columns (ujikom/itembank_xlsx.h), in any order; every later
 * row is one question, emitted or reported as not mapped as "row N" with the reason. A
 * formula cell is never evaluated: its row is refused.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itembank_internal.h"

#include "ujikom/itembank_xlsx.h"
#include "ujikom/sheet.h"

const struct itembank_xlsx_column ITEMBANK_XLSX_COLUMNS[IBX_NCOLS] = {
    [IBX_UNIT] = {"unit", "unit", false, "Kode unit kompetensi (untuk laporan)",
                  "Unit code (shown in the report)"},
    [IBX_KUK] = {"kuk", "kuk", false, "ID KUK dipisah koma, mis. 1.1, 1.2 (kosong: KUK impor)",
                 "KUK ids separated by commas, e.g. 1.1, 1.2 (empty: the import's KUKs)"},
    [IBX_TYPE] = {"type", "jenis", true,
                  "single, multiple, truefalse, numeric, short, ordering atau open",
                  "single, multiple, truefalse, numeric, short, ordering or open"},
    [IBX_QUESTION] = {"question", "soal", true, "Teks soal", "The question text"},
    [IBX_OPTION_A] = {"option A", "opsi A", false, "Opsi A", "Option A"},
    [IBX_OPTION_A + 1] = {"option B", "opsi B", false, "Opsi B", "Option B"},
    [IBX_OPTION_A + 2] = {"option C", "opsi C", false, "Opsi C", "Option C"},
    [IBX_OPTION_A + 3] = {"option D", "opsi D", false, "Opsi D", "Option D"},
    [IBX_OPTION_A + 4] = {"option E", "opsi E", false, "Opsi E", "Option E"},
    [IBX_OPTION_A + 5] = {"option F", "opsi F", false, "Opsi F", "Option F"},
    [IBX_OPTION_A + 6] = {"option G", "opsi G", false, "Opsi G", "Option G"},
    [IBX_OPTION_H] = {"option H", "opsi H", false, "Opsi H", "Option H"},
    [IBX_KEY] = {"key", "kunci", true,
                 "single: B; multiple: A, C; ordering: C, A, B; truefalse: TRUE/FALSE; "
                 "numeric: 12.5 atau 12.5:0.5; short: jawaban | jawaban lain; open: kosong",
                 "single: B; multiple: A, C; ordering: C, A, B; truefalse: TRUE/FALSE; "
                 "numeric: 12.5 or 12.5:0.5; short: answer | other answer; open: empty"},
    [IBX_POINTS] = {"points", "poin", false, "Poin 1..100 (kosong: 1)", "Points 1..100 (empty: 1)"},
    [IBX_EXPLANATION] = {"explanation", "penjelasan", false, "Penjelasan untuk asesor",
                         "Explanation for assessors"},
};

static char lower(char c) {
  return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}

/* Header text equal to name, ignoring case and surrounding spaces. */
static bool header_is(const char *cell, const char *name) {
  while (ib_is_space(*cell)) {
    cell++;
  }
  size_t n = strlen(name);
  for (size_t i = 0; i < n; i++) {
    if (lower(cell[i]) != lower(name[i])) {
      return false;
    }
  }
  for (cell += n; *cell != '\0'; cell++) {
    if (!ib_is_space(*cell)) {
      return false;
    }
  }
  return true;
}

static const char *cell(const struct sheet_row *row, const long *colmap, enum itembank_xlsx_col c) {
  long at = colmap[c];
  return at >= 0 && (size_t)at < row->ncells ? row->cells[at] : "";
}

static bool blank(const char *s) {
  for (; *s != '\0'; s++) {
    if (!ib_is_space(*s)) {
      return false;
    }
  }
  return true;
}

/* A trimmed copy (NULL when out of memory). */
static char *trimmed(const char *s) {
  char *t = ib_dup(s);
  return t == NULL ? NULL : ib_trim(t);
}

/* "12.5" or "12,5" as a number. */
static bool number(const char *s, double *out) {
  char buf[64];
  size_t n = strlen(s);
  if (n == 0 || n >= sizeof(buf)) {
    return false;
  }
  memcpy(buf, s, n + 1);
  if (strchr(buf, '.') == NULL) {
    char *comma = strchr(buf, ',');
    if (comma != NULL) {
      *comma = '.';
    }
  }
  char *t = ib_trim(buf);
  char *end = NULL;
  errno = 0;
  double v = strtod(t, &end);
  if (end == t || *end != '\0' || errno != 0 || !isfinite(v)) {
    return false;
  }
  *out = v;
  return true;
}

/* Option letters A..H separated by commas, semicolons or spaces into it->key. */
static const char *letters(const char *key, struct ib_item *it) {
  for (const char *p = key; *p != '\0'; p++) {
    char c = (char)(*p & ~0x20);
    if (*p == ',' || *p == ';' || ib_is_space(*p)) {
      continue;
    }
    if (c < 'A' || c > 'H' || (p[1] != '\0' && p[1] != ',' && p[1] != ';' && !ib_is_space(p[1]))) {
      return "the key is not option letters (A..H)";
    }
    size_t k = (size_t)(c - 'A');
    if (k >= it->noptions) {
      return "the key names an option the row does not have";
    }
    if (it->nkey == MAX_OPTIONS) {
      return "the key names more than 8 options";
    }
    it->key[it->nkey++] = k;
  }
  return it->nkey == 0 ? "the key is empty" : NULL;
}

static const char *row_key(const char *type, const char *key, struct ib_item *it) {
  if (strcmp(type, "single") == 0 || strcmp(type, "multiple") == 0 ||
      strcmp(type, "ordering") == 0) {
    it->type = type[0] == 's'   ? EXAM_ITEM_SINGLE
               : type[0] == 'm' ? EXAM_ITEM_MULTIPLE
                                : EXAM_ITEM_ORDERING;
    const char *why = letters(key, it);
    if (why == NULL && it->type == EXAM_ITEM_SINGLE && it->nkey != 1) {
      why = "a single-choice key is one letter";
    }
    return why;
  }
  if (strcmp(type, "truefalse") == 0) {
    it->type = EXAM_ITEM_TRUEFALSE;
    bool t = header_is(key, "TRUE") || header_is(key, "BENAR");
    bool f = header_is(key, "FALSE") || header_is(key, "SALAH");
    it->key_bool = t;
    return t || f ? NULL : "a true/false key is TRUE or FALSE (BENAR or SALAH)";
  }
  if (strcmp(type, "numeric") == 0) {
    it->type = EXAM_ITEM_NUMERIC;
    char buf[128];
    if (strlen(key) >= sizeof(buf)) {
      return "the numeric key is too long";
    }
    snprintf(buf, sizeof(buf), "%s", key);
    char *colon = strchr(buf, ':');
    if (colon != NULL) {
      *colon = '\0';
    }
    if (!number(buf, &it->value) || (colon != NULL && !number(colon + 1, &it->tolerance))) {
      return "the numeric key is not a number or number:tolerance";
    }
    return it->tolerance < 0 ? "the tolerance is negative" : NULL;
  }
  if (strcmp(type, "short") == 0) {
    it->type = EXAM_ITEM_SHORT;
    const char *p = key;
    while (*p != '\0') {
      const char *bar = strchr(p, '|');
      size_t n = bar == NULL ? strlen(p) : (size_t)(bar - p);
      if (it->naccepted == MAX_ACCEPTED) {
        return "more than 32 accepted answers";
      }
      char *a = ib_dup_n(p, n);
      if (a == NULL) {
        return "out of memory";
      }
      it->accepted[it->naccepted++] = ib_trim(a);
      p = bar == NULL ? p + n : bar + 1;
    }
    return it->naccepted == 0 ? "no accepted answer in the key" : NULL;
  }
  if (strcmp(type, "open") == 0) {
    it->type = EXAM_ITEM_OPEN;
    return blank(key) ? NULL : "an open item has no key (leave it empty)";
  }
  return "the type is not single, multiple, truefalse, numeric, short, ordering or open";
}

/* KUK ids separated by commas, semicolons or spaces. */
static const char *row_kuk(const char *kuk, struct ib_item *it) {
  const char *p = kuk;
  while (*p != '\0') {
    size_t skip = strspn(p, ",; \t");
    p += skip;
    size_t n = strcspn(p, ",; \t");
    if (n == 0) {
      break;
    }
    if (it->nkuk == IB_MAX_KUK) {
      return "more than 32 KUK ids";
    }
    it->kuk[it->nkuk] = ib_dup_n(p, n);
    if (it->kuk[it->nkuk] == NULL) {
      return "out of memory";
    }
    it->nkuk++;
    p += n;
  }
  return NULL;
}

static const char *row_item(const struct sheet_row *row, const long *colmap, struct ib_item *it,
                            const char **note, char *whybuf, size_t whylen) {
  if (row->formula_col != 0) {
    char colname[8];
    sheet_column_name(colname, sizeof(colname), row->formula_col);
    snprintf(whybuf, whylen,
             "cell %s%zu holds a formula: formulas are never evaluated (type the text itself)",
             colname, row->line);
    return whybuf;
  }
  char *type = trimmed(cell(row, colmap, IBX_TYPE));
  const char *why = NULL;
  if (type == NULL) {
    return "out of memory";
  }
  for (char *c = type; *c != '\0'; c++) {
    *c = lower(*c);
  }
  it->prompt = trimmed(cell(row, colmap, IBX_QUESTION));
  for (size_t k = 0; it->prompt != NULL && k < MAX_OPTIONS; k++) {
    const char *o = cell(row, colmap, (enum itembank_xlsx_col)(IBX_OPTION_A + k));
    if (blank(o)) {
      continue;
    }
    if (it->noptions != k) {
      why = "an option column is empty before a filled one";
      break;
    }
    it->options[it->noptions] = trimmed(o);
    if (it->options[it->noptions++] == NULL) {
      why = "out of memory";
      break;
    }
  }
  if (it->prompt == NULL) {
    why = "out of memory";
  }
  if (why == NULL && type[0] == '\0') {
    why = "the type is empty";
  }
  if (why == NULL) {
    char *key = trimmed(cell(row, colmap, IBX_KEY));
    why = key == NULL ? "out of memory" : row_key(type, key, it);
    free(key);
  }
  bool with_options = it->type == EXAM_ITEM_SINGLE || it->type == EXAM_ITEM_MULTIPLE ||
                      it->type == EXAM_ITEM_ORDERING;
  if (why == NULL && !with_options && it->noptions > 0) {
    why = "options are given for a type without options";
  }
  if (why == NULL) {
    why = row_kuk(cell(row, colmap, IBX_KUK), it);
  }
  const char *pts = cell(row, colmap, IBX_POINTS);
  double p = 0;
  if (why == NULL && !blank(pts)) {
    if (!number(pts, &p) || p < 1 || p > 100 || p != floor(p)) {
      why = "points are not a whole number 1..100";
    } else if (it->type == EXAM_ITEM_OPEN) {
      *note = "points of an open item come from its rubric: a one-criterion placeholder "
              "rubric (1 point) was added; write the real one";
    } else {
      it->points = (long)p;
    }
  }
  if (why == NULL && it->type == EXAM_ITEM_OPEN && *note == NULL) {
    *note = "open item: a one-criterion placeholder rubric (1 point) was added; write the real one";
  }
  const char *ex = cell(row, colmap, IBX_EXPLANATION);
  if (why == NULL && !blank(ex)) {
    it->explanation = trimmed(ex);
  }
  free(type);
  return why;
}

void itembank_xlsx_parse(struct imp *imp, const char *buf, size_t len) {
  struct sheet_limits lim = {.max_bytes = ITEMBANK_MAX_INPUT,
                             .max_unzipped = ITEMBANK_XLSX_MAX_UNZIPPED,
                             .max_rows = ITEMBANK_MAX_ITEMS + 1,
                             .max_cols = 64,
                             .max_cell = ITEMBANK_XLSX_MAX_CELL};
  char err[256];
  struct sheet *sh = NULL;
  if (!sheet_looks_like_zip(buf, len)) {
    IMP_ERR(imp, 1, 1, "not an XLSX workbook (an Excel file saved as .xlsx is expected)");
    return;
  }
  enum sheet_rc rc = sheet_read_xlsx(&sh, buf, len, &lim, err, sizeof(err));
  if (rc == SHEET_TOO_MANY_ROWS) {
    IMP_ERR(imp, 1, 1, "the sheet has more than %u question rows", ITEMBANK_MAX_ITEMS);
    return;
  }
  if (rc != SHEET_OK) {
    IMP_ERR(imp, 1, 1, "%s", err[0] != '\0' ? err : "the workbook cannot be read");
    return;
  }
  long colmap[IBX_NCOLS];
  for (size_t c = 0; c < IBX_NCOLS; c++) {
    colmap[c] = -1;
  }
  if (sh->nrows == 0) {
    IMP_ERR(imp, 1, 1, "the sheet is empty (the first row names the columns)");
    sheet_free(sh);
    return;
  }
  const struct sheet_row *head = &sh->rows[0];
  for (size_t i = 0; i < head->ncells; i++) {
    for (size_t c = 0; c < IBX_NCOLS; c++) {
      if (header_is(head->cells[i], ITEMBANK_XLSX_COLUMNS[c].name) ||
          header_is(head->cells[i], ITEMBANK_XLSX_COLUMNS[c].name_id)) {
        if (colmap[c] >= 0) {
          IMP_ERR(imp, (unsigned)head->line, (unsigned)i + 1, "column \"%s\" appears twice",
                  ITEMBANK_XLSX_COLUMNS[c].name);
        }
        colmap[c] = (long)i;
      }
    }
  }
  for (size_t c = 0; c < IBX_NCOLS; c++) {
    if (ITEMBANK_XLSX_COLUMNS[c].required && colmap[c] < 0) {
      IMP_ERR(imp, (unsigned)head->line, 1,
              "the first row must name the columns: \"%s\" (or \"%s\") is missing",
              ITEMBANK_XLSX_COLUMNS[c].name, ITEMBANK_XLSX_COLUMNS[c].name_id);
    }
  }
  for (size_t r = 1; r < sh->nrows && !ib_failed(imp); r++) {
    const struct sheet_row *row = &sh->rows[r];
    struct ib_item it = {.line = (unsigned)row->line};
    const char *note = NULL;
    char *unit = trimmed(cell(row, colmap, IBX_UNIT));
    ib_set_category(imp, unit != NULL && unit[0] != '\0' ? unit : NULL);
    free(unit);
    char whybuf[128];
    const char *why = row_item(row, colmap, &it, &note, whybuf, sizeof(whybuf));
    if (why != NULL) {
      ib_report_unmapped(imp, it.line, NULL, why);
      ib_item_clear(&it);
    } else {
      ib_emit_item(imp, &it, NULL, note);
    }
  }
  sheet_free(sh);
}
