/*
 * Short-answer normalisation: NFKC + case folding through utf8proc, then whitespace
 * collapsing over code points so that Unicode spaces count as spaces too.
 */
#include "ujikom/exam_text.h"

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
  utf8proc_uint8_t *mapped = NULL;
  char *res = NULL;
  int rc = -1;
  if (len > (size_t)(SIZE_MAX / 8)) {
    goto cleanup;
  }
  utf8proc_ssize_t n =
      utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &mapped,
                   UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
  if (n < 0) {
    mapped = NULL;
    goto cleanup;
  }
  res = malloc((size_t)n + 1);
  if (res == NULL) {
    goto cleanup;
  }
  size_t w = 0;
  int pending_space = 0;
  utf8proc_ssize_t i = 0;
  while (i < n) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t step = utf8proc_iterate(mapped + i, n - i, &cp);
    if (step <= 0) {
      goto cleanup;
    }
    if (is_space(cp)) {
      pending_space = w > 0;
    } else {
      if (pending_space) {
        res[w++] = ' ';
        pending_space = 0;
      }
      memcpy(res + w, mapped + i, (size_t)step);
      w += (size_t)step;
    }
    i += step;
  }
  res[w] = '\0';
  *out = res;
  res = NULL;
  rc = 0;
cleanup:
  free(res);
  free(mapped);
  return rc;
}
