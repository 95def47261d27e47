/*
 * Evidence uploads, files, previews and attachments, for both backends. The bytes are BLOB
 * rows (a bytea column on PostgreSQL, bound and read in binary); every statement is portable SQL.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

enum evid_stmt {
  EV_UPLOAD_INSERT,
  EV_UPLOAD_GET,
  EV_UPLOAD_OPEN_COUNT,
  EV_UPLOAD_ADVANCE,
  EV_CHUNK_INSERT,
  EV_CHUNKS,
  EV_CHUNKS_DROP,
  EV_UPLOAD_FINISH,
  EV_UPLOAD_REFUSE,
  EV_FILE_INSERT,
  EV_FILE_GET,
  EV_PREVIEW_INSERT,
  EV_PREVIEW_GET,
  EV_ATTACH,
  EV_ATTACHED_ALL,
  EV_ATTACHED_ITEM,
  EV_ATTACHED_ONE,
  EV_UPLOAD_OPEN_COUNT_APP,
  EV_APP_ATTACH,
  EV_APP_ATTACHED,
  EV_APP_ATTACHED_ONE,
  EV_CHUNK_AT,
  EV_DETACH,
  EV_APP_DETACH,
  EV_OBS_UPLOAD_INSERT,
  EV_OBS_UPLOAD_KUK,
  EV_OBS_UPLOAD_OPEN_COUNT,
  EV_OBS_ATTACH,
  EV_OBS_PHOTOS,
  EV_OBS_PHOTOS_KUK,
  EV_OBS_PHOTO_ONE,
  EV_ABANDON,
  EV_ABANDONED_CHUNKS_DROP,
  EV_UNREFERENCED,
  EV_PREVIEW_DROP,
  EV_FILE_DROP,
  EV__MAX
};

#define UPLOAD_COLS                                                                                \
  "id, attempt_id, item_id, user_id, name, size, coalesce(sha256_hint, ''), received, state, "     \
  "coalesce(sha256, ''), coalesce(reason, ''), created_at, updated_at, "                           \
  "coalesce(application_id, 0)"
#define ATTACH_COLS                                                                                \
  "a.item_id, a.sha256, a.name, f.size, f.mime, a.attached_at FROM evidence_attachments a "        \
  "JOIN evidence_files f ON f.sha256 = a.sha256"
#define APP_ATTACH_COLS                                                                            \
  "'" STORE_UPLOAD_APPLICATION_ITEM "', a.sha256, a.name, f.size, f.mime, a.attached_at "          \
  "FROM application_attachments a JOIN evidence_files f ON f.sha256 = a.sha256"

#define OBS_PHOTO_COLS                                                                             \
  "p.unit_code, p.kuk_id, p.sha256, p.name, f.size, f.mime, p.assessor_id, p.attached_at "         \
  "FROM observation_photos p JOIN evidence_files f ON f.sha256 = p.sha256"
/* A file no owner references (f the evidence_files row). */
#define UNREFERENCED                                                                               \
  "NOT EXISTS (SELECT 1 FROM evidence_attachments a WHERE a.sha256 = f.sha256) "                   \
  "AND NOT EXISTS (SELECT 1 FROM application_attachments a WHERE a.sha256 = f.sha256) "            \
  "AND NOT EXISTS (SELECT 1 FROM observation_photos a WHERE a.sha256 = f.sha256)"

