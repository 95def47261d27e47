/*
 * Item bank import: Moodle Aiken and GIFT question files to ujikom exam items (YAML).
 *
 * The input is checked as a whole first (size, NUL bytes, UTF-8, line length), then split
 * into lines and read by the format's parser into neutral items, which one writer emits as
 * YAML. Every scalar the writer emits is double-quoted with every character outside
 * printable ASCII/UTF-8 escaped, so no imported text can add YAML structure.
 */
#include "ujikom/itembank.h"

#include "ujikom/exam_text.h"
#include "ujikom/utf8.h"

#include "itembank_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *ib_dup_n(const char *s, size_t len) {
  char *p = malloc(len + 1);
  if (p != NULL) {
    memcpy(p, s, len);
    p[len] = '\0';
  }
  return p;
}

char *ib_dup(const char *s) {
  return s == NULL ? NULL : ib_dup_n(s, strlen(s));
}

bool ib_is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Trims surrounding whitespace in place; returns s. */
char *ib_trim(char *s) {
  size_t len = strlen(s);
  while (len > 0 && ib_is_space(s[len - 1])) {
    s[--len] = '\0';
  }
  size_t i = 0;
  while (ib_is_space(s[i])) {
    i++;
  }
  memmove(s, s + i, len - i + 1);
  return s;
}

/* ------------------------------------------------------------------ YAML writing */

/* Writes s as one double-quoted YAML scalar. Printable ASCII and valid UTF-8 pass through;
 * quotes, backslashes, control characters, line breaks and the code points YAML forbids or
 * reads as breaks are escaped, so the scalar is always one line and carries no structure. */
static void yaml_quoted(struct growbuf *b, const char *s) {
  growbuf_add(b, "\"", 1);
  const unsigned char *u = (const unsigned char *)s;
  size_t n = strlen(s);
  size_t i = 0;
  while (i < n) {
    uint32_t cp = 0;
    size_t k = utf8_decode((const char *)u + i, n - i, &cp);
    if (k == 0) { /* cannot happen after validation; never emit a broken byte */
      growbuf_str(b, "\\uFFFD");
      i++;
      continue;
    }
    if (cp == '"') {
      growbuf_str(b, "\\\"");
    } else if (cp == '\\') {
      growbuf_str(b, "\\\\");
    } else if (cp == '\n') {
      growbuf_str(b, "\\n");
    } else if (cp == '\t') {
      growbuf_str(b, "\\t");
    } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 ||
               cp == 0x2029 || cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF) {
      growbuf_fmt(b, "\\u%04X", (unsigned)cp);
    } else {
      growbuf_add(b, s + i, k);
    }
    i += k;
  }
  growbuf_add(b, "\"", 1);
}

/* ------------------------------------------------------------------ neutral items */

bool ib_failed(const struct imp *imp) {
  return imp->oom || imp->yaml.failed || imp->errs->n > imp->errs_at_start;
}

struct itembank_entry *ib_report_push(struct itembank_report *r) {
  if (r->n == r->cap) {
    size_t ncap = r->cap ? r->cap * 2 : 32;
    struct itembank_entry *ne = realloc(r->entries, ncap * sizeof(*ne));
    if (ne == NULL) {
      return NULL;
    }
    r->entries = ne;
    r->cap = ncap;
  }
  struct itembank_entry *e = &r->entries[r->n++];
  memset(e, 0, sizeof(*e));
  return e;
}

static struct itembank_entry *report_add(struct imp *imp, unsigned line, const char *title) {
  struct itembank_report *r = imp->report;
  if (r->n >= ITEMBANK_MAX_ITEMS) {
    if (!imp->too_many) {
      IMP_ERR(imp, line, 1, "more than %u questions in one file", ITEMBANK_MAX_ITEMS);
    }
    imp->too_many = true;
    return NULL;
  }
  struct itembank_entry *e = ib_report_push(r);
  if (e == NULL) {
    imp->oom = true;
    return NULL;
  }
  e->line = line;
  e->title = ib_dup(title);
  e->category = ib_dup(imp->category);
  return e;
}

/* Lists a question that could not be mapped, with the reason. */
void ib_report_unmapped(struct imp *imp, unsigned line, const char *title, const char *why) {
  struct itembank_entry *e = report_add(imp, line, title);
  if (e == NULL) {
    return;
  }
  e->note = ib_dup(why);
  imp->report->nunmapped++;
}

static void indent(struct imp *imp, unsigned extra) {
  static const char spaces[] = "                                                                ";
  unsigned n = imp->opts->indent + extra;
  growbuf_add(&imp->yaml, spaces, n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1);
}

static void key_text(struct imp *imp, unsigned extra, const char *key, const char *text) {
  indent(imp, extra);
  growbuf_str(&imp->yaml, key);
  growbuf_str(&imp->yaml, ": ");
  yaml_quoted(&imp->yaml, text);
  growbuf_str(&imp->yaml, "\n");
}

/* A number as text that strtod reads back to the same double. */
static void num_text(char out[40], double v) {
  snprintf(out, 40, "%.17g", v);
}

/* Option ids and the key as the loader wants them (unique ids [a-z0-9]{1,8}; a key naming
 * options once; an ordering key naming every option). */
static const char *options_problem(const struct ib_item *it) {
  bool choice = it->type == EXAM_ITEM_SINGLE || it->type == EXAM_ITEM_MULTIPLE ||
                it->type == EXAM_ITEM_ORDERING;
  if (choice && (it->noptions < 2 || it->noptions > MAX_OPTIONS)) {
    return it->noptions < 2 ? "fewer than 2 options" : "more than 8 options";
  }
  for (size_t i = 0; i < it->noptions; i++) {
    const char *oid = it->option_ids[i];
    if (oid == NULL) {
      continue;
    }
    size_t n = strlen(oid);
    if (n < 1 || n > 8 || strspn(oid, "abcdefghijklmnopqrstuvwxyz0123456789") != n) {
      return "an option id is not [a-z0-9]{1,8}";
    }
    for (size_t k = 0; k < i; k++) {
      if (it->option_ids[k] != NULL && strcmp(it->option_ids[k], oid) == 0) {
        return "two options have the same id";
      }
    }
  }
  bool seen[MAX_OPTIONS] = {false};
  for (size_t k = 0; k < it->nkey; k++) {
    if (it->key[k] >= it->noptions || seen[it->key[k]]) {
      return "the key names an option twice or not at all";
    }
    seen[it->key[k]] = true;
  }
  if (it->type == EXAM_ITEM_ORDERING && it->nkey != it->noptions) {
    return "the order does not name every option";
  }
  if (it->type == EXAM_ITEM_SINGLE && it->nkey > 1) {
    return "more than one correct answer for a single-choice item";
  }
  return NULL;
}

