/*
 * Complaints: the names of their states and the one rule for their free text (see
 * ujikom/complaint.h). One pass over the code points refuses what would display differently
 * from what is stored, as the person-name rule does, but keeps what prose needs: line feeds,
 * tabs and the invisible joiners of some scripts and of emoji.
 */
#include "ujikom/complaint.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/utf8.h"

static const char *const category_names[COMPLAINT_CATEGORY__MAX] = {
    [COMPLAINT_ASSESSMENT] = "assessment",   [COMPLAINT_ASSESSOR] = "assessor",
    [COMPLAINT_CERTIFICATE] = "certificate", [COMPLAINT_EXAM_SYSTEM] = "exam_system",
    [COMPLAINT_SERVICE] = "service",         [COMPLAINT_OTHER] = "other",
};
static const char *const status_names[] = {
    [COMPLAINT_RECEIVED] = "received",
    [COMPLAINT_IN_REVIEW] = "in_review",
    [COMPLAINT_CLOSED] = "closed",
};
static const char *const outcome_names[] = {
    [COMPLAINT_UPHELD] = "upheld",
    [COMPLAINT_NOT_UPHELD] = "not_upheld",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* names[v], or NULL for a value out of range (an enum may hold any int). */
static const char *name_of(const char *const *names, size_t n, int v) {
  return v >= 0 && (size_t)v < n ? names[v] : NULL;
}

/* The index of s among names: true with *out, false (out untouched) when s is none of them. */
static bool index_of(const char *const *names, size_t n, const char *s, size_t *out) {
  for (size_t i = 0; NULL != s && i < n; i++) {
    if (0 == strcmp(s, names[i])) {
      *out = i;
      return true;
    }
  }
  return false;
}

const char *complaint_category_name(enum complaint_category c) {
  return name_of(category_names, COUNT(category_names), (int)c);
}

const char *complaint_status_name(enum complaint_status s) {
  return name_of(status_names, COUNT(status_names), (int)s);
}

const char *complaint_outcome_name(enum complaint_outcome o) {
  return name_of(outcome_names, COUNT(outcome_names), (int)o);
}

bool complaint_category_parse(const char *s, enum complaint_category *out) {
  size_t i = 0;
  if (!index_of(category_names, COUNT(category_names), s, &i)) {
    return false;
  }
  *out = (enum complaint_category)i;
  return true;
}

bool complaint_status_parse(const char *s, enum complaint_status *out) {
  size_t i = 0;
  if (!index_of(status_names, COUNT(status_names), s, &i)) {
    return false;
  }
  *out = (enum complaint_status)i;
  return true;
}

bool complaint_outcome_parse(const char *s, enum complaint_outcome *out) {
  size_t i = 0;
  if (!index_of(outcome_names, COUNT(outcome_names), s, &i)) {
    return false;
  }
  *out = (enum complaint_outcome)i;
  return true;
}

/* ------------------------------------------------------------------------------------ */
/* free text */

/* C0, DEL and C1: the general category Cc. The line and paragraph separators count too (as in
 * person names): a mail or a page would show a break the stored text does not have. */
static bool is_control(uint32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || 0x2028 == cp || 0x2029 == cp;
}

/* The embeddings, overrides and isolates, which reorder the text after them (so a sentence
 * can read differently from what is stored). The marks (U+200E, U+200F, U+061C) reorder
 * nothing beyond themselves and stay: writers of right-to-left scripts need them. */
static bool is_bidi_control(uint32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* What is trimmed at either end: tab, line feed and the space separators (Unicode Zs). */
static bool is_trimmed_space(uint32_t cp) {
  return '\t' == cp || '\n' == cp || ' ' == cp || 0xA0 == cp || 0x1680 == cp ||
         (cp >= 0x2000 && cp <= 0x200A) || 0x202F == cp || 0x205F == cp || 0x3000 == cp;
}

/* The tidied text so far: bytes in out, and where the part without the trimmed ends lies. */
struct tidy {
  char *out;
  size_t len;      /* bytes written */
  size_t chars;    /* code points written */
  size_t start;    /* byte offset of the first code point that is not trimmed */
  size_t start_ch; /* code points before it */
  size_t end;      /* byte offset just past the last code point that is not trimmed */
  size_t end_ch;   /* code points up to there */
  bool seen;       /* a code point that is not trimmed was written */
};

static void tidy_put(struct tidy *t, const char *bytes, size_t n, uint32_t cp) {
  bool kept = !is_trimmed_space(cp);
  if (kept && !t->seen) {
    t->seen = true;
    t->start = t->len;
    t->start_ch = t->chars;
  }
  memcpy(t->out + t->len, bytes, n);
  t->len += n;
  t->chars++;
  if (kept) {
    t->end = t->len;
    t->end_ch = t->chars;
  }
}

/* One pass over in: refusals, line ends made "\n". */
static enum complaint_text_status tidy_scan(struct tidy *t, const char *in, size_t len) {
  for (size_t i = 0; i < len;) {
    uint32_t cp = 0;
    size_t k = utf8_decode(in + i, len - i, &cp);
    if (0 == k) {
      return COMPLAINT_TEXT_INVALID_UTF8;
    }
    if ('\r' == cp) {
      /* "\r\n" is one line end (its "\n" comes next), a lone "\r" another. */
      if (i + 1 >= len || '\n' != in[i + 1]) {
        tidy_put(t, "\n", 1, '\n');
      }
    } else if (is_control(cp) && '\t' != cp && '\n' != cp) {
      return COMPLAINT_TEXT_CONTROL;
    } else if (is_bidi_control(cp)) {
      return COMPLAINT_TEXT_BIDI;
    } else {
      tidy_put(t, in + i, k, cp);
    }
    i += k;
  }
  return COMPLAINT_TEXT_OK;
}

enum complaint_text_status complaint_text_tidy(char **out, const char *in, size_t len,
                                               size_t min_chars, size_t max_chars) {
  struct tidy t = {0};
  enum complaint_text_status st = COMPLAINT_TEXT_OK;
  *out = NULL;
  if (NULL == in) {
    len = 0;
  }
  /* The text only shrinks: "\r\n" becomes one byte, everything else is copied. */
  t.out = malloc(len + 1);
  if (NULL == t.out) {
    return COMPLAINT_TEXT_NOMEM;
  }
  st = tidy_scan(&t, NULL == in ? "" : in, len);
  if (COMPLAINT_TEXT_OK == st) {
    size_t chars = t.seen ? t.end_ch - t.start_ch : 0, bytes = t.seen ? t.end - t.start : 0;
    if (chars < min_chars) {
      st = COMPLAINT_TEXT_TOO_SHORT;
    } else if (chars > max_chars) {
      st = COMPLAINT_TEXT_TOO_LONG;
    } else {
      memmove(t.out, t.out + t.start, bytes);
      t.out[bytes] = '\0';
      *out = t.out;
      return COMPLAINT_TEXT_OK;
    }
  }
  free(t.out);
  return st;
}

/* ------------------------------------------------------------------------------------ */
/* references */

#define REF_PREFIX     "ADU-"
#define REF_PREFIX_LEN 4

void complaint_ref(char out[COMPLAINT_REF_SIZE], int64_t id) {
  snprintf(out, COMPLAINT_REF_SIZE, REF_PREFIX "%06" PRId64, id);
}

/* True when s starts with "ADU-" in any letter case. */
static bool has_ref_prefix(const char *s) {
  static const char lower[] = "adu-";
  for (size_t i = 0; i < REF_PREFIX_LEN; i++) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') {
      c = (char)(c - 'A' + 'a');
    }
    if (c != lower[i]) {
      return false;
    }
  }
  return true;
}

bool complaint_ref_parse(const char *text, int64_t *out_id) {
  int64_t id = 0;
  if (NULL == text) {
    return false;
  }
  const char *p = has_ref_prefix(text) ? text + REF_PREFIX_LEN : text;
  if ('\0' == *p) {
    return false;
  }
  for (; '\0' != *p; p++) {
    if (*p < '0' || *p > '9') {
      return false;
    }
    int d = *p - '0';
    if (id > (INT64_MAX - d) / 10) {
      return false; /* more than any id */
    }
    id = id * 10 + d;
  }
  if (id <= 0) {
    return false; /* ids start at 1 */
  }
  *out_id = id;
  return true;
}
