/*
 * What a candidate keeps beside the answers: items flagged for review in an attempt, and the
 * account's time zone. The store only keeps; who may flag what, and when, is the attempts
 * module's rule (service/common/attempts.c).
 */
#ifndef UJIKOM_STORE_CANDIDATE_H
#define UJIKOM_STORE_CANDIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store_tx;
struct store_rd;

/* Flags (flagged true) or unflags item_id of an open attempt; idempotent. STORE_OK,
 * STORE_NONE (no such attempt), STORE_CONFLICT (no longer open), or negative. */
int store_flag_set(struct store_tx *tx, int64_t attempt_id, const char *item_id, bool flagged,
                   int64_t now_ms);

struct store_flag {
  char item_id[65];
};
/* The flagged items of an attempt, ordered by item id: STORE_OK with *out of *out_n (NULL
 * when none; free with store_flags_free), or negative. */
int store_flags_get(struct store_rd *rd, struct store_flag **out, size_t *out_n,
                    int64_t attempt_id);
void store_flags_free(struct store_flag *list, size_t n);

/* The account's time zone name ("WIB", "WITA", "WIT") into buf: STORE_OK, STORE_NONE when the
 * account has not chosen one, or negative. */
int store_user_time_zone_get(struct store_rd *rd, int64_t user_id, char *buf, size_t buflen);
/* Sets it (one of the three names; anything else is STORE_HARD). STORE_OK or negative. */
int store_user_time_zone_set(struct store_tx *tx, int64_t user_id, const char *zone);

#endif