static const char *rubric_problem(const struct ib_item *it) {
  for (size_t i = 0; i < it->nrubric; i++) {
    const struct ib_criterion *c = &it->rubric[i];
    if (!exam_id_ok(c->id, 32) || c->text == NULL || c->text[0] == '\0' || c->max_points < 1 ||
        c->max_points > 100) {
      return "a rubric criterion needs an id, a text and 1..100 points";
    }
    for (size_t k = 0; k < i; k++) {
      if (strcmp(it->rubric[k].id, c->id) == 0) {
        return "two rubric criteria have the same id";
      }
    }
    for (size_t k = 0; k < c->nlevels; k++) {
      if (c->level_points[k] < 0 || c->level_points[k] > c->max_points ||
          c->level_text[k] == NULL || c->level_text[k][0] == '\0') {
        return "a rubric level needs a text and points within the criterion's";
      }
      for (size_t j = 0; j < k; j++) {
        if (c->level_points[j] == c->level_points[k]) {
          return "two levels of a rubric criterion have the same points";
        }
      }
    }
  }
  return NULL;
}

/* The checks of what the richer formats (Moodle XML, Excel, QTI) can give. */
static const char *item_problem_more(const struct ib_item *it) {
  if (it->points < 0 || it->points > 100) {
    return "points outside 1..100";
  }
  for (size_t i = 0; i < it->nkuk; i++) {
    if (it->kuk[i] == NULL || it->kuk[i][0] == '\0') {
      return "an empty KUK id";
    }
  }
  if (it->type == EXAM_ITEM_SHORT && it->naccepted == 0) {
    return "no accepted answer";
  }
  if ((it->type == EXAM_ITEM_SINGLE || it->type == EXAM_ITEM_MULTIPLE) && it->nkey == 0) {
    bool any = false;
    for (size_t i = 0; i < it->noptions; i++) {
      any = any || it->correct[i];
    }
    if (!any) {
      return "no answer is marked correct";
    }
  }
  const char *p = options_problem(it);
  return p != NULL ? p : rubric_problem(it);
}

/* Checks what the loader would refuse, so that a refusal becomes a report line rather than a
 * fragment that fails to load. Returns NULL when fine, else the reason. */
static const char *item_problem(const struct ib_item *it) {
  if (it->prompt == NULL || it->prompt[0] == '\0') {
    return "the question text is empty";
  }
  for (size_t i = 0; i < it->noptions; i++) {
    if (it->options[i][0] == '\0') {
      return "an answer option is empty";
    }
  }
  if (it->type == EXAM_ITEM_SHORT) {
    for (size_t i = 0; i < it->naccepted; i++) {
      char *nm = NULL;
      if (exam_text_normalize(&nm, it->accepted[i], strlen(it->accepted[i])) != 0) {
        return "an accepted answer is not valid UTF-8";
      }
      bool blank = nm[0] == '\0';
      free(nm);
      if (blank) {
        return "an accepted answer is blank";
      }
    }
  }
  if (it->type == EXAM_ITEM_NUMERIC &&
      (!isfinite(it->value) || !isfinite(it->tolerance) || it->tolerance < 0)) {
    return "the numeric answer is out of range";
  }
  return item_problem_more(it);
}

void ib_item_clear(struct ib_item *it) {
  free(it->id);
  for (size_t i = 0; i < it->nkuk; i++) {
    free(it->kuk[i]);
  }
  free(it->prompt);
  for (size_t i = 0; i < it->noptions; i++) {
    free(it->options[i]);
    free(it->option_ids[i]);
  }
  for (size_t i = 0; i < it->naccepted; i++) {
    free(it->accepted[i]);
  }
  free(it->unit);
  for (size_t i = 0; i < it->nrubric; i++) {
    free(it->rubric[i].id);
    free(it->rubric[i].text);
    for (size_t k = 0; k < it->rubric[i].nlevels; k++) {
      free(it->rubric[i].level_text[k]);
    }
  }
  free(it->explanation);
  memset(it, 0, sizeof(*it));
}

void ib_set_category(struct imp *imp, const char *category) {
  free(imp->category);
  imp->category = ib_dup(category);
  if (category != NULL && imp->category == NULL) {
    imp->oom = true;
  }
}

/* Whether an item id is already in the report (the loader refuses duplicates). */
static bool id_taken(const struct imp *imp, const char *id) {
  for (size_t i = 0; i < imp->report->n; i++) {
    const char *e = imp->report->entries[i].item_id;
    if (e != NULL && strcmp(e, id) == 0) {
      return true;
    }
  }
  return false;
}

static void write_key(struct imp *imp, const struct ib_item *it) {
  struct growbuf *y = &imp->yaml;
  bool list = it->type != EXAM_ITEM_SINGLE;
  indent(imp, 4);
  growbuf_str(y, list ? "answer: [" : "answer: ");
  for (size_t k = 0; k < it->nkey; k++) {
    growbuf_str(y, k ? ", " : "");
    yaml_quoted(y, it->option_ids[it->key[k]]);
  }
  growbuf_str(y, list ? "]\n" : "\n");
}

