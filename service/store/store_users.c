/*
 * Users, sessions, rate-limit counters and known login devices in SQLite.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

enum users_stmt {
  USERS_INSERT,
  USERS_BY_ID,
  USERS_BY_EMAIL,
  USERS_SET_DISABLED,
  USERS_SET_PASSWORD,
  USERS_SET_ROLE,
  USERS_SET_NAME,
  USERS_SET_EMAIL,
  USERS_LIST,
  USERS_LIST_ROLE,
  USERS_SEARCH,
  USERS_COUNT,
  USERS_COUNT_ROLE,
  SESSIONS_INSERT,
  SESSIONS_GET,
  SESSIONS_GET_USER,
  SESSIONS_TOUCH,
  SESSIONS_DELETE,
  SESSIONS_DELETE_USER,
  SESSIONS_PURGE,
  SESSIONS_STATE,
  RATE_GET,
  RATE_PUT,
  RATE_DELETE,
  RATE_PURGE,
  RATE_FORGET,
  DEVICE_GET,
  DEVICE_PUT,
  DEVICE_TRIM,
  DEVICE_PURGE,
  DEVICE_OTHERS,
  SIGN_INS,
  SESSIONS_LIST,
  SESSIONS_DELETE_OTHERS,
  SESSIONS_DELETE_MINE,
  USERS__MAX
};

#define USER_COLS "id, email, name, role, password_hash, disabled, created_at"
/* A session's id as its holder names it (struct store_session_info). */
#define SESSION_ID_SQL "substr(token_hash, 1, 16)"
_Static_assert(16 == STORE_SESSION_ID_LEN, "SESSION_ID_SQL takes STORE_SESSION_ID_LEN digits");
#define SESSION_COLS                                                                               \
  "token_hash, user_id, created_at, last_seen_at, expires_at, absolute_expires_at, "               \
  "scope_schedule_id, device"

