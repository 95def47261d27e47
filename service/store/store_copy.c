/*
 * Moving between backends: every row of every table of one store copied into another (SQLite
 * to PostgreSQL or back), and the sums that verify a copy: per table, its rows and a digest
 * of their values that does not depend on the order rows come in. Written against the
 * statement layer, so it serves both directions. The tables and their columns are listed
 * here; a table whose columns differ from the list (a migration added one) is refused, not
 * copied without them: add the column here with the migration.
 *
 * Rows are written COPY_BATCH_ROWS at a time, in one multi-row INSERT (built from the
 * table's one-row INSERT): on PostgreSQL every statement of a write transaction is a few
 * round trips to the server (the statement and its savepoint), which row by row made the
 * copy of a province's volume take many minutes.
 */
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

/* The tables, in foreign-key order (a row's references are copied before it). */
static const struct {
  const char *name;
  int ncols;
} copy_tables[STORE_COPY_TABLES] = {
    {"users", 7},
    {"sessions", 8},
    {"rate_limits", 4},
    {"exam_sources", 5},
    {"attempts", 12},
    {"attempt_answers", 4},
    {"certificates", 24},
    {"review_claims", 4},
    {"appeals", 10},
    {"review_decisions", 11},
    {"audit_log", 9},
    {"staff_second_factor", 6},
    {"staff_recovery_codes", 2},
    {"second_factor_tickets", 4},
    {"password_resets", 6},
    {"login_devices", 4},
    {"tlog_entries", 6},
    {"tlog_checkpoints", 3},
    {"tlog_backfill", 1},
    {"certificate_status_epoch", 2},
    {"certificate_status_lists", 6},
    {"attempt_flags", 3},
    {"user_prefs", 2},
    {"review_item_marks", 5},
    {"planned_extra_time", 6},
    {"applications", 11},
    {"evidence_uploads", 14},
    {"evidence_chunks", 3},
    {"evidence_files", 7},
    {"evidence_previews", 3},
    {"evidence_attachments", 5},
    {"application_attachments", 4},
    {"observations", 9},
    {"observation_uploads", 3},
    {"observation_photos", 7},
    {"schedules", 13},
    {"schedule_assessors", 2},
    {"schedule_enrolments", 7},
    {"certificate_credentials", 4},
    {"holder_dids", 3},
    {"certificate_jwt", 4},
    {"certificate_shares", 3},
    {"recert_reminders", 4},
    {"recertifications", 6},
    {"checkin_codes", 6},
    {"complaints", 16},
    {"complaint_notes", 7},
    {"email_changes", 6},
};

/* Every column, in an order that satisfies foreign keys (a replacement certificate after
 * the one it replaces). */
