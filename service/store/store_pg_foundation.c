/*
 * The PostgreSQL backend's foundation (libpq): connections from a small pool (one per thread
 * at a time), the statement layer of store_internal.h over prepared statements (each SQL
 * text prepared once per connection, its ?N parameters rewritten to $N once), error mapping,
 * write transactions serialised by one advisory transaction lock, read snapshots, the
 * migrations of migrations/pg and the health probe.
 *
 * Transactions (the guarantee of store.h, made explicit): store_txn runs
 *   BEGIN; SELECT pg_advisory_xact_lock(STORE_PG_WRITE_LOCK); body; COMMIT
 * at READ COMMITTED on one connection. The lock is held until the commit, so the bodies of
 * every node on the database run one after another, each seeing every commit before it:
 * SQLite's BEGIN IMMEDIATE, over the network. Waiting for it is bounded by lock_timeout
 * (busy_timeout_ms); a lock timeout, a serialization failure or a deadlock is STORE_BUSY
 * and the transaction runs again, up to txn_retries times. Each write statement in a body
 * runs in a savepoint, so a statement that fails (a unique violation: STORE_EXISTS) undoes
 * only itself and the body goes on, as it would in SQLite. Read snapshots are REPEATABLE
 * READ, READ ONLY: no lock, one consistent state.
 *
 * Connection loss (the server restarted, a failover, a network cut) is STORE_UNAVAILABLE;
 * the broken connection is dropped, and the next call opens a new one, so a node serves
 * again as soon as the database does. A server that accepts no writes (a standby not yet
 * promoted) answers writes with STORE_UNAVAILABLE too.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store/store_backend.h"
#include "ujikom/clock.h"

/* The advisory lock every write transaction takes: "ujik" in ASCII, and the schema the
 * tables are in (so deployments in different schemas of one database do not wait for each
 * other; every node of one deployment takes the same lock). */
#define STORE_PG_WRITE_LOCK "1970170219, hashtext(current_schema())"
/* The session lock of the process that does the periodic work ("ujil"). */
#define STORE_PG_LEAD_LOCK "1970170220, hashtext(current_schema())"
#define PG_POOL_MAX        32 /* idle connections kept; more are closed on release */
#define PG_BOOLOID         16
#define PG_BYTEAOID        17
#define PG_INT8OID         20
#define PG_INT2OID         21
#define PG_INT4OID         23
#define PG_TEXTOID         25

struct pg_store;

struct pg_stmt {
  struct store_stmt base;
  char name[24]; /* of the prepared statement on its connection */
  char *sql;     /* the text with $N parameters */
  bool prepared; /* on the server (at the first run, with the types of its first bindings) */
  bool is_write; /* INSERT, UPDATE or DELETE: in a savepoint inside a write transaction */
  int nparams;
  char **values; /* nparams bound values (NULL: SQL NULL), owned */
  int *lengths;
  int *formats; /* 0 text, 1 binary (blobs) */
  Oid *types;   /* of the bound values: bigint, text, bytea, or 0 (NULL: the server infers) */
  PGresult *res;
  bool executed;
  int row, nrows;
  int64_t changes;
  /* bytea columns of the current row, decoded on first read (NUL-terminated copies) */
  unsigned char **decoded;
  size_t *decoded_len;
  int ncols;
};

struct pg_conn {
  struct store_conn base;
  struct pg_store *st;
  PGconn *db;
  unsigned next_name;
  bool in_write; /* inside a store_txn body */
  bool broken;   /* the connection is lost: closed instead of pooled */
};

struct pg_store {
  struct store base;
  char *uri;
  char *password;         /* NULL: libpq's own (PGPASSWORD, PGPASSFILE, ~/.pgpass) */
  struct store_pool pool; /* idle connections */
  pthread_mutex_t llock;  /* guards leader */
  struct pg_conn *leader; /* holds the leadership lock (store_lead), or NULL */
};

/* The store whose store_txn body runs on this thread (a nested store_txn is refused). */
static _Thread_local const struct pg_store *pg_txn_owner;

static struct pg_store *pg_store(struct store *s) {
  return (struct pg_store *)(void *)s;
}
static struct pg_conn *pg_conn(struct store_conn *c) {
  return (struct pg_conn *)(void *)c;
}
static struct pg_stmt *pg_stmt(struct store_stmt *st) {
  return (struct pg_stmt *)(void *)st;
}

/* ------------------------------------------------------------------------------------ */
/* error mapping */