static const char *const users_sqls[USERS__MAX] = {
    [USERS_INSERT] = "INSERT INTO users(email, name, role, password_hash, disabled, created_at) "
                     "VALUES(?1, ?2, ?3, ?4, 0, ?5)",
    [USERS_BY_ID] = "SELECT " USER_COLS " FROM users WHERE id = ?1",
    [USERS_BY_EMAIL] = "SELECT " USER_COLS " FROM users WHERE email = ?1",
    [USERS_SET_DISABLED] = "UPDATE users SET disabled = ?2 WHERE id = ?1",
    [USERS_SET_PASSWORD] = "UPDATE users SET password_hash = ?2 WHERE id = ?1",
    [USERS_SET_ROLE] = "UPDATE users SET role = ?2 WHERE id = ?1",
    [USERS_SET_NAME] = "UPDATE users SET name = ?2 WHERE id = ?1",
    [USERS_SET_EMAIL] = "UPDATE users SET email = ?2 WHERE id = ?1",
    [USERS_LIST] = "SELECT " USER_COLS " FROM users WHERE id > ?1 ORDER BY id LIMIT ?2",
    [USERS_LIST_ROLE] =
        "SELECT " USER_COLS " FROM users WHERE id > ?1 AND role = ?3 ORDER BY id LIMIT ?2",
    [USERS_SEARCH] = "SELECT " USER_COLS " FROM users WHERE id > ?1 "
                     "AND (CAST(?3 AS TEXT) IS NULL OR instr(lower(name), lower(?3)) > 0 "
                     "OR instr(lower(email), lower(?3)) > 0) "
                     "AND (CAST(?4 AS TEXT) IS NULL OR role = ?4) AND (?5 < 0 OR disabled = ?5) "
                     "ORDER BY id LIMIT ?2",
    [USERS_COUNT] = "SELECT count(*) FROM users",
    [USERS_COUNT_ROLE] = "SELECT count(*) FROM users WHERE role = ?1",
    [SESSIONS_INSERT] =
        "INSERT INTO sessions(" SESSION_COLS ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [SESSIONS_GET] = "SELECT " SESSION_COLS " FROM sessions WHERE token_hash = ?1",
    [SESSIONS_GET_USER] =
        "SELECT s.token_hash, s.user_id, s.created_at, s.last_seen_at, s.expires_at, "
        "s.absolute_expires_at, s.scope_schedule_id, u.id, u.email, u.name, u.role, u.disabled, "
        "u.created_at, coalesce(c.exam_id, ''), "
        "(SELECT generation FROM session_state WHERE id = 1) "
        "FROM sessions AS s JOIN users AS u ON u.id = s.user_id LEFT JOIN schedules AS c ON "
        "s.scope_schedule_id > 0 AND c.id = s.scope_schedule_id WHERE s.token_hash = ?1",
    [SESSIONS_TOUCH] = "UPDATE sessions SET last_seen_at = ?2, expires_at = ?3 "
                       "WHERE token_hash = ?1",
    [SESSIONS_DELETE] = "DELETE FROM sessions WHERE token_hash = ?1",
    [SESSIONS_DELETE_USER] = "DELETE FROM sessions WHERE user_id = ?1",
    [SESSIONS_PURGE] = "DELETE FROM sessions WHERE expires_at <= ?1 OR absolute_expires_at <= ?1",
    [SESSIONS_STATE] = "SELECT generation FROM session_state WHERE id = 1",
    [RATE_GET] = "SELECT window_start, count, blocked_until FROM rate_limits WHERE key = ?1",
    [RATE_PUT] = "INSERT INTO rate_limits(key, window_start, count, blocked_until) "
                 "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(key) DO UPDATE SET "
                 "window_start = excluded.window_start, count = excluded.count, "
                 "blocked_until = excluded.blocked_until",
    [RATE_DELETE] = "DELETE FROM rate_limits WHERE key = ?1",
    [RATE_PURGE] = "DELETE FROM rate_limits WHERE substr(key, 1, length(?1)) = ?1 AND "
                   "window_start < ?2 AND blocked_until < ?2",
    /* A bounded batch, by the primary key (no DELETE ... LIMIT in either engine's SQL). */
    [RATE_FORGET] = "DELETE FROM rate_limits WHERE key IN (SELECT key FROM rate_limits WHERE "
                    "window_start < ?1 AND blocked_until <= ?2 LIMIT ?3)",
    [DEVICE_GET] = "SELECT user_id FROM login_devices WHERE token_hash = ?1 AND last_used_at >= ?2",
    [DEVICE_PUT] = "INSERT INTO login_devices(token_hash, user_id, created_at, last_used_at) "
                   "VALUES(?1, ?2, ?3, ?3) ON CONFLICT(token_hash) DO UPDATE SET "
                   "user_id = excluded.user_id, last_used_at = excluded.last_used_at",
    [DEVICE_TRIM] = "DELETE FROM login_devices WHERE user_id = ?1 AND token_hash NOT IN "
                    "(SELECT token_hash FROM login_devices WHERE user_id = ?1 "
                    "ORDER BY last_used_at DESC, token_hash LIMIT ?2)",
    [DEVICE_PURGE] = "DELETE FROM login_devices WHERE last_used_at < ?1",
    [DEVICE_OTHERS] = "SELECT count(*) FROM login_devices WHERE user_id = ?1 AND "
                      "last_used_at >= ?2 AND token_hash <> coalesce(?3, '')",
    /* an account's sessions and known devices, by last use (store_user_sign_ins) */
    [SIGN_INS] = "SELECT 'session', created_at, last_seen_at, expires_at, device FROM sessions "
                 "WHERE user_id = ?1 UNION ALL SELECT 'device', created_at, last_used_at, 0, '' "
                 "FROM login_devices WHERE user_id = ?1 ORDER BY 3 DESC LIMIT ?2",
    /* The live ones only: an expired session no longer lets anyone in, whether or not the
     * purge has removed it yet. */
    [SESSIONS_LIST] =
        "SELECT created_at, last_seen_at, CASE WHEN expires_at < "
        "absolute_expires_at THEN expires_at ELSE absolute_expires_at END, "
        "CASE WHEN token_hash = ?2 THEN 1 ELSE 0 END, scope_schedule_id, device, " SESSION_ID_SQL
        " "
        "FROM sessions WHERE user_id = ?1 AND expires_at > ?3 AND "
        "absolute_expires_at > ?3 ORDER BY last_seen_at DESC, created_at DESC "
        "LIMIT ?4",
    [SESSIONS_DELETE_OTHERS] = "DELETE FROM sessions WHERE user_id = ?1 AND token_hash <> ?2",
    [SESSIONS_DELETE_MINE] = "DELETE FROM sessions WHERE user_id = ?1 AND " SESSION_ID_SQL " = ?2",
};
static const struct store_sqlset users_set = {"users", users_sqls, USERS__MAX};

