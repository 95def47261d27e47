/*
 * The drawn forms of recently used attempts, and the pre-serialised candidate view of each
 * exam version. Saving an answer only needs to know that the item is in the candidate's
 * form and what kind of item it is, and reading the form only needs its order of items and
 * options: rebuilding the form from its stored JSON for that took more than half of a save's
 * CPU, and building and dumping the candidate view nearly all of a form read's.
 *
 * Nothing here can go stale: a form never changes once drawn (the store has no operation
 * that rewrites an attempt's form), an entry is keyed by attempt id AND exam version, and an
 * exam version is the hash of its source, so the exam a view was made from is the only text
 * that version can ever have. A missing entry is rebuilt from the store.
 */
#ifndef UJIKOM_FORM_INDEX_H
#define UJIKOM_FORM_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ujikom/exam.h"
#include "ujikom/exam_form.h"

struct form_index; /* thread-safe */

/* A cache of up to `slots` attempts' forms (rounded up to a power of two, at least 8, at
 * most 2^22), in sets of 8: an attempt is evicted only when 8 others that share its set are
 * newer, so 20,000 active attempts in 32,768 slots nearly all stay. Returns 0 and *out (free
 * with form_index_free), or -1 when out of memory or slots is out of range. */
int form_index_new(struct form_index **out, size_t slots);
/* Frees the cache and its views; NULL allowed. */
void form_index_free(struct form_index *fx);

/* Looks item_id up in the cached form of attempt_id, drawn from exam version `version`.
 * Returns 1 and *out_item when the form holds the item, 0 when it does not, -1 when that
 * attempt's form is not cached (fx NULL included): build the form and form_index_put it. */
int form_index_find(struct form_index *fx, const struct exam_item **out_item, int64_t attempt_id,
                    const char *version, const char *item_id);

/* Whether a form of attempt_id is cached (whatever its version): a reader that will need the
 * form reads the stored form text with the attempt when it is not (fx NULL: false). */
bool form_index_has(struct form_index *fx, int64_t attempt_id);

/* The cached form of attempt_id drawn from exam version `version`, as a new exam_form (free
 * with exam_form_free; it borrows the exam like the cache does). Returns 1 and *out, -1 when
 * it is not cached (fx NULL included), or -2 when memory runs out. */
int form_index_form(struct form_index *fx, struct exam_form **out, int64_t attempt_id,
                    const char *version);

/* Appends the candidate view of attempt_id's cached form (drawn from exam version `version`)
 * to the text *buf (*len bytes, *cap allocated, NUL-terminated; realloc'd as needed): the
 * same text as exam_view_form_write for the form, without making the form. Returns 1, -1
 * when the form is not cached (fx NULL included; nothing appended), or -2 when memory runs
 * out (the buffer is left as it was, maybe larger). */
int form_index_view_text(struct form_index *fx, int64_t attempt_id, const char *version, char **buf,
                         size_t *len, size_t *cap);

/* Remembers form (its items and their option order) as attempt_id's. The exam and its items
 * are borrowed: they must live as long as the cache (the exam catalogue keeps every version
 * it loaded until it is freed). Returns 0, or -1 when fx is NULL, memory runs out, or
 * `version` is not the form's exam version (nothing is cached then). */
int form_index_put(struct form_index *fx, int64_t attempt_id, const char *version,
                   const struct exam_form *form);

/* The candidate view of exam, made on first use and kept as long as the cache (the exam is
 * borrowed as above). NULL when fx is NULL or memory runs out. */
const struct exam_view *form_index_view(struct form_index *fx, const struct exam *exam);

/* Hits and misses of form_index_find and form_index_form since start (for tests and logs). */
void form_index_stats(struct form_index *fx, uint64_t *hits, uint64_t *misses);

#endif
