/*
 * Short-answer normalisation: NFKC + case folding through utf8proc, then whitespace
 * collapsing over code points so that Unicode spaces count as spaces too.
 */
#include "ujikom/exam_text.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static int is_space(utf8proc_int32_t cp) {
  if (cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f') {
    return 1;
  }
  return utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

int exam_text_normalize(char **out, const char *s, size_t len) {
  *out = NULL;
  utf8proc_uint8_t *text = NULL;
  if (len > (size_t)(SIZE_MAX / 8)) {
    return -1;
  }
  utf8proc_ssize_t n =
      utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &text,
                   UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
  if (n < 0) {
    return -1; /* nothing allocated */
  }
  /* White space collapses in place: the text only shrinks, and each character is decoded
   * before anything is written over it. */
  size_t w = 0;
  bool pending_space = false;
  for (utf8proc_ssize_t i = 0, step = 0; i < n; i += step) {
    utf8proc_int32_t cp = 0;
    step = utf8proc_iterate(text + i, n - i, &cp);
    if (step <= 0) {
      free(text);
      return -1;
    }
    if (is_space(cp)) {
      pending_space = w > 0;
      continue;
    }
    if (pending_space) {
      text[w++] = ' ';
      pending_space = false;
    }
    memmove(text + w, text + i, (size_t)step);
    w += (size_t)step;
  }
  text[w] = '\0';
  *out = (char *)text;
  return 0;
}
