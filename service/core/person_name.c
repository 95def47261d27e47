/*
 * Person names: NFC through utf8proc, then one pass over the code points that refuses what
 * would display differently from what is stored (controls, bidirectional and other
 * invisible format characters) and folds Unicode spaces.
 */
#include "ujikom/person_name.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

_Static_assert(PERSON_NAME_MAX_BYTES == 4 * PERSON_NAME_MAX_CHARS,
               "a code point takes at most four bytes of UTF-8");

static enum person_name_status fail(char *err, size_t errlen, enum person_name_status st,
                                    const char *msg, utf8proc_int32_t cp) {
  if (NULL != err && errlen > 0) {
    if (cp >= 0) {
      snprintf(err, errlen, "%s (U+%04X)", msg, (unsigned)cp);
    } else {
      snprintf(err, errlen, "%s", msg);
    }
  }
  return st;
}

static bool is_bidi_format(utf8proc_int32_t cp) {
  return 0x061C == cp || 0x200E == cp || 0x200F == cp || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

static bool is_invisible(utf8proc_int32_t cp, utf8proc_category_t cat) {
  return UTF8PROC_CATEGORY_CF == cat || 0x034F == cp || 0x115F == cp || 0x1160 == cp ||
         0x3164 == cp || 0xFFA0 == cp;
}

enum person_name_status person_name_normalize(char **out, const char *in, size_t len, char *err,
                                              size_t errlen) {
  *out = NULL;
  if (NULL != err && errlen > 0) {
    err[0] = '\0';
  }
  /* Far above 200 characters of 4 bytes: refuse before normalising megabytes. */
  if (len > 4096) {
    return fail(err, errlen, PERSON_NAME_TOO_LONG, "the name is longer than 200 characters", -1);
  }
  utf8proc_uint8_t *nfc = NULL;
  utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)in, (utf8proc_ssize_t)len, &nfc,
                                    UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_REJECTNA);
  if (n < 0) {
    if (UTF8PROC_ERROR_NOMEM == n) {
      return fail(err, errlen, PERSON_NAME_NOMEM, "out of memory", -1);
    }
    if (UTF8PROC_ERROR_NOTASSIGNED == n) {
      return fail(err, errlen, PERSON_NAME_UNASSIGNED,
                  "the name contains a character that is not assigned in Unicode", -1);
    }
    return fail(err, errlen, PERSON_NAME_INVALID_UTF8, "the name is not valid UTF-8", -1);
  }
  char *res = malloc((size_t)n + 1);
  enum person_name_status st = PERSON_NAME_NOMEM;
  if (NULL == res) {
    fail(err, errlen, st, "out of memory", -1);
    goto cleanup;
  }
  size_t o = 0, chars = 0;
  bool pending_space = false;
  for (utf8proc_ssize_t i = 0; i < n;) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t step = utf8proc_iterate(nfc + i, n - i, &cp);
    if (step <= 0) {
      st = fail(err, errlen, PERSON_NAME_INVALID_UTF8, "the name is not valid UTF-8", -1);
      goto cleanup;
    }
    i += step;
    utf8proc_category_t cat = utf8proc_category(cp);
    if (UTF8PROC_CATEGORY_CC == cat || 0x2028 == cp || 0x2029 == cp) {
      st = fail(err, errlen, PERSON_NAME_CONTROL, "the name contains a control character", cp);
      goto cleanup;
    }
    if (is_bidi_format(cp)) {
      st = fail(err, errlen, PERSON_NAME_BIDI,
                "the name contains a bidirectional formatting character", cp);
      goto cleanup;
    }
    if (is_invisible(cp, cat)) {
      st = fail(err, errlen, PERSON_NAME_INVISIBLE, "the name contains an invisible character", cp);
      goto cleanup;
    }
    if (UTF8PROC_CATEGORY_CO == cat || UTF8PROC_CATEGORY_CN == cat || UTF8PROC_CATEGORY_CS == cat) {
      st = fail(err, errlen, PERSON_NAME_UNASSIGNED,
                "the name contains a private-use or unassigned character", cp);
      goto cleanup;
    }
    if (UTF8PROC_CATEGORY_ZS == cat) {
      pending_space = chars > 0; /* leading spaces vanish; inner runs become one */
      continue;
    }
    if (pending_space) {
      res[o++] = ' ';
      chars++;
      pending_space = false;
    }
    memcpy(res + o, nfc + i - step, (size_t)step);
    o += (size_t)step;
    chars++;
  }
  res[o] = '\0';
  if (0 == chars) {
    st = fail(err, errlen, PERSON_NAME_EMPTY, "the name is empty", -1);
    goto cleanup;
  }
  if (chars > PERSON_NAME_MAX_CHARS) {
    st = fail(err, errlen, PERSON_NAME_TOO_LONG, "the name is longer than 200 characters", -1);
    goto cleanup;
  }
  *out = res;
  res = NULL;
  st = PERSON_NAME_OK;
cleanup:
  free(res);
  free(nfc);
  return st;
}

enum person_name_status person_name_for_record(char **out, const char *in, size_t len, char *err,
                                               size_t errlen) {
  enum person_name_status st = person_name_normalize(out, in, len, err, errlen);
  if (PERSON_NAME_OK != st || strlen(*out) <= PERSON_NAME_MAX_BYTES) {
    return st;
  }
  /* Unreachable: 200 code points take at most 800 bytes. Refused rather than cut. */
  free(*out);
  *out = NULL;
  return fail(err, errlen, PERSON_NAME_TOO_LONG, "the name is longer than 200 characters", -1);
}

bool person_name_is_record(const char *s) {
  char *norm = NULL;
  bool same = PERSON_NAME_OK == person_name_for_record(&norm, s, strlen(s), NULL, 0) &&
              0 == strcmp(norm, s);
  free(norm);
  return same;
}
