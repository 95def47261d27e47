/*
 * The data subject's copy of their data (see personal_data.h): read in one snapshot of the
 * store, then the applications (each read as its owner reads it), then the download's audit
 * entry; the document is handed out only once that entry is written.
 */
#include "common/personal_data.h"

#include <inttypes.h>
#include <openssl/crypto.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/accounts.h"
#include "common/api_time.h"
#include "common/application.h"
#include "common/attempts.h"
#include "common/audit_text.h"
#include "common/complaints.h"
#include "common/feedback_view.h"
#include "common/ratelimits.h"
#include "common/reviews.h"
#include "common/schedule.h"
#include "store/store_application.h"
#include "store/store_attempts.h"
#include "store/store_audit.h"
#include "store/store_candidate.h"
#include "store/store_certs.h"
#include "store/store_complaints.h"
#include "store/store_credential.h"
#include "store/store_email_change.h"
#include "store/store_evidence.h"
#include "store/store_planned_time.h"
#include "store/store_recert.h"
#include "store/store_reviews.h"
#include "store/store_schedule.h"
#include "store/store_second_factor.h"
#include "store/store_users.h"
#include "ujikom/device_kind.h"
#include "ujikom/states.h"

/* The document under construction: a member that cannot be added (out of memory) marks it
 * failed, and a failed document (or one with a store error) is never handed out. */
struct doc {
  json_t *root;
  json_t *limits; /* kinds cut at PERSONAL_DATA_LIST_MAX: {"attempts": true, ...} */
  bool failed;
  int store_rc; /* the first store error, STORE_OK when none */
};

/* Adds value (taken; NULL marks the document failed) under key of obj. */
static void put(struct doc *d, json_t *obj, const char *key, json_t *value) {
  if (NULL == obj) {
    json_decref(value);
    d->failed = true;
  } else if (NULL == value || 0 != json_object_set_new(obj, key, value)) {
    d->failed = true; /* json_object_set_new releases value when it fails */
  }
}

/* Appends value (taken) to arr, as put. */
static void push(struct doc *d, json_t *arr, json_t *value) {
  if (NULL == arr) {
    json_decref(value);
    d->failed = true;
  } else if (NULL == value || 0 != json_array_append_new(arr, value)) {
    d->failed = true;
  }
}

/* Notes a store error (the first one is kept). */
static bool store_ok(struct doc *d, int rc) {
  if (STORE_OK == rc) {
    return true;
  }
  if (STORE_OK == d->store_rc) {
    d->store_rc = rc < 0 ? rc : STORE_HARD;
  }
  return false;
}

/* A list read with a limit: says in "limits" when it was full (more may exist). */
static void note_limit(struct doc *d, const char *kind, size_t n, size_t limit) {
  if (n >= limit) {
    put(d, d->limits, kind, json_true());
  }
}

/* A JSON text the store keeps (an answer, a result): its value, or the text itself when it is
 * not JSON (kept as a string rather than lost). */
static json_t *stored_json(const char *text) {
  if (NULL == text) {
    return json_null();
  }
  json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
  return NULL != v ? v : json_string(text);
}

static void account(struct doc *d, struct store_rd *rd, const struct store_user *u,
                    int64_t now_ms) {
  char zone[16] = "";
  char did[STORE_DID_SIZE] = "";
  struct store_second_factor sf;
  memset(&sf, 0, sizeof sf);
  int rc = store_user_time_zone_get(rd, u->id, zone, sizeof zone);
  if (STORE_NONE != rc) {
    store_ok(d, rc);
  }
  rc = store_holder_did_get(rd, did, u->id);
  if (STORE_NONE != rc) {
    store_ok(d, rc);
  }
  rc = store_second_factor_get(rd, &sf, u->id);
  if (STORE_NONE != rc) {
    store_ok(d, rc);
  }
  bool second_factor = STORE_OK == rc && sf.confirmed;
  OPENSSL_cleanse(sf.secret_sealed, sizeof sf.secret_sealed);
  /* a new address asked for and not yet confirmed (common/email_change.h) */
  struct store_email_change change;
  rc = store_email_change_pending(rd, &change, u->id, now_ms);
  json_t *pending = json_null();
  if (STORE_OK == rc) {
    pending = json_pack("{s:s, s:o, s:o}", "email", change.email, "asked_at",
                        json_time(change.created_ms), "expires_at", json_time(change.expires_ms));
  } else if (STORE_NONE != rc) {
    store_ok(d, rc);
  }
  put(d, d->root, "account",
      json_pack("{s:I, s:s, s:s, s:s, s:o, s:b, s:o, s:o, s:b, s:o}", "id", (json_int_t)u->id,
                "email", u->email, "name", u->name, "role", role_name(u->role), "created_at",
                json_time(u->created_ms), "disabled", u->disabled, "time_zone",
                '\0' != zone[0] ? json_string(zone) : json_null(), "did",
                '\0' != did[0] ? json_string(did) : json_null(), "second_factor", second_factor,
                "email_change_pending", pending));
}

