/*
 * The staff second factor, its recovery codes and log-in tickets in SQLite.
 */
#include <string.h>

#include "store/store_internal.h"

enum second_factor_stmt {
  SF_GET,
  SF_BEGIN,
  SF_CONFIRM,
  SF_ADVANCE,
  SF_DELETE,
  SF_DELETE_TICKETS,
  SF_DELETE_CODES,
  RC_ADD,
  RC_USE,
  RC_COUNT,
  TICKET_PURGE,
  TICKET_INSERT,
  TICKET_GET,
  TICKET_FAILED,
  TICKET_DELETE,
  SF__MAX
};

static const char *const sf_sqls[SF__MAX] = {
    [SF_GET] = "SELECT user_id, secret_sealed, state = 'confirmed', last_step, created_at, "
               "coalesce(confirmed_at, 0) FROM staff_second_factor WHERE user_id = ?1",
    /* A confirmed factor is never replaced here: only a reset (SF_DELETE) removes it. */
    [SF_BEGIN] = "INSERT INTO staff_second_factor(user_id, secret_sealed, state, last_step, "
                 "created_at, confirmed_at) VALUES(?1, ?2, 'pending', 0, ?3, NULL) "
                 "ON CONFLICT(user_id) DO UPDATE SET secret_sealed = excluded.secret_sealed, "
                 "last_step = 0, created_at = excluded.created_at "
                 "WHERE staff_second_factor.state = 'pending'",
    [SF_CONFIRM] = "UPDATE staff_second_factor SET state = 'confirmed', confirmed_at = ?3, "
                   "last_step = ?2 WHERE user_id = ?1 AND state = 'pending'",
    [SF_ADVANCE] = "UPDATE staff_second_factor SET last_step = ?2 "
                   "WHERE user_id = ?1 AND state = 'confirmed' AND last_step < ?2",
    [SF_DELETE] = "DELETE FROM staff_second_factor WHERE user_id = ?1",
    [SF_DELETE_TICKETS] = "DELETE FROM second_factor_tickets WHERE user_id = ?1",
    [SF_DELETE_CODES] = "DELETE FROM staff_recovery_codes WHERE user_id = ?1",
    [RC_ADD] = "INSERT INTO staff_recovery_codes(user_id, code_hash) VALUES(?1, ?2)",
    [RC_USE] = "DELETE FROM staff_recovery_codes WHERE user_id = ?1 AND code_hash = ?2",
    [RC_COUNT] = "SELECT count(*) FROM staff_recovery_codes WHERE user_id = ?1",
    [TICKET_PURGE] = "DELETE FROM second_factor_tickets WHERE expires_at <= ?1",
    [TICKET_INSERT] = "INSERT INTO second_factor_tickets(user_id, ticket_hash, expires_at, "
                      "failures) VALUES(?1, ?2, ?3, 0)",
    [TICKET_GET] = "SELECT user_id, expires_at, failures FROM second_factor_tickets "
                   "WHERE ticket_hash = ?1",
    [TICKET_FAILED] = "UPDATE second_factor_tickets SET failures = failures + 1 "
                      "WHERE ticket_hash = ?1",
    [TICKET_DELETE] = "DELETE FROM second_factor_tickets WHERE ticket_hash = ?1",
};
static const struct store_sqlset sf_set = {"second factor", sf_sqls, SF__MAX};

/* Integer columns from `first` on into the fields named, in order. */
static void read_ints(struct store_stmt *st, int first, int64_t *const *fields, size_t n) {
  for (size_t i = 0; i < n; i++) {
    *fields[i] = store_col_int64(st, first + (int)i);
  }
}

