/*
 * Audit entry text (see audit_text.h).
 */
#include "common/audit_text.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/json_compact.h"

char *audit_text(json_t *j) {
  char *s = NULL == j ? NULL : json_compact(j, true);
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

const char *const audit_known_actions[] = {"user.create",
                                           "user.disable",
                                           "user.reset_link",
                                           "user.activation_link",
                                           "user.password_reset",
                                           "user.second_factor.enrol",
                                           "user.second_factor.reset",
                                           "user.second_factor.recovery_used",
                                           "user.extra_time",
                                           "user.extra_time_removed",
                                           "attempt.extra_time",
                                           "attempt.planned_extra_time",
                                           "review.decision",
                                           "review.admin_change",
                                           "appeal.create",
                                           "appeal.assign",
                                           "appeal.decision",
                                           "certificate.issue",
                                           "certificate.revoke",
                                           "certificate.suspend",
                                           "certificate.reinstate",
                                           "certificate.share",
                                           "certificate.unshare",
                                           "keys.rotate",
                                           "application.submit",
                                           "application.decision",
                                           "application.nik_view",
                                           "observation.record",
                                           "observation.photo",
                                           "evidence.remove",
                                           "application.file_remove",
                                           "schedule.create",
                                           "schedule.import",
                                           "schedule.attended",
                                           "audit.export",
                                           "auth.checkin",
                                           "schedule.checkin_codes",
                                           "certificate.recertify",
                                           "certificate.forgery",
                                           "holder.did",
                                           "complaint.lodge",
                                           "complaint.take",
                                           "complaint.note",
                                           "complaint.reply",
                                           "complaint.close",
                                           "complaint.erase",
                                           "account.export",
                                           "user.rename",
                                           "user.email_change",
                                           "user.email_change_request",
                                           "user.email_change_cancel",
                                           "user.sessions_end",
                                           NULL};

const char *const audit_telling_fields[] = {"reason",  "minutes",     "verdict",  "role",
                                            "serial",  "assessor_id", "email",    "address",
                                            "outcome", "category",    "sessions", NULL};

static bool known_action(const char *action) {
  for (size_t i = 0; NULL != audit_known_actions[i]; i++) {
    if (0 == strcmp(action, audit_known_actions[i])) {
      return true;
    }
  }
  return false;
}

/* A scalar member as text into value; false when absent or not a scalar. */
static bool member_text(char *value, size_t len, const json_t *v) {
  if (json_is_string(v)) {
    snprintf(value, len, "%s", json_string_value(v));
  } else if (json_is_integer(v)) {
    snprintf(value, len, "%lld", (long long)json_integer_value(v));
  } else if (json_is_real(v)) {
    snprintf(value, len, "%.2f", json_real_value(v));
  } else {
    return false;
  }
  return true;
}

void audit_describe(struct audit_description *out, const char *action, const char *after_json) {
  memset(out, 0, sizeof *out);
  if (NULL != action && known_action(action)) {
    snprintf(out->key, sizeof out->key, "audit.%s", action);
  } else {
    snprintf(out->key, sizeof out->key, "audit.other");
  }
  json_t *after = NULL == after_json ? NULL : json_loads(after_json, 0, NULL);
  for (size_t i = 0; json_is_object(after) && NULL != audit_telling_fields[i]; i++) {
    if (member_text(out->value, sizeof out->value,
                    json_object_get(after, audit_telling_fields[i]))) {
      snprintf(out->field, sizeof out->field, "%s", audit_telling_fields[i]);
      break;
    }
  }
  json_decref(after);
}