/* The saved answers and the flags of attempt a, into its object. */
static void answers_and_flags(struct doc *d, struct store_rd *rd, json_t *obj,
                              const struct store_attempt *a) {
  struct store_answer *answers = NULL;
  struct store_flag *flags = NULL;
  size_t nanswers = 0, nflags = 0;
  json_t *list = json_array();
  if (store_ok(d, store_answers_get(rd, &answers, &nanswers, a->id))) {
    for (size_t i = 0; i < nanswers; i++) {
      push(d, list,
           json_pack("{s:s, s:o, s:o}", "item_id", answers[i].item_id, "value",
                     stored_json(answers[i].value), "saved_at", json_time(answers[i].saved_ms)));
    }
    store_answers_free(answers, nanswers);
  }
  put(d, obj, "answers", list);
  list = json_array();
  if (store_ok(d, store_flags_get(rd, &flags, &nflags, a->id))) {
    for (size_t i = 0; i < nflags; i++) {
      push(d, list, json_string(flags[i].item_id));
    }
    store_flags_free(flags, nflags);
  }
  put(d, obj, "flags", list);
}

/* The files of attempt a, into its object: "files", the evidence the candidate uploaded
 * (by item), and "observation_photos", the photos the assessor took at the test site (by
 * unit and KUK), each with the route that serves it to the candidate. */
static void attempt_files(struct doc *d, struct store_rd *rd, json_t *obj,
                          const struct store_attempt *a) {
  struct store_attachment *files = NULL;
  struct store_observation_photo *photos = NULL;
  size_t nfiles = 0, nphotos = 0;
  char url[200];
  json_t *list = json_array();
  if (store_ok(d, store_evidence_attachments(rd, a->id, NULL, &files, &nfiles))) {
    for (size_t i = 0; i < nfiles; i++) {
      const struct store_attachment *f = &files[i];
      snprintf(url, sizeof url, "/api/attempts/%" PRId64 "/evidence/%s", a->id, f->sha256);
      push(d, list,
           json_pack("{s:s, s:s, s:s, s:s, s:I, s:o, s:s}", "item_id", f->item_id, "sha256",
                     f->sha256, "name", f->name, "type", f->mime, "size", (json_int_t)f->size,
                     "attached_at", json_time(f->attached_ms), "url", url));
    }
    store_attachment_list_free(files, nfiles);
  }
  put(d, obj, "files", list);
  list = json_array();
  if (store_ok(d, store_observation_photos(rd, a->id, NULL, NULL, &photos, &nphotos))) {
    for (size_t i = 0; i < nphotos; i++) {
      const struct store_observation_photo *p = &photos[i];
      snprintf(url, sizeof url, "/api/attempts/%" PRId64 "/observation/%s", a->id, p->sha256);
      push(d, list,
           json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:s}", "unit", p->unit_code, "kuk",
                     p->kuk_id, "sha256", p->sha256, "name", p->name, "type", p->mime, "size",
                     (json_int_t)p->size, "attached_at", json_time(p->attached_ms), "url", url));
    }
    store_observation_photo_list_free(photos, nphotos);
  }
  put(d, obj, "observation_photos", list);
}

/* A decided attempt's result as its owner reads it (the units of the stored result) and the
 * appeal made against it, into its object. */
static void outcome(struct doc *d, struct store_rd *rd, json_t *obj,
                    const struct store_attempt *a) {
  if (attempts_decided(a)) {
    struct store_attempt full;
    memset(&full, 0, sizeof full);
    if (store_ok(d, store_attempt_get(rd, &full, a->id))) {
      json_t *res = NULL != full.result ? json_loads(full.result, 0, NULL) : NULL;
      json_t *units = json_object_get(res, "units");
      put(d, obj, "units", json_is_array(units) ? json_incref(units) : json_array());
      json_decref(res);
      store_attempt_clear(&full);
    }
  }
  struct store_appeal ap;
  memset(&ap, 0, sizeof ap);
  int rc = store_appeal_for_attempt(rd, &ap, a->id);
  if (STORE_OK == rc) {
    put(d, obj, "appeal", reviews_appeal_json(&ap));
    store_appeal_clear(&ap);
  } else if (STORE_NONE != rc) {
    store_ok(d, rc);
  }
}

