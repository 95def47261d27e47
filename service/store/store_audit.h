/*
 * The audit log: an append-only, hash-chained record of who changed what (decisions,
 * overrides, appeals, account and role changes, extra time, issuance, revocation, keys).
 * Each entry's hash covers its own fields and the previous entry's hash, so editing or
 * deleting any entry is detected by store_audit_verify().
 */
#ifndef UJIKOM_STORE_AUDIT_H
#define UJIKOM_STORE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct store_tx;
struct store_rd;

/* Actor id for entries made by the system or the command line without a user. */
#define STORE_AUDIT_SYSTEM 0

/* Appends one entry inside the caller's transaction, so the change it records and the entry
 * commit together. actor_user_id: the user who acted (STORE_AUDIT_SYSTEM = none).
 * action: a short dotted verb ("review.decision", "user.disable", "attempt.extra_time").
 * subject: what was acted on ("attempt:42", "user:7"). before_json / after_json: JSON
 * texts of the state before and after (either may be NULL). Writes the new entry's seq to
 * *out_seq (may be NULL). Returns STORE_OK or negative. Relies on the serial write
 * transaction (store.h, "Isolation"): it reads the chain's head and appends after it. */
int store_audit_append(struct store_tx *tx, int64_t *out_seq, int64_t actor_user_id,
                       const char *action, const char *subject, const char *before_json,
                       const char *after_json);

/* A point on the chain: the last entry checked and its stored hash. store_audit_mark_start
 * gives the point before the first entry (seq 0, the genesis hash). */
struct store_audit_mark {
  int64_t seq;
  char hash[65];
};
void store_audit_mark_start(struct store_audit_mark *m);

/* How the chain is broken at the first bad entry. */
enum store_audit_fault {
  STORE_AUDIT_INTACT = 0,
  STORE_AUDIT_MISSING,   /* the entry is not there (entries deleted or renumbered) */
  STORE_AUDIT_UNLINKED,  /* it does not carry the previous entry's hash */
  STORE_AUDIT_ALTERED,   /* its hash does not match its content */
  STORE_AUDIT_REWRITTEN, /* an entry checked before is gone or has another hash now */
};

/* Checks, in one read snapshot, up to max entries after *at (max 0: all of them). When *at is
 * past the start, its entry must still be there with the same hash (so a log cut short or
 * re-chained since is seen); each entry after it must carry the next number, link to the
 * previous entry's hash and hash to what it stores. *at moves to the last entry that held.
 * Returns STORE_OK with *out_end telling whether the end of the log was reached;
 * STORE_CONFLICT with *out_first_bad and *out_fault for the first bad entry (why: a one-line
 * reason in English); negative on a read error. why may be NULL. */
int store_audit_check(struct store *s, struct store_audit_mark *at, int64_t max, bool *out_end,
                      int64_t *out_first_bad, enum store_audit_fault *out_fault, char *why,
                      size_t whylen);

/* The whole chain from its start (store_audit_check with no limit). Returns STORE_OK with
 * *out_first_bad = 0 and *out_count = entries checked when intact; STORE_CONFLICT with
 * *out_first_bad = the first seq whose hash, link or numbering is wrong (why: a one-line
 * reason) when broken; negative on a read error. out_count and why may be NULL. */
int store_audit_verify(struct store *s, int64_t *out_first_bad, int64_t *out_count, char *why,
                       size_t whylen);

/* What the audit watch (common/audit_watch.h) found, as kept in the store (migration 0038) so
 * that every node on the database, and the daemon after a restart, knows it. */
struct store_audit_watch {
  int64_t full_at_ms;           /* when the last intact full check ended; 0: none has */
  int64_t full_entries;         /* the entries it checked */
  struct store_audit_mark tail; /* the chain was intact up to here (the start mark: none) */
  int64_t broken_seq;           /* the first break found; 0: none */
  enum store_audit_fault fault; /* how */
  int64_t found_at_ms;          /* when */
};

/* What is kept: STORE_OK with *out, or STORE_NONE with *out empty (no full check and no
 * break yet: zeros and the start mark); negative on a read error. */
int store_audit_watch_get(struct store_rd *rd, struct store_audit_watch *out);
/* Keeps a full check that found the chain intact (full_entries entries, tail the point known
 * intact after it), at the transaction's time; a break kept before is cleared. STORE_OK or
 * negative. */
int store_audit_watch_full(struct store_tx *tx, int64_t full_entries,
                           const struct store_audit_mark *tail);
/* Keeps a break: entry seq, broken as fault, found at the transaction's time (the earlier time
 * is kept when the same break was kept before). STORE_OK or negative. */
int store_audit_watch_broken(struct store_tx *tx, int64_t seq, enum store_audit_fault fault);

/* One entry, as read back. */
struct store_audit_entry {
  int64_t seq;
  int64_t at_ms;
  int64_t actor; /* STORE_AUDIT_SYSTEM when none */
  char action[101];
  char *subject; /* malloc'd */
  char *before;  /* malloc'd or NULL */
  char *after;   /* malloc'd or NULL */
  char hash[65];
};

/* Entries about a subject (NULL = all), newest first, at most limit (1..1000) entries with
 * seq < before_seq (0 = from the newest). On STORE_OK *out is an array of *out_n entries,
 * the caller's to free with store_audit_list_free (also when *out_n is 0). */
int store_audit_list(struct store_rd *rd, struct store_audit_entry **out, size_t *out_n,
                     const char *subject, int64_t before_seq, int limit);
void store_audit_list_free(struct store_audit_entry *list, size_t n);

/* What a search of the audit log keeps; each member NULL / 0 = any. actor_text is matched as
 * store_user_search's text against the acting user's name and e-mail address; action is an
 * action ("user.disable") or a family ending in '.' ("user." = every user.* action);
 * from_ms / to_ms bound the entry's time (from inclusive, to exclusive). */
struct store_audit_filter {
  const char *subject;
  const char *action;
  const char *actor_text;
  int64_t from_ms;
  int64_t to_ms;
};

/* Keyset paging over the log: entries matching f (NULL = all) with seq < before_seq
 * (0 = from the newest), newest first, at most limit (1..1000); with
 * out_more (NULL: not asked), whether more follow, read in the same statement. As
 * store_audit_list. */
int store_audit_search(struct store_rd *rd, struct store_audit_entry **out, size_t *out_n,
                       const struct store_audit_filter *f, int64_t before_seq, int limit,
                       bool *out_more);

#endif
