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

/* How an entry reads for people. key: the catalogue key of its action, "audit.<action>"
 * ("audit.user.disable"), or "audit.other" for an action this version has no words for (the
 * page then shows the action itself). field / value: one telling member of the after-state
 * (the first of audit_telling_fields that it has:
 * field "" when none), its value as text; the page words the field as "audit.field.<field>". */
struct audit_description {
  char key[112];
  char field[16];
  char value[256];
};
void audit_describe(struct audit_description *out, const char *action, const char *after_json);

/* The members of an after-state audit_describe tells, in the order it looks for them, up to
 * NULL (each has its name, "audit.field.<field>"). */
extern const char *const audit_telling_fields[];

/* The actions the audit log's viewer offers as a filter (each has its words), up to NULL. */
extern const char *const audit_known_actions[];

#endif
