/*
 * Numbers as people type them: Indonesian and English separators, read by one rule (stated
 * in the public header) and refused with a reason where a reading would be a guess.
 */
#include "ujikom/numeric.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_space(char c) {
  return ' ' == c || '\t' == c || '\r' == c || '\n' == c;
}
static bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
static bool is_sep(char c) {
  return '.' == c || ',' == c;
}

/* The number's body after trimming and the sign: where it is and what it holds. */
struct body {
  const char *s;
  size_t n;
  size_t ndot, ncomma, digits;
  size_t last_sep; /* index of the last separator (valid when one exists) */
};

/* Scans b->s[0..n): only digits and separators, at least one digit. */
static enum numeric_rc scan(struct body *b) {
  for (size_t i = 0; i < b->n; i++) {
    char c = b->s[i];
    if (is_digit(c)) {
      b->digits++;
    } else if (is_sep(c)) {
      b->ndot += '.' == c;
      b->ncomma += ',' == c;
      b->last_sep = i;
    } else if (is_space(c)) {
      return NUMERIC_SEPARATORS; /* "30 000": spaces do not group here */
    } else {
      return NUMERIC_NOT_DIGITS;
    }
  }
  return 0 == b->digits ? NUMERIC_NOT_DIGITS : NUMERIC_OK;
}

/* Whether s[0..n) is digits grouped in thousands by sep: a first group of 1..3 digits, then
 * groups of exactly 3. */
static bool grouped(const char *s, size_t n, char sep) {
  size_t run = 0;
  bool first = true;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == sep) {
      if (0 == run || run > 3 || (!first && 3 != run)) {
        return false;
      }
      first = false;
      run = 0;
    } else if (is_digit(s[i])) {
      run++;
    } else {
      return false;
    }
  }
  return first ? run > 0 : 3 == run;
}

/* Picks the decimal mark (or '\0') and the thousands mark (or '\0') of b. */
static enum numeric_rc marks(const struct body *b, bool whole_item, char *dec, char *thou) {
  *dec = '\0';
  *thou = '\0';
  if (b->ndot > 0 && b->ncomma > 0) {
    *dec = b->s[b->last_sep];
    *thou = '.' == *dec ? ',' : '.';
    if (('.' == *dec ? b->ndot : b->ncomma) != 1) {
      return NUMERIC_SEPARATORS;
    }
    return NUMERIC_OK;
  }
  size_t count = b->ndot + b->ncomma;
  if (0 == count) {
    return NUMERIC_OK;
  }
  char sep = b->ndot > 0 ? '.' : ',';
  if (count > 1) {
    *thou = sep;
    return NUMERIC_OK;
  }
  size_t before = b->last_sep, after = b->n - b->last_sep - 1;
  bool could_group = 3 == after && before >= 1 && before <= 3 && '0' != b->s[0];
  if (!could_group) {
    *dec = sep;
  } else if (whole_item) {
    *thou = sep;
  } else {
    return NUMERIC_AMBIGUOUS;
  }
  return NUMERIC_OK;
}