static void attempts(struct doc *d, struct store_rd *rd, int64_t user_id,
                     json_t **out_decided_ids) {
  struct store_attempt *list = NULL;
  size_t n = 0;
  json_t *arr = json_array();
  *out_decided_ids = json_array();
  if (store_ok(d, store_attempt_list_user(rd, &list, &n, user_id, NULL, PERSONAL_DATA_LIST_MAX))) {
    note_limit(d, "attempts", n, PERSONAL_DATA_LIST_MAX);
    for (size_t i = 0; i < n && !d->failed && STORE_OK == d->store_rc; i++) {
      const struct store_attempt *a = &list[i];
      const char *verdict = attempts_visible_verdict(a);
      json_t *obj = json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "id",
                              (json_int_t)a->id, "exam_id", a->exam_id, "exam_version",
                              a->exam_version, "status", attempt_status_name(a->status),
                              "started_at", json_time(a->started_ms), "deadline_at",
                              json_time(a->deadline_ms), "finished_at", json_time(a->finished_ms),
                              "verdict", NULL != verdict ? json_string(verdict) : json_null(),
                              "decided_at", json_time(a->decided_ms));
      answers_and_flags(d, rd, obj, a);
      attempt_files(d, rd, obj, a);
      outcome(d, rd, obj, a);
      push(d, arr, obj);
      if (attempts_decided(a)) {
        push(d, *out_decided_ids, json_integer(a->id));
      }
    }
    store_attempt_list_free(list, n);
  }
  put(d, d->root, "attempts", arr);
}

static void certificates(struct doc *d, struct store_rd *rd, int64_t user_id) {
  struct store_cert *list = NULL;
  size_t n = 0;
  bool more = false;
  struct store_cert_query q = {.user_id = user_id};
  json_t *arr = json_array();
  if (store_ok(d, store_cert_list(rd, &list, &n, &q, PERSONAL_DATA_LIST_MAX, &more))) {
    if (more) {
      put(d, d->limits, "certificates", json_true());
    }
    for (size_t i = 0; i < n; i++) {
      const struct store_cert *c = &list[i];
      push(d, arr,
           json_pack("{s:s, s:I, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:s?, s:o, s:s?, s:s?, s:o}",
                     "serial", c->serial, "attempt_id", (json_int_t)c->attempt_id, "holder",
                     c->holder, "subsector", c->subsector, "exam_id", c->exam_id, "issued_at",
                     json_time(c->issued_s * 1000), "expires_at", json_time(c->expires_s * 1000),
                     "status", c->status, "revoked_at", json_time(c->revoked_ms), "revoked_reason",
                     '\0' != c->revoked_reason[0] ? c->revoked_reason : NULL, "suspended_at",
                     json_time(c->suspended_ms), "suspended_reason",
                     '\0' != c->suspended_reason[0] ? c->suspended_reason : NULL, "replaces",
                     '\0' != c->replaces[0] ? c->replaces : NULL, "units", stored_json(c->units)));
    }
    store_cert_list_free(list, n);
  }
  put(d, d->root, "certificates", arr);
}

static void renewals(struct doc *d, struct store_rd *rd, int64_t user_id) {
  struct store_recert *list = NULL;
  size_t n = 0;
  json_t *arr = json_array();
  if (store_ok(d, store_recert_list_user(rd, &list, &n, user_id, PERSONAL_DATA_LIST_MAX))) {
    note_limit(d, "recertifications", n, PERSONAL_DATA_LIST_MAX);
    for (size_t i = 0; i < n; i++) {
      push(d, arr,
           json_pack("{s:s, s:s, s:o, s:s?, s:o}", "old_serial", list[i].old_serial, "exam_id",
                     list[i].exam_id, "opened_at", json_time(list[i].opened_ms), "new_serial",
                     '\0' != list[i].new_serial[0] ? list[i].new_serial : NULL, "linked_at",
                     json_time(list[i].linked_ms)));
    }
    free(list);
  }
  put(d, d->root, "recertifications", arr);
}