static int factor_row(struct store_stmt *st, void *elem) {
  struct store_second_factor *f = elem;
  int64_t *const times[] = {&f->last_step, &f->created_ms, &f->confirmed_ms};
  memset(f, 0, sizeof *f);
  f->user_id = store_col_int64(st, 0);
  f->confirmed = 0 != store_col_int64(st, 2);
  read_ints(st, 3, times, sizeof times / sizeof times[0]);
  return 0 == store_col_copy(st, 1, f->secret_sealed, sizeof f->secret_sealed) ? STORE_OK
                                                                               : STORE_HARD;
}

static const struct store_rowtype factor_one = {"second factor", sizeof(struct store_second_factor),
                                                factor_row, NULL};

/* The one row statement `which` finds by ?1 = key (a text when key_text is not NULL, else
 * key_id), read by type into out: STORE_OK, STORE_NONE or negative. */
static int row_by_key(struct store_conn *c, int which, const struct store_rowtype *type, void *out,
                      int64_t key_id, const char *key_text) {
  struct store_stmt *st = store_stmt(c, &sf_set, which);
  memset(out, 0, type->size);
  if (NULL != st && NULL != key_text) {
    store_bind_text(st, 1, key_text);
  } else if (NULL != st) {
    store_bind_int64(st, 1, key_id);
  }
  return store_row_get(c, st, type, out);
}

int store_second_factor_get(struct store_rd *rd, struct store_second_factor *out, int64_t user_id) {
  return row_by_key(store_rd_conn(rd), SF_GET, &factor_one, out, user_id, NULL);
}

int store_second_factor_get_tx(struct store_tx *tx, struct store_second_factor *out,
                               int64_t user_id) {
  return row_by_key(store_tx_conn(tx), SF_GET, &factor_one, out, user_id, NULL);
}

/* Runs statement `which` with ?1 = id and, when args is not NULL, ?2... = args: STORE_OK when
 * it changed a row, STORE_NONE when it changed none. */
static int sf_write(struct store_tx *tx, int which, int64_t id, const struct store_arg *args,
                    size_t nargs, const char *what) {
  struct store_conn *c = store_tx_conn(tx);
  struct store_stmt *st = store_stmt(c, &sf_set, which);
  if (NULL != st) {
    struct store_arg all[4] = {STORE_ARG_INT(id)};
    for (size_t i = 0; i < nargs && i + 1 < sizeof all / sizeof all[0]; i++) {
      all[i + 1] = args[i];
    }
    store_bind_all(st, all, nargs + 1);
  }
  return store_step_changes(c, st, what);
}

int store_second_factor_begin(struct store_tx *tx, int64_t user_id, const char *secret_sealed) {
  if (NULL == secret_sealed) {
    return STORE_HARD;
  }
  const struct store_arg args[] = {STORE_ARG_TEXT(secret_sealed),
                                   STORE_ARG_INT(store_tx_now_ms(tx))};
  int rc = sf_write(tx, SF_BEGIN, user_id, args, 2, "second factor begin");
  if (STORE_OK != rc) {
    return rc;
  }
  /* Codes of an earlier, never confirmed enrolment must not survive into this one. */
  rc = sf_write(tx, SF_DELETE_CODES, user_id, NULL, 0, "recovery codes clear");
  return STORE_NONE == rc ? STORE_OK : rc;
}

int store_second_factor_confirm(struct store_tx *tx, int64_t user_id, int64_t step) {
  const struct store_arg args[] = {STORE_ARG_INT(step), STORE_ARG_INT(store_tx_now_ms(tx))};
  return sf_write(tx, SF_CONFIRM, user_id, args, 2, "second factor confirm");
}

int store_second_factor_advance(struct store_tx *tx, int64_t user_id, int64_t step) {
  const struct store_arg args[] = {STORE_ARG_INT(step)};
  return sf_write(tx, SF_ADVANCE, user_id, args, 1, "second factor step");
}

int store_second_factor_delete(struct store_tx *tx, int64_t user_id) {
  int rc = sf_write(tx, SF_DELETE_TICKETS, user_id, NULL, 0, "login tickets delete");
  if (rc < 0) {
    return rc;
  }
  /* The recovery codes go with the factor (ON DELETE CASCADE). */
  return sf_write(tx, SF_DELETE, user_id, NULL, 0, "second factor delete");
}