/* A failed result (or NULL) as a store_rc; marks the connection broken when it is lost. */
static int pg_map_code(struct pg_conn *c, const PGresult *res) {
  const char *state = NULL == res ? NULL : PQresultErrorField(res, PG_DIAG_SQLSTATE);
  if (CONNECTION_OK != PQstatus(c->db)) {
    c->broken = true;
    return STORE_UNAVAILABLE;
  }
  if (NULL == state) {
    return STORE_UNAVAILABLE; /* a client-side failure: out of memory, no answer */
  }
  if (0 == strcmp(state, "23505")) {
    return STORE_EXISTS;
  }
  if (0 == strcmp(state, "40001") || 0 == strcmp(state, "40P01") || 0 == strcmp(state, "55P03")) {
    return STORE_BUSY;
  }
  if (0 == strncmp(state, "08", 2) || 0 == strncmp(state, "57P", 3) ||
      0 == strcmp(state, "25006")) {
    /* connection exceptions, an administrator's or a crash's shutdown, or a server that
     * accepts no writes (a standby): drop the connection, the next one may reach a primary */
    c->broken = true;
    return STORE_UNAVAILABLE;
  }
  if (0 == strncmp(state, "53", 2) || 0 == strncmp(state, "58", 2)) {
    return STORE_UNAVAILABLE; /* disk full, out of memory, too many connections, I/O */
  }
  return STORE_HARD;
}

static int pg_map_error(struct pg_conn *c, const PGresult *res, const char *what) {
  int rc = pg_map_code(c, res);
  const char *msg =
      NULL != res && NULL != PQresultErrorMessage(res) && '\0' != PQresultErrorMessage(res)[0]
          ? PQresultErrorMessage(res)
          : PQerrorMessage(c->db);
  char line[512];
  snprintf(line, sizeof line, "%s", msg);
  line[strcspn(line, "\n")] = '\0';
  switch (rc) {
  case STORE_EXISTS:
    store_logf(&c->st->base, STORE_LOG_DEBUG, "%s: %s", what, line);
    break;
  case STORE_BUSY:
    store_logf(&c->st->base, STORE_LOG_WARN, "%s: busy (%s)", what, line);
    break;
  default:
    store_logf(&c->st->base, STORE_LOG_ERROR, "%s: %s", what, line);
    break;
  }
  return rc;
}

/* Runs a statement without parameters or rows of interest (BEGIN, COMMIT, SET, ...). */
static int pg_exec(struct pg_conn *c, const char *sql, const char *what) {
  PGresult *res = PQexec(c->db, sql);
  ExecStatusType es = NULL == res ? PGRES_FATAL_ERROR : PQresultStatus(res);
  int rc = STORE_OK;
  if (PGRES_COMMAND_OK != es && PGRES_TUPLES_OK != es) {
    rc = pg_map_error(c, res, what);
  }
  PQclear(res);
  return rc;
}

/* ------------------------------------------------------------------------------------ */
/* statements */

/* The statement's SQL with ?N rewritten to $N (outside quotes), its highest parameter
 * number in *out_n. A malloc'd string, or NULL when out of memory. */
static char *pg_translate(const char *sql, int *out_n) {
  size_t len = strlen(sql);
  char *out = malloc(len + 1);
  size_t o = 0;
  char quote = 0;
  int maxn = 0;
  if (NULL == out) {
    return NULL;
  }
  for (size_t i = 0; i < len; i++) {
    char ch = sql[i];
    if (0 != quote) {
      if (ch == quote) {
        quote = 0;
      }
    } else if ('\'' == ch || '"' == ch) {
      quote = ch;
    } else if ('?' == ch && i + 1 < len && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      int n = 0;
      ch = '$';
      for (size_t j = i + 1; j < len && sql[j] >= '0' && sql[j] <= '9' && n < 10000; j++) {
        n = n * 10 + (sql[j] - '0');
      }
      if (n > maxn) {
        maxn = n;
      }
    }
    out[o++] = ch;
  }
  out[o] = '\0';
  *out_n = maxn;
  return out;
}

static bool sql_is_write(const char *sql) {
  while (' ' == *sql || '\n' == *sql || '\t' == *sql) {
    sql++;
  }
  return 0 == strncmp(sql, "INSERT", 6) || 0 == strncmp(sql, "UPDATE", 6) ||
         0 == strncmp(sql, "DELETE", 6);
}

static void pg_forget_row(struct pg_stmt *p) {
  for (int i = 0; NULL != p->decoded && i < p->ncols; i++) {
    free(p->decoded[i]);
    p->decoded[i] = NULL;
  }
}

static void pg_done(struct store_stmt *st) {
  struct pg_stmt *p = pg_stmt(st);
  pg_forget_row(p);
  free(p->decoded);
  free(p->decoded_len);
  p->decoded = NULL;
  p->decoded_len = NULL;
  p->ncols = 0;
  PQclear(p->res);
  p->res = NULL;
  for (int i = 0; i < p->nparams; i++) {
    free(p->values[i]);
    p->values[i] = NULL;
    p->lengths[i] = 0;
    p->formats[i] = 0;
  }
  p->executed = false;
  p->row = -1;
  p->nrows = 0;
}

static void pg_stmt_free(struct pg_stmt *p);
static void pg_free(struct store_stmt *st) {
  pg_stmt_free(pg_stmt(st));
}

static void pg_stmt_free(struct pg_stmt *p) {
  if (NULL == p) {
    return;
  }
  pg_done(&p->base);
  free(p->values);
  free(p->lengths);
  free(p->formats);
  free(p->types);
  free(p->sql);
  free(p);
}

