/*
 * Lookups into the error registry (errors.h) and the texts people read for its errors.
 */
#include "http/errors.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "http/i18n.h"

#define UJIKOM_ERR_ROW(name, status, msg) {#name, status, msg},
static const struct {
  const char *upper;
  unsigned status;
  const char *message;
} rows[ERR__MAX] = {UJIKOM_ERRORS(UJIKOM_ERR_ROW)};
#undef UJIKOM_ERR_ROW

/* Lower-case names, computed once at start-up; read-only afterwards. */
static char lower[ERR__MAX][48];

void errors_init(void) {
  for (int e = 0; e < ERR__MAX; e++) {
    size_t i = 0;
    for (; rows[e].upper[i] && i < sizeof(lower[e]) - 1; i++) {
      lower[e][i] = (char)tolower((unsigned char)rows[e].upper[i]);
    }
    lower[e][i] = '\0';
  }
}

const char *err_name(enum err e) {
  if (e >= ERR__MAX) {
    e = ERR_INTERNAL;
  }
  return lower[e];
}

unsigned err_status(enum err e) {
  return e < ERR__MAX ? rows[e].status : 500;
}

const char *err_message(enum err e) {
  return e < ERR__MAX ? rows[e].message : "Internal error.";
}

void err_reason_of(char *out, size_t outlen, const char *detail) {
  size_t n = 0;
  if (NULL != detail && (isalpha((unsigned char)detail[0]) || '_' == detail[0])) {
    while (isalnum((unsigned char)detail[n]) || '_' == detail[n]) {
      n++;
    }
    if (':' != detail[n] && '.' != detail[n] && '[' != detail[n]) {
      n = 0;
    }
  }
  if (0 == outlen) {
    return;
  }
  if (n >= outlen) {
    n = 0;
  }
  memcpy(out, NULL != detail ? detail : "", n);
  out[n] = '\0';
}

const char *err_text(char *buf, size_t buflen, enum err e, const char *lang, const char *reason,
                     const char *detail) {
  const char *name = err_name(e);
  bool en = NULL != lang && 0 == strcmp(lang, "en");
  lang = en ? "en" : "id";
  if (en && NULL != detail) {
    return detail;
  }
  char key[160];
  bool has_reason = NULL != reason && '\0' != reason[0];
  if (has_reason && (size_t)snprintf(key, sizeof key, "reason.%s.%s", name, reason) < sizeof key &&
      i18n_has(lang, key)) {
    return i18n(lang, key);
  }
  snprintf(key, sizeof key, "err.%s_field", name);
  if (has_reason && i18n_has(lang, key) && buflen > 0) {
    const char *tmpl = i18n(lang, key);
    char fkey[160];
    const char *field = reason;
    if ((size_t)snprintf(fkey, sizeof fkey, "field.%s", reason) < sizeof fkey &&
        i18n_has(lang, fkey)) {
      field = i18n(lang, fkey);
    }
    const char *at = strstr(tmpl, "{field}");
    if (NULL != at) {
      snprintf(buf, buflen, "%.*s%s%s", (int)(at - tmpl), tmpl, field, at + 7);
      return buf;
    }
    return tmpl;
  }
  snprintf(key, sizeof key, "err.%s", name);
  return i18n_has(lang, key) ? i18n(lang, key) : err_message(e);
}