static const char *const evid_sqls[EV__MAX] = {
    [EV_UPLOAD_INSERT] = "INSERT INTO evidence_uploads(id, attempt_id, item_id, user_id, name, "
                         "size, sha256_hint, created_at, updated_at, application_id) "
                         "VALUES(?1, nullif(?2, 0), ?3, ?4, ?5, ?6, ?7, ?8, ?8, nullif(?9, 0))",
    [EV_UPLOAD_GET] = "SELECT " UPLOAD_COLS " FROM evidence_uploads WHERE id = ?1",
    [EV_UPLOAD_OPEN_COUNT] = "SELECT count(*) FROM evidence_uploads "
                             "WHERE attempt_id = ?1 AND item_id = ?2 AND state = 'open'",
    [EV_UPLOAD_ADVANCE] = "UPDATE evidence_uploads SET received = received + ?3, updated_at = ?4 "
                          "WHERE id = ?1 AND state = 'open' AND received = ?2 "
                          "AND received + ?3 <= size",
    [EV_CHUNK_INSERT] = "INSERT INTO evidence_chunks(upload_id, pos, data) VALUES(?1, ?2, ?3)",
    [EV_CHUNKS] = "SELECT data FROM evidence_chunks WHERE upload_id = ?1 ORDER BY pos",
    [EV_CHUNKS_DROP] = "DELETE FROM evidence_chunks WHERE upload_id = ?1",
    [EV_UPLOAD_FINISH] = "UPDATE evidence_uploads SET state = 'complete', sha256 = ?2, "
                         "updated_at = ?3 WHERE id = ?1 AND state = 'open'",
    [EV_UPLOAD_REFUSE] = "UPDATE evidence_uploads SET state = 'refused', reason = ?2, "
                         "updated_at = ?3 WHERE id = ?1 AND state = 'open'",
    [EV_FILE_INSERT] = "INSERT INTO evidence_files(sha256, size, mime, width, height, holder, "
                       "created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                       "ON CONFLICT (sha256) DO NOTHING",
    [EV_FILE_GET] = "SELECT sha256, size, mime, width, height, holder, created_at "
                    "FROM evidence_files WHERE sha256 = ?1",
    [EV_PREVIEW_INSERT] = "INSERT INTO evidence_previews(sha256, mime, data) VALUES(?1, ?2, ?3) "
                          "ON CONFLICT (sha256) DO NOTHING",
    [EV_PREVIEW_GET] = "SELECT mime, data FROM evidence_previews WHERE sha256 = ?1",
    [EV_ATTACH] = "INSERT INTO evidence_attachments(attempt_id, item_id, sha256, name, "
                  "attached_at) VALUES(?1, ?2, ?3, ?4, ?5)",
    [EV_ATTACHED_ALL] = "SELECT " ATTACH_COLS " WHERE a.attempt_id = ?1 "
                        "ORDER BY a.item_id, a.attached_at, a.sha256",
    [EV_ATTACHED_ITEM] = "SELECT " ATTACH_COLS " WHERE a.attempt_id = ?1 AND a.item_id = ?2 "
                         "ORDER BY a.attached_at, a.sha256",
    [EV_ATTACHED_ONE] = "SELECT " ATTACH_COLS " WHERE a.attempt_id = ?1 AND a.sha256 = ?2 "
                        "ORDER BY a.attached_at LIMIT 1",
    [EV_UPLOAD_OPEN_COUNT_APP] = "SELECT count(*) FROM evidence_uploads "
                                 "WHERE application_id = ?1 AND state = 'open'",
    [EV_APP_ATTACH] = "INSERT INTO application_attachments(application_id, sha256, name, "
                      "attached_at) VALUES(?1, ?2, ?3, ?4)",
    [EV_APP_ATTACHED] = "SELECT " APP_ATTACH_COLS " WHERE a.application_id = ?1 "
                        "ORDER BY a.attached_at, a.sha256",
    [EV_APP_ATTACHED_ONE] = "SELECT " APP_ATTACH_COLS " WHERE a.application_id = ?1 "
                            "AND a.sha256 = ?2",
    [EV_DETACH] = "DELETE FROM evidence_attachments WHERE attempt_id = ?1 AND item_id = ?2 "
                  "AND sha256 = ?3",
    [EV_APP_DETACH] = "DELETE FROM application_attachments WHERE application_id = ?1 "
                      "AND sha256 = ?2",
    [EV_OBS_UPLOAD_INSERT] = "INSERT INTO observation_uploads(upload_id, unit_code, kuk_id) "
                             "VALUES(?1, ?2, ?3)",
    [EV_OBS_UPLOAD_KUK] = "SELECT unit_code, kuk_id FROM observation_uploads WHERE upload_id = ?1",
    [EV_OBS_UPLOAD_OPEN_COUNT] =
        "SELECT count(*) FROM evidence_uploads u "
        "JOIN observation_uploads o ON o.upload_id = u.id "
        "WHERE u.attempt_id = ?1 AND u.item_id = '" STORE_UPLOAD_OBSERVATION_ITEM
        "' AND o.unit_code = ?2 AND o.kuk_id = ?3 AND u.state = 'open'",
    [EV_OBS_ATTACH] = "INSERT INTO observation_photos(attempt_id, unit_code, kuk_id, sha256, "
                      "name, assessor_id, attached_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                      "ON CONFLICT (attempt_id, unit_code, kuk_id, sha256) DO NOTHING",
    [EV_OBS_PHOTOS] = "SELECT " OBS_PHOTO_COLS " WHERE p.attempt_id = ?1 "
                      "ORDER BY p.unit_code, p.kuk_id, p.attached_at, p.sha256",
    [EV_OBS_PHOTOS_KUK] = "SELECT " OBS_PHOTO_COLS " WHERE p.attempt_id = ?1 "
                          "AND p.unit_code = ?2 AND p.kuk_id = ?3 ORDER BY p.attached_at, p.sha256",
    [EV_OBS_PHOTO_ONE] = "SELECT '" STORE_UPLOAD_OBSERVATION_ITEM "', p.sha256, p.name, f.size, "
                         "f.mime, p.attached_at FROM observation_photos p JOIN evidence_files f "
                         "ON f.sha256 = p.sha256 WHERE p.attempt_id = ?1 AND p.sha256 = ?2 "
                         "ORDER BY p.attached_at LIMIT 1",
    [EV_ABANDON] = "UPDATE evidence_uploads SET state = 'refused', reason = 'abandoned', "
                   "updated_at = ?2 WHERE state = 'open' AND updated_at < ?1",
    [EV_ABANDONED_CHUNKS_DROP] = "DELETE FROM evidence_chunks WHERE upload_id IN (SELECT id FROM "
                                 "evidence_uploads WHERE state = 'refused' AND reason = "
                                 "'abandoned' AND updated_at = ?1)",
    [EV_UNREFERENCED] =
        "SELECT f.sha256 FROM evidence_files f WHERE " UNREFERENCED " ORDER BY f.sha256 LIMIT ?1",
    [EV_PREVIEW_DROP] = "DELETE FROM evidence_previews WHERE sha256 = ?1",
    [EV_FILE_DROP] = "DELETE FROM evidence_files AS f WHERE f.sha256 = ?1 AND " UNREFERENCED,
    [EV_CHUNK_AT] = "SELECT pos, data FROM evidence_chunks WHERE upload_id = ?1 AND pos <= ?2 "
                    "ORDER BY pos DESC LIMIT 1",
};
static const struct store_sqlset evid_set = {"evidence", evid_sqls, EV__MAX};

