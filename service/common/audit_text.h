/*
 * The text of an audit entry's before/after state: compact JSON with sorted keys, so the
 * same state always hashes the same in the audit chain. One writer for every caller in the
 * application layer.
 */
#ifndef UJIKOM_AUDIT_TEXT_H
#define UJIKOM_AUDIT_TEXT_H

#include <jansson.h>
#include <stdint.h>

#include "store/store.h"

/* Writes j as compact JSON with sorted keys and releases j (NULL allowed: returns NULL).
 * Returns malloc'd text (free()) or NULL when j is NULL or memory ran out. */
char *audit_text(json_t *j);

/* Appends, in this transaction, the audit entry of a change to the record "<kind>:<id>"
 * (its subject), made by actor: the states before and after, each written by audit_text
 * (which releases them). A state that is NULL or cannot be written (out of memory) is
 * STORE_HARD, so that a change is never recorded half. Otherwise store_audit_append's
 * result. */
int audit_change(struct store_tx *tx, int64_t actor, const char *action, const char *kind,
                 int64_t id, json_t *before, json_t *after);

/* The same for a new record: nothing before it, after as audit_change takes it. */
int audit_creation(struct store_tx *tx, int64_t actor, const char *action, const char *kind,
                   int64_t id, json_t *after);

/* Appends an entry about account user_id ("user:<id>") with after as its after-state (taken
 * and released; NULL: out of memory) inside the caller's transaction: audit_creation for the
 * record "user:<user_id>". */
int audit_user_entry(struct store_tx *tx, int64_t actor, const char *action, int64_t user_id,
                     json_t *after);

#endif
