/*
 * Lookups into the error registry (errors.h).
 */
#include "http/errors.h"

#include <ctype.h>
#include <stddef.h>

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