static void write_rubric(struct imp *imp, const struct ib_item *it) {
  struct growbuf *y = &imp->yaml;
  char num[40];
  indent(imp, 4);
  growbuf_str(y, "rubric:\n");
  if (it->nrubric == 0) {
    indent(imp, 6);
    growbuf_str(y, "- id: \"R1\"\n");
    key_text(imp, 8, "text",
             imp->opts->open_rubric_text != NULL
                 ? imp->opts->open_rubric_text
                 : "Jawaban sesuai dengan kunci yang ditetapkan asesor");
    key_text(imp, 8, "max_points", "1");
    return;
  }
  for (size_t i = 0; i < it->nrubric; i++) {
    const struct ib_criterion *c = &it->rubric[i];
    indent(imp, 6);
    growbuf_str(y, "- id: ");
    yaml_quoted(y, c->id);
    growbuf_str(y, "\n");
    key_text(imp, 8, "text", c->text);
    snprintf(num, sizeof(num), "%ld", c->max_points);
    key_text(imp, 8, "max_points", num);
    if (c->nlevels > 0) {
      indent(imp, 8);
      growbuf_str(y, "levels:\n");
    }
    for (size_t k = 0; k < c->nlevels; k++) {
      snprintf(num, sizeof(num), "%ld", c->level_points[k]);
      indent(imp, 10);
      growbuf_str(y, "- points: ");
      yaml_quoted(y, num);
      growbuf_str(y, "\n");
      key_text(imp, 12, "text", c->level_text[k]);
    }
  }
}

/* Fills what the format left to the defaults: option ids a, b, ... and the key as indexes. */
static bool complete_item(struct ib_item *it) {
  for (size_t i = 0; i < it->noptions; i++) {
    if (it->option_ids[i] == NULL) {
      char oid[2] = {(char)('a' + i), '\0'};
      it->option_ids[i] = ib_dup(oid);
      if (it->option_ids[i] == NULL) {
        return false;
      }
    }
  }
  if (it->nkey == 0 && (it->type == EXAM_ITEM_SINGLE || it->type == EXAM_ITEM_MULTIPLE)) {
    for (size_t i = 0; i < it->noptions; i++) {
      if (it->correct[i]) {
        it->key[it->nkey++] = i;
      }
    }
  }
  return true;
}

void ib_emit_item(struct imp *imp, struct ib_item *it, const char *title, const char *note) {
  if (!complete_item(it)) {
    imp->oom = true;
    ib_item_clear(it);
    return;
  }
  const char *problem = item_problem(it);
  if (problem != NULL) {
    ib_report_unmapped(imp, it->line, title, problem);
    ib_item_clear(it);
    return;
  }
  if (imp->report->n >= ITEMBANK_MAX_ITEMS) {
    report_add(imp, it->line, title); /* reports the limit */
    ib_item_clear(it);
    return;
  }
  char id[PREFIX_MAX + 16];
  if (it->id != NULL && exam_id_ok(it->id, 64) && !id_taken(imp, it->id)) {
    snprintf(id, sizeof(id), "%s", it->id);
  } else {
    do {
      snprintf(id, sizeof(id), "%s-%03u", imp->opts->id_prefix, ++imp->next_id);
    } while (id_taken(imp, id));
  }
  struct growbuf *y = &imp->yaml;
  indent(imp, 2);
  growbuf_str(y, "- id: ");
  yaml_quoted(y, id);
  growbuf_str(y, "\n");
  key_text(imp, 4, "type", exam_item_type_name(it->type));
  indent(imp, 4);
  growbuf_str(y, "kuk: [");
  const char *const *kuk = it->nkuk > 0 ? (const char *const *)it->kuk : imp->opts->kuk;
  size_t nkuk = it->nkuk > 0 ? it->nkuk : imp->opts->nkuk;
  for (size_t i = 0; i < nkuk; i++) {
    growbuf_str(y, i ? ", " : "");
    yaml_quoted(y, kuk[i]);
  }
  growbuf_str(y, "]\n");
  char num[40];
  if (it->points > 1 && it->type != EXAM_ITEM_OPEN && it->type != EXAM_ITEM_EVIDENCE) {
    snprintf(num, sizeof(num), "%ld", it->points);
    key_text(imp, 4, "points", num);
  }
  key_text(imp, 4, "prompt", it->prompt);
  if (it->noptions > 0) {
    indent(imp, 4);
    growbuf_str(y, "options:\n");
    for (size_t i = 0; i < it->noptions; i++) {
      indent(imp, 6);
      growbuf_str(y, "- id: ");
      yaml_quoted(y, it->option_ids[i]);
      growbuf_str(y, "\n");
      key_text(imp, 8, "text", it->options[i]);
    }
  }
  switch (it->type) {
  case EXAM_ITEM_SINGLE:
  case EXAM_ITEM_MULTIPLE:
  case EXAM_ITEM_ORDERING:
    write_key(imp, it);
    break;
  case EXAM_ITEM_TRUEFALSE:
    key_text(imp, 4, "answer", it->key_bool ? "true" : "false");
    break;
  case EXAM_ITEM_NUMERIC:
    indent(imp, 4);
    growbuf_str(y, "answer:\n");
    num_text(num, it->value);
    key_text(imp, 6, "value", num);
    num_text(num, it->tolerance);
    key_text(imp, 6, "tolerance", num);
    if (it->unit != NULL && it->unit[0] != '\0') {
      key_text(imp, 6, "unit", it->unit);
    }
    break;
  case EXAM_ITEM_SHORT:
    indent(imp, 4);
    growbuf_str(y, "answer:\n");
    for (size_t i = 0; i < it->naccepted; i++) {
      indent(imp, 6);
      growbuf_str(y, "- ");
      yaml_quoted(y, it->accepted[i]);
      growbuf_str(y, "\n");
    }
    break;
  case EXAM_ITEM_OPEN:
  case EXAM_ITEM_EVIDENCE: /* never imported: item banks carry no files */
    write_rubric(imp, it);
    break;
  }
  if (it->explanation != NULL && it->explanation[0] != '\0') {
    key_text(imp, 4, "explanation", it->explanation);
  }
  struct itembank_entry *e = report_add(imp, it->line, title);
  if (e != NULL) {
    e->item_id = ib_dup(id);
    e->type = ib_dup(exam_item_type_name(it->type));
    e->note = ib_dup(note);
    if (e->item_id == NULL || e->type == NULL) {
      imp->oom = true;
    }
    imp->report->nmapped++;
  }
  ib_item_clear(it);
}