static void planned_time(struct doc *d, struct store_rd *rd, int64_t user_id) {
  struct store_planned_time *list = NULL;
  size_t n = 0;
  json_t *arr = json_array();
  if (store_ok(d, store_planned_time_list(rd, &list, &n, user_id, PERSONAL_DATA_LIST_MAX))) {
    note_limit(d, "planned_extra_time", n, PERSONAL_DATA_LIST_MAX);
    for (size_t i = 0; i < n; i++) {
      push(d, arr,
           json_pack("{s:s, s:I, s:s, s:o}", "exam_id", list[i].exam_id, "minutes",
                     (json_int_t)list[i].minutes, "reason", list[i].reason, "granted_at",
                     json_time(list[i].created_ms)));
    }
    store_planned_time_list_free(list, n);
  }
  put(d, d->root, "planned_extra_time", arr);
}

static void schedules(struct doc *d, struct store_rd *rd, int64_t user_id) {
  struct store_schedule *list = NULL;
  size_t n = 0;
  json_t *arr = json_array();
  if (store_ok(d, store_schedule_list_candidate(rd, &list, &n, user_id))) {
    for (size_t i = 0; i < n; i++) {
      push(d, arr, schedule_to_json(&list[i], false));
    }
    store_schedule_list_free(list, n);
  }
  put(d, d->root, "schedules", arr);
}

static void complaints(struct doc *d, struct store_rd *rd, int64_t user_id) {
  struct store_complaint *list = NULL;
  size_t n = 0;
  json_t *arr = json_array();
  if (store_ok(d, store_complaint_list_by_user(rd, &list, &n, user_id, PERSONAL_DATA_LIST_MAX))) {
    note_limit(d, "complaints", n, PERSONAL_DATA_LIST_MAX);
    for (size_t i = 0; i < n; i++) {
      push(d, arr, complaints_json(&list[i], NULL, 0, false));
    }
    store_complaint_list_free(list, n);
  }
  put(d, d->root, "complaints", arr);
}

/* When the account was used: its sessions (with the kind of device each came from) and the
 * browsers it logged in from, by last use, without their tokens. */
static void sign_ins(struct doc *d, struct store_rd *rd, int64_t user_id) {
  struct store_sign_in *list = NULL;
  size_t n = 0;
  json_t *sessions = json_array(), *devices = json_array();
  if (store_ok(d, store_user_sign_ins(rd, &list, &n, user_id, PERSONAL_DATA_LIST_MAX))) {
    note_limit(d, "sign_ins", n, PERSONAL_DATA_LIST_MAX);
    for (size_t i = 0; i < n; i++) {
      const struct store_sign_in *e = &list[i];
      if (0 == strcmp(e->kind, "session")) {
        push(d, sessions,
             json_pack("{s:o, s:o, s:o, s:o}", "started_at", json_time(e->created_ms),
                       "last_used_at", json_time(e->last_ms), "expires_at",
                       json_time(e->expires_ms), "device", device_kind_json(e->device)));
      } else {
        push(d, devices,
             json_pack("{s:o, s:o}", "first_log_in_at", json_time(e->created_ms), "last_log_in_at",
                       json_time(e->last_ms)));
      }
    }
    free(list);
  }
  put(d, d->root, "sessions", sessions);
  put(d, d->root, "devices", devices);
}

/* The audit log's entries about the account ("user:<id>"): who did what to it, when. */
static void audit_entries(struct doc *d, struct store_rd *rd, int64_t user_id) {
  char subject[32];
  struct store_audit_entry *list = NULL;
  size_t n = 0;
  json_t *arr = json_array();
  snprintf(subject, sizeof subject, "user:%lld", (long long)user_id);
  if (store_ok(d, store_audit_list(rd, &list, &n, subject, 0, PERSONAL_DATA_LIST_MAX))) {
    note_limit(d, "audit", n, PERSONAL_DATA_LIST_MAX);
    for (size_t i = 0; i < n; i++) {
      const struct store_audit_entry *e = &list[i];
      push(d, arr,
           json_pack("{s:I, s:o, s:s, s:o, s:o}", "seq", (json_int_t)e->seq, "at",
                     json_time(e->at_ms), "action", e->action, "by",
                     STORE_AUDIT_SYSTEM == e->actor ? json_string("system")
                     : e->actor == user_id          ? json_string("you")
                                                    : json_string("staff"),
                     "after", stored_json(e->after)));
    }
    store_audit_list_free(list, n);
  }
  put(d, d->root, "audit", arr);
}

