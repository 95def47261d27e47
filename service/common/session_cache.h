/*
 * The sessions a process read, kept so that a request's authentication does not read the
 * session and its user from the store again: a request of a logged-in candidate (the exam
 * form, an answer save) otherwise spends a fifth of its time on that look-up, nearly all of
 * it fetching the pages of a session and a user met at random among thousands.
 *
 * Why it cannot go stale: every entry carries the session state generation it was read with,
 * in the same statement as the session (store_session_state_generation, migration 0035), and
 * is used only while the store's generation is the same. Triggers raise the generation in the
 * transaction of any write that could end a session or change what is read with it (a
 * log-out, a log-out everywhere, a password change, an account disabled or its role, name or
 * e-mail changed, a check-in session's schedule changed), whichever process writes it: the
 * daemon, the `ujikom` CLI on the same SQLite file, another node on the same PostgreSQL
 * database, an SQL shell. A hit still reads the generation (a one-row statement in the
 * request's read transaction, whose page stays cached) instead of the session's and the
 * user's rows. A session's touch (last use, idle expiry) does not raise it: those only move
 * later, so an entry that kept older ones is stricter than the store. An entry whose idle
 * or hard expiry has passed is not used (the store is read, and decides), and one whose last
 * use is older than the touch interval is used as read and touched as before.
 */
#ifndef UJIKOM_SESSION_CACHE_H
#define UJIKOM_SESSION_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct session_cache; /* thread-safe */

/* A cache of up to `slots` sessions (rounded up to a power of two, at least 8, at most
 * 2^20), in sets of 8, each entry 256 bytes of one block whose pages are taken as they are used. 0
 * and *out (session_cache_free), or -1 (out of memory, bad size). */
int session_cache_new(struct session_cache **out, size_t slots);
/* NULL allowed. */
void session_cache_free(struct session_cache *c);

/* Looks the session of token_hash up and, when there is an entry not expired at now_ms,
 * reads the store's generation in rd: STORE_OK with *out_session and *out_user filled as
 * store_session_user_get fills them when the entry was read at that generation; STORE_NONE
 * when there is no such entry (c NULL included), it has expired, or the generation moved on
 * (the entry is dropped); negative on a store error. */
int session_cache_get(struct session_cache *c, struct store_session *out_session,
                      struct store_user *out_user, const char *token_hash, int64_t now_ms,
                      struct store_rd *rd);
/* Keeps a copy of s and u as store_session_user_get read them (s->generation read in the
 * same statement); replaces the entry of the same session, or the oldest of its set. Nothing
 * is kept when c is NULL, a newer read of the session is there, or the user's e-mail, name
 * and the scope's exam together exceed the 154 bytes an entry holds (that session is then
 * read from the store each time). */
void session_cache_put(struct session_cache *c, const struct store_session *s,
                       const struct store_user *u);
/* A touch of the session committed: its entry (if any) takes the new last use and idle
 * expiry, so that the next requests do not touch it again within the interval. */
void session_cache_touched(struct session_cache *c, const char *token_hash, int64_t last_seen_ms,
                           int64_t expires_ms);

/* Counters since session_cache_new: look-ups answered, and not (c NULL: zero). */
void session_cache_counts(const struct session_cache *c, uint64_t *hits, uint64_t *misses);

#endif
