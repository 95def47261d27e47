/*
 * The text of an audit entry's before/after state: compact JSON with sorted keys, so the
 * same state always hashes the same in the audit chain. One writer for every caller in the
 * application layer.
 */
#ifndef UJIKOM_AUDIT_TEXT_H
#define UJIKOM_AUDIT_TEXT_H

#include <jansson.h>
#include <stdint.h>

/* Writes j as compact JSON with sorted keys and releases j (NULL allowed: returns NULL).
 * Returns malloc'd text (free()) or NULL when j is NULL or memory ran out. */
char *audit_text(json_t *j);

/* Appends an entry about account user_id ("user:<id>") with after as its after-state (taken
 * and released; NULL: out of memory) inside the caller's transaction: STORE_OK, STORE_HARD
 * when the text cannot be made, or store_audit_append's failure. */
struct store_tx;
int audit_user_entry(struct store_tx *tx, int64_t actor, const char *action, int64_t user_id,
                     json_t *after);

#endif