/* ------------------------------------------------------------------ lines */

struct line {
  const char *s;
  size_t len;
  unsigned no;
};

static bool line_blank(const struct line *l) {
  for (size_t i = 0; i < l->len; i++) {
    if (!ib_is_space(l->s[i])) {
      return false;
    }
  }
  return true;
}

/* Checks the bytes as a whole and splits them into lines (\n, \r\n or \r). A leading UTF-8
 * byte order mark is skipped. Returns the line array (caller frees) or NULL (reported). */
static struct line *split_lines(struct imp *imp, const char *buf, size_t len, size_t *nout) {
  *nout = 0;
  if (len > ITEMBANK_MAX_INPUT) {
    IMP_ERR(imp, 1, 1, "the file is larger than %zu bytes", ITEMBANK_MAX_INPUT);
    return NULL;
  }
  size_t i = 0;
  if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
    i = 3;
  }
  size_t cap = 64, n = 0;
  struct line *lines = malloc(cap * sizeof(*lines));
  if (lines == NULL) {
    imp->oom = true;
    return NULL;
  }
  unsigned no = 1;
  size_t start = i;
  const unsigned char *u = (const unsigned char *)buf;
  while (i <= len) {
    if (i == len || buf[i] == '\n' || buf[i] == '\r') {
      size_t l = i - start;
      if (l > ITEMBANK_MAX_LINE) {
        IMP_ERR(imp, no, 1, "line is longer than %u bytes (%zu)", ITEMBANK_MAX_LINE, l);
      }
      if (n == cap) {
        cap *= 2;
        struct line *nl = realloc(lines, cap * sizeof(*nl));
        if (nl == NULL) {
          free(lines);
          imp->oom = true;
          return NULL;
        }
        lines = nl;
      }
      lines[n].s = buf + start;
      lines[n].len = l;
      lines[n].no = no++;
      n++;
      if (i < len && buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n') {
        i++;
      }
      i++;
      start = i;
      continue;
    }
    if (buf[i] == '\0') {
      IMP_ERR(imp, no, (unsigned)(i - start + 1), "NUL byte in the text");
      i++;
      continue;
    }
    uint32_t cp = 0;
    size_t k = utf8_decode((const char *)u + i, len - i, &cp);
    if (k == 0) {
      IMP_ERR(imp, no, (unsigned)(i - start + 1), "invalid UTF-8 (byte 0x%02X)", u[i]);
      i++;
      continue;
    }
    i += k;
  }
  if (ib_failed(imp)) {
    free(lines);
    return NULL;
  }
  *nout = n;
  return lines;
}

/* ------------------------------------------------------------------ Aiken */

/* "A. text" or "A) text": the option letter, or 0. */
static char aiken_option(const struct line *l, const char **text, size_t *tlen) {
  if (l->len >= 3 && l->s[0] >= 'A' && l->s[0] <= 'Z' && (l->s[1] == '.' || l->s[1] == ')') &&
      (l->s[2] == ' ' || l->s[2] == '\t')) {
    *text = l->s + 3;
    *tlen = l->len - 3;
    return l->s[0];
  }
  return 0;
}

/* "ANSWER: X": true with *letter set (0 when the rest is not one letter). */
static bool aiken_answer(const struct line *l, char *letter) {
  if (l->len < 7 || memcmp(l->s, "ANSWER:", 7) != 0) {
    return false;
  }
  size_t i = 7;
  while (i < l->len && ib_is_space(l->s[i])) {
    i++;
  }
  size_t j = l->len;
  while (j > i && ib_is_space(l->s[j - 1])) {
    j--;
  }
  *letter = (j == i + 1 && l->s[i] >= 'A' && l->s[i] <= 'Z') ? l->s[i] : 0;
  return true;
}

static void aiken_parse(struct imp *imp, const struct line *lines, size_t n) {
  size_t i = 0;
  while (i < n) {
    if (line_blank(&lines[i])) {
      i++;
      continue;
    }
    unsigned qline = lines[i].no;
    struct growbuf prompt = {.max = IMPORT_TEXT_MAX};
    char letters[26] = {0};
    char *opts[26] = {0};
    size_t nopt = 0;
    bool failed = false, done = false;
    char key = 0;
    for (; i < n && !done && !failed; i++) {
      const struct line *l = &lines[i];
      struct line lead = *l; /* options and ANSWER may be indented, as Moodle trims lines */
      while (lead.len > 0 && ib_is_space(lead.s[0])) {
        lead.s++;
        lead.len--;
      }
      unsigned indent_cols = (unsigned)(lead.s - l->s);
      const char *t = NULL;
      size_t tl = 0;
      char letter = aiken_option(&lead, &t, &tl);
      char ans = 0;
      if (aiken_answer(&lead, &ans)) {
        if (nopt == 0) {
          IMP_ERR(imp, l->no, indent_cols + 1,
                  "ANSWER line before any option (question at line %u)", qline);
          failed = true;
          break;
        }
        if (ans == 0) {
          IMP_ERR(imp, l->no, indent_cols + 8, "ANSWER must be one capital letter");
          failed = true;
          break;
        }
        key = ans;
        done = true;
      } else if (letter != 0 && memchr(letters, letter, nopt) == NULL) {
        letters[nopt] = letter;
        opts[nopt] = ib_dup_n(t, tl);
        if (opts[nopt] == NULL) {
          imp->oom = true;
          failed = true;
          break;
        }
        ib_trim(opts[nopt]);
        nopt++;
      } else if (letter != 0) {
        IMP_ERR(imp, l->no, indent_cols + 1, "option %c appears twice", letter);
        failed = true;
        break;
      } else if (line_blank(l) || nopt > 0) {
        IMP_ERR(imp, l->no, 1, "missing ANSWER line for the question at line %u", qline);
        failed = true;
        break;
      } else {
        if (prompt.len > 0) {
          growbuf_add(&prompt, "\n", 1);
        }
        growbuf_add(&prompt, l->s, l->len);
      }
    }
    if (!done && !failed) {
      IMP_ERR(imp, lines[n - 1].no, (unsigned)lines[n - 1].len + 1,
              "missing ANSWER line for the question at line %u (end of file)", qline);
      failed = true;
    }
    char *ptext = growbuf_take(&prompt, NULL);
    if (ptext == NULL) {
      imp->oom = true;
    }
    const char *key_at = done ? memchr(letters, key, nopt) : NULL;
    if (failed || ptext == NULL) {
      /* skip to the end of this question */
      while (i < n && !line_blank(&lines[i])) {
        i++;
      }
    } else if (key_at == NULL) {
      ib_report_unmapped(imp, qline, NULL, "the ANSWER letter is not one of the options");
    } else if (nopt < 2 || nopt > MAX_OPTIONS) {
      ib_report_unmapped(imp, qline, NULL,
                         nopt < 2 ? "fewer than 2 options" : "more than 8 options");
    } else {
      struct ib_item it = {.line = qline, .type = EXAM_ITEM_SINGLE};
      it.prompt = ptext;
      ptext = NULL;
      ib_trim(it.prompt);
      for (size_t k = 0; k < nopt; k++) {
        it.options[k] = opts[k];
        it.correct[k] = letters[k] == key;
        opts[k] = NULL;
      }
      it.noptions = nopt;
      ib_emit_item(imp, &it, NULL, NULL);
    }
    free(ptext);
    for (size_t k = 0; k < nopt; k++) {
      free(opts[k]);
    }
    if (imp->oom) {
      return;
    }
  }
}