/* Sets parameter idx (1-based) to a copy of len bytes of type (data NULL: SQL NULL). */
static void pg_bind(struct pg_stmt *p, int idx, const void *data, size_t len, Oid type) {
  if (idx < 1 || idx > p->nparams) {
    store_conn_log(p->base.conn, STORE_LOG_ERROR, "%s: no parameter %d", p->name, idx);
    return;
  }
  free(p->values[idx - 1]);
  p->values[idx - 1] = NULL;
  p->lengths[idx - 1] = 0;
  p->formats[idx - 1] = PG_BYTEAOID == type ? 1 : 0;
  if (!p->prepared) {
    p->types[idx - 1] = NULL == data ? 0 : type;
  }
  if (NULL == data || len > INT_MAX) {
    return;
  }
  char *copy = malloc(len + 1);
  if (NULL == copy) {
    return; /* binds NULL: the statement then fails its constraints or finds nothing */
  }
  if (len > 0) {
    memcpy(copy, data, len);
  }
  copy[len] = '\0';
  p->values[idx - 1] = copy;
  p->lengths[idx - 1] = (int)len;
}

static void pg_bind_int64(struct store_stmt *st, int idx, int64_t v) {
  char buf[24];
  int n = snprintf(buf, sizeof buf, "%lld", (long long)v);
  pg_bind(pg_stmt(st), idx, buf, (size_t)n, PG_INT8OID);
}

static void pg_bind_text(struct store_stmt *st, int idx, const char *text) {
  pg_bind(pg_stmt(st), idx, text, NULL == text ? 0 : strlen(text), PG_TEXTOID);
}

static void pg_bind_blob(struct store_stmt *st, int idx, const void *data, size_t len) {
  pg_bind(pg_stmt(st), idx, NULL == data && 0 == len ? "" : data, len, PG_BYTEAOID);
}

static void pg_bind_null(struct store_stmt *st, int idx) {
  pg_bind(pg_stmt(st), idx, NULL, 0, 0);
}

/* Runs cmd (SAVEPOINT, RELEASE, ...) around a write inside a write transaction. */
static int pg_savepoint(struct pg_conn *c, const char *cmd) {
  return pg_exec(c, cmd, cmd);
}

/* Prepares the statement on the server: the parameters bound as integers are bigint, texts
 * text, blobs bytea; those bound NULL are left to the server to infer from their context (a
 * parameter whose context fixes no type is written CAST(?n AS TEXT) in the SQL). */
static int pg_prepare_now(struct pg_stmt *p) {
  struct pg_conn *c = pg_conn(p->base.conn);
  PGresult *res = PQprepare(c->db, p->name, p->sql, p->nparams, p->types);
  int rc = STORE_OK;
  if (NULL == res || PGRES_COMMAND_OK != PQresultStatus(res)) {
    char what[96];
    snprintf(what, sizeof what, "preparing %s", p->name);
    rc = pg_map_error(c, res, what);
    store_logf(&c->st->base, STORE_LOG_ERROR, "the statement: %s", p->sql);
    rc = rc < 0 && STORE_HARD != rc ? rc : STORE_HARD;
  } else {
    p->prepared = true;
  }
  PQclear(res);
  return rc;
}

static int pg_execute(struct pg_stmt *p, const char *what) {
  struct pg_conn *c = pg_conn(p->base.conn);
  bool sp = c->in_write && p->is_write;
  int rc = STORE_OK;
  if (c->broken) {
    return STORE_UNAVAILABLE;
  }
  if (!p->prepared && STORE_OK != (rc = pg_prepare_now(p))) {
    return rc;
  }
  if (sp && STORE_OK != (rc = pg_savepoint(c, "SAVEPOINT w"))) {
    return rc;
  }
  p->executed = true;
  p->res = PQexecPrepared(c->db, p->name, p->nparams, (const char *const *)p->values, p->lengths,
                          p->formats, 0);
  ExecStatusType es = NULL == p->res ? PGRES_FATAL_ERROR : PQresultStatus(p->res);
  if (PGRES_TUPLES_OK == es || PGRES_COMMAND_OK == es) {
    const char *n = PQcmdTuples(p->res);
    p->changes = '\0' == n[0] ? 0 : strtoll(n, NULL, 10);
    p->nrows = PQntuples(p->res);
    p->ncols = PQnfields(p->res);
    p->row = -1;
    if (p->ncols > 0) {
      p->decoded = calloc((size_t)p->ncols, sizeof *p->decoded);
      p->decoded_len = calloc((size_t)p->ncols, sizeof *p->decoded_len);
      if (NULL == p->decoded || NULL == p->decoded_len) {
        rc = STORE_UNAVAILABLE;
      }
    }
  } else {
    rc = pg_map_error(c, p->res, what);
  }
  if (sp && !c->broken) {
    if (STORE_OK == rc) {
      rc = pg_savepoint(c, "RELEASE SAVEPOINT w");
    } else if (STORE_OK == pg_savepoint(c, "ROLLBACK TO SAVEPOINT w")) {
      pg_savepoint(c, "RELEASE SAVEPOINT w");
    }
  }
  return rc;
}

