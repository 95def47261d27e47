/*
 * Audit entry text (see audit_text.h).
 */
#include "common/audit_text.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

char *audit_text(json_t *j) {
  char *s = NULL == j ? NULL : json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(j);
  return s;
}

/* Appends the entry for the record "<kind>:<id>"; has_before false: a new record (before
 * NULL). Frees both texts. */
static int append(struct store_tx *tx, int64_t actor, const char *action, const char *kind,
                  int64_t id, bool has_before, char *before_text, char *after_text) {
  char subject[48];
  int rc = STORE_HARD;
  int n = snprintf(subject, sizeof subject, "%s:%lld", kind, (long long)id);
  if ((!has_before || NULL != before_text) && NULL != after_text && n > 0 &&
      (size_t)n < sizeof subject) {
    rc = store_audit_append(tx, NULL, actor, action, subject, before_text, after_text);
  }
  free(before_text);
  free(after_text);
  return rc;
}

int audit_change(struct store_tx *tx, int64_t actor, const char *action, const char *kind,
                 int64_t id, json_t *before, json_t *after) {
  return append(tx, actor, action, kind, id, true, audit_text(before), audit_text(after));
}

int audit_creation(struct store_tx *tx, int64_t actor, const char *action, const char *kind,
                   int64_t id, json_t *after) {
  return append(tx, actor, action, kind, id, false, NULL, audit_text(after));
}

int audit_user_entry(struct store_tx *tx, int64_t actor, const char *action, int64_t user_id,
                     json_t *after) {
  return audit_creation(tx, actor, action, "user", user_id, after);
}