static const char *const state_names[] = {[STORE_UPLOAD_OPEN] = "open",
                                          [STORE_UPLOAD_COMPLETE] = "complete",
                                          [STORE_UPLOAD_REFUSED] = "refused"};

/* A write with a blob bound to ?3 after the texts/ints in args (?1, ?2): the chunk and
 * preview inserts. */
static int write_with_blob(struct store_conn *c, int which, const struct store_arg *args,
                           size_t nargs, const void *data, size_t len, const char *what) {
  struct store_stmt *st = store_stmt(c, &evid_set, which);
  if (NULL == st) {
    return STORE_HARD;
  }
  store_bind_all(st, args, nargs);
  /* no blob helper in store_internal.h: bound here, copied by SQLite */
  store_bind_blob(st, (int)nargs + 1, data, len);
  int rc = store_step_done(c, st, what, NULL);
  store_stmt_done(st);
  return rc;
}

/* A write whose answer is whether it changed a row: statement which with args bound.
 * STORE_OK (changed), STORE_NONE (nothing changed), or negative. */
static int write_changed(struct store_conn *c, int which, const struct store_arg *args, size_t n,
                         const char *what) {
  struct store_stmt *st = store_stmt(c, &evid_set, which);
  if (NULL != st) {
    store_bind_all(st, args, n);
  }
  return store_step_changes(c, st, what);
}

/* A count: statement which with args bound, its one value into *out. */
static int count_of(struct store_conn *c, int which, const struct store_arg *args, size_t n,
                    const char *what, int64_t *out) {
  struct store_stmt *st = store_stmt(c, &evid_set, which);
  if (NULL != st) {
    store_bind_all(st, args, n);
  }
  return store_row_int64(c, st, what, out);
}

int store_upload_create(struct store_tx *tx, const struct store_upload *u) {
  const struct store_arg args[] = {
      STORE_ARG_TEXT(u->id),
      STORE_ARG_INT(u->attempt_id),
      STORE_ARG_TEXT(u->item_id),
      STORE_ARG_INT(u->user_id),
      STORE_ARG_TEXT(u->name),
      STORE_ARG_INT(u->size),
      STORE_ARG_TEXT('\0' == u->sha256_hint[0] ? NULL : u->sha256_hint),
      STORE_ARG_INT(u->created_ms),
      STORE_ARG_INT(u->application_id)};
  return store_write(store_tx_conn(tx), &evid_set, EV_UPLOAD_INSERT, args,
                     sizeof args / sizeof args[0], "upload insert");
}