static int pg_step(struct store_stmt *st, const char *what) {
  struct pg_stmt *p = pg_stmt(st);
  if (!p->executed) {
    int rc = pg_execute(p, what);
    if (STORE_OK != rc) {
      return rc;
    }
  }
  pg_forget_row(p);
  if (p->row + 1 < p->nrows) {
    p->row++;
    return STORE_OK;
  }
  p->row = p->nrows;
  return STORE_NONE;
}

static int64_t pg_changes(struct store_stmt *st) {
  return pg_stmt(st)->changes;
}

static bool pg_col_ok(const struct pg_stmt *p, int col) {
  return NULL != p->res && p->row >= 0 && p->row < p->nrows && col >= 0 && col < p->ncols;
}

static bool pg_col_is_null(struct store_stmt *st, int col) {
  struct pg_stmt *p = pg_stmt(st);
  return !pg_col_ok(p, col) || 0 != PQgetisnull(p->res, p->row, col);
}

/* A bytea column of the current row, decoded once. */
static const unsigned char *pg_bytea(struct pg_stmt *p, int col, size_t *out_len) {
  if (NULL == p->decoded[col]) {
    size_t n = 0;
    unsigned char *raw =
        PQunescapeBytea((const unsigned char *)PQgetvalue(p->res, p->row, col), &n);
    unsigned char *copy = NULL == raw ? NULL : malloc(n + 1);
    if (NULL != copy) {
      memcpy(copy, raw, n);
      copy[n] = '\0';
      p->decoded[col] = copy;
      p->decoded_len[col] = n;
    }
    PQfreemem(raw);
  }
  *out_len = p->decoded_len[col];
  return p->decoded[col];
}

static const char *pg_col_text(struct store_stmt *st, int col) {
  struct pg_stmt *p = pg_stmt(st);
  size_t n = 0;
  if (pg_col_is_null(st, col)) {
    return NULL;
  }
  if (PG_BYTEAOID == PQftype(p->res, col)) {
    return (const char *)pg_bytea(p, col, &n);
  }
  return PQgetvalue(p->res, p->row, col);
}

static size_t pg_col_bytes(struct store_stmt *st, int col) {
  struct pg_stmt *p = pg_stmt(st);
  size_t n = 0;
  if (pg_col_is_null(st, col)) {
    return 0;
  }
  if (PG_BYTEAOID == PQftype(p->res, col)) {
    pg_bytea(p, col, &n);
    return n;
  }
  return (size_t)PQgetlength(p->res, p->row, col);
}

static const void *pg_col_data(struct store_stmt *st, int col) {
  return pg_col_text(st, col);
}

static int64_t pg_col_int64(struct store_stmt *st, int col) {
  struct pg_stmt *p = pg_stmt(st);
  if (pg_col_is_null(st, col)) {
    return 0;
  }
  const char *v = PQgetvalue(p->res, p->row, col);
  if (PG_BOOLOID == PQftype(p->res, col)) {
    return 't' == v[0] ? 1 : 0;
  }
  return strtoll(v, NULL, 10);
}

static int pg_col_count(struct store_stmt *st) {
  return pg_stmt(st)->ncols;
}

static enum store_col_type pg_col_type(struct store_stmt *st, int col) {
  struct pg_stmt *p = pg_stmt(st);
  if (pg_col_is_null(st, col)) {
    return STORE_COL_NULL;
  }
  switch (PQftype(p->res, col)) {
  case PG_BOOLOID:
  case PG_INT8OID:
  case PG_INT2OID:
  case PG_INT4OID:
    return STORE_COL_INT;
  case PG_BYTEAOID:
    return STORE_COL_BLOB;
  default:
    return STORE_COL_TEXT;
  }
}

static const struct store_stmt_ops pg_stmt_ops = {
    .step = pg_step,
    .changes = pg_changes,
    .done = pg_done,
    .free = pg_free,
    .bind_int64 = pg_bind_int64,
    .bind_text = pg_bind_text,
    .bind_blob = pg_bind_blob,
    .bind_null = pg_bind_null,
    .col_int64 = pg_col_int64,
    .col_text = pg_col_text,
    .col_bytes = pg_col_bytes,
    .col_data = pg_col_data,
    .col_is_null = pg_col_is_null,
    .col_count = pg_col_count,
    .col_type = pg_col_type,
};

/* A new statement of set on c, prepared on the server at its first run; NULL when out of
 * memory. */
static struct pg_stmt *pg_stmt_new(struct pg_conn *c, const struct store_sqlset *set, int id) {
  struct pg_stmt *p = calloc(1, sizeof *p);
  int nparams = 0;
  if (NULL == p || NULL == (p->sql = pg_translate(set->sqls[id], &nparams))) {
    free(p);
    store_logf(&c->st->base, STORE_LOG_ERROR, "%s[%d]: out of memory", set->name, id);
    return NULL;
  }
  p->base.ops = &pg_stmt_ops;
  p->base.conn = &c->base;
  p->is_write = sql_is_write(p->sql);
  p->nparams = nparams;
  p->row = -1;
  snprintf(p->name, sizeof p->name, "%.12s_%d_%u", set->name, id, c->next_name++);
  if (nparams > 0) {
    p->values = calloc((size_t)nparams, sizeof *p->values);
    p->lengths = calloc((size_t)nparams, sizeof *p->lengths);
    p->formats = calloc((size_t)nparams, sizeof *p->formats);
    p->types = calloc((size_t)nparams, sizeof *p->types);
    if (NULL == p->values || NULL == p->lengths || NULL == p->formats || NULL == p->types) {
      pg_stmt_free(p);
      return NULL;
    }
  }
  return p;
}

