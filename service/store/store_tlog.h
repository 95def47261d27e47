/*
 * The transparency log in the store: entries appended inside the caller's transaction
 * (index = the number of entries before it, no gaps), never changed or deleted; their leaf
 * hashes and bytes read by range for tiles and proofs; the signed checkpoints published;
 * and the look-ups that tie the log to the certificate register (what is issued but not
 * logged). What an entry says is the application's (common/certlog.h).
 */
#ifndef UJIKOM_STORE_TLOG_H
#define UJIKOM_STORE_TLOG_H

#include <stddef.h>
#include <stdint.h>

struct store_tx;
struct store_rd;

#define STORE_TLOG_HASH_LEN  32
#define STORE_TLOG_ENTRY_MAX 65535

/* Appends one entry at index = the current number of entries, inside tx. leaf: its RFC 9162
 * leaf hash (32 bytes). event: "issue", "revoke", "suspend" or "reinstate". Writes the index
 * to *out_index (may be NULL). STORE_OK; STORE_EXISTS when serial already has an issue entry
 * and event is "issue"; negative otherwise. Relies on the serial write transaction
 * (store.h, "Isolation"): it reads the count and appends after it. */
int store_tlog_append(struct store_tx *tx, uint64_t *out_index, const void *entry, size_t len,
                      const unsigned char leaf[STORE_TLOG_HASH_LEN], const char *serial,
                      const char *event, int64_t at_ms);

/* The number of entries. STORE_OK or negative. */
int store_tlog_size(struct store_rd *rd, uint64_t *out);

/* The leaf hashes of entries [from, from + n) into out (n * 32 bytes). STORE_OK; STORE_NONE
 * when the log has fewer entries; negative. */
int store_tlog_leaves(struct store_rd *rd, unsigned char *out, uint64_t from, size_t n);

/* One entry as read back. */
struct store_tlog_entry {
  uint64_t index;
  unsigned char *entry; /* malloc'd, len bytes */
  size_t len;
  unsigned char leaf[STORE_TLOG_HASH_LEN];
  char serial[65];
  char event[10];
  int64_t at_ms;
};

/* Entries from index `from` on, in order, at most limit (1..1000). On STORE_OK *out is an array
 * of *out_n entries to free with store_tlog_entries_free. */
int store_tlog_entries(struct store_rd *rd, struct store_tlog_entry **out, size_t *out_n,
                       uint64_t from, int limit);
void store_tlog_entries_free(struct store_tlog_entry *list, size_t n);

/* Where serial's issue entry is: STORE_OK with *out_index and *out_at_ms, STORE_NONE, or
 * negative. */
int store_tlog_issued(struct store_rd *rd, const char *serial, uint64_t *out_index,
                      int64_t *out_at_ms);

/* Stores the signed checkpoint of a tree of `size` entries. STORE_OK; STORE_EXISTS when that
 * size has one already (it stays); negative. */
int store_tlog_checkpoint_put(struct store_tx *tx, uint64_t size, const char *note);
/* The newest stored checkpoint: STORE_OK with *out_size and *out_note (malloc'd, free()),
 * STORE_NONE when none is stored, or negative. */
int store_tlog_checkpoint_latest(struct store_rd *rd, uint64_t *out_size, char **out_note);

/* A certificate serial in a list below. */
struct store_tlog_serial {
  char serial[26];
};
/* Certificates that predate the log (listed when it was created) and have no issue entry
 * yet, in issue order, at most limit (1..1000). */
int store_tlog_backfill_pending(struct store_rd *rd, struct store_tlog_serial **out, size_t *out_n,
                                int limit);
/* The listed certificate's issuance is in the log: takes it off the list (in the transaction
 * that appended it, or found it appended). */
int store_tlog_backfill_done(struct store_tx *tx, const char *serial);
/* Takes off the list every certificate whose issuance is in the log already (lists that
 * versions before the list was emptied as it went left full). */
int store_tlog_backfill_settle(struct store_tx *tx);
/* Every certificate of the register without an issue entry in the log, in issue order, at
 * most limit (1..1000): a row written around the service (or not yet backfilled). */
int store_tlog_unlogged(struct store_rd *rd, struct store_tlog_serial **out, size_t *out_n,
                        int limit);
void store_tlog_serials_free(struct store_tlog_serial *list, size_t n);

/* A certificate whose status in the register is not what its log entries say. */
struct store_tlog_status {
  char serial[26];
  char status[10]; /* the register's: "valid", "revoked" or "suspended" */
  char logged[10]; /* what its last revoke/suspend/reinstate entry makes it ("valid": none) */
};
/* Every logged certificate whose register status differs from its log's, in issue order, at
 * most limit (1..1000): a status changed around the service (e.g. a revocation undone with
 * sqlite3). Free with store_tlog_statuses_free. */
int store_tlog_status_differs(struct store_rd *rd, struct store_tlog_status **out, size_t *out_n,
                              int limit);
void store_tlog_statuses_free(struct store_tlog_status *list, size_t n);

#endif
