/*
 * The text of an audit entry's before/after state: compact JSON with sorted keys, so the
 * same state always hashes the same in the audit chain. One writer for every caller in the
 * application layer.
 */
#ifndef UJIKOM_AUDIT_TEXT_H
#define UJIKOM_AUDIT_TEXT_H

#include <jansson.h>

/* Writes j as compact JSON with sorted keys and releases j (NULL allowed: returns NULL).
 * Returns malloc'd text (free()) or NULL when j is NULL or memory ran out. */
char *audit_text(json_t *j);

#endif