static struct store_stmt *pg_prepare(struct store_conn *base, const struct store_sqlset *set,
                                     int id) {
  struct pg_stmt *p = pg_stmt_new(pg_conn(base), set, id);
  return NULL == p ? NULL : &p->base;
}

static int64_t pg_last_rowid(struct store_conn *base) {
  struct pg_conn *c = pg_conn(base);
  PGresult *res = PQexec(c->db, "SELECT lastval()");
  int64_t id = 0;
  if (NULL != res && PGRES_TUPLES_OK == PQresultStatus(res) && 1 == PQntuples(res)) {
    id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
  } else {
    pg_map_error(c, res, "lastval");
  }
  PQclear(res);
  return id;
}

static const struct store_conn_ops pg_conn_ops = {.prepare = pg_prepare,
                                                  .last_rowid = pg_last_rowid};

/* ------------------------------------------------------------------------------------ */
/* connections */

static void pg_conn_close(struct pg_conn *c) {
  if (NULL == c) {
    return;
  }
  store_conn_free_stmts(&c->base);
  PQfinish(c->db);
  free(c);
}

/* The server's notices (e.g. "relation already exists, skipping") go to the debug log, not
 * to stderr as libpq's default does. */
static void pg_notice(void *arg, const char *message) {
  const struct pg_store *s = arg;
  char line[256];
  snprintf(line, sizeof line, "%s", message);
  line[strcspn(line, "\n")] = '\0';
  store_logf(&s->base, STORE_LOG_DEBUG, "database: %s", line);
}

static int pg_conn_open(struct pg_store *s, struct pg_conn **out, char *err, size_t errlen) {
  struct pg_conn *c = calloc(1, sizeof *c);
  const char *keys[] = {"dbname", NULL == s->password ? NULL : "password", NULL};
  const char *vals[] = {s->uri, s->password, NULL};
  char set[160];
  *out = NULL;
  if (NULL == c) {
    store_set_err(err, errlen, "out of memory");
    return STORE_UNAVAILABLE;
  }
  c->base.ops = &pg_conn_ops;
  c->base.st = &s->base;
  c->base.rd.conn = &c->base;
  c->st = s;
  c->db = PQconnectdbParams(keys, vals, 1);
  if (NULL == c->db || CONNECTION_OK != PQstatus(c->db)) {
    char msg[256];
    snprintf(msg, sizeof msg, "%s", NULL == c->db ? "out of memory" : PQerrorMessage(c->db));
    msg[strcspn(msg, "\n")] = '\0';
    store_set_err(err, errlen, "cannot connect to the database: %s", msg);
    pg_conn_close(c);
    return STORE_UNAVAILABLE;
  }
  PQsetNoticeProcessor(c->db, pg_notice, s);
  /* A lock wait (the write lock included) ends after busy_timeout_ms with 55P03 (BUSY). */
  snprintf(set, sizeof set, "SET lock_timeout = %ld; SET client_encoding = 'UTF8'%s",
           s->base.opts.busy_timeout_ms,
           s->base.opts.bulk_load ? "; SET synchronous_commit = off" : "");
  int rc = pg_exec(c, set, "session settings");
  if (STORE_OK != rc) {
    store_set_err(err, errlen, "database session settings: %s", store_rc_name(rc));
    pg_conn_close(c);
    return rc;
  }
  *out = c;
  return STORE_OK;
}

/* Opens a new connection in place of *c, which was found broken before anything ran on it. */
static int pg_conn_replace(struct pg_conn **c) {
  struct pg_store *s = (*c)->st;
  pg_conn_close(*c);
  *c = NULL;
  char err[320];
  int rc = pg_conn_open(s, c, err, sizeof err);
  if (STORE_OK != rc) {
    store_logf(&s->base, STORE_LOG_ERROR, "%s", err);
  }
  return rc;
}

/* BEGIN (begin_sql) on *c; a pooled connection that died while idle (the server restarted,
 * a failover) is replaced once, since nothing of the caller's ran on it yet. */
static int pg_begin(struct pg_conn **c, const char *begin_sql, const char *what) {
  int rc = pg_exec(*c, begin_sql, what);
  if (STORE_OK != rc && (*c)->broken) {
    store_logf(&(*c)->st->base, STORE_LOG_INFO, "database connection lost; connecting again");
    rc = pg_conn_replace(c);
    if (STORE_OK == rc) {
      rc = pg_exec(*c, begin_sql, what);
    }
  }
  return rc;
}

