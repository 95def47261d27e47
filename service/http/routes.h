/*
 * The route table: every endpoint is one row (method, pattern, roles, handler).
 * The dispatcher matches it; tests read it (the role x route matrix).
 */
#ifndef UJIKOM_ROUTES_H
#define UJIKOM_ROUTES_H

#include <stddef.h>

#include "http/http.h"

enum route_flags {
  ROUTE_NO_CSRF = 1u << 0, /* state-changing but safe without a CSRF token (e.g. login) */
  ROUTE_HTML = 1u << 1,    /* a page: anonymous users are redirected to /login, not 401 */
  ROUTE_HASHES = 1u << 2,  /* hashes a password: runs on the password threads, not a writer's */
  ROUTE_FORM = 1u << 3,    /* a page form acting through the API handler of the row: its
                              fields become that handler's JSON body (h_page_form_bridge) */
  /* reachable by staff who must still enrol a second factor (--staff-2fa required): the
   * enrolment, logging out, who am I */
  ROUTE_BEFORE_2FA = 1u << 4,
  /* the same answer for everyone (static assets): no session is looked up, so a logged-in
   * user's request keeps the handler's Cache-Control instead of no-store; ROLE_ANY only */
  ROUTE_PUBLIC = 1u << 5,
  /* takes a chunk of an evidence upload as its raw body: up to EVIDENCE_CHUNK_MAX bytes
   * whatever --max-body says */
  ROUTE_UPLOAD = 1u << 6,
  /* a read whose answer depends on the session: the session is read in a read transaction
   * that is kept open for the handler to take (req_take_read), so both read one snapshot and
   * the request takes the store's read locks once */
  ROUTE_SHARED_READ = 1u << 7,
  /* takes an item bank file as its raw body: up to ITEMBANK_MAX_INPUT bytes whatever
   * --max-body says (administrators only) */
  ROUTE_ITEM_BANK = 1u << 8,
  /* Reachable by a check-in session (common/checkin.h), which reaches nothing else (deny by
   * default: a new route is not reachable by one unless it says so here). ROUTE_CHECKIN: with
   * no parameter to check (log-out, the CSRF refresh, the language switch, the pages of
   * check-in and log-in); the others check the route's first parameter: the schedule's exam
   * (ROUTE_CHECKIN_EXAM), the attempt started under the schedule (ROUTE_CHECKIN_ATTEMPT), an
   * evidence upload of that attempt (ROUTE_CHECKIN_UPLOAD). */
  ROUTE_CHECKIN = 1u << 9,
  ROUTE_CHECKIN_EXAM = 1u << 10,
  ROUTE_CHECKIN_ATTEMPT = 1u << 11,
  ROUTE_CHECKIN_UPLOAD = 1u << 12,
  /* its write goes to the store's group commit without a thread waiting for it
   * (store_txn_async, req_defer): when the store queues writes, it runs on the
   * libmicrohttpd worker, which goes on serving while the write commits; otherwise on a
   * writer thread like any other write */
  ROUTE_QUEUES_WRITE = 1u << 13,
};
#define ROUTE_CHECKIN_ANY                                                                          \
  (ROUTE_CHECKIN | ROUTE_CHECKIN_EXAM | ROUTE_CHECKIN_ATTEMPT | ROUTE_CHECKIN_UPLOAD)

struct route {
  const char *method;  /* GET, POST, PUT, DELETE (HEAD is served by GET routes) */
  const char *pattern; /* "/api/attempts/:id"; a final "*" segment captures the rest */
  unsigned roles;      /* mask of enum role */
  unsigned flags;      /* mask of enum route_flags */
  handler_fn handler;
};

extern const struct route routes[];
extern const size_t routes_count;

enum route_match { ROUTE_FOUND, ROUTE_NOT_FOUND, ROUTE_BAD_METHOD };

/* Indexes the table by prefix, once, at start-up (http_init), before any thread matches;
 * routes_match finds nothing before it. */
void routes_init(void);

/* Finds the route for method+path; on ROUTE_FOUND fills params (pointers into scratch,
 * which must hold a copy of path of at least strlen(path)+1 bytes). */
enum route_match routes_match(const char *method, const char *path, char *scratch,
                              const struct route **out, const char *params[REQ_MAX_PARAMS],
                              size_t *nparams);

#endif