/* ------------------------------------------------------------------ GIFT */

/* A question block: its text with comment lines removed and lines joined by '\n', and for
 * every byte its line and column in the file. */
struct block {
  struct growbuf text;
  unsigned *lno;
  unsigned *col;
  size_t cap;
};

static void block_add(struct imp *imp, struct block *b, const struct line *l, bool newline) {
  size_t need = b->text.len + l->len + 1;
  if (need > b->cap) {
    size_t ncap = b->cap ? b->cap : 256;
    while (ncap < need) {
      ncap *= 2;
    }
    unsigned *nl = realloc(b->lno, ncap * sizeof(*nl));
    if (nl != NULL) {
      b->lno = nl;
    }
    unsigned *nc = realloc(b->col, ncap * sizeof(*nc));
    if (nc != NULL) {
      b->col = nc;
    }
    if (nl == NULL || nc == NULL) {
      imp->oom = true;
      return;
    }
    b->cap = ncap;
  }
  size_t at = b->text.len;
  if (newline) {
    growbuf_add(&b->text, "\n", 1);
    b->lno[at] = l->no;
    b->col[at] = 0;
    at++;
  }
  growbuf_add(&b->text, l->s, l->len);
  for (size_t k = 0; k < l->len; k++) {
    b->lno[at + k] = l->no;
    b->col[at + k] = (unsigned)k + 1;
  }
  if (b->text.failed) {
    imp->oom = true;
  }
}

static bool gift_special(char c) {
  return c == '~' || c == '=' || c == '#' || c == '{' || c == '}' || c == ':';
}

/* Index of the first unescaped c in s[from..to), or `to`. */
static size_t find_unescaped(const char *s, size_t from, size_t to, char c) {
  for (size_t i = from; i < to; i++) {
    if (s[i] == '\\' && i + 1 < to && gift_special(s[i + 1])) {
      i++;
      continue;
    }
    if (s[i] == c) {
      return i;
    }
  }
  return to;
}

/* Text of s[from..to) with GIFT escapes resolved (\~ \= \# \{ \} \: and \n), trimmed. */
static char *gift_text(const char *s, size_t from, size_t to) {
  struct growbuf b = {.max = IMPORT_TEXT_MAX};
  for (size_t i = from; i < to; i++) {
    if (s[i] == '\\' && i + 1 < to && gift_special(s[i + 1])) {
      growbuf_add(&b, s + i + 1, 1);
      i++;
    } else if (s[i] == '\\' && i + 1 < to && s[i + 1] == 'n') {
      growbuf_add(&b, "\n", 1);
      i++;
    } else {
      growbuf_add(&b, s + i, 1);
    }
  }
  char *r = growbuf_take(&b, NULL);
  return r == NULL ? NULL : ib_trim(r);
}

/* Strips a leading [html] / [moodle] / [plain] / [markdown] marker; true when it was html. */
static bool strip_format(char *s, bool *html) {
  static const char *const marks[] = {"[html]", "[moodle]", "[plain]", "[markdown]"};
  for (size_t k = 0; k < sizeof(marks) / sizeof(marks[0]); k++) {
    size_t ml = strlen(marks[k]);
    if (strncmp(s, marks[k], ml) == 0) {
      memmove(s, s + ml, strlen(s + ml) + 1);
      ib_trim(s);
      if (k == 0) {
        *html = true;
      }
      return true;
    }
  }
  return false;
}

/* One answer of a GIFT answer block. */
struct gift_answer {
  char mark; /* '~' or '=' */
  bool has_weight;
  double weight;   /* percent */
  size_t from, to; /* the answer's text, feedback excluded */
  bool feedback;
};

/* Reads an optional %weight% at s[*i]. Returns false on a malformed weight. */
static bool gift_weight(const char *s, size_t *i, size_t to, struct gift_answer *a) {
  if (*i >= to || s[*i] != '%') {
    return true;
  }
  size_t end = *i + 1;
  while (end < to && s[end] != '%') {
    end++;
  }
  if (end >= to || end - *i - 1 > 20 || end == *i + 1) {
    return false;
  }
  char tmp[24];
  memcpy(tmp, s + *i + 1, end - *i - 1);
  tmp[end - *i - 1] = '\0';
  char *e = NULL;
  errno = 0;
  double w = strtod(tmp, &e);
  if (e == tmp || *e != '\0' || errno != 0 || !isfinite(w) || w < -100 || w > 100) {
    return false;
  }
  a->has_weight = true;
  a->weight = w;
  *i = end + 1;
  return true;
}