/* The download counter of asker for user_id's data. */
static void quota_key(char out[64], int64_t asker, int64_t user_id) {
  snprintf(out, 64, "data-export:%lld:user:%lld", (long long)asker, (long long)user_id);
}

/* Whether the hour's quota is used up already, read before the document is built (the
 * count itself is taken with the audit entry): true with *out_retry_after_s. */
static bool quota_full(struct doc *d, struct store_rd *rd, int64_t asker, int64_t user_id,
                       int64_t now_ms, int64_t *out_retry_after_s) {
  char key[64];
  bool spent = false;
  quota_key(key, asker, user_id);
  return store_ok(d, ratelimits_hourly_spent(rd, key, PERSONAL_DATA_PER_HOUR, now_ms, &spent,
                                             out_retry_after_s)) &&
         spent;
}

/* Everything read in one snapshot. */
static enum personal_data_rc read_snapshot(struct doc *d, struct svc *svc, int64_t user_id,
                                           int64_t asker, int64_t now_ms,
                                           int64_t *out_retry_after_s, json_t **out_decided) {
  struct store_rd *rd = NULL;
  struct store_user u;
  memset(&u, 0, sizeof u);
  *out_decided = NULL;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = accounts_read(rd, user_id, &u);
  }
  if (STORE_OK != rc) {
    store_rd_end(rd);
    d->store_rc = rc;
    return STORE_NONE == rc ? PERSONAL_DATA_NOT_FOUND : PERSONAL_DATA_STORE_FAILED;
  }
  if (quota_full(d, rd, asker, user_id, now_ms, out_retry_after_s)) {
    store_rd_end(rd);
    return PERSONAL_DATA_LIMITED;
  }
  account(d, rd, &u, now_ms);
  attempts(d, rd, user_id, out_decided);
  certificates(d, rd, user_id);
  renewals(d, rd, user_id);
  planned_time(d, rd, user_id);
  schedules(d, rd, user_id);
  complaints(d, rd, user_id);
  sign_ins(d, rd, user_id);
  audit_entries(d, rd, user_id);
  store_rd_end(rd);
  return PERSONAL_DATA_OK;
}

/* Each decided attempt's decision as its candidate is shown it (feedback_view): the units
 * with their outcome and reasons, the assessor's text, comments per item, the level and
 * comment per rubric criterion, the observation records and the appeal period. */
static void feedback(struct doc *d, struct svc *svc, int64_t user_id, json_t *decided) {
  json_t *arr = json_array();
  size_t i;
  json_t *id;
  json_array_foreach(decided, i, id) {
    struct reviews_err err;
    json_t *view = NULL;
    memset(&err, 0, sizeof err);
    enum reviews_rc rc = feedback_view(&view, svc, json_integer_value(id), user_id, &err);
    if (REVIEWS_OK == rc) {
      push(d, arr, view);
    } else if (REVIEWS_STORE_FAILED == rc) {
      store_ok(d, err.store_rc);
      break;
    } else if (REVIEWS_NOT_DECIDED != rc && REVIEWS_NOT_FOUND != rc) {
      d->failed = true; /* no memory, or a stored decision that cannot be read */
      break;
    }
  }
  put(d, d->root, "feedback", arr);
}

/* The applications, as their owner reads them (NIK opened): their exams listed from the
 * store, so that one for an exam since removed from the catalogue is there too. */
static void applications(struct doc *d, struct svc *svc, int64_t user_id) {
  struct store_rd *rd = NULL;
  struct store_application *list = NULL;
  size_t n = 0;
  json_t *arr = json_array();
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_application_list_user(rd, &list, &n, user_id, PERSONAL_DATA_LIST_MAX);
  }
  store_rd_end(rd);
  if (store_ok(d, rc)) {
    note_limit(d, "applications", n, PERSONAL_DATA_LIST_MAX);
  }
  for (size_t i = 0; i < n && !d->failed && STORE_OK == d->store_rc; i++) {
    struct application_view v;
    struct application_err err;
    enum application_rc res = application_own(&v, svc, user_id, list[i].exam_id, true, &err);
    if (APPLICATION_OK == res) {
      push(d, arr, application_view_json(&v, false));
      application_view_clear(&v);
    } else if (APPLICATION_STORE_FAILED == res) {
      store_ok(d, err.store_rc);
    } else if (APPLICATION_NOT_FOUND != res) { /* gone meanwhile: left out; anything else fails */
      d->failed = true;
    }
  }
  store_application_list_free(list, n);
  put(d, d->root, "applications", arr);
}