/* A connection from the pool, or a new one. */
static int pg_conn_get(struct pg_store *s, struct pg_conn **out) {
  char err[320];
  struct store_conn *idle = store_pool_take(&s->pool);
  if (NULL != idle) {
    *out = pg_conn(idle);
    return STORE_OK;
  }
  int rc = pg_conn_open(s, out, err, sizeof err);
  if (STORE_OK != rc) {
    store_logf(&s->base, STORE_LOG_ERROR, "%s", err);
  }
  return rc;
}

/* Back to the pool; a broken connection, or one beyond the pool's size, is closed. */
static void pg_conn_put(struct pg_conn *c) {
  if (c->broken || CONNECTION_OK != PQstatus(c->db) || PQTRANS_IDLE != PQtransactionStatus(c->db) ||
      !store_pool_give(&c->st->pool, &c->base)) {
    pg_conn_close(c);
  }
}

/* ------------------------------------------------------------------------------------ */
/* transactions and snapshots */

/* Ends the transaction open on c (rolled back when it is not committed). */
static void pg_rollback(struct pg_conn *c) {
  if (!c->broken && PQTRANS_IDLE != PQtransactionStatus(c->db)) {
    pg_exec(c, "ROLLBACK", "rollback");
  }
}

/* COMMIT, which PostgreSQL answers with ROLLBACK when a statement of the transaction failed
 * without its savepoint: that is a body that ignored an error, so STORE_HARD. */
static int pg_commit(struct pg_conn *c) {
  PGresult *res = PQexec(c->db, "COMMIT");
  int rc = STORE_OK;
  if (NULL == res || PGRES_COMMAND_OK != PQresultStatus(res)) {
    rc = pg_map_error(c, res, "commit");
  } else if (0 != strcmp(PQcmdStatus(res), "COMMIT")) {
    store_logf(&c->st->base, STORE_LOG_ERROR,
               "commit: the transaction was rolled back (a failed statement was ignored)");
    rc = STORE_HARD;
  }
  PQclear(res);
  return rc;
}

/* One attempt: BEGIN, the write lock, the body, COMMIT. *cp may be replaced (pg_begin). */
static int pg_txn_once(struct pg_store *s, struct pg_conn **cp, store_txn_fn fn, void *ctx) {
  int rc = pg_begin(cp, "BEGIN", "begin transaction");
  struct pg_conn *c = *cp;
  if (NULL == c) {
    return rc;
  }
  if (STORE_OK == rc) {
    rc = pg_exec(c, "SELECT pg_advisory_xact_lock(" STORE_PG_WRITE_LOCK ")", "write lock");
  }
  if (STORE_OK != rc) {
    pg_rollback(c);
    return rc;
  }
  struct store_tx tx = {.rd = {.conn = &c->base}, .now_ms = clock_wall_ms()};
  c->in_write = true;
  pg_txn_owner = s;
  int frc = fn(&tx, ctx);
  pg_txn_owner = NULL;
  c->in_write = false;
  if (STORE_OK != frc) {
    pg_rollback(c);
    return c->broken && STORE_OK <= frc ? STORE_UNAVAILABLE : frc;
  }
  rc = pg_commit(c);
  return rc;
}

static int pg_txn(struct store *base, store_txn_fn fn, void *ctx) {
  struct pg_store *s = pg_store(base);
  struct pg_conn *c = NULL;
  if (pg_txn_owner == s) {
    store_logf(base, STORE_LOG_ERROR, "store_txn: nested transaction refused (deadlock)");
    return STORE_HARD;
  }
  int rc = pg_conn_get(s, &c);
  if (STORE_OK != rc) {
    return rc;
  }
  for (int attempt = 0;; attempt++) {
    rc = pg_txn_once(s, &c, fn, ctx);
    if (NULL == c || STORE_BUSY != rc || attempt >= base->opts.txn_retries || c->broken) {
      break;
    }
    store_sleep_ms(10L * (attempt + 1));
  }
  if (NULL != c) {
    pg_conn_put(c);
  }
  return rc;
}

