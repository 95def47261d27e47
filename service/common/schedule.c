/*
 * Test events: the rules of schedules, their batch, attendance and the start window.
 */
#include "common/schedule.h"

#include <ctype.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#include "common/accounts.h"
#include "common/audit_text.h"
#include "common/catalog.h"
#include "ujikom/timefmt.h"

#define MINUTE_MS (60LL * 1000)

static enum schedule_rc store_failed(int *out_store_rc, int rc) {
  *out_store_rc = rc < 0 ? rc : STORE_HARD;
  return SCHEDULE_STORE_FAILED;
}

static int zone_offset_min(const char *name, bool *ok) {
  enum time_zone z = TIME_ZONE_WIB;
  *ok = NULL != name && time_zone_parse(name, &z);
  return TIME_ZONE_WITA == z ? 8 * 60 : TIME_ZONE_WIT == z ? 9 * 60 : 7 * 60;
}

int schedule_local_time(int64_t *out_ms, const char *date, const char *hhmm,
                        const char *zone_name) {
  int64_t day = 0;
  bool ok = false;
  int offset = zone_offset_min(zone_name, &ok);
  if (!ok || NULL == date || NULL == hhmm || 0 != time_parse_date(date, &day) ||
      5 != strlen(hhmm) || ':' != hhmm[2]) {
    return -1;
  }
  for (size_t i = 0; i < 5; i++) {
    if (2 != i && !isdigit((unsigned char)hhmm[i])) {
      return -1;
    }
  }
  int h = (hhmm[0] - '0') * 10 + (hhmm[1] - '0');
  int m = (hhmm[3] - '0') * 10 + (hhmm[4] - '0');
  if (h > 23 || m > 59) {
    return -1;
  }
  *out_ms = (day + (int64_t)(h * 60 + m - offset) * 60) * 1000;
  return 0;
}

/* A session code as stored: 4..32 letters and digits, upper-cased; "" for none. */
static bool session_code_norm(char out[33], const char *in) {
  out[0] = '\0';
  if (NULL == in || '\0' == in[0]) {
    return true;
  }
  size_t n = strlen(in);
  if (n < 4 || n > 32) {
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    if (!isalnum((unsigned char)in[i])) {
      return false;
    }
    out[i] = (char)toupper((unsigned char)in[i]);
  }
  out[n] = '\0';
  return true;
}

static bool copy_field(char *dst, size_t size, const char *src, size_t min) {
  if (!accounts_plain_text(NULL == src ? "" : src, min, size - 1)) {
    return false;
  }
  memcpy(dst, NULL == src ? "" : src, strlen(NULL == src ? "" : src) + 1);
  return true;
}

/* ------------------------------------------------------------------ create */

struct create_ctx {
  int64_t actor;
  struct store_schedule s;
  const struct schedule_new *in;
  int64_t id;
  enum schedule_rc refusal;
};

static json_t *schedule_json(const struct store_schedule *s) {
  return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:b}", "exam_id", s->exam_id,
                   "title", s->title, "tuk_name", s->tuk_name, "tuk_address", s->tuk_address,
                   "time_zone", s->time_zone, "date", s->exam_date, "opens_at",
                   (json_int_t)s->opens_ms, "closes_at", (json_int_t)s->closes_ms, "capacity",
                   (json_int_t)s->capacity, "session_code", '\0' != s->session_code[0]);
}

static int create_txn(struct store_tx *tx, void *arg) {
  struct create_ctx *c = arg;
  c->id = 0;
  c->refusal = SCHEDULE_OK;
  for (size_t i = 0; i < c->in->nassessors; i++) {
    struct store_user u;
    int rc = accounts_read(store_tx_rd(tx), c->in->assessors[i], &u);
    if (STORE_NONE == rc || (STORE_OK == rc && (ROLE_ASSESSOR != u.role || u.disabled))) {
      c->refusal = SCHEDULE_NOT_ASSESSOR;
      return STORE_CONFLICT;
    }
    if (STORE_OK != rc) {
      return rc;
    }
  }
  int rc = store_schedule_create(tx, &c->id, &c->s);
  for (size_t i = 0; STORE_OK == rc && i < c->in->nassessors; i++) {
    rc = store_schedule_assessor_add(tx, c->id, c->in->assessors[i]);
    if (STORE_EXISTS == rc) {
      rc = STORE_OK; /* the same assessor listed twice */
    }
  }
  if (STORE_OK != rc) {
    return rc;
  }
  json_t *after = schedule_json(&c->s);
  json_t *ids = json_array();
  for (size_t i = 0; NULL != ids && i < c->in->nassessors; i++) {
    json_array_append_new(ids, json_integer((json_int_t)c->in->assessors[i]));
  }
  if (NULL != after) {
    json_object_set_new(after, "assessors", NULL == ids ? json_null() : ids);
  } else {
    json_decref(ids);
  }
  return audit_creation(tx, c->actor, "schedule.create", "schedule", c->id, after);
}