static int upload_row(struct store_stmt *st, void *elem) {
  struct store_upload *u = elem;
  memset(u, 0, sizeof *u);
  const char *state = store_col_text(st, 8);
  for (size_t i = 0; NULL != state && i < sizeof state_names / sizeof state_names[0]; i++) {
    if (0 == strcmp(state, state_names[i])) {
      u->state = (enum store_upload_state)i;
    }
  }
  u->attempt_id = store_col_int64(st, 1);
  u->user_id = store_col_int64(st, 3);
  u->size = store_col_int64(st, 5);
  u->received = store_col_int64(st, 7);
  u->created_ms = store_col_int64(st, 11);
  u->updated_ms = store_col_int64(st, 12);
  u->application_id = store_col_int64(st, 13);
  if (0 != store_col_copy(st, 0, u->id, sizeof u->id) ||
      0 != store_col_copy(st, 2, u->item_id, sizeof u->item_id) ||
      0 != store_col_copy(st, 4, u->name, sizeof u->name) ||
      0 != store_col_copy(st, 6, u->sha256_hint, sizeof u->sha256_hint) ||
      0 != store_col_copy(st, 9, u->sha256, sizeof u->sha256) ||
      0 != store_col_copy(st, 10, u->reason, sizeof u->reason)) {
    return STORE_HARD;
  }
  return STORE_OK;
}

static const struct store_rowtype upload_one = {"upload lookup", sizeof(struct store_upload),
                                                upload_row, NULL};

int store_upload_get(struct store_rd *rd, struct store_upload *out, const char *id) {
  struct store_conn *c = store_rd_conn(rd);
  const struct store_arg key = STORE_ARG_TEXT(id);
  struct store_stmt *st = store_stmt(c, &evid_set, EV_UPLOAD_GET);
  if (NULL != st) {
    store_bind_all(st, &key, 1);
  }
  return store_row_get(c, st, &upload_one, out);
}

int store_upload_count_open(struct store_rd *rd, int64_t attempt_id, const char *item_id,
                            int64_t *out) {
  const struct store_arg args[] = {STORE_ARG_INT(attempt_id), STORE_ARG_TEXT(item_id)};
  return count_of(store_rd_conn(rd), EV_UPLOAD_OPEN_COUNT, args, 2, "upload open count", out);
}

int store_upload_count_open_application(struct store_rd *rd, int64_t application_id, int64_t *out) {
  const struct store_arg key = STORE_ARG_INT(application_id);
  return count_of(store_rd_conn(rd), EV_UPLOAD_OPEN_COUNT_APP, &key, 1,
                  "application upload open count", out);
}

int store_upload_append(struct store_tx *tx, const char *id, int64_t pos, const void *data,
                        size_t len, int64_t now_ms) {
  struct store_conn *c = store_tx_conn(tx);
  if (0 == len) {
    return STORE_HARD;
  }
  const struct store_arg adv[] = {STORE_ARG_TEXT(id), STORE_ARG_INT(pos),
                                  STORE_ARG_INT((int64_t)len), STORE_ARG_INT(now_ms)};
  struct store_stmt *st = store_stmt(c, &evid_set, EV_UPLOAD_ADVANCE);
  if (NULL != st) {
    store_bind_all(st, adv, 4);
  }
  int rc = store_step_changes(c, st, "upload advance");
  if (STORE_NONE == rc) {
    return STORE_CONFLICT;
  }
  if (STORE_OK != rc) {
    return rc;
  }
  const struct store_arg args[] = {STORE_ARG_TEXT(id), STORE_ARG_INT(pos)};
  return write_with_blob(c, EV_CHUNK_INSERT, args, 2, data, len, "chunk insert");
}

int store_upload_chunk_get(struct store_rd *rd, const char *id, int64_t pos, void **out,
                           size_t *out_len) {
  int64_t at = 0;
  int rc = store_upload_chunk_at(rd, id, pos, &at, out, out_len);
  if (STORE_OK == rc && at != pos) { /* a chunk before it: none starts there */
    free(*out);
    *out = NULL;
    *out_len = 0;
    rc = STORE_NONE;
  }
  return rc;
}