static const char *const copy_selects[STORE_COPY_TABLES] = {
    "SELECT id, email, name, role, password_hash, disabled, created_at FROM users ORDER BY id",
    "SELECT token_hash, user_id, created_at, last_seen_at, expires_at, absolute_expires_at, "
    "scope_schedule_id, device FROM sessions ORDER BY token_hash",
    "SELECT key, window_start, count, blocked_until FROM rate_limits ORDER BY key",
    "SELECT version, exam_id, file, source, stored_at FROM exam_sources ORDER BY version",
    "SELECT id, user_id, exam_id, exam_version, form, status, started_at, deadline_at, "
    "finished_at, verdict, result, decided_at FROM attempts ORDER BY id",
    "SELECT attempt_id, item_id, value, saved_at FROM attempt_answers ORDER BY attempt_id, item_id",
    "SELECT serial, attempt_id, user_id, holder, subsector, exam_id, units, issued_at, expires_at, "
    "kid, jws, qr_token, status, revoked_at, revoked_reason, revoked_by, qr_png, qr_png_url, "
    "display, suspended_at, suspended_reason, suspended_by, replaces, status_index FROM "
    "certificates ORDER BY issued_at, replaces IS NOT NULL, serial",
    "SELECT attempt_id, assessor_id, claimed_at, expires_at FROM review_claims ORDER BY attempt_id",
    "SELECT id, attempt_id, candidate_id, reason, created_at, status, original_assessor_id, "
    "assessor_id, assigned_at, decided_at FROM appeals ORDER BY id",
    "SELECT id, attempt_id, decided_by, kind, decided_at, overall, marks, units, feedback, reason, "
    "appeal_id FROM review_decisions ORDER BY id",
    "SELECT seq, at, actor, action, subject, before, after, prev_hash, hash FROM audit_log ORDER "
    "BY seq",
    "SELECT user_id, secret_sealed, state, last_step, created_at, confirmed_at FROM "
    "staff_second_factor ORDER BY user_id",
    "SELECT user_id, code_hash FROM staff_recovery_codes ORDER BY user_id, code_hash",
    "SELECT ticket_hash, user_id, expires_at, failures FROM second_factor_tickets ORDER BY "
    "ticket_hash",
    "SELECT token_hash, user_id, issued_by, created_at, expires_at, used_at FROM password_resets "
    "ORDER BY token_hash",
    "SELECT token_hash, user_id, created_at, last_used_at FROM login_devices ORDER BY token_hash",
    "SELECT idx, entry, leaf_hash, serial, event, appended_at FROM tlog_entries ORDER BY idx",
    "SELECT size, note, at FROM tlog_checkpoints ORDER BY size",
    "SELECT serial FROM tlog_backfill ORDER BY serial",
    "SELECT id, epoch FROM certificate_status_epoch ORDER BY id",
    "SELECT purpose, epoch, kid, url, built_at, credential FROM certificate_status_lists ORDER BY "
    "purpose",
    "SELECT attempt_id, item_id, flagged_at FROM attempt_flags ORDER BY attempt_id, item_id",
    "SELECT user_id, time_zone FROM user_prefs ORDER BY user_id",
    "SELECT attempt_id, item_id, assessor_id, marks, saved_at FROM review_item_marks ORDER BY "
    "attempt_id, item_id, assessor_id",
    "SELECT user_id, exam_id, minutes, reason, created_by, created_at FROM planned_extra_time "
    "ORDER BY user_id, exam_id",
    "SELECT id, user_id, exam_id, personal, nik_sealed, self_assessment, status, "
    "submitted_at, decided_by, decided_at, reason FROM applications ORDER BY id",
    "SELECT id, attempt_id, item_id, user_id, name, size, sha256_hint, received, state, "
    "sha256, reason, created_at, updated_at, application_id FROM evidence_uploads ORDER BY id",
    "SELECT upload_id, pos, data FROM evidence_chunks ORDER BY upload_id, pos",
    "SELECT sha256, size, mime, width, height, holder, created_at FROM evidence_files ORDER "
    "BY sha256",
    "SELECT sha256, mime, data FROM evidence_previews ORDER BY sha256",
    "SELECT attempt_id, item_id, sha256, name, attached_at FROM evidence_attachments ORDER BY "
    "attempt_id, item_id, sha256",
    "SELECT application_id, sha256, name, attached_at FROM application_attachments ORDER BY "
    "application_id, sha256",
    "SELECT attempt_id, unit_code, kuk_id, observed, notes, assessor_id, recorded_at, "
    "saved_at, op FROM observations ORDER BY attempt_id, unit_code, kuk_id",
    "SELECT upload_id, unit_code, kuk_id FROM observation_uploads ORDER BY upload_id",
    "SELECT attempt_id, unit_code, kuk_id, sha256, name, assessor_id, attached_at FROM "
    "observation_photos ORDER BY attempt_id, unit_code, kuk_id, sha256",
    "SELECT id, exam_id, title, tuk_name, tuk_address, time_zone, exam_date, opens_at, "
    "closes_at, capacity, session_code, created_by, created_at FROM schedules ORDER BY id",
    "SELECT schedule_id, user_id FROM schedule_assessors ORDER BY schedule_id, user_id",
    "SELECT schedule_id, user_id, enrolled_by, enrolled_at, attempt_id, attended_at, "
    "attended_by FROM schedule_enrolments ORDER BY schedule_id, user_id",
    "SELECT serial, email_salt, jsonld, made_at FROM certificate_credentials ORDER BY serial",
    "SELECT user_id, did, bound_at FROM holder_dids ORDER BY user_id",
    "SELECT serial, seq, jwt, made_at FROM certificate_jwt ORDER BY serial, seq",
    "SELECT serial, token, created_at FROM certificate_shares ORDER BY serial",
    "SELECT serial, days, sent_at, mailed FROM recert_reminders ORDER BY serial, days",
    "SELECT old_serial, user_id, exam_id, opened_at, new_serial, linked_at FROM "
    "recertifications ORDER BY old_serial",
    "SELECT code_hash, schedule_id, user_id, created_by, created_at, used_at FROM "
    "checkin_codes ORDER BY code_hash",
    "SELECT id, token, created_at, user_id, name, email, category, about, body, status, "
    "handler_id, taken_at, outcome, outcome_text, closed_at, erased_at FROM complaints ORDER BY "
    "id",
    "SELECT complaint_id, seq, created_at, author_id, from_complainant, shown, body FROM "
    "complaint_notes ORDER BY complaint_id, seq",
    "SELECT token_hash, user_id, email, created_at, expires_at, used_at FROM email_changes ORDER "
    "BY token_hash",
};
static const struct store_sqlset select_set = {"copy select", copy_selects, STORE_COPY_TABLES};