/* True for the three roles a user may have. */
static bool user_role_valid(enum role role) {
  return ROLE_CANDIDATE == role || ROLE_ASSESSOR == role || ROLE_ADMIN == role;
}

/* Fills *u from the USER_COLS columns; -1 if a value does not fit its buffer. */
static int read_user(struct store_stmt *st, struct store_user *u) {
  memset(u, 0, sizeof *u);
  u->id = store_col_int64(st, 0);
  if (0 != store_col_copy(st, 1, u->email, sizeof u->email) ||
      0 != store_col_copy(st, 2, u->name, sizeof u->name) ||
      !role_parse(store_col_text(st, 3), &u->role) ||
      0 != store_col_copy(st, 4, u->password_hash, sizeof u->password_hash)) {
    return -1;
  }
  u->disabled = 0 != store_col_int64(st, 5);
  u->created_ms = store_col_int64(st, 6);
  return 0;
}

int store_user_create(struct store_tx *tx, int64_t *out_id, const char *email, const char *name,
                      enum role role, const char *password_hash) {
  struct store_conn *c = store_tx_conn(tx);
  int rc = STORE_HARD;
  *out_id = 0;
  if (!user_role_valid(role) || NULL == email || NULL == name || NULL == password_hash) {
    return STORE_HARD;
  }
  const struct store_arg args[] = {STORE_ARG_TEXT(email), STORE_ARG_TEXT(name),
                                   STORE_ARG_TEXT(role_name(role)), STORE_ARG_TEXT(password_hash),
                                   STORE_ARG_INT(store_tx_now_ms(tx))};
  rc = store_write(c, &users_set, USERS_INSERT, args, sizeof args / sizeof args[0], "user insert");
  if (STORE_OK == rc) {
    *out_id = store_conn_last_rowid(c);
  }
  return rc;
}

static int user_row(struct store_stmt *st, void *elem) {
  return 0 == read_user(st, elem) ? STORE_OK : STORE_HARD;
}

static const struct store_rowtype user_one = {"user lookup", sizeof(struct store_user), user_row,
                                              NULL};

static int user_lookup(struct store_rd *rd, struct store_user *out, int which, int64_t id,
                       const char *email) {
  struct store_conn *c = store_rd_conn(rd);
  struct store_stmt *st = store_stmt(c, &users_set, which);
  if (NULL != st) {
    if (USERS_BY_ID == which) {
      store_bind_int64(st, 1, id);
    } else {
      store_bind_text(st, 1, email);
    }
  }
  return store_row_get(c, st, &user_one, out);
}

int store_user_by_id(struct store_rd *rd, struct store_user *out, int64_t id) {
  return user_lookup(rd, out, USERS_BY_ID, id, NULL);
}

int store_user_by_email(struct store_rd *rd, struct store_user *out, const char *email) {
  if (NULL == email) {
    return STORE_NONE;
  }
  return user_lookup(rd, out, USERS_BY_EMAIL, 0, email);
}

/* Runs an UPDATE/DELETE keyed by ?1 = id with ?2 bound by the caller's value. */
static int user_update(struct store_tx *tx, int which, int64_t id, const char *text, int64_t num,
                       const char *what) {
  struct store_conn *c = store_tx_conn(tx);
  struct store_stmt *st = store_stmt(c, &users_set, which);
  if (NULL != st) {
    store_bind_int64(st, 1, id);
    if (NULL != text) {
      store_bind_text(st, 2, text);
    } else {
      store_bind_int64(st, 2, num);
    }
  }
  return store_step_changes(c, st, what);
}

int store_user_set_disabled(struct store_tx *tx, int64_t id, bool disabled) {
  return user_update(tx, USERS_SET_DISABLED, id, NULL, disabled ? 1 : 0, "user disable");
}

int store_user_set_password(struct store_tx *tx, int64_t id, const char *password_hash) {
  if (NULL == password_hash) {
    return STORE_HARD;
  }
  return user_update(tx, USERS_SET_PASSWORD, id, password_hash, 0, "user password");
}

int store_user_set_name(struct store_tx *tx, int64_t id, const char *name) {
  if (NULL == name) {
    return STORE_HARD;
  }
  return user_update(tx, USERS_SET_NAME, id, name, 0, "user name");
}

