/*
 * Moving a service between backends: `ujikom store copy --from DB --to DB`. The copy runs in
 * one write transaction on the destination, reading the source in one snapshot, so the
 * destination has all of it or nothing. Verify it with store_table_sums on both sides.
 */
#ifndef UJIKOM_STORE_COPY_H
#define UJIKOM_STORE_COPY_H

#include <stddef.h>
#include <stdint.h>

#define STORE_COPY_TABLES 48

/* One table's rows and the XOR of the SHA-256 of each row's typed values: equal sums mean
 * equal contents, whichever backend holds them. */
struct store_table_sum {
  const char *table;
  int64_t rows;
  unsigned char digest[32];
};

/* Copies every row of every table of from (at the latest schema, read in one snapshot) into
 * to (migrated, empty), in one transaction: STORE_OK with the rows copied in *out_rows (may be
 * NULL); STORE_CONFLICT when to is not empty or already has a row; STORE_HARD when a table's
 * columns are not the ones this program knows; another negative store_rc otherwise. err says
 * which table. */
int store_copy(struct store *from, struct store *to, int64_t *out_rows, char *err, size_t errlen);

/* The sums of every table of s, in one snapshot, in the copy's order. STORE_OK or negative
 * (err says why). */
int store_table_sums(struct store *s, struct store_table_sum out[STORE_COPY_TABLES], char *err,
                     size_t errlen);

/* The name of table i of the copy (NULL past the last). */
const char *store_copy_table_name(size_t i);

#endif