enum schedule_rc schedule_create(int64_t *out_id, struct svc *svc, int64_t actor,
                                 const struct schedule_new *in, const char **out_field,
                                 int *out_store_rc) {
  struct create_ctx c;
  memset(&c, 0, sizeof c);
  *out_id = 0;
  *out_field = NULL;
  *out_store_rc = STORE_OK;
  struct store_schedule *s = &c.s;
  bool zone_ok = false;
  (void)zone_offset_min(in->time_zone, &zone_ok);
  if (NULL == in->exam_id || strlen(in->exam_id) >= sizeof s->exam_id || NULL == svc->catalog ||
      NULL == catalog_current(svc->catalog, in->exam_id)) {
    return SCHEDULE_EXAM_NOT_FOUND;
  }
  memcpy(s->exam_id, in->exam_id, strlen(in->exam_id) + 1);
  if (!copy_field(s->title, sizeof s->title, in->title, 1)) {
    *out_field = "title";
  } else if (!copy_field(s->tuk_name, sizeof s->tuk_name, in->tuk_name, 1)) {
    *out_field = "tuk_name";
  } else if (!copy_field(s->tuk_address, sizeof s->tuk_address, in->tuk_address, 0)) {
    *out_field = "tuk_address";
  } else if (!zone_ok) {
    *out_field = "time_zone";
  } else if (NULL == in->date ||
             0 != schedule_local_time(&s->opens_ms, in->date, "00:00", in->time_zone)) {
    *out_field = "date";
  } else if (0 != schedule_local_time(&s->opens_ms, in->date, in->opens, in->time_zone)) {
    *out_field = "opens";
  } else if (0 != schedule_local_time(&s->closes_ms, in->date, in->closes, in->time_zone) ||
             s->closes_ms <= s->opens_ms) {
    *out_field = "closes";
  } else if (in->capacity < 1 || in->capacity > SCHEDULE_MAX_CAPACITY) {
    *out_field = "capacity";
  } else if (!session_code_norm(s->session_code, in->session_code)) {
    *out_field = "session_code";
  } else if (in->nassessors > SCHEDULE_MAX_ASSESSORS) {
    *out_field = "assessors";
  }
  if (NULL != *out_field) {
    return SCHEDULE_BAD_FIELD;
  }
  memcpy(s->time_zone, in->time_zone, strlen(in->time_zone) + 1);
  memcpy(s->exam_date, in->date, 10);
  s->exam_date[10] = '\0';
  s->capacity = in->capacity;
  s->created_by = actor;
  c.actor = actor;
  c.in = in;
  int rc = store_txn(svc->store, create_txn, &c);
  if (STORE_CONFLICT == rc && SCHEDULE_OK != c.refusal) {
    return c.refusal;
  }
  if (STORE_OK != rc) {
    return store_failed(out_store_rc, rc);
  }
  *out_id = c.id;
  return SCHEDULE_OK;
}

/* ------------------------------------------------------------------ reads */

int schedule_may_see(struct store_rd *rd, int64_t asker, enum role role, int64_t id) {
  if (ROLE_ADMIN == role) {
    return STORE_OK;
  }
  return ROLE_ASSESSOR == role ? store_schedule_assessor_is(rd, id, asker) : STORE_NONE;
}

enum schedule_rc schedule_get(struct store_schedule *out, struct svc *svc, int64_t asker,
                              enum role role, int64_t id, int *out_store_rc) {
  struct store_rd *rd = NULL;
  *out_store_rc = STORE_OK;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = schedule_may_see(rd, asker, role, id);
  }
  if (STORE_OK == rc) {
    rc = store_schedule_get(rd, out, id);
  }
  store_rd_end(rd);
  if (STORE_NONE == rc) {
    return SCHEDULE_NOT_FOUND;
  }
  return STORE_OK == rc ? SCHEDULE_OK : store_failed(out_store_rc, rc);
}

enum schedule_rc schedule_list(struct store_schedule **out, size_t *out_n, int64_t *out_next,
                               struct svc *svc, int64_t asker, enum role role, int64_t before_id,
                               int *out_store_rc) {
  struct store_rd *rd = NULL;
  *out = NULL;
  *out_n = 0;
  *out_next = 0;
  *out_store_rc = STORE_OK;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    bool more = false;
    rc = store_schedule_list(rd, out, out_n, ROLE_ADMIN == role ? 0 : asker, before_id,
                             SCHEDULE_LIST_MAX, &more);
    *out_next = STORE_OK == rc && more ? (*out)[*out_n - 1].id : 0;
  }
  store_rd_end(rd);
  return STORE_OK == rc ? SCHEDULE_OK : store_failed(out_store_rc, rc);
}

