/*
 * Audit entry text (see audit_text.h).
 */
#include "common/audit_text.h"

char *audit_text(json_t *j) {
  char *s = NULL == j ? NULL : json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(j);
  return s;
}