/* A number written in s[from..to) (trimmed), or false. */
static bool gift_number(const char *s, size_t from, size_t to, double *out) {
  char *t = gift_text(s, from, to);
  if (t == NULL) {
    return false;
  }
  char *e = NULL;
  errno = 0;
  double v = strtod(t, &e);
  bool ok = e != t && *e == '\0' && errno == 0 && isfinite(v) && t[0] != '\0';
  free(t);
  if (ok) {
    *out = v;
  }
  return ok;
}

/* "value", "value:tolerance" or "min..max" in s[from..to) as value and tolerance. */
static bool gift_numeric_spec(const char *s, size_t from, size_t to, double *value, double *tol) {
  for (size_t i = from; i + 1 < to; i++) {
    if (s[i] == '.' && s[i + 1] == '.') {
      double lo, hi;
      if (!gift_number(s, from, i, &lo) || !gift_number(s, i + 2, to, &hi) || lo > hi) {
        return false;
      }
      *value = lo / 2 + hi / 2;
      *tol = hi / 2 - lo / 2;
      return isfinite(*value) && isfinite(*tol);
    }
  }
  size_t colon = find_unescaped(s, from, to, ':');
  *tol = 0;
  if (colon < to && !gift_number(s, colon + 1, to, tol)) {
    return false;
  }
  return gift_number(s, from, colon, value) && *tol >= 0;
}

/* Maps a numeric answer block (after the '#'). Returns NULL when mapped, else the reason. */
static const char *gift_numeric(const char *s, size_t from, size_t to, struct ib_item *it,
                                const char **note) {
  size_t eq = find_unescaped(s, from, to, '=');
  if (eq == to) { /* one answer, optional #feedback */
    size_t fb = find_unescaped(s, from, to, '#');
    if (fb < to) {
      *note = "answer feedback dropped";
    }
    return gift_numeric_spec(s, from, fb, &it->value, &it->tolerance)
               ? NULL
               : "the numeric answer is not a number, number:tolerance or min..max";
  }
  size_t full = 0;
  bool partial = false;
  size_t i = eq;
  while (i < to) {
    size_t next = find_unescaped(s, i + 1, to, '=');
    struct gift_answer a = {0};
    size_t p = i + 1;
    if (!gift_weight(s, &p, next, &a)) {
      return "an answer weight is not a percentage";
    }
    size_t fb = find_unescaped(s, p, next, '#');
    if (!a.has_weight || a.weight >= 100) {
      if (!gift_numeric_spec(s, p, fb, &it->value, &it->tolerance)) {
        return "the numeric answer is not a number, number:tolerance or min..max";
      }
      full++;
    } else {
      partial = true;
    }
    i = next;
  }
  if (full != 1) {
    return full == 0 ? "no numeric answer earns full marks"
                     : "more than one numeric answer earns full marks (ujikom keeps one)";
  }
  if (partial) {
    *note = "partial-credit numeric answers dropped";
  }
  return NULL;
}

/* Splits an answer block into its ~ / = answers. Returns the count, or -1 when the block has
 * text before the first marker. */
static long gift_answers(const char *s, size_t from, size_t to, struct gift_answer *out, size_t max,
                         bool *bad_weight) {
  size_t i = from;
  while (i < to && ib_is_space(s[i])) {
    i++;
  }
  if (i < to && s[i] != '~' && s[i] != '=') {
    return -1;
  }
  long n = 0;
  while (i < to) {
    size_t e1 = find_unescaped(s, i + 1, to, '~');
    size_t e2 = find_unescaped(s, i + 1, to, '=');
    size_t next = e1 < e2 ? e1 : e2;
    if ((size_t)n < max) {
      struct gift_answer *a = &out[n];
      memset(a, 0, sizeof(*a));
      a->mark = s[i];
      size_t p = i + 1;
      if (!gift_weight(s, &p, next, a)) {
        *bad_weight = true;
      }
      size_t fb = find_unescaped(s, p, next, '#');
      a->from = p;
      a->to = fb;
      a->feedback = fb < next;
    }
    n++;
    i = next;
  }
  return n;
}

static bool contains_arrow(const char *s, size_t from, size_t to) {
  for (size_t i = from; i + 1 < to; i++) {
    if (s[i] == '\\' && gift_special(s[i + 1])) {
      i++;
    } else if (s[i] == '-' && s[i + 1] == '>') {
      return true;
    }
  }
  return false;
}