static int pg_rd_begin(struct store *base, struct store_rd **out) {
  struct pg_store *s = pg_store(base);
  struct pg_conn *c = NULL;
  *out = NULL;
  int rc = pg_conn_get(s, &c);
  if (STORE_OK != rc) {
    return rc;
  }
  rc = pg_begin(&c, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", "begin read");
  if (STORE_OK != rc) {
    if (NULL != c) {
      c->broken = true;
      pg_conn_put(c);
    }
    return rc < 0 ? rc : STORE_HARD;
  }
  *out = &c->base.rd;
  return STORE_OK;
}

static void pg_rd_end(struct store_rd *rd) {
  struct pg_conn *c = pg_conn(rd->conn);
  pg_rollback(c); /* read only: nothing to commit */
  pg_conn_put(c);
}

static int pg_health(struct store *base) {
  struct store_rd *rd = NULL;
  int rc = pg_rd_begin(base, &rd);
  if (STORE_OK != rc) {
    return rc;
  }
  rc = pg_exec(pg_conn(rd->conn), "SELECT 1", "health");
  pg_rd_end(rd);
  return rc;
}

/* ------------------------------------------------------------------------------------ */
/* migrations */

/* The schema version recorded in ujikom_schema (0 when there is no such table). */
static int pg_read_version(struct pg_conn *c, int *out) {
  PGresult *res = PQexec(c->db, "SELECT CAST(to_regclass('ujikom_schema') IS NOT NULL AS INT)");
  int rc = STORE_OK;
  *out = 0;
  if (NULL == res || PGRES_TUPLES_OK != PQresultStatus(res) || 1 != PQntuples(res)) {
    rc = pg_map_error(c, res, "schema version");
  } else if ('1' == PQgetvalue(res, 0, 0)[0]) {
    PQclear(res);
    res = PQexec(c->db, "SELECT coalesce(max(version), 0) FROM ujikom_schema");
    if (NULL == res || PGRES_TUPLES_OK != PQresultStatus(res) || 1 != PQntuples(res)) {
      rc = pg_map_error(c, res, "schema version");
    } else {
      *out = (int)strtol(PQgetvalue(res, 0, 0), NULL, 10);
    }
  }
  PQclear(res);
  return rc;
}

static int pg_schema_version(struct store *base, int *out) {
  struct pg_conn *c = NULL;
  int rc = pg_conn_get(pg_store(base), &c);
  if (STORE_OK != rc) {
    return rc;
  }
  rc = pg_read_version(c, out);
  pg_conn_put(c);
  return rc;
}

/* Applies every migration after the recorded version, up to `to` (0: all), in one
 * transaction under the write lock: an upgrade is all or nothing (a failure leaves the
 * database at the version it had, which the previous program still runs on), and nodes
 * starting at once wait for the first, then find nothing left to do. *cur: the version
 * after. */
static int pg_apply_pending(struct pg_conn *c, int to, int *cur, char *err, size_t errlen) {
  char record[96];
  /* Lock waits here may take a minute, not --busy-timeout: a node that starts while another
   * migrates waits for it (then finds nothing to do), and a migration's own catalogue locks
   * are not refused for a wait a request would be. */
  int rc = pg_exec(c, "BEGIN; SET LOCAL lock_timeout = '60s'", "begin migration");
  if (STORE_OK == rc) {
    rc = pg_exec(c,
                 "SELECT pg_advisory_xact_lock(" STORE_PG_WRITE_LOCK ");"
                 "CREATE TABLE IF NOT EXISTS ujikom_schema (version BIGINT NOT NULL)",
                 "migration lock");
  }
  if (STORE_OK == rc) {
    rc = pg_read_version(c, cur);
  }
  if (STORE_OK != rc) {
    store_set_err(err, errlen, "migrations: cannot begin: %s", store_rc_name(rc));
    pg_rollback(c);
    return rc;
  }
  const int from = *cur;
  int last = from;
  for (size_t i = 0; i < store_pg_migrations_count; i++) {
    const struct store_migration *m = &store_pg_migrations[i];
    if (m->version <= from) {
      continue;
    }
    if (to > 0 && m->version > to) {
      break;
    }
    PGresult *res = PQexec(c->db, m->sql);
    if (NULL == res || PGRES_COMMAND_OK != PQresultStatus(res)) {
      char msg[256];
      snprintf(msg, sizeof msg, "%s", NULL == res ? "no result" : PQresultErrorMessage(res));
      msg[strcspn(msg, "\n")] = '\0';
      store_set_err(err, errlen, "migration %04d_%s failed: %s (nothing applied; still at %d)",
                    m->version, m->name, msg, from);
      rc = pg_map_code(c, res);
      PQclear(res);
      pg_rollback(c);
      return rc < 0 ? rc : STORE_HARD;
    }
    PQclear(res);
    last = m->version;
  }
  if (last == from) {
    pg_rollback(c);
    return STORE_OK;
  }
  snprintf(record, sizeof record,
           "DELETE FROM ujikom_schema; INSERT INTO ujikom_schema VALUES (%d)", last);
  rc = pg_exec(c, record, "record migration");
  if (STORE_OK == rc) {
    rc = pg_commit(c);
  }
  if (STORE_OK != rc) {
    store_set_err(err, errlen, "migrations to %04d: commit failed: %s (still at %d)", last,
                  store_rc_name(rc), from);
    pg_rollback(c);
    return rc;
  }
  store_log_migrations(&c->st->base, store_pg_migrations, store_pg_migrations_count, from, last);
  *cur = last;
  return STORE_OK;
}

static int pg_migrate(struct store *base, int to, int *out_from, int *out_to, char *err,
                      size_t errlen) {
  struct pg_conn *c = NULL;
  int cur = 0;
  int rc = pg_conn_get(pg_store(base), &c);
  if (STORE_OK != rc) {
    store_set_err(err, errlen, "cannot connect to the database");
    return rc;
  }
  rc = pg_read_version(c, &cur);
  if (STORE_OK != rc) {
    store_set_err(err, errlen, "cannot read the schema version");
    goto done;
  }
  if (NULL != out_from) {
    *out_from = cur;
  }
  if (cur > store_schema_latest()) {
    store_set_err(err, errlen, "schema version %d is newer than this program knows (%d)", cur,
                  store_schema_latest());
    rc = STORE_HARD;
    goto done;
  }
  bool pending = false; /* looked at first, so that a start with nothing to do takes no lock */
  for (size_t i = 0; i < store_pg_migrations_count && !pending; i++) {
    int v = store_pg_migrations[i].version;
    pending = v > cur && (to <= 0 || v <= to);
  }
  if (pending && STORE_OK != (rc = pg_apply_pending(c, to, &cur, err, errlen))) {
    goto done;
  }
  if (NULL != out_to) {
    *out_to = cur;
  }
done:
  pg_conn_put(c);
  return rc;
}

/* ------------------------------------------------------------------------------------ */
/* open / close */

/* Runs sql (one boolean or integer row) on c: 1 when true, 0 when false, -1 on failure. */
static int pg_ask(struct pg_conn *c, const char *sql) {
  PGresult *res = PQexec(c->db, sql);
  int answer = -1;
  if (NULL != res && PGRES_TUPLES_OK == PQresultStatus(res) && 1 == PQntuples(res)) {
    answer = 't' == PQgetvalue(res, 0, 0)[0] || '1' == PQgetvalue(res, 0, 0)[0] ? 1 : 0;
  } else {
    pg_map_error(c, res, "leadership");
  }
  PQclear(res);
  return answer;
}

static void pg_close(struct store *base) {
  struct pg_store *s = pg_store(base);
  struct store_conn *idle = NULL;
  while (NULL != (idle = store_pool_take(&s->pool))) {
    pg_conn_close(pg_conn(idle));
  }
  store_pool_destroy(&s->pool);
  if (NULL != s->leader) {
    /* Released now, in the server, rather than when its backend notices the closed socket:
     * another node can take the periodic work over at once. */
    (void)pg_ask(s->leader, "SELECT pg_advisory_unlock(" STORE_PG_LEAD_LOCK ")");
    pg_conn_close(s->leader);
  }
  pthread_mutex_destroy(&s->llock);
  free(s->uri);
  free(s->password);
  free(s);
}

static int pg_lead(struct store *base) {
  struct pg_store *s = pg_store(base);
  int rc = STORE_NONE;
  pthread_mutex_lock(&s->llock);
  if (NULL != s->leader && 1 != pg_ask(s->leader, "SELECT 1")) {
    store_logf(base, STORE_LOG_WARN, "leadership lost with its connection");
    pg_conn_close(s->leader);
    s->leader = NULL;
  }
  if (NULL != s->leader) {
    rc = STORE_OK;
  } else {
    char err[320];
    struct pg_conn *c = NULL;
    rc = pg_conn_open(s, &c, err, sizeof err);
    if (STORE_OK == rc) {
      int got = pg_ask(c, "SELECT pg_try_advisory_lock(" STORE_PG_LEAD_LOCK ")");
      if (1 == got) {
        store_logf(base, STORE_LOG_INFO, "this process leads the periodic work");
        s->leader = c;
      } else {
        pg_conn_close(c);
      }
      rc = 1 == got ? STORE_OK : 0 == got ? STORE_NONE : STORE_UNAVAILABLE;
    }
  }
  pthread_mutex_unlock(&s->llock);
  return rc;
}

static const struct store_ops pg_ops = {
    .name = "postgresql",
    .lead = pg_lead,
    .close = pg_close,
    .txn = pg_txn,
    .rd_begin = pg_rd_begin,
    .rd_end = pg_rd_end,
    .health = pg_health,
    .schema_version = pg_schema_version,
    .migrate = pg_migrate,
};

int store_pg_open(struct store **out, const char *uri, const struct store_opts *opts, char *err,
                  size_t errlen) {
  struct pg_store *s = calloc(1, sizeof *s);
  struct pg_conn *c = NULL;
  *out = NULL;
  if (NULL == s) {
    store_set_err(err, errlen, "out of memory");
    return STORE_UNAVAILABLE;
  }
  s->base.ops = &pg_ops;
  store_opts_defaults(&s->base.opts, opts);
  s->uri = strdup(uri);
  s->password = NULL == s->base.opts.password ? NULL : strdup(s->base.opts.password);
  s->base.opts.password = NULL; /* the caller's buffer is not kept */
  if (NULL == s->uri || (NULL != opts && NULL != opts->password && NULL == s->password) ||
      0 != store_pool_init(&s->pool, PG_POOL_MAX) || 0 != pthread_mutex_init(&s->llock, NULL)) {
    free(s->uri);
    free(s->password);
    free(s);
    store_set_err(err, errlen, "out of memory");
    return STORE_UNAVAILABLE;
  }
  /* Connect once now, so a wrong URI or password is refused at start-up. */
  int rc = pg_conn_open(s, &c, err, errlen);
  if (STORE_OK == rc) {
    pg_conn_put(c);
    if (s->base.opts.migrate_to >= 0) {
      rc = pg_migrate(&s->base, s->base.opts.migrate_to, NULL, NULL, err, errlen);
    }
  }
  if (STORE_OK != rc) {
    pg_close(&s->base);
    return rc;
  }
  *out = &s->base;
  return STORE_OK;
}
