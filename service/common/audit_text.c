/*
 * Audit entry text (see audit_text.h).
 */
#include "common/audit_text.h"

#include <stdio.h>
#include <stdlib.h>

#include "store/store.h"

char *audit_text(json_t *j) {
  char *s = NULL == j ? NULL : json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(j);
  return s;
}

int audit_user_entry(struct store_tx *tx, int64_t actor, const char *action, int64_t user_id,
                     json_t *after) {
  char subject[40];
  char *text = audit_text(after);
  int rc = STORE_HARD;
  if (NULL != text) {
    snprintf(subject, sizeof subject, "user:%lld", (long long)user_id);
    rc = store_audit_append(tx, NULL, actor, action, subject, NULL, text);
  }
  free(text);
  return rc;
}
