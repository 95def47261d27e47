/*
 * Moving between backends: every row of every table of one store copied into another (SQLite
 * to PostgreSQL or back), and the sums that verify a copy: per table, its rows and a digest
 * of their values that does not depend on the order rows come in. Written against the
 * statement layer, so it serves both directions. The tables and their columns are listed
 * here; a table whose columns differ from the list (a migration added one) is refused, not
 * copied without them: add the column here with the migration.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "store/store_internal.h"

/* The tables, in foreign-key order (a row's references are copied before it). */
static const struct {
  const char *name;
  int ncols;
} copy_tables[STORE_COPY_TABLES] = {
    {"users", 7},
    {"sessions", 6},
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
};

/* Every column, in an order that satisfies foreign keys (a replacement certificate after
 * the one it replaces). */
static const char *const copy_selects[STORE_COPY_TABLES] = {
    "SELECT id, email, name, role, password_hash, disabled, created_at FROM users ORDER BY id",
    "SELECT token_hash, user_id, created_at, last_seen_at, expires_at, absolute_expires_at FROM "
    "sessions ORDER BY token_hash",
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
};
static const struct store_sqlset select_set = {"copy select", copy_selects, STORE_COPY_TABLES};

static const char *const copy_inserts[STORE_COPY_TABLES] = {
    "INSERT INTO users(id, email, name, role, password_hash, disabled, created_at) VALUES(?1, ?2, "
    "?3, ?4, ?5, ?6, ?7)",
    "INSERT INTO sessions(token_hash, user_id, created_at, last_seen_at, expires_at, "
    "absolute_expires_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
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
};
static const struct store_sqlset insert_set = {"copy insert", copy_inserts, STORE_COPY_TABLES};

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
};
static const struct store_sqlset seq_set = {"copy sequences", seq_sqls, SEQ__MAX};

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

/* Binds column col of the current row of from to parameter col + 1 of to, as its type. */
static void bind_like(struct store_stmt *to, struct store_stmt *from, int col) {
  switch (store_col_type(from, col)) {
  case STORE_COL_NULL:
    store_bind_null(to, col + 1);
    break;
  case STORE_COL_INT:
    store_bind_int64(to, col + 1, store_col_int64(from, col));
    break;
  case STORE_COL_BLOB:
    store_bind_blob(to, col + 1, store_col_data(from, col), store_col_bytes(from, col));
    break;
  default:
    store_bind_text(to, col + 1, store_col_text(from, col));
    break;
  }
}

struct copy_ctx {
  struct store *from;
  bool to_pg;
  int64_t rows;
  char *err;
  size_t errlen;
};

/* Copies table i from src into the transaction's connection. */
static int copy_table(struct store_conn *src, struct store_conn *dst, size_t i,
                      struct copy_ctx *ctx) {
  struct store_stmt *sel = store_stmt(src, &select_set, (int)i);
  int rc = NULL == sel ? STORE_HARD : STORE_OK;
  while (STORE_OK == rc && STORE_OK == (rc = store_step_row(src, sel, "copy read"))) {
    struct store_stmt *ins = store_stmt(dst, &insert_set, (int)i);
    if (NULL == ins) {
      rc = STORE_HARD;
      break;
    }
    for (int col = 0; col < copy_tables[i].ncols; col++) {
      bind_like(ins, sel, col);
    }
    rc = store_step_done(dst, ins, copy_tables[i].name, NULL);
    store_stmt_done(ins);
    ctx->rows++;
  }
  store_stmt_done(sel);
  if (STORE_NONE == rc) {
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
  struct copy_ctx ctx = {from, 0 == strcmp("postgresql", store_backend_name(to)), 0, err, errlen};
  rc = store_txn(to, copy_body, &ctx);
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
