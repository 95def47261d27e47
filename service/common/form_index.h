/*
 * Which items the form of each recently used attempt holds. Saving an answer only needs to
 * know that the item is in the candidate's form and what kind of item it is; rebuilding the
 * whole form from its stored JSON for that took more than half of a save's CPU. Forms never
 * change once drawn, so what is cached never goes stale.
 */
#ifndef UJIKOM_FORM_INDEX_H
#define UJIKOM_FORM_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "ujikom/exam.h"
#include "ujikom/exam_form.h"

struct form_index; /* thread-safe */

/* A cache of `slots` attempts (rounded up to a power of two, at most 2^22); a newer attempt
 * replaces an older one in its slot. Returns 0 and *out (free with form_index_free), or -1
 * when out of memory or slots is out of range. */
int form_index_new(struct form_index **out, size_t slots);
/* Frees the cache; NULL allowed. */
void form_index_free(struct form_index *fx);

/* Looks item_id up in the cached form of attempt_id, drawn from exam version `version`.
 * Returns 1 and *out_item when the form holds the item, 0 when it does not, -1 when that
 * attempt's form is not cached (fx NULL included): build the form and form_index_put it. */
int form_index_find(struct form_index *fx, const struct exam_item **out_item, int64_t attempt_id,
                    const char *version, const char *item_id);

/* Remembers the items of form as attempt_id's. The items are borrowed: they must live as
 * long as the cache (the exam catalogue keeps every version it loaded until it is freed).
 * Returns 0, or -1 when fx is NULL or memory runs out (nothing is cached then). */
int form_index_put(struct form_index *fx, int64_t attempt_id, const char *version,
                   const struct exam_form *form);

#endif