int store_user_set_email(struct store_tx *tx, int64_t id, const char *email) {
  if (NULL == email) {
    return STORE_HARD;
  }
  return user_update(tx, USERS_SET_EMAIL, id, email, 0, "user email");
}

int store_user_set_role(struct store_tx *tx, int64_t id, enum role role) {
  if (!user_role_valid(role)) {
    return STORE_HARD;
  }
  return user_update(tx, USERS_SET_ROLE, id, role_name(role), 0, "user role");
}

static const struct store_rowtype user_rows = {"user list", sizeof(struct store_user), user_row,
                                               NULL};

void store_user_list_free(struct store_user *list, size_t n) {
  store_rows_free(&user_rows, list, n);
}

int store_user_list(struct store_rd *rd, struct store_user **out, size_t *out_n,
                    const enum role *role, int64_t after_id, int limit) {
  const struct store_arg args[] = {STORE_ARG_INT(after_id), STORE_ARG_INT(limit),
                                   STORE_ARG_TEXT(NULL == role ? NULL : role_name(*role))};
  return store_rows_query(store_rd_conn(rd), &users_set,
                          NULL == role ? USERS_LIST : USERS_LIST_ROLE, args, NULL == role ? 2 : 3,
                          &user_rows, limit, out, out_n);
}

int store_user_search(struct store_rd *rd, struct store_user **out, size_t *out_n,
                      const struct store_user_filter *f, int64_t after_id, int limit,
                      bool *out_more) {
  const struct store_user_filter any = {NULL, NULL, STORE_USER_ANY};
  if (NULL == f) {
    f = &any;
  }
  const char *text = NULL != f->text && '\0' != f->text[0] ? f->text : NULL;
  const struct store_arg args[] = {STORE_ARG_INT(after_id), STORE_ARG_LIMIT(limit),
                                   STORE_ARG_TEXT(text),
                                   STORE_ARG_TEXT(NULL == f->role ? NULL : role_name(*f->role)),
                                   STORE_ARG_INT(f->disabled < 0 ? -1 : (f->disabled ? 1 : 0))};
  return store_rows_query_page(store_rd_conn(rd), &users_set, USERS_SEARCH, args,
                               sizeof args / sizeof args[0], &user_rows, out, out_n, out_more);
}

int store_user_count(struct store_rd *rd, int64_t *out, const enum role *role) {
  struct store_conn *c = store_rd_conn(rd);
  struct store_stmt *st = store_stmt(c, &users_set, NULL == role ? USERS_COUNT : USERS_COUNT_ROLE);
  *out = 0;
  if (NULL != st && NULL != role) {
    store_bind_text(st, 1, role_name(*role));
  }
  return store_row_int64(c, st, "user count", out);
}

/* ------------------------------------------------------------------------------------ */
/* sessions */

int store_session_create(struct store_tx *tx, const struct store_session *s) {
  const struct store_arg args[] = {
      STORE_ARG_TEXT(s->token_hash),       STORE_ARG_INT(s->user_id),
      STORE_ARG_INT(s->created_ms),        STORE_ARG_INT(s->last_seen_ms),
      STORE_ARG_INT(s->expires_ms),        STORE_ARG_INT(s->absolute_expires_ms),
      STORE_ARG_INT(s->scope_schedule_id), STORE_ARG_TEXT(s->device)};
  return store_write(store_tx_conn(tx), &users_set, SESSIONS_INSERT, args,
                     sizeof args / sizeof args[0], "session insert");
}

/* Fills the session (zeroed first) from the first seven SESSION_COLS columns (the ones
 * SESSIONS_GET_USER shares); STORE_HARD when the token
 * does not fit, with the other fields still read. */
static int session_row(struct store_stmt *st, void *elem) {
  struct store_session *s = elem;
  int rc = STORE_OK;
  memset(s, 0, sizeof *s);
  if (0 != store_col_copy(st, 0, s->token_hash, sizeof s->token_hash)) {
    rc = STORE_HARD;
  }
  s->user_id = store_col_int64(st, 1);
  s->created_ms = store_col_int64(st, 2);
  s->last_seen_ms = store_col_int64(st, 3);
  s->expires_ms = store_col_int64(st, 4);
  s->absolute_expires_ms = store_col_int64(st, 5);
  s->scope_schedule_id = store_col_int64(st, 6);
  return rc;
}

