/*
 * Where a certificate's row and the log's record of its issuance are, kept per process for
 * the verification look-up (store_cert_by_serial_logged on SQLite; docs/performance.md,
 * change 31). A location is a hint, never an answer: the row is read again by its rowid in
 * the request's snapshot, and taken only when its serial is the one asked for and the
 * certificate state generation read beside it is the one the location was read at (any
 * update or deletion of a certificate row or a log entry raises it, migration 0032). A
 * stale, evicted or colliding location — or one whose rowid a VACUUM gave another row, which
 * moves no generation (log positions are the log's own keys and do not move) — costs the
 * look-up by serial, nothing else.
 *
 * A fixed-size, 8-way set-associative table of 40-byte slots keyed by a hash of the serial,
 * with striped locks. Thread-safe.
 */
#ifndef UJIKOM_STORE_CERT_LOCATOR_H
#define UJIKOM_STORE_CERT_LOCATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cert_location {
  int64_t rowid;      /* of the certificate's row */
  uint64_t log_index; /* the log entry recording its issuance */
  int64_t logged_ms;  /* when that entry was appended */
  int64_t generation; /* the certificate state generation all of it was read at */
};

struct cert_locator;

/* Slots for at least `certificates` locations (a power of two, at least 1.125 times as many,
 * from 65,536 to 1,048,576 slots of 40 bytes: at most 42 MB; a larger register keeps the
 * locations of the certificates looked up last). 0, or -1 when out of memory. */
int cert_locator_new(struct cert_locator **out, size_t certificates);
void cert_locator_free(struct cert_locator *l); /* l may be NULL */

/* The location kept for serial: true and *out, or false. */
bool cert_locator_get(struct cert_locator *l, const char *serial, struct cert_location *out);
/* Keeps where serial is, replacing what was kept for it, else another location of its set. */
void cert_locator_put(struct cert_locator *l, const char *serial, const struct cert_location *in);
/* Look-ups that found a location, and that did not, since l was made. */
void cert_locator_counts(struct cert_locator *l, uint64_t *found, uint64_t *missed);
size_t cert_locator_slots(const struct cert_locator *l);

#endif