enum numeric_rc numeric_parse(double *out, const char *text, size_t len, bool whole_item) {
  if (NULL == text || len > NUMERIC_MAX_TEXT) {
    return NULL == text ? NUMERIC_EMPTY : NUMERIC_TOO_LONG;
  }
  while (len > 0 && is_space(text[len - 1])) {
    len--;
  }
  while (len > 0 && is_space(*text)) {
    text++;
    len--;
  }
  if (0 == len) {
    return NUMERIC_EMPTY;
  }
  bool negative = false;
  if ('+' == *text || '-' == *text) {
    negative = '-' == *text;
    text++;
    len--;
  } else if (len >= 3 && 0 == memcmp(text, "\xe2\x88\x92", 3)) { /* U+2212 minus sign */
    negative = true;
    text += 3;
    len -= 3;
  }
  struct body b = {.s = text, .n = len};
  enum numeric_rc rc = scan(&b);
  if (NUMERIC_OK != rc) {
    return rc;
  }
  char dec, thou;
  rc = marks(&b, whole_item, &dec, &thou);
  if (NUMERIC_OK != rc) {
    return rc;
  }
  const char *dp = '\0' != dec ? memchr(text, dec, len) : NULL;
  size_t int_len = NULL != dp ? (size_t)(dp - text) : len;
  if (NULL != dp && int_len + 1 == len) {
    return NUMERIC_SEPARATORS; /* "5," : a mark with nothing after it */
  }
  if ('\0' != thou && !grouped(text, int_len, thou)) {
    return NUMERIC_SEPARATORS;
  }
  /* The canonical text: sign, digits, '.', digits; significant digits counted. */
  char canon[NUMERIC_MAX_TEXT + 8];
  size_t n = 0, significant = 0, frac_zeros = 0;
  bool leading = true, in_frac = false;
  canon[n++] = negative ? '-' : '+';
  for (size_t i = 0; i < len; i++) {
    char c = text[i];
    if (&text[i] == dp) {
      canon[n++] = '.';
      in_frac = true;
      continue;
    }
    if (!is_digit(c)) {
      continue; /* a thousands mark */
    }
    canon[n++] = c;
    if (leading && '0' == c) {
      continue;
    }
    leading = false;
    significant++;
    frac_zeros = in_frac && '0' == c ? frac_zeros + 1 : 0;
  }
  canon[n] = '\0';
  if (significant - frac_zeros > NUMERIC_MAX_DIGITS) {
    return NUMERIC_TOO_LONG;
  }
  double v = strtod(canon, NULL);
  *out = 0.0 == v ? 0.0 : v; /* no "-0" */
  return NUMERIC_OK;
}

static const struct {
  const char *name, *message;
} rc_texts[] = {
    [NUMERIC_OK] = {"ok", "The number is valid."},
    [NUMERIC_EMPTY] = {"empty", "No number was given."},
    [NUMERIC_NOT_DIGITS] = {"not_digits", "Write the number in digits, such as 30.000 or 2,5."},
    [NUMERIC_SEPARATORS] = {"separators",
                            "The separators are misplaced: group thousands by three (30.000) "
                            "and use one decimal mark (2,5)."},
    [NUMERIC_AMBIGUOUS] = {"ambiguous", "It is unclear whether the separator marks thousands or "
                                        "decimals: write 1234 or 1234,0 for the whole number, or "
                                        "1,2340 for the decimal."},
    [NUMERIC_TOO_LONG] = {"too_long", "The number has more than 15 digits."},
};

const char *numeric_rc_name(enum numeric_rc rc) {
  return (size_t)rc < sizeof rc_texts / sizeof rc_texts[0] ? rc_texts[rc].name : "invalid";
}

const char *numeric_rc_message(enum numeric_rc rc) {
  return (size_t)rc < sizeof rc_texts / sizeof rc_texts[0] ? rc_texts[rc].message
                                                           : "The number cannot be read.";
}

size_t numeric_format(char *out, size_t outlen, double v, bool decimal_comma) {
  char buf[40];
  if (!isfinite(v) || outlen < 2) {
    return 0;
  }
  int n = snprintf(buf, sizeof buf, "%.15g", 0.0 == v ? 0.0 : v);
  if (n <= 0 || (size_t)n >= sizeof buf - 1 || NULL != strpbrk(buf, "eE")) {
    return 0;
  }
  size_t len = (size_t)n;
  char *point = strchr(buf, '.');
  if (NULL != point) {
    const char *int_start = '-' == buf[0] ? buf + 1 : buf;
    size_t before = (size_t)(point - int_start), after = len - (size_t)(point - buf) - 1;
    if (3 == after && before >= 1 && before <= 3 && '0' != *int_start) {
      buf[len++] = '0'; /* "1.234" could be read as thousands: "1.2340" cannot */
      buf[len] = '\0';
    }
    if (decimal_comma) {
      *point = ',';
    }
  }
  if (len >= outlen) {
    return 0;
  }
  memcpy(out, buf, len + 1);
  return len;
}