int store_upload_chunk_at(struct store_rd *rd, const char *id, int64_t pos, int64_t *out_pos,
                          void **out, size_t *out_len) {
  *out = NULL;
  *out_len = 0;
  *out_pos = 0;
  const struct store_arg args[] = {STORE_ARG_TEXT(id), STORE_ARG_INT(pos)};
  struct store_stmt *st = NULL;
  int rc = store_row_step(store_rd_conn(rd), &evid_set, EV_CHUNK_AT, args, 2, "chunk at", &st);
  if (STORE_OK == rc) {
    *out_pos = store_col_int64(st, 0);
    *out = store_col_blob(st, 1, out_len);
    rc = NULL == *out ? STORE_UNAVAILABLE : STORE_OK;
  }
  store_stmt_done(st);
  return rc;
}

int store_upload_read(struct store_rd *rd, const char *id, store_chunk_fn fn, void *ctx) {
  struct store_conn *c = store_rd_conn(rd);
  const struct store_arg key = STORE_ARG_TEXT(id);
  struct store_stmt *st = store_stmt(c, &evid_set, EV_CHUNKS);
  if (NULL == st) {
    return STORE_HARD;
  }
  store_bind_all(st, &key, 1);
  int rc = STORE_OK;
  for (;;) {
    int step = store_step_row(c, st, "chunks read");
    if (STORE_NONE == step) {
      break;
    }
    if (STORE_OK != step) {
      rc = step;
      break;
    }
    const void *data = store_col_data(st, 0);
    size_t len = store_col_bytes(st, 0);
    if (NULL == data || 0 == len || 0 != fn(ctx, data, len)) {
      rc = STORE_HARD;
      break;
    }
  }
  store_stmt_done(st);
  return rc;
}

static int drop_chunks(struct store_conn *c, const char *id) {
  const struct store_arg key = STORE_ARG_TEXT(id);
  return store_write(c, &evid_set, EV_CHUNKS_DROP, &key, 1, "chunks drop");
}

/* An update of an open upload's state (finish or refuse): STORE_CONFLICT when not open. */
static int upload_close(struct store_conn *c, int which, const char *id, const char *text,
                        int64_t now_ms, const char *what) {
  const struct store_arg args[] = {STORE_ARG_TEXT(id), STORE_ARG_TEXT(text), STORE_ARG_INT(now_ms)};
  int rc = write_changed(c, which, args, 3, what);
  return STORE_NONE == rc ? STORE_CONFLICT : rc;
}

int store_upload_finish(struct store_tx *tx, const char *id, const char *sha256, int drop,
                        int64_t now_ms) {
  struct store_conn *c = store_tx_conn(tx);
  int rc = upload_close(c, EV_UPLOAD_FINISH, id, sha256, now_ms, "upload finish");
  return STORE_OK == rc && drop ? drop_chunks(c, id) : rc;
}

int store_upload_refuse(struct store_tx *tx, const char *id, const char *reason, int64_t now_ms) {
  struct store_conn *c = store_tx_conn(tx);
  int rc = upload_close(c, EV_UPLOAD_REFUSE, id, reason, now_ms, "upload refuse");
  return STORE_OK == rc ? drop_chunks(c, id) : rc;
}

int store_evidence_file_put(struct store_tx *tx, const struct store_evidence_file *f) {
  struct store_conn *c = store_tx_conn(tx);
  const struct store_arg args[] = {STORE_ARG_TEXT(f->sha256),   STORE_ARG_INT(f->size),
                                   STORE_ARG_TEXT(f->mime),     STORE_ARG_INT(f->width),
                                   STORE_ARG_INT(f->height),    STORE_ARG_TEXT(f->holder),
                                   STORE_ARG_INT(f->created_ms)};
  int rc = write_changed(c, EV_FILE_INSERT, args, sizeof args / sizeof args[0], "file insert");
  return STORE_NONE == rc ? STORE_EXISTS : rc;
}

static int file_row(struct store_stmt *st, void *elem) {
  struct store_evidence_file *f = elem;
  memset(f, 0, sizeof *f);
  f->size = store_col_int64(st, 1);
  f->width = store_col_int64(st, 3);
  f->height = store_col_int64(st, 4);
  f->created_ms = store_col_int64(st, 6);
  if (0 != store_col_copy(st, 0, f->sha256, sizeof f->sha256) ||
      0 != store_col_copy(st, 2, f->mime, sizeof f->mime) ||
      0 != store_col_copy(st, 5, f->holder, sizeof f->holder)) {
    return STORE_HARD;
  }
  return STORE_OK;
}

static const struct store_rowtype file_one = {"evidence file", sizeof(struct store_evidence_file),
                                              file_row, NULL};