struct export_ctx {
  int64_t user_id, asker;
  json_t *counts;
  int64_t retry_after_s; /* out: set when the quota was used up meanwhile */
};

/* Counts the download and records it, in one transaction: one over the quota (downloads made
 * at the same moment) is refused (STORE_CONFLICT) and, rolled back, counts nothing. */
static int record_txn(struct store_tx *tx, void *arg) {
  struct export_ctx *c = arg;
  char key[64];
  quota_key(key, c->asker, c->user_id);
  c->retry_after_s = 0;
  int rc = ratelimits_hourly_take(tx, key, PERSONAL_DATA_PER_HOUR, &c->retry_after_s);
  if (STORE_OK != rc) {
    return rc;
  }
  return audit_user_entry(
      tx, c->asker, "account.export", c->user_id,
      json_pack("{s:s, s:O}", "format", PERSONAL_DATA_FORMAT, "counts", c->counts));
}

/* How many of each kind the document holds, for the audit entry (never the contents). */
static json_t *counts_of(const json_t *root) {
  static const char *const kinds[] = {"attempts",   "certificates", "applications",
                                      "complaints", "schedules",    "recertifications",
                                      "feedback",   "audit",        NULL};
  json_t *counts = json_object();
  for (size_t i = 0; NULL != counts && NULL != kinds[i]; i++) {
    if (0 != json_object_set_new(
                 counts, kinds[i],
                 json_integer((json_int_t)json_array_size(json_object_get(root, kinds[i]))))) {
      json_decref(counts);
      counts = NULL;
    }
  }
  return counts;
}

enum personal_data_rc personal_data_export(json_t **out, struct svc *svc, int64_t user_id,
                                           int64_t asker, int64_t now_ms,
                                           int64_t *out_retry_after_s, int *out_store_rc) {
  struct doc d = {.root = json_object(), .limits = json_object(), .store_rc = STORE_OK};
  json_t *decided = NULL;
  *out = NULL;
  *out_store_rc = STORE_OK;
  *out_retry_after_s = 0;
  put(&d, d.root, "format", json_string(PERSONAL_DATA_FORMAT));
  put(&d, d.root, "generated_at", json_time(now_ms));
  put(&d, d.root, "issuer", json_string(svc->cfg->cert_issuer));
  enum personal_data_rc rc =
      d.failed ? PERSONAL_DATA_NO_MEMORY
               : read_snapshot(&d, svc, user_id, asker, now_ms, out_retry_after_s, &decided);
  if (PERSONAL_DATA_OK == rc && !d.failed && STORE_OK == d.store_rc) {
    feedback(&d, svc, user_id, decided);
  }
  if (PERSONAL_DATA_OK == rc && !d.failed && STORE_OK == d.store_rc) {
    applications(&d, svc, user_id);
  }
  json_decref(decided);
  if (PERSONAL_DATA_OK == rc) {
    json_incref(d.limits);
    put(&d, d.root, "limits", d.limits);
    if (STORE_OK != d.store_rc) {
      rc = PERSONAL_DATA_STORE_FAILED;
    } else if (d.failed) {
      rc = PERSONAL_DATA_NO_MEMORY;
    }
  }
  if (PERSONAL_DATA_OK == rc) {
    struct export_ctx c = {.user_id = user_id, .asker = asker, .counts = counts_of(d.root)};
    int src = NULL == c.counts ? STORE_HARD : store_txn(svc->store, record_txn, &c);
    json_decref(c.counts);
    if (STORE_CONFLICT == src && c.retry_after_s > 0) {
      *out_retry_after_s = c.retry_after_s;
      rc = PERSONAL_DATA_LIMITED;
    } else if (STORE_OK != src) {
      d.store_rc = src;
      rc = PERSONAL_DATA_STORE_FAILED;
    }
  }
  json_decref(d.limits);
  if (PERSONAL_DATA_OK != rc) {
    *out_store_rc = d.store_rc;
    json_decref(d.root);
    return rc;
  }
  *out = d.root;
  return PERSONAL_DATA_OK;
}
