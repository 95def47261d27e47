/*
 * The name/parse pairs of the domain states (ujikom/states.h): the only place their text
 * forms are spelled out in C.
 */
#include "ujikom/states.h"

#include <stddef.h>
#include <string.h>

static const char *const verdict_names[] = {
    [VERDICT_K] = "K", [VERDICT_BK] = "BK", [VERDICT_PENDING] = "PENDING", [VERDICT_NONE] = ""};

const char *verdict_name(enum verdict v) {
  if ((unsigned)v < sizeof verdict_names / sizeof verdict_names[0]) {
    return verdict_names[v];
  }
  return "PENDING";
}

bool verdict_parse(const char *s, enum verdict *out) {
  if (NULL == s) {
    return false;
  }
  for (size_t i = 0; i < sizeof verdict_names / sizeof verdict_names[0]; i++) {
    if (0 == strcmp(s, verdict_names[i])) {
      *out = (enum verdict)i;
      return true;
    }
  }
  return false;
}

static const char *const attempt_status_names[] = {
    [ATTEMPT_OPEN] = "open", [ATTEMPT_SUBMITTED] = "submitted", [ATTEMPT_CLOSED] = "closed"};

const char *attempt_status_name(enum attempt_status s) {
  if ((unsigned)s < sizeof attempt_status_names / sizeof attempt_status_names[0]) {
    return attempt_status_names[s];
  }
  return "open";
}

bool attempt_status_parse(const char *s, enum attempt_status *out) {
  if (NULL == s) {
    return false;
  }
  for (size_t i = 0; i < sizeof attempt_status_names / sizeof attempt_status_names[0]; i++) {
    if (0 == strcmp(s, attempt_status_names[i])) {
      *out = (enum attempt_status)i;
      return true;
    }
  }
  return false;
}

const char *role_name(enum role r) {
  switch (r) {
  case ROLE_CANDIDATE:
    return "candidate";
  case ROLE_ASSESSOR:
    return "assessor";
  case ROLE_ADMIN:
    return "admin";
  case ROLE_ANON:
    break;
  }
  return "anonymous";
}

bool role_parse(const char *s, enum role *out) {
  static const enum role roles[] = {ROLE_CANDIDATE, ROLE_ASSESSOR, ROLE_ADMIN};
  if (NULL == s) {
    return false;
  }
  for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
    if (0 == strcmp(s, role_name(roles[i]))) {
      *out = roles[i];
      return true;
    }
  }
  return false;
}

static const char *const appeal_status_names[] = {
    [APPEAL_OPEN] = "open", [APPEAL_ASSIGNED] = "assigned", [APPEAL_DECIDED] = "decided"};

const char *appeal_status_name(enum appeal_status s) {
  if ((unsigned)s < sizeof appeal_status_names / sizeof appeal_status_names[0]) {
    return appeal_status_names[s];
  }
  return "open";
}

bool appeal_status_parse(const char *s, enum appeal_status *out) {
  if (NULL == s) {
    return false;
  }
  for (size_t i = 0; i < sizeof appeal_status_names / sizeof appeal_status_names[0]; i++) {
    if (0 == strcmp(s, appeal_status_names[i])) {
      *out = (enum appeal_status)i;
      return true;
    }
  }
  return false;
}