int store_evidence_file_get(struct store_rd *rd, struct store_evidence_file *out,
                            const char *sha256) {
  struct store_conn *c = store_rd_conn(rd);
  const struct store_arg key = STORE_ARG_TEXT(sha256);
  struct store_stmt *st = store_stmt(c, &evid_set, EV_FILE_GET);
  if (NULL != st) {
    store_bind_all(st, &key, 1);
  }
  return store_row_get(c, st, &file_one, out);
}

int store_evidence_preview_put(struct store_tx *tx, const char *sha256, const char *mime,
                               const void *data, size_t len) {
  const struct store_arg args[] = {STORE_ARG_TEXT(sha256), STORE_ARG_TEXT(mime)};
  return write_with_blob(store_tx_conn(tx), EV_PREVIEW_INSERT, args, 2, data, len,
                         "preview insert");
}

int store_evidence_preview_get(struct store_rd *rd, const char *sha256, char *mime, void **out,
                               size_t *out_len) {
  *out = NULL;
  *out_len = 0;
  const struct store_arg key = STORE_ARG_TEXT(sha256);
  struct store_stmt *st = NULL;
  int rc =
      store_row_step(store_rd_conn(rd), &evid_set, EV_PREVIEW_GET, &key, 1, "preview get", &st);
  if (STORE_OK == rc) {
    if (0 != store_col_copy(st, 0, mime, 64)) {
      rc = STORE_HARD;
    } else {
      *out = store_col_blob(st, 1, out_len);
      rc = NULL == *out ? STORE_UNAVAILABLE : STORE_OK;
    }
  }
  store_stmt_done(st);
  return rc;
}

int store_evidence_attach(struct store_tx *tx, int64_t attempt_id, const char *item_id,
                          const char *sha256, const char *name, int64_t now_ms) {
  const struct store_arg args[] = {STORE_ARG_INT(attempt_id), STORE_ARG_TEXT(item_id),
                                   STORE_ARG_TEXT(sha256), STORE_ARG_TEXT(name),
                                   STORE_ARG_INT(now_ms)};
  return store_write(store_tx_conn(tx), &evid_set, EV_ATTACH, args, 5, "evidence attach");
}

static int attachment_row(struct store_stmt *st, void *elem) {
  struct store_attachment *a = elem;
  memset(a, 0, sizeof *a);
  a->size = store_col_int64(st, 3);
  a->attached_ms = store_col_int64(st, 5);
  if (0 != store_col_copy(st, 0, a->item_id, sizeof a->item_id) ||
      0 != store_col_copy(st, 1, a->sha256, sizeof a->sha256) ||
      0 != store_col_copy(st, 2, a->name, sizeof a->name) ||
      0 != store_col_copy(st, 4, a->mime, sizeof a->mime)) {
    return STORE_HARD;
  }
  return STORE_OK;
}

static const struct store_rowtype attachment_type = {
    "evidence attachments", sizeof(struct store_attachment), attachment_row, NULL};

int store_evidence_attachments(struct store_rd *rd, int64_t attempt_id, const char *item_id,
                               struct store_attachment **out, size_t *out_n) {
  const struct store_arg args[] = {STORE_ARG_INT(attempt_id), STORE_ARG_TEXT(item_id)};
  return store_rows_query_all(store_rd_conn(rd), &evid_set,
                              NULL == item_id ? EV_ATTACHED_ALL : EV_ATTACHED_ITEM, args,
                              NULL == item_id ? 1 : 2, &attachment_type, out, out_n);
}

void store_attachment_list_free(struct store_attachment *list, size_t n) {
  store_rows_free(&attachment_type, list, n);
}

/* The attachment of file sha256 to owner id by query which. */
static int attachment_get(struct store_rd *rd, int which, struct store_attachment *out,
                          int64_t owner_id, const char *sha256) {
  struct store_conn *c = store_rd_conn(rd);
  const struct store_arg args[] = {STORE_ARG_INT(owner_id), STORE_ARG_TEXT(sha256)};
  struct store_stmt *st = store_stmt(c, &evid_set, which);
  if (NULL != st) {
    store_bind_all(st, args, 2);
  }
  return store_row_get(c, st, &attachment_type, out);
}

int store_evidence_attachment_get(struct store_rd *rd, struct store_attachment *out,
                                  int64_t attempt_id, const char *sha256) {
  return attachment_get(rd, EV_ATTACHED_ONE, out, attempt_id, sha256);
}