/* A SESSIONS_GET row: session_row's columns, then the device. */
static int session_device_row(struct store_stmt *st, void *elem) {
  struct store_session *s = elem;
  int rc = session_row(st, s);
  if (0 != store_col_copy(st, 7, s->device, sizeof s->device)) {
    rc = STORE_HARD;
  }
  return rc;
}

/* A session and its user from one SESSIONS_GET_USER row: the session's columns, then the
 * user's without the password hash. */
struct session_user {
  struct store_session *session;
  struct store_user *user;
};

static int session_user_row(struct store_stmt *st, void *elem) {
  struct session_user *su = elem;
  struct store_user *u = su->user;
  int rc = session_row(st, su->session);
  memset(u, 0, sizeof *u);
  if (STORE_OK == rc && (0 != store_col_copy(st, 8, u->email, sizeof u->email) ||
                         0 != store_col_copy(st, 9, u->name, sizeof u->name) ||
                         !role_parse(store_col_text(st, 10), &u->role) ||
                         0 != store_col_copy(st, 13, su->session->scope_exam_id,
                                             sizeof su->session->scope_exam_id))) {
    rc = STORE_HARD;
  }
  u->id = store_col_int64(st, 7);
  u->disabled = 0 != store_col_int64(st, 11);
  u->created_ms = store_col_int64(st, 12);
  su->session->generation = store_col_int64(st, 14);
  return rc;
}

static const struct store_rowtype session_one = {"session get", sizeof(struct store_session),
                                                 session_device_row, NULL};
static const struct store_rowtype session_user_one = {
    "session and user get", sizeof(struct session_user), session_user_row, NULL};

/* The look-up by token hash behind both session reads (a NULL token finds nothing). */
static int session_lookup(struct store_conn *c, int which, const struct store_rowtype *type,
                          void *out, const char *token_hash) {
  struct store_stmt *st = NULL;
  if (NULL == token_hash) {
    return STORE_NONE;
  }
  st = store_stmt(c, &users_set, which);
  if (NULL != st) {
    store_bind_text(st, 1, token_hash);
  }
  return store_row_get(c, st, type, out);
}

static int session_get(struct store_conn *c, struct store_session *out, const char *token_hash) {
  return session_lookup(c, SESSIONS_GET, &session_one, out, token_hash);
}

int store_session_get(struct store_rd *rd, struct store_session *out, const char *token_hash) {
  return session_get(store_rd_conn(rd), out, token_hash);
}

int store_session_user_get(struct store_rd *rd, struct store_session *out_session,
                           struct store_user *out_user, const char *token_hash) {
  struct session_user su = {out_session, out_user};
  return session_lookup(store_rd_conn(rd), SESSIONS_GET_USER, &session_user_one, &su, token_hash);
}

int store_session_state_generation(struct store_rd *rd, int64_t *out) {
  struct store_conn *conn = store_rd_conn(rd);
  return store_row_int64(conn, store_stmt(conn, &users_set, SESSIONS_STATE),
                         "session state generation", out);
}

static int delete_by_text(struct store_tx *tx, int which, const char *key, const char *what) {
  struct store_conn *c = store_tx_conn(tx);
  struct store_stmt *st = store_stmt(c, &users_set, which);
  if (NULL != st) {
    store_bind_text(st, 1, key);
  }
  return store_step_changes(c, st, what);
}

int store_session_touch(struct store_tx *tx, struct store_session *out, const char *token_hash,
                        int64_t now_ms, int64_t idle_ms) {
  struct store_conn *c = store_tx_conn(tx);
  struct store_stmt *st = NULL;
  int64_t expires = 0;
  int rc = session_get(c, out, token_hash);
  if (STORE_OK != rc) {
    return rc;
  }
  if (now_ms >= out->expires_ms || now_ms >= out->absolute_expires_ms) {
    rc = delete_by_text(tx, SESSIONS_DELETE, token_hash, "session expire");
    return rc < 0 ? rc : STORE_NONE;
  }
  expires = now_ms + idle_ms;
  if (expires > out->absolute_expires_ms) {
    expires = out->absolute_expires_ms;
  }
  st = store_stmt(c, &users_set, SESSIONS_TOUCH);
  if (NULL == st) {
    return STORE_HARD;
  }
  store_bind_text(st, 1, token_hash);
  store_bind_int64(st, 2, now_ms);
  store_bind_int64(st, 3, expires);
  rc = store_step_done(c, st, "session touch", NULL);
  store_stmt_done(st);
  if (STORE_OK == rc) {
    out->last_seen_ms = now_ms;
    out->expires_ms = expires;
  }
  return rc;
}