/* Maps one answer block s[from..to) onto it. Returns NULL when mapped, else the reason. */
static const char *gift_map_answers(const char *s, size_t from, size_t to, struct ib_item *it,
                                    const char **note) {
  char *whole = gift_text(s, from, to);
  if (whole == NULL) {
    return "out of memory";
  }
  bool empty = whole[0] == '\0';
  bool tf = false;
  static const char *const tnames[] = {"T", "TRUE", "F", "FALSE"};
  size_t hash = find_unescaped(s, from, to, '#');
  char *head = gift_text(s, from, hash);
  for (size_t k = 0; head != NULL && k < 4; k++) {
    if (strcmp(head, tnames[k]) == 0) {
      tf = true;
      it->key_bool = k < 2;
    }
  }
  free(head);
  free(whole);
  if (empty) {
    it->type = EXAM_ITEM_OPEN;
    *note = "essay: a one-criterion placeholder rubric (1 point) was added; write the real one";
    return NULL;
  }
  if (tf) {
    it->type = EXAM_ITEM_TRUEFALSE;
    if (hash < to) {
      *note = "answer feedback dropped";
    }
    return NULL;
  }
  size_t lead = from;
  while (lead < to && ib_is_space(s[lead])) {
    lead++;
  }
  if (s[lead] == '#') {
    it->type = EXAM_ITEM_NUMERIC;
    return gift_numeric(s, lead + 1, to, it, note);
  }
  /* A general feedback "####text" at the end of the block becomes the explanation. */
  size_t end = to;
  for (size_t i = from; i + 3 < to; i++) {
    if (s[i] == '\\' && gift_special(s[i + 1])) {
      i++;
    } else if (memcmp(s + i, "####", 4) == 0) {
      it->explanation = gift_text(s, i + 4, to);
      end = i;
      break;
    }
  }
  struct gift_answer ans[MAX_ACCEPTED + 1];
  bool bad_weight = false;
  long n = gift_answers(s, from, end, ans, MAX_ACCEPTED + 1, &bad_weight);
  if (n < 0) {
    return "the answer block is not a list of ~ and = answers";
  }
  if (bad_weight) {
    return "an answer weight is not a percentage";
  }
  size_t ntilde = 0, neq = 0;
  bool weighted_tilde = false, feedback = false;
  for (long k = 0; k < n && k <= (long)MAX_ACCEPTED; k++) {
    ntilde += ans[k].mark == '~';
    neq += ans[k].mark == '=';
    weighted_tilde = weighted_tilde || (ans[k].mark == '~' && ans[k].has_weight);
    feedback = feedback || ans[k].feedback;
  }
  if (feedback) {
    *note = "answer feedback dropped";
  }
  if (ntilde == 0 && contains_arrow(s, from, end)) {
    return "matching question: ujikom has no matching item type";
  }
  if (ntilde == 0) { /* short answer */
    if ((size_t)n > MAX_ACCEPTED) {
      return "more than 32 accepted answers";
    }
    it->type = EXAM_ITEM_SHORT;
    bool dropped = false;
    for (long k = 0; k < n; k++) {
      if (ans[k].has_weight && ans[k].weight < 100) {
        dropped = true;
        continue;
      }
      char *t = gift_text(s, ans[k].from, ans[k].to);
      if (t == NULL) {
        return "out of memory";
      }
      it->accepted[it->naccepted++] = t;
    }
    if (it->naccepted == 0) {
      return "no short answer earns full marks";
    }
    if (dropped) {
      *note = "partial-credit short answers dropped";
    }
    return NULL;
  }
  if ((size_t)n > MAX_OPTIONS) {
    return "more than 8 options";
  }
  if (n < 2) {
    return "fewer than 2 options";
  }
  size_t ncorrect = 0;
  for (long k = 0; k < n; k++) {
    char *t = gift_text(s, ans[k].from, ans[k].to);
    if (t == NULL) {
      return "out of memory";
    }
    it->options[it->noptions] = t;
    bool correct = ans[k].mark == '=' || (ans[k].has_weight && ans[k].weight > 0);
    it->correct[it->noptions++] = correct;
    ncorrect += correct;
  }
  if (ncorrect == 0) {
    return "no answer is marked correct";
  }
  if (weighted_tilde) {
    it->type = EXAM_ITEM_MULTIPLE;
    if (*note == NULL) {
      *note = "answer weights replaced by ujikom's partial credit";
    }
    return NULL;
  }
  if (neq > 1) {
    return "more than one '=' answer without weights";
  }
  it->type = EXAM_ITEM_SINGLE;
  return NULL;
}

/* Reads one question block. */
static void gift_question(struct imp *imp, struct block *b) {
  const char *s = b->text.p;
  size_t len = b->text.len;
  size_t i = 0;
  while (i < len && ib_is_space(s[i])) {
    i++;
  }
  if (i == len) {
    return;
  }
  unsigned qline = b->lno[i];
  if (len - i >= 10 && memcmp(s + i, "$CATEGORY:", 10) == 0) {
    size_t eol = i;
    while (eol < len && s[eol] != '\n') {
      eol++;
    }
    char *cat = ib_dup_n(s + i + 10, eol - i - 10);
    if (cat == NULL) {
      imp->oom = true;
      return;
    }
    free(imp->category);
    imp->category = ib_trim(cat);
    return;
  }
  char *title = NULL;
  if (len - i >= 2 && s[i] == ':' && s[i + 1] == ':') {
    size_t end = i + 2;
    while (end + 1 < len && !(s[end] == ':' && s[end + 1] == ':' && s[end - 1] != '\\')) {
      end++;
    }
    if (end + 1 >= len) {
      IMP_ERR(imp, b->lno[i], b->col[i], "unterminated question title (no closing '::')");
      return;
    }
    title = gift_text(s, i + 2, end);
    i = end + 2;
  }
  size_t open = find_unescaped(s, i, len, '{');
  if (open == len) {
    ib_report_unmapped(imp, qline, title, "description without a question: nothing to answer");
    free(title);
    return;
  }
  size_t close = find_unescaped(s, open + 1, len, '}');
  if (close == len) {
    IMP_ERR(imp, b->lno[open], b->col[open], "unterminated '{': no matching '}'");
    free(title);
    return;
  }
  size_t nested = find_unescaped(s, open + 1, close, '{');
  if (nested < close) {
    IMP_ERR(imp, b->lno[nested], b->col[nested], "'{' inside an answer block (escape it as \\{)");
    free(title);
    return;
  }
  size_t again = find_unescaped(s, close + 1, len, '{');
  size_t stray = find_unescaped(s, close + 1, len, '}');
  if (again < len || stray < len) {
    size_t at = again < stray ? again : stray;
    IMP_ERR(imp, b->lno[at], b->col[at], "more than one answer block in a question");
    free(title);
    return;
  }
  struct ib_item it = {.line = qline};
  char *before = gift_text(s, i, open);
  char *after = gift_text(s, close + 1, len);
  const char *note = NULL;
  const char *why = NULL;
  bool html = false;
  if (before == NULL || after == NULL) {
    imp->oom = true;
    why = "out of memory";
  } else {
    strip_format(before, &html);
    struct growbuf p = {.max = IMPORT_TEXT_MAX};
    growbuf_str(&p, before);
    if (after[0] != '\0') { /* missing word: the blank goes where the answers were */
      growbuf_str(&p, " _____ ");
      growbuf_str(&p, after);
    }
    it.prompt = growbuf_take(&p, NULL);
    if (it.prompt == NULL) {
      imp->oom = true;
      why = "out of memory";
    } else {
      ib_trim(it.prompt);
      why = gift_map_answers(s, open + 1, close, &it, &note);
    }
  }
  for (size_t k = 0; why == NULL && k < it.noptions; k++) {
    strip_format(it.options[k], &html);
  }
  if (why == NULL && html && note == NULL) {
    note = "HTML markup kept as plain text";
  }
  if (why != NULL) {
    ib_report_unmapped(imp, qline, title, why);
    ib_item_clear(&it);
  } else {
    ib_emit_item(imp, &it, title, note);
  }
  free(before);
  free(after);
  free(title);
}