int store_application_attach(struct store_tx *tx, int64_t application_id, const char *sha256,
                             const char *name, int64_t now_ms) {
  const struct store_arg args[] = {STORE_ARG_INT(application_id), STORE_ARG_TEXT(sha256),
                                   STORE_ARG_TEXT(name), STORE_ARG_INT(now_ms)};
  return store_write(store_tx_conn(tx), &evid_set, EV_APP_ATTACH, args, 4, "application attach");
}

int store_application_attachments(struct store_rd *rd, int64_t application_id,
                                  struct store_attachment **out, size_t *out_n) {
  const struct store_arg key = STORE_ARG_INT(application_id);
  return store_rows_query_all(store_rd_conn(rd), &evid_set, EV_APP_ATTACHED, &key, 1,
                              &attachment_type, out, out_n);
}

int store_application_attachment_get(struct store_rd *rd, struct store_attachment *out,
                                     int64_t application_id, const char *sha256) {
  return attachment_get(rd, EV_APP_ATTACHED_ONE, out, application_id, sha256);
}

int store_evidence_detach(struct store_tx *tx, int64_t attempt_id, const char *item_id,
                          const char *sha256) {
  const struct store_arg args[] = {STORE_ARG_INT(attempt_id), STORE_ARG_TEXT(item_id),
                                   STORE_ARG_TEXT(sha256)};
  return write_changed(store_tx_conn(tx), EV_DETACH, args, 3, "evidence detach");
}

int store_application_detach(struct store_tx *tx, int64_t application_id, const char *sha256) {
  const struct store_arg args[] = {STORE_ARG_INT(application_id), STORE_ARG_TEXT(sha256)};
  return write_changed(store_tx_conn(tx), EV_APP_DETACH, args, 2, "application detach");
}

/* ------------------------------------------------------------------ observation photos */

int store_observation_upload_create(struct store_tx *tx, const struct store_upload *u,
                                    const char *unit_code, const char *kuk_id) {
  int rc = store_upload_create(tx, u);
  if (STORE_OK != rc) {
    return rc;
  }
  const struct store_arg args[] = {STORE_ARG_TEXT(u->id), STORE_ARG_TEXT(unit_code),
                                   STORE_ARG_TEXT(kuk_id)};
  return store_write(store_tx_conn(tx), &evid_set, EV_OBS_UPLOAD_INSERT, args, 3,
                     "observation upload insert");
}

int store_observation_upload_kuk(struct store_rd *rd, const char *upload_id, char *unit,
                                 char *kuk) {
  const struct store_arg key = STORE_ARG_TEXT(upload_id);
  struct store_stmt *st = NULL;
  int rc = store_row_step(store_rd_conn(rd), &evid_set, EV_OBS_UPLOAD_KUK, &key, 1,
                          "observation upload kuk", &st);
  if (STORE_OK == rc &&
      (0 != store_col_copy(st, 0, unit, 65) || 0 != store_col_copy(st, 1, kuk, 8))) {
    rc = STORE_HARD;
  }
  store_stmt_done(st);
  return rc;
}

int store_observation_upload_count_open(struct store_rd *rd, int64_t attempt_id,
                                        const char *unit_code, const char *kuk_id, int64_t *out) {
  const struct store_arg args[] = {STORE_ARG_INT(attempt_id), STORE_ARG_TEXT(unit_code),
                                   STORE_ARG_TEXT(kuk_id)};
  return count_of(store_rd_conn(rd), EV_OBS_UPLOAD_OPEN_COUNT, args, 3,
                  "observation upload open count", out);
}

int store_observation_photo_attach(struct store_tx *tx, int64_t attempt_id,
                                   const struct store_observation_photo *p) {
  const struct store_arg args[] = {STORE_ARG_INT(attempt_id),    STORE_ARG_TEXT(p->unit_code),
                                   STORE_ARG_TEXT(p->kuk_id),    STORE_ARG_TEXT(p->sha256),
                                   STORE_ARG_TEXT(p->name),      STORE_ARG_INT(p->assessor_id),
                                   STORE_ARG_INT(p->attached_ms)};
  int rc = write_changed(store_tx_conn(tx), EV_OBS_ATTACH, args, sizeof args / sizeof args[0],
                         "observation photo attach");
  return STORE_NONE == rc ? STORE_EXISTS : rc;
}

