/*
 * The domain's states as enums, each with one name/parse pair: the text form appears only at
 * the edges (the store's column values, JSON and HTML output, the command line). The names
 * are the stored values; they never change.
 */
#ifndef UJIKOM_STATES_H
#define UJIKOM_STATES_H

#include <stdbool.h>

/* An attempt's (or a unit's) verdict. VERDICT_NONE: no verdict yet (an open attempt). */
enum verdict { VERDICT_K, VERDICT_BK, VERDICT_PENDING, VERDICT_NONE };

/* "K", "BK", "PENDING", or "" for VERDICT_NONE. */
const char *verdict_name(enum verdict v);
/* "K", "BK", "PENDING" or "" (VERDICT_NONE); false (and *out untouched) for anything else. */
bool verdict_parse(const char *s, enum verdict *out);

/* An attempt's status: open, submitted (finished by the candidate) or closed (finished at
 * the deadline). */
enum attempt_status { ATTEMPT_OPEN, ATTEMPT_SUBMITTED, ATTEMPT_CLOSED };

/* "open", "submitted", "closed". */
const char *attempt_status_name(enum attempt_status s);
bool attempt_status_parse(const char *s, enum attempt_status *out);

/* A user's role. The values are bits so that a route can allow a set of them; ROLE_ANON
 * ("no session needed") is a route's role only and never a user's. */
enum role {
  ROLE_ANON = 1u << 0,
  ROLE_CANDIDATE = 1u << 1,
  ROLE_ASSESSOR = 1u << 2,
  ROLE_ADMIN = 1u << 3,
};

/* "candidate", "assessor", "admin" ("anonymous" for ROLE_ANON, which never parses). */
const char *role_name(enum role r);
/* The three user roles only. */
bool role_parse(const char *s, enum role *out);

/* An appeal's status: open, assigned to an assessor, decided. */
enum appeal_status { APPEAL_OPEN, APPEAL_ASSIGNED, APPEAL_DECIDED };

/* "open", "assigned", "decided". */
const char *appeal_status_name(enum appeal_status s);
bool appeal_status_parse(const char *s, enum appeal_status *out);

#endif