static const char *const copy_inserts[STORE_COPY_TABLES] = {
    "INSERT INTO users(id, email, name, role, password_hash, disabled, created_at) VALUES(?1, ?2, "
    "?3, ?4, ?5, ?6, ?7)",
    "INSERT INTO sessions(token_hash, user_id, created_at, last_seen_at, expires_at, "
    "absolute_expires_at, scope_schedule_id, device) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    "INSERT INTO rate_limits(key, window_start, count, blocked_until) VALUES(?1, ?2, ?3, ?4)",
    "INSERT INTO exam_sources(version, exam_id, file, source, stored_at) VALUES(?1, ?2, ?3, ?4, "
    "?5)",
    "INSERT INTO attempts(id, user_id, exam_id, exam_version, form, status, started_at, "
    "deadline_at, finished_at, verdict, result, decided_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
    "?9, ?10, ?11, ?12)",
    "INSERT INTO attempt_answers(attempt_id, item_id, value, saved_at) VALUES(?1, ?2, ?3, ?4)",
    "INSERT INTO certificates(serial, attempt_id, user_id, holder, subsector, exam_id, units, "
    "issued_at, expires_at, kid, jws, qr_token, status, revoked_at, revoked_reason, revoked_by, "
    "qr_png, qr_png_url, display, suspended_at, suspended_reason, suspended_by, replaces, "
    "status_index) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
    "?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)",
    "INSERT INTO review_claims(attempt_id, assessor_id, claimed_at, expires_at) VALUES(?1, ?2, ?3, "
    "?4)",
    "INSERT INTO appeals(id, attempt_id, candidate_id, reason, created_at, status, "
    "original_assessor_id, assessor_id, assigned_at, decided_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, "
    "?7, ?8, ?9, ?10)",
    "INSERT INTO review_decisions(id, attempt_id, decided_by, kind, decided_at, overall, marks, "
    "units, feedback, reason, appeal_id) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    "INSERT INTO audit_log(seq, at, actor, action, subject, before, after, prev_hash, hash) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    "INSERT INTO staff_second_factor(user_id, secret_sealed, state, last_step, created_at, "
    "confirmed_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    "INSERT INTO staff_recovery_codes(user_id, code_hash) VALUES(?1, ?2)",
    "INSERT INTO second_factor_tickets(ticket_hash, user_id, expires_at, failures) VALUES(?1, ?2, "
    "?3, ?4)",
    "INSERT INTO password_resets(token_hash, user_id, issued_by, created_at, expires_at, used_at) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    "INSERT INTO login_devices(token_hash, user_id, created_at, last_used_at) VALUES(?1, ?2, ?3, "
    "?4)",
    "INSERT INTO tlog_entries(idx, entry, leaf_hash, serial, event, appended_at) VALUES(?1, ?2, "
    "?3, ?4, ?5, ?6)",
    "INSERT INTO tlog_checkpoints(size, note, at) VALUES(?1, ?2, ?3)",
    "INSERT INTO tlog_backfill(serial) VALUES(?1)",
    "INSERT INTO certificate_status_epoch(id, epoch) VALUES(?1, ?2) ON CONFLICT(id) DO UPDATE SET "
    "epoch = excluded.epoch",
    "INSERT INTO certificate_status_lists(purpose, epoch, kid, url, built_at, credential) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    "INSERT INTO attempt_flags(attempt_id, item_id, flagged_at) VALUES(?1, ?2, ?3)",
    "INSERT INTO user_prefs(user_id, time_zone) VALUES(?1, ?2)",
    "INSERT INTO review_item_marks(attempt_id, item_id, assessor_id, marks, saved_at) VALUES(?1, "
    "?2, ?3, ?4, ?5)",
    "INSERT INTO planned_extra_time(user_id, exam_id, minutes, reason, created_by, created_at) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    "INSERT INTO applications(id, user_id, exam_id, personal, nik_sealed, self_assessment, "
    "status, submitted_at, decided_by, decided_at, reason) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, "
    "?8, ?9, ?10, ?11)",
    "INSERT INTO evidence_uploads(id, attempt_id, item_id, user_id, name, size, sha256_hint, "
    "received, state, sha256, reason, created_at, updated_at, application_id) VALUES(?1, ?2, "
    "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    "INSERT INTO evidence_chunks(upload_id, pos, data) VALUES(?1, ?2, ?3)",
    "INSERT INTO evidence_files(sha256, size, mime, width, height, holder, created_at) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    "INSERT INTO evidence_previews(sha256, mime, data) VALUES(?1, ?2, ?3)",
    "INSERT INTO evidence_attachments(attempt_id, item_id, sha256, name, attached_at) "
    "VALUES(?1, ?2, ?3, ?4, ?5)",
    "INSERT INTO application_attachments(application_id, sha256, name, attached_at) "
    "VALUES(?1, ?2, ?3, ?4)",
    "INSERT INTO observations(attempt_id, unit_code, kuk_id, observed, notes, assessor_id, "
    "recorded_at, saved_at, op) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    "INSERT INTO observation_uploads(upload_id, unit_code, kuk_id) VALUES(?1, ?2, ?3)",
    "INSERT INTO observation_photos(attempt_id, unit_code, kuk_id, sha256, name, assessor_id, "
    "attached_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    "INSERT INTO schedules(id, exam_id, title, tuk_name, tuk_address, time_zone, exam_date, "
    "opens_at, closes_at, capacity, session_code, created_by, created_at) VALUES(?1, ?2, ?3, "
    "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    "INSERT INTO schedule_assessors(schedule_id, user_id) VALUES(?1, ?2)",
    "INSERT INTO schedule_enrolments(schedule_id, user_id, enrolled_by, enrolled_at, "
    "attempt_id, attended_at, attended_by) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    "INSERT INTO certificate_credentials(serial, email_salt, jsonld, made_at) VALUES(?1, ?2, "
    "?3, ?4)",
    "INSERT INTO holder_dids(user_id, did, bound_at) VALUES(?1, ?2, ?3)",
    "INSERT INTO certificate_jwt(serial, seq, jwt, made_at) VALUES(?1, ?2, ?3, ?4)",
    "INSERT INTO certificate_shares(serial, token, created_at) VALUES(?1, ?2, ?3)",
    "INSERT INTO recert_reminders(serial, days, sent_at, mailed) VALUES(?1, ?2, ?3, ?4)",
    "INSERT INTO recertifications(old_serial, user_id, exam_id, opened_at, new_serial, "
    "linked_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    "INSERT INTO checkin_codes(code_hash, schedule_id, user_id, created_by, created_at, "
    "used_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    "INSERT INTO complaints(id, token, created_at, user_id, name, email, category, about, body, "
    "status, handler_id, taken_at, outcome, outcome_text, closed_at, erased_at) VALUES(?1, ?2, "
    "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    "INSERT INTO complaint_notes(complaint_id, seq, created_at, author_id, from_complainant, "
    "shown, body) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    "INSERT INTO email_changes(token_hash, user_id, email, created_at, expires_at, used_at) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
};
static const struct store_sqlset insert_set = {"copy insert", copy_inserts, STORE_COPY_TABLES};

/* Rows per multi-row INSERT (parameters: at most 128 * 24, below both engines' limits), and
 * the bytes of values buffered before the rows so far are written one by one (large blobs:
 * evidence chunks). */
#define COPY_BATCH_ROWS  128
#define COPY_BATCH_BYTES ((size_t)4 * 1024 * 1024)
#define COPY_MAX_COLS    24 /* the widest table's columns (certificates) */

/* The multi-row INSERT of each table ("INSERT INTO t(...) VALUES(?1, ..), (?n+1, ..), ..."),
 * made once from copy_inserts; NULL for a table whose INSERT has a conflict clause (its rows
 * are written one by one) or when memory ran out. */
static const char *batch_sqls[STORE_COPY_TABLES];
static pthread_once_t batch_once = PTHREAD_ONCE_INIT;
static const struct store_sqlset batch_set = {"copy batch", batch_sqls, STORE_COPY_TABLES};

static char *batch_sql(const char *one, int ncols) {
  const char *values = strstr(one, "VALUES(");
  if (NULL == values || ')' != one[strlen(one) - 1] || NULL != strstr(one, "ON CONFLICT")) {
    return NULL;
  }
  size_t head = (size_t)(values - one) + 6,
         size = head + (size_t)COPY_BATCH_ROWS * ((size_t)ncols * 8 + 4) + 1;
  char *sql = malloc(size);
  if (NULL == sql) {
    return NULL;
  }
  memcpy(sql, one, head);
  size_t o = head;
  for (int r = 0; r < COPY_BATCH_ROWS; r++) {
    for (int col = 0; col < ncols; col++) {
      o += (size_t)snprintf(sql + o, size - o, "%s?%d", 0 == col ? (0 == r ? "(" : ", (") : ", ",
                            r * ncols + col + 1);
    }
    sql[o++] = ')';
  }
  sql[o] = '\0';
  return sql;
}

static void batch_init(void) {
  for (size_t i = 0; i < STORE_COPY_TABLES; i++) {
    batch_sqls[i] = batch_sql(copy_inserts[i], copy_tables[i].ncols);
  }
}

/* What the table really has, to compare with the list. */
static const char *const copy_stars[STORE_COPY_TABLES] = {
    "SELECT * FROM users LIMIT 1",
    "SELECT * FROM sessions LIMIT 1",
    "SELECT * FROM rate_limits LIMIT 1",
    "SELECT * FROM exam_sources LIMIT 1",
    "SELECT * FROM attempts LIMIT 1",
    "SELECT * FROM attempt_answers LIMIT 1",
    "SELECT * FROM certificates LIMIT 1",
    "SELECT * FROM review_claims LIMIT 1",
    "SELECT * FROM appeals LIMIT 1",
    "SELECT * FROM review_decisions LIMIT 1",
    "SELECT * FROM audit_log LIMIT 1",
    "SELECT * FROM staff_second_factor LIMIT 1",
    "SELECT * FROM staff_recovery_codes LIMIT 1",
    "SELECT * FROM second_factor_tickets LIMIT 1",
    "SELECT * FROM password_resets LIMIT 1",
    "SELECT * FROM login_devices LIMIT 1",
    "SELECT * FROM tlog_entries LIMIT 1",
    "SELECT * FROM tlog_checkpoints LIMIT 1",
    "SELECT * FROM tlog_backfill LIMIT 1",
    "SELECT * FROM certificate_status_epoch LIMIT 1",
    "SELECT * FROM certificate_status_lists LIMIT 1",
    "SELECT * FROM attempt_flags LIMIT 1",
    "SELECT * FROM user_prefs LIMIT 1",
    "SELECT * FROM review_item_marks LIMIT 1",
    "SELECT * FROM planned_extra_time LIMIT 1",
    "SELECT * FROM applications LIMIT 1",
    "SELECT * FROM evidence_uploads LIMIT 1",
    "SELECT * FROM evidence_chunks LIMIT 1",
    "SELECT * FROM evidence_files LIMIT 1",
    "SELECT * FROM evidence_previews LIMIT 1",
    "SELECT * FROM evidence_attachments LIMIT 1",
    "SELECT * FROM application_attachments LIMIT 1",
    "SELECT * FROM observations LIMIT 1",
    "SELECT * FROM observation_uploads LIMIT 1",
    "SELECT * FROM observation_photos LIMIT 1",
    "SELECT * FROM schedules LIMIT 1",
    "SELECT * FROM schedule_assessors LIMIT 1",
    "SELECT * FROM schedule_enrolments LIMIT 1",
    "SELECT * FROM certificate_credentials LIMIT 1",
    "SELECT * FROM holder_dids LIMIT 1",
    "SELECT * FROM certificate_jwt LIMIT 1",
    "SELECT * FROM certificate_shares LIMIT 1",
    "SELECT * FROM recert_reminders LIMIT 1",
    "SELECT * FROM recertifications LIMIT 1",
    "SELECT * FROM checkin_codes LIMIT 1",
    "SELECT * FROM complaints LIMIT 1",
    "SELECT * FROM complaint_notes LIMIT 1",
    "SELECT * FROM email_changes LIMIT 1",
};
static const struct store_sqlset star_set = {"copy columns", copy_stars, STORE_COPY_TABLES};

/* PostgreSQL's identity columns continue after the copied ids (SQLite's rowids do so by
 * themselves). */
enum {
  SEQ_USERS,
  SEQ_ATTEMPTS,
  SEQ_APPEALS,
  SEQ_DECISIONS,
  SEQ_APPLICATIONS,
  SEQ_SCHEDULES,
  SEQ_COMPLAINTS,
  SEQ__MAX
};
static const char *const seq_sqls[SEQ__MAX] = {
    [SEQ_USERS] = "SELECT setval(pg_get_serial_sequence('users', 'id'), "
                  "coalesce(max(id), 0) + 1, false) FROM users",
    [SEQ_ATTEMPTS] = "SELECT setval(pg_get_serial_sequence('attempts', 'id'), "
                     "coalesce(max(id), 0) + 1, false) FROM attempts",
    [SEQ_APPEALS] = "SELECT setval(pg_get_serial_sequence('appeals', 'id'), "
                    "coalesce(max(id), 0) + 1, false) FROM appeals",
    [SEQ_DECISIONS] = "SELECT setval(pg_get_serial_sequence('review_decisions', 'id'), "
                      "coalesce(max(id), 0) + 1, false) FROM review_decisions",
    [SEQ_APPLICATIONS] = "SELECT setval(pg_get_serial_sequence('applications', 'id'), "
                         "coalesce(max(id), 0) + 1, false) FROM applications",
    [SEQ_SCHEDULES] = "SELECT setval(pg_get_serial_sequence('schedules', 'id'), "
                      "coalesce(max(id), 0) + 1, false) FROM schedules",
    [SEQ_COMPLAINTS] = "SELECT setval(pg_get_serial_sequence('complaints', 'id'), "
                       "coalesce(max(id), 0) + 1, false) FROM complaints",
};
static const struct store_sqlset seq_set = {"copy sequences", seq_sqls, SEQ__MAX};

/* PostgreSQL plans by its table statistics, which a bulk load leaves empty until autovacuum
 * gets to the tables: the copy's own checks and a daemon's first requests would be planned
 * blind (a correlated look-up taken as a scan of the whole log per certificate). Taken in the
 * copying transaction, the statistics commit with the rows. */
static const char *const analyze_sqls[] = {"ANALYZE"};
static const struct store_sqlset analyze_set = {"copy analyze", analyze_sqls, 1};

const char *store_copy_table_name(size_t i) {
  return i < STORE_COPY_TABLES ? copy_tables[i].name : NULL;
}

/* STORE_OK when table i of c has exactly the listed columns. */
static int check_columns(struct store_conn *c, size_t i, char *err, size_t errlen) {
  struct store_stmt *st = NULL;
  int rc = store_row_step(c, &star_set, (int)i, NULL, 0, "copy columns", &st);
  int n = NULL == st ? -1 : store_col_count(st);
  store_stmt_done(st);
  if (rc < 0) {
    snprintf(err, errlen, "%s: cannot read the table (%s)", copy_tables[i].name, store_rc_name(rc));
    return rc;
  }
  if (n != copy_tables[i].ncols) {
    snprintf(err, errlen, "%s has %d columns, the copy knows %d (service/store/store_copy.c)",
             copy_tables[i].name, n, copy_tables[i].ncols);
    return STORE_HARD;
  }
  return STORE_OK;
}

/* One value of a buffered row, as its type (text and blobs owned, text NUL-terminated). */
struct copy_val {
  enum store_col_type type;
  int64_t i;
  unsigned char *p;
  size_t n;
};

/* The rows of one table read but not yet written. */
struct copy_batch {
  struct copy_val vals[COPY_BATCH_ROWS * COPY_MAX_COLS];
  int ncols, rows;
  size_t bytes;
};

/* Appends the current row of from to b. STORE_OK or STORE_UNAVAILABLE (out of memory). */
static int batch_add(struct copy_batch *b, struct store_stmt *from) {
  struct copy_val *row = b->vals + (size_t)b->rows * (size_t)b->ncols;
  memset(row, 0, (size_t)b->ncols * sizeof *row);
  for (int col = 0; col < b->ncols; col++) {
    struct copy_val *v = &row[col];
    v->type = store_col_type(from, col);
    if (STORE_COL_INT == v->type) {
      v->i = store_col_int64(from, col);
    } else if (STORE_COL_NULL != v->type) {
      const void *src =
          STORE_COL_BLOB == v->type ? store_col_data(from, col) : store_col_text(from, col);
      v->n = store_col_bytes(from, col);
      v->p = malloc(v->n + 1);
      if (NULL == v->p) {
        b->rows++; /* so that batch_clear frees this row's values too */
        return STORE_UNAVAILABLE;
      }
      if (v->n > 0) {
        memcpy(v->p, src, v->n);
      }
      v->p[v->n] = '\0';
      b->bytes += v->n;
    }
  }
  b->rows++;
  return STORE_OK;
}

static void batch_clear(struct copy_batch *b) {
  for (int k = 0; k < b->rows * b->ncols; k++) {
    free(b->vals[k].p);
  }
  b->rows = 0;
  b->bytes = 0;
}

/* Binds buffered row r of b to the parameters after first, as their types. */
static void bind_row(struct store_stmt *to, const struct copy_batch *b, int r, int first) {
  for (int col = 0; col < b->ncols; col++) {
    const struct copy_val *v = &b->vals[r * b->ncols + col];
    int idx = first + col + 1;
    switch (v->type) {
    case STORE_COL_NULL:
      store_bind_null(to, idx);
      break;
    case STORE_COL_INT:
      store_bind_int64(to, idx, v->i);
      break;
    case STORE_COL_BLOB:
      store_bind_blob(to, idx, v->p, v->n);
      break;
    default:
      store_bind_text(to, idx, (const char *)v->p);
      break;
    }
  }
}

/* Writes the buffered rows of table i into dst (one multi-row INSERT for a full batch, else
 * one INSERT per row) and empties b. */
static int batch_flush(struct store_conn *dst, size_t i, struct copy_batch *b) {
  int rc = STORE_OK;
  if (COPY_BATCH_ROWS == b->rows && NULL != batch_sqls[i]) {
    struct store_stmt *ins = store_stmt(dst, &batch_set, (int)i);
    rc = NULL == ins ? STORE_HARD : STORE_OK;
    for (int r = 0; STORE_OK == rc && r < b->rows; r++) {
      bind_row(ins, b, r, r * b->ncols);
    }
    if (STORE_OK == rc) {
      rc = store_step_done(dst, ins, copy_tables[i].name, NULL);
    }
    store_stmt_done(ins);
  } else {
    for (int r = 0; STORE_OK == rc && r < b->rows; r++) {
      struct store_stmt *ins = store_stmt(dst, &insert_set, (int)i);
      rc = NULL == ins ? STORE_HARD : STORE_OK;
      if (STORE_OK == rc) {
        bind_row(ins, b, r, 0);
        rc = store_step_done(dst, ins, copy_tables[i].name, NULL);
      }
      store_stmt_done(ins);
    }
  }
  batch_clear(b);
  return rc;
}

struct copy_ctx {
  struct store *from;
  bool to_pg;
  int64_t rows;
  struct copy_batch *batch;
  char *err;
  size_t errlen;
};

/* Copies table i from src into the transaction's connection. */
static int copy_table(struct store_conn *src, struct store_conn *dst, size_t i,
                      struct copy_ctx *ctx) {
  struct copy_batch *b = ctx->batch;
  struct store_stmt *sel = store_stmt(src, &select_set, (int)i);
  int rc = NULL == sel || copy_tables[i].ncols > COPY_MAX_COLS ? STORE_HARD : STORE_OK;
  b->ncols = copy_tables[i].ncols;
  b->rows = 0;
  b->bytes = 0;
  while (STORE_OK == rc && STORE_OK == (rc = store_step_row(src, sel, "copy read"))) {
    rc = batch_add(b, sel);
    ctx->rows++;
    if (STORE_OK == rc && (COPY_BATCH_ROWS == b->rows || b->bytes >= COPY_BATCH_BYTES)) {
      rc = batch_flush(dst, i, b);
    }
  }
  store_stmt_done(sel);
  if (STORE_NONE == rc) {
    rc = batch_flush(dst, i, b);
  }
  batch_clear(b);
  if (STORE_OK == rc) {
    return STORE_OK;
  }
  snprintf(ctx->err, ctx->errlen, "%s: %s", copy_tables[i].name,
           STORE_EXISTS == rc ? "the destination already has such a row" : store_rc_name(rc));
  return rc < 0 ? rc : STORE_CONFLICT;
}

static int copy_body(struct store_tx *tx, void *arg) {
  struct copy_ctx *ctx = arg;
  struct store_conn *dst = store_tx_conn(tx);
  struct store_rd *rd = NULL;
  ctx->rows = 0;
  int rc = store_rd_begin(ctx->from, &rd);
  if (STORE_OK != rc) {
    snprintf(ctx->err, ctx->errlen, "cannot read the source (%s)", store_rc_name(rc));
    return rc;
  }
  struct store_conn *src = store_rd_conn(rd);
  for (size_t i = 0; STORE_OK == rc && i < STORE_COPY_TABLES; i++) {
    rc = check_columns(src, i, ctx->err, ctx->errlen);
    if (STORE_OK == rc) {
      rc = check_columns(dst, i, ctx->err, ctx->errlen);
    }
    if (STORE_OK == rc) {
      rc = copy_table(src, dst, i, ctx);
    }
  }
  store_rd_end(rd);
  for (int k = 0; STORE_OK == rc && ctx->to_pg && k < SEQ__MAX; k++) {
    struct store_stmt *st = NULL;
    rc = store_row_step(dst, &seq_set, k, NULL, 0, "copy sequences", &st);
    store_stmt_done(st);
  }
  if (STORE_OK == rc && ctx->to_pg) {
    struct store_stmt *st = store_stmt(dst, &analyze_set, 0);
    rc = NULL == st ? STORE_HARD : store_step_done(dst, st, "copy analyze", NULL);
    store_stmt_done(st);
  }
  return rc;
}

int store_copy(struct store *from, struct store *to, int64_t *out_rows, char *err, size_t errlen) {
  struct store_table_sum sums[STORE_COPY_TABLES];
  int rc = store_table_sums(to, sums, err, errlen);
  if (STORE_OK != rc) {
    return rc;
  }
  for (size_t i = 0; i < STORE_COPY_TABLES; i++) {
    /* The status epoch's one row is made by the migrations: the copy replaces it. */
    if (sums[i].rows > 0 && 0 != strcmp(sums[i].table, "certificate_status_epoch")) {
      snprintf(err, errlen, "the destination is not empty (%s has %lld rows)", sums[i].table,
               (long long)sums[i].rows);
      return STORE_CONFLICT;
    }
  }
  pthread_once(&batch_once, batch_init);
  struct copy_ctx ctx = {from, 0 == strcmp("postgresql", store_backend_name(to)),
                         0,    calloc(1, sizeof *ctx.batch),
                         err,  errlen};
  if (NULL == ctx.batch) {
    snprintf(err, errlen, "out of memory");
    return STORE_UNAVAILABLE;
  }
  rc = store_txn(to, copy_body, &ctx);
  free(ctx.batch);
  if (NULL != out_rows) {
    *out_rows = ctx.rows;
  }
  return rc;
}

/* Adds the digest of the current row (each value with its type) into sum->digest (XOR:
 * the order of rows does not matter, and no two rows of a table are equal). */
static int sum_row(struct store_stmt *st, int ncols, struct store_table_sum *sum) {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int dlen = 0;
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  int ok = NULL != md && 1 == EVP_DigestInit_ex(md, EVP_sha256(), NULL);
  for (int col = 0; ok && col < ncols; col++) {
    enum store_col_type type = store_col_type(st, col);
    unsigned char tag = (unsigned char)type;
    unsigned char buf[8];
    ok = 1 == EVP_DigestUpdate(md, &tag, 1);
    if (STORE_COL_INT == type) {
      uint64_t v = (uint64_t)store_col_int64(st, col);
      for (int b = 0; b < 8; b++) {
        buf[b] = (unsigned char)(v >> (56 - 8 * b));
      }
      ok = ok && 1 == EVP_DigestUpdate(md, buf, 8);
    } else if (STORE_COL_NULL != type) {
      const void *p = STORE_COL_BLOB == type ? store_col_data(st, col) : store_col_text(st, col);
      uint64_t n = store_col_bytes(st, col);
      for (int b = 0; b < 8; b++) {
        buf[b] = (unsigned char)(n >> (56 - 8 * b));
      }
      ok = ok && 1 == EVP_DigestUpdate(md, buf, 8) && (0 == n || 1 == EVP_DigestUpdate(md, p, n));
    }
  }
  ok = ok && 1 == EVP_DigestFinal_ex(md, d, &dlen) && 32 == dlen;
  EVP_MD_CTX_free(md);
  if (!ok) {
    return STORE_UNAVAILABLE;
  }
  for (int b = 0; b < 32; b++) {
    sum->digest[b] ^= d[b];
  }
  sum->rows++;
  return STORE_OK;
}

int store_table_sums(struct store *s, struct store_table_sum out[STORE_COPY_TABLES], char *err,
                     size_t errlen) {
  struct store_rd *rd = NULL;
  if (errlen > 0) {
    err[0] = '\0';
  }
  int rc = store_rd_begin(s, &rd);
  if (STORE_OK != rc) {
    snprintf(err, errlen, "cannot read the database (%s)", store_rc_name(rc));
    return rc;
  }
  struct store_conn *c = store_rd_conn(rd);
  for (size_t i = 0; STORE_OK == rc && i < STORE_COPY_TABLES; i++) {
    memset(&out[i], 0, sizeof out[i]);
    out[i].table = copy_tables[i].name;
    rc = check_columns(c, i, err, errlen);
    struct store_stmt *st = STORE_OK == rc ? store_stmt(c, &select_set, (int)i) : NULL;
    while (NULL != st && STORE_OK == (rc = store_step_row(c, st, "table sums"))) {
      rc = sum_row(st, copy_tables[i].ncols, &out[i]);
      if (STORE_OK != rc) {
        break;
      }
    }
    store_stmt_done(st);
    if (STORE_NONE == rc) {
      rc = STORE_OK;
    } else if (STORE_OK != rc && '\0' == err[0]) {
      snprintf(err, errlen, "%s: %s", copy_tables[i].name, store_rc_name(rc));
    }
  }
  store_rd_end(rd);
  return rc;
}