enum schedule_rc schedule_list_candidate(struct store_schedule **out, size_t *out_n,
                                         struct svc *svc, int64_t user_id, int *out_store_rc) {
  struct store_rd *rd = NULL;
  *out = NULL;
  *out_n = 0;
  *out_store_rc = STORE_OK;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_schedule_list_candidate(rd, out, out_n, user_id);
  }
  store_rd_end(rd);
  return STORE_OK == rc ? SCHEDULE_OK : store_failed(out_store_rc, rc);
}

enum schedule_rc schedule_batch(struct store_enrolment **out, size_t *out_n,
                                struct store_enrolment **out_assessors, size_t *out_na,
                                struct svc *svc, int64_t asker, enum role role, int64_t id,
                                int *out_store_rc) {
  struct store_rd *rd = NULL;
  struct store_schedule s;
  *out = NULL;
  *out_n = 0;
  *out_assessors = NULL;
  *out_na = 0;
  *out_store_rc = STORE_OK;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = schedule_may_see(rd, asker, role, id);
  }
  if (STORE_OK == rc) {
    rc = store_schedule_get(rd, &s, id);
  }
  if (STORE_OK == rc) {
    rc = store_enrolment_list(rd, out, out_n, id);
  }
  if (STORE_OK == rc) {
    rc = store_schedule_assessors(rd, out_assessors, out_na, id);
  }
  store_rd_end(rd);
  if (STORE_OK != rc) {
    store_enrolment_list_free(*out, *out_n);
    *out = NULL;
    *out_n = 0;
  }
  if (STORE_NONE == rc) {
    return SCHEDULE_NOT_FOUND;
  }
  return STORE_OK == rc ? SCHEDULE_OK : store_failed(out_store_rc, rc);
}

/* ------------------------------------------------------------------ attendance */

struct mark_ctx {
  int64_t actor, id, user_id;
  enum role role;
  enum schedule_rc refusal;
};

static int mark_txn(struct store_tx *tx, void *arg) {
  struct mark_ctx *c = arg;
  struct store_schedule s;
  c->refusal = SCHEDULE_OK;
  int rc = schedule_may_see(store_tx_rd(tx), c->actor, c->role, c->id);
  if (STORE_OK == rc) {
    rc = store_schedule_get(store_tx_rd(tx), &s, c->id);
  }
  if (STORE_NONE == rc) {
    c->refusal = SCHEDULE_NOT_FOUND;
    return STORE_CONFLICT;
  }
  if (STORE_OK == rc) {
    rc = store_enrolment_mark_attended(tx, c->id, c->user_id, c->actor);
  }
  if (STORE_NONE == rc) {
    struct store_enrolment *list = NULL;
    size_t n = 0;
    rc = store_enrolment_list(store_tx_rd(tx), &list, &n, c->id);
    if (STORE_OK != rc) {
      return rc;
    }
    c->refusal = SCHEDULE_NOT_ENROLLED;
    for (size_t i = 0; i < n; i++) {
      if (list[i].user_id == c->user_id) {
        c->refusal = SCHEDULE_MARKED_ALREADY;
      }
    }
    store_enrolment_list_free(list, n);
    return STORE_CONFLICT;
  }
  if (STORE_OK != rc) {
    return rc;
  }
  return audit_creation(
      tx, c->actor, "schedule.attended", "schedule", c->id,
      json_pack("{s:I, s:s}", "user_id", (json_int_t)c->user_id, "by", "assessor"));
}

enum schedule_rc schedule_mark_attended(struct svc *svc, int64_t actor, enum role role, int64_t id,
                                        int64_t user_id, int *out_store_rc) {
  struct mark_ctx c = {.actor = actor, .id = id, .user_id = user_id, .role = role};
  *out_store_rc = STORE_OK;
  int rc = store_txn(svc->store, mark_txn, &c);
  if (STORE_CONFLICT == rc && SCHEDULE_OK != c.refusal) {
    return c.refusal;
  }
  return STORE_OK == rc ? SCHEDULE_OK : store_failed(out_store_rc, rc);
}

/* ------------------------------------------------------------------ the start window */

/* The gate of a session started by a check-in for schedule s (NULL: not pending any more). */
static enum schedule_gate checked_in_gate(const struct store_schedule *s, int64_t now_ms) {
  if (NULL == s) {
    return SCHEDULE_GATE_FREE;
  }
  if (now_ms < s->opens_ms) {
    return SCHEDULE_GATE_NOT_YET;
  }
  return now_ms < s->closes_ms ? SCHEDULE_GATE_OPEN : SCHEDULE_GATE_CLOSED;
}