int store_session_delete(struct store_tx *tx, const char *token_hash) {
  if (NULL == token_hash) {
    return STORE_NONE;
  }
  return delete_by_text(tx, SESSIONS_DELETE, token_hash, "session delete");
}

/* Runs one delete of this file's set with args bound; *out_n (may be NULL) receives how many
 * rows went. STORE_OK or negative. */
static int delete_with(struct store_tx *tx, int which, const struct store_arg *args, size_t nargs,
                       int64_t *out_n, const char *what) {
  struct store_conn *c = store_tx_conn(tx);
  struct store_stmt *st = store_stmt(c, &users_set, which);
  int64_t changes = 0;
  int rc = STORE_HARD;
  if (NULL != out_n) {
    *out_n = 0;
  }
  if (NULL == st) {
    return STORE_HARD;
  }
  store_bind_all(st, args, nargs);
  rc = store_step_done(c, st, what, &changes);
  store_stmt_done(st);
  if (STORE_OK == rc && NULL != out_n) {
    *out_n = changes;
  }
  return rc;
}

static int delete_by_num(struct store_tx *tx, int which, int64_t num, int64_t *out_n,
                         const char *what) {
  const struct store_arg args[] = {STORE_ARG_INT(num)};
  return delete_with(tx, which, args, 1, out_n, what);
}

int store_session_delete_user(struct store_tx *tx, int64_t user_id, int64_t *out_n) {
  return delete_by_num(tx, SESSIONS_DELETE_USER, user_id, out_n, "session delete user");
}

int store_session_delete_others(struct store_tx *tx, int64_t user_id, const char *keep_hash,
                                int64_t *out_n) {
  const struct store_arg args[] = {STORE_ARG_INT(user_id), STORE_ARG_TEXT(keep_hash)};
  return delete_with(tx, SESSIONS_DELETE_OTHERS, args, sizeof args / sizeof args[0], out_n,
                     "session delete others");
}

int store_session_delete_mine(struct store_tx *tx, int64_t user_id, const char *id) {
  const struct store_arg args[] = {STORE_ARG_INT(user_id), STORE_ARG_TEXT(id)};
  int64_t n = 0;
  int rc = delete_with(tx, SESSIONS_DELETE_MINE, args, sizeof args / sizeof args[0], &n,
                       "session delete one");
  return STORE_OK == rc && 0 == n ? STORE_NONE : rc;
}

int store_session_purge(struct store_tx *tx, int64_t now_ms, int64_t *out_n) {
  return delete_by_num(tx, SESSIONS_PURGE, now_ms, out_n, "session purge");
}

/* ------------------------------------------------------------------------------------ */
/* rate limits */

static int rate_row(struct store_stmt *st, void *elem) {
  struct store_ratelimit *r = elem;
  r->window_start_ms = store_col_int64(st, 0);
  r->count = store_col_int64(st, 1);
  r->blocked_until_ms = store_col_int64(st, 2);
  return STORE_OK;
}

static const struct store_rowtype rate_one = {"rate get", sizeof(struct store_ratelimit), rate_row,
                                              NULL};

/* *out is zeroed even when there is no row: a first hit starts from an empty counter. */
static int rate_get(struct store_conn *c, struct store_ratelimit *out, const char *key) {
  struct store_stmt *st = store_stmt(c, &users_set, RATE_GET);
  memset(out, 0, sizeof *out);
  if (NULL != st) {
    store_bind_text(st, 1, key);
  }
  return store_row_get(c, st, &rate_one, out);
}

int store_ratelimit_get(struct store_rd *rd, struct store_ratelimit *out, const char *key) {
  if (NULL == key) {
    return STORE_NONE;
  }
  return rate_get(store_rd_conn(rd), out, key);
}

