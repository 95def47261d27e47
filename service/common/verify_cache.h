/*
 * What online verification proved about a certificate, kept per process so that scanning
 * the same QR code again (or looking the same number up again) does not redo the proof: the
 * certificate's row as read, after its register seal held under the keys in use (the seal
 * binds the record, the display text and the token: common/verify.c), with where the
 * transparency log recorded its issuance.
 *
 * Why it cannot go stale: every entry carries the certificate state generation it was read
 * with, in the same snapshot as the row (store_cert_state_generation, migration 0032), and
 * is used only while the store's generation is the same. Triggers raise the generation in
 * the transaction of any write that could change a verdict about a certificate already in
 * the register (status, reasons, content, log entries), whichever process writes it: the
 * daemon, the `ujikom` CLI on the same SQLite file, another node on the same PostgreSQL
 * database, an SQL shell. A hit still reads the generation (one one-row statement in a read
 * transaction) instead of the row, its overflow page and the log index. Only rows whose
 * seal held and whose issuance is logged are kept (a failure is never cached), and only for
 * the keystore they were checked under (keys: its keystore_id; SIGHUP installs a new one).
 * What depends on the time or on the keys' state (expiry, not yet valid, key compromise) is
 * judged again on every request. When the cache is full, a certificate displaces another
 * only on its second request (verify_cache_put).
 */
#ifndef UJIKOM_VERIFY_CACHE_H
#define UJIKOM_VERIFY_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct verify_cache; /* thread-safe */

/* What an entry's seal proved: the QR token's row (the brief row, as
 * store_cert_by_serial_logged reads it) or the stored credential's (the full row). */
enum verify_cache_form { VERIFY_CACHE_QR = 0, VERIFY_CACHE_SERIAL = 1 };

/* A cache of up to `slots` certificates (rounded up to a power of two, at least 4, at most
 * 2^20), in sets of 4. 0 and *out (verify_cache_free), or -1 (out of memory, bad size). */
int verify_cache_new(struct verify_cache **out, size_t slots);
/* NULL allowed. */
void verify_cache_free(struct verify_cache *c);

/* Looks up serial's entry for form, proved under keys, and, when there is one, reads the
 * store's generation in rd: STORE_OK and *out (a copy: store_cert_clear(&out->cert)) when
 * the entry was read at that generation; STORE_NONE when there is no such entry (c NULL
 * included) or the generation moved on (the entry is dropped); negative on a store error. */
int verify_cache_get(struct verify_cache *c, struct store_cert_logged *out,
                     enum verify_cache_form form, const char *serial, uint64_t keys,
                     struct store_rd *rd);
/* Keeps in (its generation read in the same snapshot as the row), whose seal for form held
 * under keys and whose issuance is logged, taking its texts (in->cert is left cleared);
 * replaces the entry of the same serial and form, else takes a free way of its set or one
 * read at an older generation than in's, else replaces the oldest of its set if the same
 * serial and form was turned away before (and not forgotten since: the table of keys turned
 * away holds four per slot, the newest in each place), else is turned away (admission: a
 * certificate asked for once does not push out one asked for again). Nothing is kept (the
 * texts are freed) when turned away, when in is not logged, c is NULL, or memory runs out. */
void verify_cache_put(struct verify_cache *c, struct store_cert_logged *in,
                      enum verify_cache_form form, uint64_t keys);

/* Counters since verify_cache_new: look-ups answered, and not; puts turned away (c NULL:
 * zero). */
void verify_cache_counts(const struct verify_cache *c, uint64_t *hits, uint64_t *misses,
                         uint64_t *refused);

#endif