int schedule_start_gate(enum schedule_gate *out, struct store_schedule *out_s, struct store_rd *rd,
                        int64_t user_id, const char *exam_id, const char *code, int64_t checked_in,
                        int64_t now_ms) {
  struct store_schedule *list = NULL;
  size_t n = 0;
  *out = SCHEDULE_GATE_FREE;
  memset(out_s, 0, sizeof *out_s);
  int rc = store_schedule_pending_starts(rd, &list, &n, user_id, exam_id);
  if (STORE_OK != rc) {
    return rc;
  }
  if (checked_in > 0) {
    const struct store_schedule *mine = NULL;
    for (size_t i = 0; i < n && NULL == mine; i++) {
      mine = list[i].id == checked_in ? &list[i] : NULL;
    }
    *out = checked_in_gate(mine, now_ms);
    if (NULL != mine) {
      *out_s = *mine;
    }
    store_schedule_list_free(list, n);
    return STORE_OK;
  }
  char given[33];
  bool code_ok = session_code_norm(given, code);
  const struct store_schedule *next = NULL, *last = NULL, *inside = NULL;
  for (size_t i = 0; i < n; i++) {
    const struct store_schedule *s = &list[i];
    if (now_ms >= s->opens_ms && now_ms < s->closes_ms) {
      bool open =
          '\0' == s->session_code[0] || (code_ok && strlen(given) == strlen(s->session_code) &&
                                         0 == CRYPTO_memcmp(given, s->session_code, strlen(given)));
      if (open) {
        *out = SCHEDULE_GATE_OPEN;
        *out_s = *s;
        break;
      }
      inside = NULL == inside ? s : inside;
    } else if (now_ms < s->opens_ms) {
      next = NULL == next ? s : next;
    } else {
      last = s;
    }
  }
  if (SCHEDULE_GATE_OPEN != *out) {
    if (NULL != inside) {
      *out = NULL == code || '\0' == code[0] ? SCHEDULE_GATE_CODE_NEEDED : SCHEDULE_GATE_CODE_WRONG;
      *out_s = *inside;
    } else if (NULL != next) {
      *out = SCHEDULE_GATE_NOT_YET;
      *out_s = *next;
    } else if (NULL != last) {
      *out = SCHEDULE_GATE_CLOSED;
      *out_s = *last;
    }
  }
  store_schedule_list_free(list, n);
  return STORE_OK;
}

int schedule_record_start(struct store_tx *tx, int64_t schedule_id, int64_t user_id,
                          int64_t attempt_id) {
  int rc = store_enrolment_set_attempt(tx, schedule_id, user_id, attempt_id);
  if (STORE_OK != rc) {
    return STORE_NONE == rc ? STORE_HARD : rc;
  }
  return audit_creation(tx, user_id, "schedule.attended", "schedule", schedule_id,
                        json_pack("{s:I, s:s, s:I}", "user_id", (json_int_t)user_id, "by", "start",
                                  "attempt_id", (json_int_t)attempt_id));
}

json_t *schedule_to_json(const struct store_schedule *s, bool staff) {
  char opens[32], closes[32], lo[TIME_TEXT_SIZE], lc[TIME_TEXT_SIZE];
  enum time_zone z = TIME_ZONE_WIB;
  (void)time_zone_parse(s->time_zone, &z);
  opens[0] = closes[0] = '\0'; /* a time not set: "" */
  if (s->opens_ms > 0) {
    time_format(opens, sizeof opens, s->opens_ms / 1000, TIME_ISO);
  }
  if (s->closes_ms > 0) {
    time_format(closes, sizeof closes, s->closes_ms / 1000, TIME_ISO);
  }
  time_format_zone(lo, sizeof lo, s->opens_ms / 1000, z, TIME_MINUTE_UTC);
  time_format_zone(lc, sizeof lc, s->closes_ms / 1000, z, TIME_MINUTE_UTC);
  json_t *j =
      json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:b}", "id",
                (json_int_t)s->id, "exam_id", s->exam_id, "title", s->title, "tuk_name",
                s->tuk_name, "tuk_address", s->tuk_address, "time_zone", s->time_zone, "date",
                s->exam_date, "opens_at", opens, "closes_at", closes, "opens_local", lo,
                "closes_local", lc, "capacity", (json_int_t)s->capacity, "enrolled",
                (json_int_t)s->enrolled, "session_code_required", '\0' != s->session_code[0]);
  if (NULL != j && staff) {
    json_object_set_new(j, "session_code", json_string(s->session_code));
  }
  return j;
}
