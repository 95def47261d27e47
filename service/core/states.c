/*
 * The name/parse pairs of the domain states (ujikom/states.h): the only place their text
 * forms are spelled out in C. Each state is a table of names walked by the same helpers; the
 * functions come in the header's order.
 */
#include "ujikom/states.h"

#include <stddef.h>
#include <string.h>

#define NAMES_N(t) (sizeof(t) / sizeof((t)[0]))

static const char *const verdict_names[] = {
    [VERDICT_K] = "K", [VERDICT_BK] = "BK", [VERDICT_PENDING] = "PENDING", [VERDICT_NONE] = ""};
static const char *const attempt_status_names[] = {
    [ATTEMPT_OPEN] = "open", [ATTEMPT_SUBMITTED] = "submitted", [ATTEMPT_CLOSED] = "closed"};
static const char *const appeal_status_names[] = {
    [APPEAL_OPEN] = "open", [APPEAL_ASSIGNED] = "assigned", [APPEAL_DECIDED] = "decided"};
/* The user roles (bits, so not an index); ROLE_ANON is none of them. */
static const struct {
  enum role role;
  const char *name;
} roles[] = {{ROLE_CANDIDATE, "candidate"}, {ROLE_ASSESSOR, "assessor"}, {ROLE_ADMIN, "admin"}};

/* names[v], or fallback when v is past the table. */
static const char *name_at(const char *const *names, size_t n, unsigned v, const char *fallback) {
  return v < n ? names[v] : fallback;
}

/* The index of s in names, or n when s is NULL or none of them. */
static size_t name_index(const char *const *names, size_t n, const char *s) {
  size_t i = 0;
  while (NULL != s && i < n && 0 != strcmp(s, names[i])) {
    i++;
  }
  return NULL == s ? n : i;
}

/* The indexed states' enums are int-sized (checked here), so one parse serves them all. */
_Static_assert(sizeof(enum verdict) == sizeof(int) && sizeof(enum attempt_status) == sizeof(int) &&
                   sizeof(enum appeal_status) == sizeof(int),
               "state_parse stores an int");

/* Stores the index of s in names into *out, an indexed state's enum; false (and *out
 * untouched) when s is none of the names. */
static bool state_parse(const char *const *names, size_t n, const char *s, void *out) {
  int v = (int)name_index(names, n, s);
  if ((size_t)v >= n) {
    return false;
  }
  memcpy(out, &v, sizeof v);
  return true;
}

const char *verdict_name(enum verdict v) {
  return name_at(verdict_names, NAMES_N(verdict_names), (unsigned)v, "PENDING");
}

bool verdict_parse(const char *s, enum verdict *out) {
  return state_parse(verdict_names, NAMES_N(verdict_names), s, out);
}

const char *attempt_status_name(enum attempt_status s) {
  return name_at(attempt_status_names, NAMES_N(attempt_status_names), (unsigned)s, "open");
}

bool attempt_status_parse(const char *s, enum attempt_status *out) {
  return state_parse(attempt_status_names, NAMES_N(attempt_status_names), s, out);
}

const char *role_name(enum role r) {
  for (size_t i = 0; i < NAMES_N(roles); i++) {
    if (roles[i].role == r) {
      return roles[i].name;
    }
  }
  return "anonymous";
}

bool role_parse(const char *s, enum role *out) {
  for (size_t i = 0; NULL != s && i < NAMES_N(roles); i++) {
    if (0 == strcmp(s, roles[i].name)) {
      *out = roles[i].role;
      return true;
    }
  }
  return false;
}

const char *appeal_status_name(enum appeal_status s) {
  return name_at(appeal_status_names, NAMES_N(appeal_status_names), (unsigned)s, "open");
}

bool appeal_status_parse(const char *s, enum appeal_status *out) {
  return state_parse(appeal_status_names, NAMES_N(appeal_status_names), s, out);
}