int store_recovery_code_add(struct store_tx *tx, int64_t user_id, const char *code_hash) {
  if (NULL == code_hash) {
    return STORE_HARD;
  }
  const struct store_arg args[] = {STORE_ARG_TEXT(code_hash)};
  int rc = sf_write(tx, RC_ADD, user_id, args, 1, "recovery code add");
  return STORE_NONE == rc ? STORE_HARD : rc;
}

int store_recovery_code_use(struct store_tx *tx, int64_t user_id, const char *code_hash) {
  if (NULL == code_hash) {
    return STORE_NONE;
  }
  const struct store_arg args[] = {STORE_ARG_TEXT(code_hash)};
  return sf_write(tx, RC_USE, user_id, args, 1, "recovery code use");
}

int store_recovery_code_count(struct store_rd *rd, int64_t user_id, int64_t *out) {
  struct store_conn *c = store_rd_conn(rd);
  struct store_stmt *st = store_stmt(c, &sf_set, RC_COUNT);
  *out = 0;
  if (NULL != st) {
    store_bind_int64(st, 1, user_id);
  }
  return store_row_int64(c, st, "recovery code count", out);
}

int store_login_ticket_create(struct store_tx *tx, const char *ticket_hash, int64_t user_id,
                              int64_t expires_ms) {
  if (NULL == ticket_hash) {
    return STORE_HARD;
  }
  /* TICKET_PURGE's ?1 is the time; TICKET_INSERT's the account. */
  int rc = sf_write(tx, TICKET_PURGE, store_tx_now_ms(tx), NULL, 0, "login tickets purge");
  if (rc < 0) {
    return rc;
  }
  const struct store_arg args[] = {STORE_ARG_TEXT(ticket_hash), STORE_ARG_INT(expires_ms)};
  rc = sf_write(tx, TICKET_INSERT, user_id, args, 2, "login ticket insert");
  return STORE_NONE == rc ? STORE_HARD : rc;
}

static int ticket_row(struct store_stmt *st, void *elem) {
  struct store_login_ticket *t = elem;
  int64_t *const cols[] = {&t->user_id, &t->expires_ms, &t->failures};
  read_ints(st, 0, cols, sizeof cols / sizeof cols[0]);
  return STORE_OK;
}

static const struct store_rowtype ticket_one = {"login ticket", sizeof(struct store_login_ticket),
                                                ticket_row, NULL};

int store_login_ticket_get(struct store_rd *rd, struct store_login_ticket *out,
                           const char *ticket_hash) {
  return row_by_key(store_rd_conn(rd), TICKET_GET, &ticket_one, out, 0,
                    NULL == ticket_hash ? "" : ticket_hash);
}

int store_login_ticket_get_tx(struct store_tx *tx, struct store_login_ticket *out,
                              const char *ticket_hash) {
  return row_by_key(store_tx_conn(tx), TICKET_GET, &ticket_one, out, 0,
                    NULL == ticket_hash ? "" : ticket_hash);
}

/* Runs a ticket statement keyed by ?1 = the ticket's hash. */
static int ticket_write(struct store_tx *tx, int which, const char *ticket_hash, const char *what) {
  struct store_conn *c = store_tx_conn(tx);
  struct store_stmt *st = store_stmt(c, &sf_set, which);
  if (NULL != st) {
    store_bind_text(st, 1, ticket_hash);
  }
  return store_step_changes(c, st, what);
}

int store_login_ticket_failed(struct store_tx *tx, const char *ticket_hash) {
  return ticket_write(tx, TICKET_FAILED, ticket_hash, "login ticket failure");
}

int store_login_ticket_delete(struct store_tx *tx, const char *ticket_hash) {
  return ticket_write(tx, TICKET_DELETE, ticket_hash, "login ticket delete");
}