int store_ratelimit_hit(struct store_tx *tx, struct store_ratelimit *out, const char *key,
                        int64_t now_ms, int64_t window_ms, int64_t limit, int64_t block_ms) {
  struct store_conn *c = store_tx_conn(tx);
  struct store_ratelimit r;
  struct store_stmt *st = NULL;
  int rc = STORE_HARD;
  if (NULL == key || window_ms <= 0 || limit < 0 || block_ms < 0) {
    return STORE_HARD;
  }
  rc = rate_get(c, &r, key);
  if (rc < 0) {
    return rc;
  }
  if (STORE_NONE == rc || now_ms - r.window_start_ms >= window_ms || now_ms < r.window_start_ms) {
    /* A new window; an expired block is forgotten, a running one is kept. */
    r.window_start_ms = now_ms;
    r.count = 0;
    if (r.blocked_until_ms <= now_ms) {
      r.blocked_until_ms = 0;
    }
  }
  if (r.count < INT64_MAX) {
    r.count++;
  }
  if (r.count > limit && r.blocked_until_ms <= now_ms) {
    r.blocked_until_ms = now_ms + block_ms;
  }
  st = store_stmt(c, &users_set, RATE_PUT);
  if (NULL == st) {
    return STORE_HARD;
  }
  store_bind_text(st, 1, key);
  store_bind_int64(st, 2, r.window_start_ms);
  store_bind_int64(st, 3, r.count);
  store_bind_int64(st, 4, r.blocked_until_ms);
  rc = store_step_done(c, st, "rate put", NULL);
  store_stmt_done(st);
  if (STORE_OK == rc) {
    *out = r;
  }
  return rc;
}

int store_ratelimit_reset(struct store_tx *tx, const char *key) {
  int rc = delete_by_text(tx, RATE_DELETE, key, "rate reset");
  return STORE_NONE == rc ? STORE_OK : rc;
}

/* Deletes counters by statement which with args: how many in *out_n (may be NULL). */
static int rate_delete(struct store_tx *tx, int which, const struct store_arg *args, size_t nargs,
                       const char *what, int64_t *out_n) {
  struct store_conn *c = store_tx_conn(tx);
  struct store_stmt *st = store_stmt(c, &users_set, which);
  int64_t changes = 0;
  if (NULL != out_n) {
    *out_n = 0;
  }
  if (NULL == st) {
    return STORE_HARD;
  }
  store_bind_all(st, args, nargs);
  int rc = store_step_done(c, st, what, &changes);
  store_stmt_done(st);
  if (NULL != out_n && STORE_OK == rc) {
    *out_n = changes;
  }
  return rc;
}

int store_ratelimit_purge(struct store_tx *tx, const char *prefix, int64_t before_ms,
                          int64_t *out_n) {
  if ('\0' == prefix[0]) {
    return STORE_HARD;
  }
  /* A prefix compared as such, not as a range of keys: text order depends on the collation. */
  const struct store_arg args[] = {STORE_ARG_TEXT(prefix), STORE_ARG_INT(before_ms)};
  return rate_delete(tx, RATE_PURGE, args, 2, "rate purge", out_n);
}

int store_ratelimit_forget(struct store_tx *tx, int64_t window_before_ms, int64_t now_ms,
                           int64_t limit, int64_t *out_n) {
  *out_n = 0;
  if (limit < 1) {
    return STORE_HARD;
  }
  const struct store_arg args[] = {STORE_ARG_INT(window_before_ms), STORE_ARG_INT(now_ms),
                                   STORE_ARG_INT(limit)};
  return rate_delete(tx, RATE_FORGET, args, sizeof args / sizeof args[0], "rate forget", out_n);
}

/* ------------------------------------------------------------------------------------ */
/* known login devices */

static int device_user_row(struct store_stmt *st, void *elem) {
  *(int64_t *)elem = store_col_int64(st, 0);
  return STORE_OK;
}

static const struct store_rowtype device_user = {"device get", sizeof(int64_t), device_user_row,
                                                 NULL};

int store_login_device_user(struct store_rd *rd, const char *token_hash, int64_t used_since_ms,
                            int64_t *out_user_id) {
  struct store_conn *c = store_rd_conn(rd);
  const struct store_arg args[] = {STORE_ARG_TEXT(token_hash), STORE_ARG_INT(used_since_ms)};
  struct store_stmt *st = NULL;
  *out_user_id = 0;
  if (NULL == token_hash) {
    return STORE_NONE;
  }
  st = store_stmt(c, &users_set, DEVICE_GET);
  if (NULL != st) {
    store_bind_all(st, args, 2);
  }
  return store_row_get(c, st, &device_user, out_user_id);
}