static int photo_row(struct store_stmt *st, void *elem) {
  struct store_observation_photo *p = elem;
  memset(p, 0, sizeof *p);
  p->size = store_col_int64(st, 4);
  p->assessor_id = store_col_int64(st, 6);
  p->attached_ms = store_col_int64(st, 7);
  if (0 != store_col_copy(st, 0, p->unit_code, sizeof p->unit_code) ||
      0 != store_col_copy(st, 1, p->kuk_id, sizeof p->kuk_id) ||
      0 != store_col_copy(st, 2, p->sha256, sizeof p->sha256) ||
      0 != store_col_copy(st, 3, p->name, sizeof p->name) ||
      0 != store_col_copy(st, 5, p->mime, sizeof p->mime)) {
    return STORE_HARD;
  }
  return STORE_OK;
}

static const struct store_rowtype photo_type = {
    "observation photos", sizeof(struct store_observation_photo), photo_row, NULL};

int store_observation_photos(struct store_rd *rd, int64_t attempt_id, const char *unit_code,
                             const char *kuk_id, struct store_observation_photo **out,
                             size_t *out_n) {
  const struct store_arg args[] = {STORE_ARG_INT(attempt_id), STORE_ARG_TEXT(unit_code),
                                   STORE_ARG_TEXT(kuk_id)};
  bool one = NULL != unit_code;
  return store_rows_query_all(store_rd_conn(rd), &evid_set, one ? EV_OBS_PHOTOS_KUK : EV_OBS_PHOTOS,
                              args, one ? 3 : 1, &photo_type, out, out_n);
}

void store_observation_photo_list_free(struct store_observation_photo *list, size_t n) {
  store_rows_free(&photo_type, list, n);
}

int store_observation_photo_get(struct store_rd *rd, struct store_attachment *out,
                                int64_t attempt_id, const char *sha256) {
  return attachment_get(rd, EV_OBS_PHOTO_ONE, out, attempt_id, sha256);
}

/* ------------------------------------------------------------------ the sweep */

int store_upload_abandon(struct store_tx *tx, int64_t idle_before_ms, int64_t now_ms,
                         int64_t *out_n) {
  struct store_conn *c = store_tx_conn(tx);
  *out_n = 0;
  const struct store_arg args[] = {STORE_ARG_INT(idle_before_ms), STORE_ARG_INT(now_ms)};
  struct store_stmt *st = store_stmt(c, &evid_set, EV_ABANDON);
  if (NULL == st) {
    return STORE_HARD;
  }
  store_bind_all(st, args, 2);
  int rc = store_step_done(c, st, "uploads abandon", out_n);
  store_stmt_done(st);
  if (STORE_OK != rc || 0 == *out_n) {
    return rc;
  }
  const struct store_arg at = STORE_ARG_INT(now_ms);
  return store_write(c, &evid_set, EV_ABANDONED_CHUNKS_DROP, &at, 1, "abandoned chunks drop");
}

int store_evidence_unreferenced(struct store_rd *rd, char (*out)[65], size_t max, size_t *out_n) {
  struct store_conn *c = store_rd_conn(rd);
  *out_n = 0;
  const struct store_arg lim = STORE_ARG_INT((int64_t)max);
  struct store_stmt *st = store_stmt(c, &evid_set, EV_UNREFERENCED);
  if (NULL == st) {
    return STORE_HARD;
  }
  store_bind_all(st, &lim, 1);
  int rc = STORE_OK;
  while (*out_n < max) {
    int step = store_step_row(c, st, "unreferenced files");
    if (STORE_OK != step) {
      rc = STORE_NONE == step ? STORE_OK : step;
      break;
    }
    if (0 != store_col_copy(st, 0, out[*out_n], 65)) {
      rc = STORE_HARD;
      break;
    }
    (*out_n)++;
  }
  store_stmt_done(st);
  return rc;
}

int store_evidence_file_purge(struct store_tx *tx, const char *sha256) {
  struct store_conn *c = store_tx_conn(tx);
  struct store_evidence_file f;
  int rc = store_evidence_file_get(store_tx_rd(tx), &f, sha256);
  if (STORE_NONE == rc) {
    return STORE_CONFLICT;
  }
  const struct store_arg key = STORE_ARG_TEXT(sha256);
  if (STORE_OK == rc) {
    rc = store_write(c, &evid_set, EV_PREVIEW_DROP, &key, 1, "preview drop");
  }
  if (STORE_OK == rc) {
    rc = write_changed(c, EV_FILE_DROP, &key, 1, "file drop");
  }
  if (STORE_NONE == rc) {
    return STORE_CONFLICT; /* referenced again meanwhile: the caller rolls back */
  }
  return STORE_OK == rc ? drop_chunks(c, f.holder) : rc;
}