static bool gift_comment(const struct line *l) {
  size_t i = 0;
  while (i < l->len && ib_is_space(l->s[i])) {
    i++;
  }
  return i + 1 < l->len && l->s[i] == '/' && l->s[i + 1] == '/';
}

static bool gift_category(const struct line *l) {
  size_t i = 0;
  while (i < l->len && ib_is_space(l->s[i])) {
    i++;
  }
  return l->len - i >= 10 && memcmp(l->s + i, "$CATEGORY:", 10) == 0;
}

static void gift_parse(struct imp *imp, const struct line *lines, size_t n) {
  struct block b = {.text = {.max = IMPORT_TEXT_MAX}};
  size_t i = 0;
  while (i <= n && !imp->oom) {
    if (i == n || line_blank(&lines[i])) {
      if (b.text.len > 0) {
        gift_question(imp, &b);
      }
      b.text.len = 0;
      i++;
      continue;
    }
    if (gift_category(&lines[i])) { /* a category line stands alone even without blank lines */
      if (b.text.len > 0) {
        gift_question(imp, &b);
      }
      b.text.len = 0;
      block_add(imp, &b, &lines[i], false);
      gift_question(imp, &b);
      b.text.len = 0;
    } else if (!gift_comment(&lines[i])) {
      block_add(imp, &b, &lines[i], b.text.len > 0);
    }
    i++;
  }
  free(b.text.p);
  free(b.lno);
  free(b.col);
}

/* ------------------------------------------------------------------ entry points */

int itembank_import(char **out, struct itembank_report *report, struct exam_errors *errs,
                    enum itembank_format format, const char *buf, size_t len,
                    const struct itembank_options *opts) {
  *out = NULL;
  struct imp imp = {.opts = opts,
                    .errs = errs,
                    .errs_at_start = errs->n,
                    .report = report,
                    .yaml = {.max = IMPORT_TEXT_MAX}};
  imp.file = opts != NULL && opts->file != NULL ? opts->file : "input";
  struct line *lines = NULL;
  size_t nlines = 0;
  if (opts == NULL || !exam_id_ok(opts->id_prefix, PREFIX_MAX) || opts->nkuk == 0 ||
      opts->indent > 64) {
    IMP_ERR(&imp, 1, 1,
            "import options: an item id prefix [A-Za-z0-9._-]{1,56}, at least one "
            "KUK id and an indent of at most 64 are required");
    goto cleanup;
  }
  for (size_t k = 0; k < opts->nkuk; k++) {
    if (opts->kuk[k] == NULL || opts->kuk[k][0] == '\0') {
      IMP_ERR(&imp, 1, 1, "import options: an empty KUK id");
      goto cleanup;
    }
  }
  if (buf == NULL) {
    buf = "";
    len = 0;
  }
  if (len > ITEMBANK_MAX_INPUT) {
    IMP_ERR(&imp, 1, 1, "the file is larger than %zu bytes", ITEMBANK_MAX_INPUT);
    goto cleanup;
  }
  indent(&imp, 0);
  growbuf_str(&imp.yaml, "items:\n");
  if (format == ITEMBANK_MOODLE) {
    moodle_xml_parse(&imp, buf, len);
  } else if (format == ITEMBANK_XLSX) {
    itembank_xlsx_parse(&imp, buf, len);
  } else if (format == ITEMBANK_QTI) {
    qti_package_parse(&imp, buf, len);
  } else {
    lines = split_lines(&imp, buf, len, &nlines);
    if (lines == NULL) {
      goto cleanup;
    }
    if (format == ITEMBANK_AIKEN) {
      aiken_parse(&imp, lines, nlines);
    } else {
      gift_parse(&imp, lines, nlines);
    }
  }
  if (report->n == 0 && !ib_failed(&imp)) {
    IMP_ERR(&imp, 1, 1, "no questions found");
  }
cleanup:
  if (imp.oom || imp.yaml.failed) {
    exam_errors_add(errs, imp.file, 1, 1, "out of memory");
  }
  if (!ib_failed(&imp)) {
    *out = growbuf_take(&imp.yaml, NULL);
  }
  free(imp.yaml.p);
  free(imp.category);
  free(lines);
  if (*out == NULL && errs->n == imp.errs_at_start) {
    exam_errors_add(errs, imp.file, 1, 1, "import failed");
  }
  return *out != NULL ? 0 : -1;
}

void itembank_report_clear(struct itembank_report *report) {
  for (size_t i = 0; i < report->n; i++) {
    struct itembank_entry *e = &report->entries[i];
    free(e->item_id);
    free(e->type);
    free(e->title);
    free(e->category);
    free(e->note);
  }
  free(report->entries);
  memset(report, 0, sizeof(*report));
}

static const char *const FORMAT_NAMES[] = {
    [ITEMBANK_AIKEN] = "aiken", [ITEMBANK_GIFT] = "gift", [ITEMBANK_MOODLE] = "moodle",
    [ITEMBANK_XLSX] = "xlsx",   [ITEMBANK_QTI] = "qti",
};

int itembank_format_parse(enum itembank_format *out, const char *name) {
  for (size_t i = 0; name != NULL && i < sizeof(FORMAT_NAMES) / sizeof(FORMAT_NAMES[0]); i++) {
    if (strcmp(name, FORMAT_NAMES[i]) == 0) {
      *out = (enum itembank_format)i;
      return 0;
    }
  }
  return -1;
}

const char *itembank_format_name(enum itembank_format format) {
  return (size_t)format < sizeof(FORMAT_NAMES) / sizeof(FORMAT_NAMES[0]) ? FORMAT_NAMES[format]
                                                                         : "?";
}