static int sign_in_row(struct store_stmt *st, void *elem) {
  struct store_sign_in *o = elem;
  memset(o, 0, sizeof *o);
  o->created_ms = store_col_int64(st, 1);
  o->last_ms = store_col_int64(st, 2);
  o->expires_ms = store_col_int64(st, 3);
  return 0 == store_col_copy(st, 0, o->kind, sizeof o->kind) &&
                 0 == store_col_copy(st, 4, o->device, sizeof o->device)
             ? STORE_OK
             : STORE_HARD;
}

static const struct store_rowtype sign_in_rows = {"sign-ins", sizeof(struct store_sign_in),
                                                  sign_in_row, NULL};

int store_user_sign_ins(struct store_rd *rd, struct store_sign_in **out, size_t *out_n,
                        int64_t user_id, int limit) {
  const struct store_arg args[] = {STORE_ARG_INT(user_id), STORE_ARG_INT(limit)};
  return store_rows_query(store_rd_conn(rd), &users_set, SIGN_INS, args,
                          sizeof args / sizeof args[0], &sign_in_rows, limit, out, out_n);
}

static int session_info_row(struct store_stmt *st, void *elem) {
  struct store_session_info *o = elem;
  memset(o, 0, sizeof *o);
  o->created_ms = store_col_int64(st, 0);
  o->last_ms = store_col_int64(st, 1);
  o->expires_ms = store_col_int64(st, 2);
  o->current = 0 != store_col_int64(st, 3);
  o->checkin = store_col_int64(st, 4) > 0;
  return 0 == store_col_copy(st, 5, o->device, sizeof o->device) &&
                 0 == store_col_copy(st, 6, o->id, sizeof o->id)
             ? STORE_OK
             : STORE_HARD;
}

static const struct store_rowtype session_info_rows = {
    "sessions", sizeof(struct store_session_info), session_info_row, NULL};

int store_user_sessions(struct store_rd *rd, struct store_session_info **out, size_t *out_n,
                        int64_t user_id, const char *current_hash, int64_t now_ms, int limit) {
  const struct store_arg args[] = {STORE_ARG_INT(user_id), STORE_ARG_TEXT(current_hash),
                                   STORE_ARG_INT(now_ms), STORE_ARG_INT(limit)};
  return store_rows_query(store_rd_conn(rd), &users_set, SESSIONS_LIST, args,
                          sizeof args / sizeof args[0], &session_info_rows, limit, out, out_n);
}

/* Runs one write of this file's set with args bound: STORE_OK or negative. */
static int users_exec(struct store_conn *c, int which, const struct store_arg *args, size_t n,
                      const char *what) {
  struct store_stmt *st = store_stmt(c, &users_set, which);
  int rc;
  if (NULL == st) {
    return STORE_HARD;
  }
  store_bind_all(st, args, n);
  rc = store_step_done(c, st, what, NULL);
  store_stmt_done(st);
  return rc;
}

int store_login_device_others(struct store_rd *rd, int64_t user_id, const char *token_hash,
                              int64_t used_since_ms, int64_t *out_n) {
  struct store_conn *c = store_rd_conn(rd);
  const struct store_arg args[] = {STORE_ARG_INT(user_id), STORE_ARG_INT(used_since_ms),
                                   STORE_ARG_TEXT(token_hash)};
  struct store_stmt *st = store_stmt(c, &users_set, DEVICE_OTHERS);
  *out_n = 0;
  if (NULL != st) {
    store_bind_all(st, args, sizeof args / sizeof args[0]);
  }
  return store_row_int64(c, st, "device others", out_n);
}

int store_login_device_put(struct store_tx *tx, const char *token_hash, int64_t user_id,
                           int64_t now_ms, int64_t keep, int64_t unused_before_ms) {
  struct store_conn *c = store_tx_conn(tx);
  const struct store_arg put[] = {STORE_ARG_TEXT(token_hash), STORE_ARG_INT(user_id),
                                  STORE_ARG_INT(now_ms)};
  const struct store_arg trim[] = {STORE_ARG_INT(user_id), STORE_ARG_INT(keep)};
  const struct store_arg purge[] = {STORE_ARG_INT(unused_before_ms)};
  int rc;
  if (NULL == token_hash || keep < 1) {
    return STORE_HARD;
  }
  rc = users_exec(c, DEVICE_PUT, put, 3, "device put");
  if (STORE_OK == rc) {
    rc = users_exec(c, DEVICE_TRIM, trim, 2, "device trim");
  }
  if (STORE_OK == rc) {
    rc = users_exec(c, DEVICE_PURGE, purge, 1, "device purge");
  }
  return rc;
}
