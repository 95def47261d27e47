/*
 * The error mapping every backend shares (store_internal.h): a unique violation is
 * STORE_EXISTS and undoes only its own statement, so the body goes on as it decides; and,
 * for PostgreSQL, a serialization failure or deadlock is retried and then STORE_BUSY, and a
 * lost connection is STORE_UNAVAILABLE once, after which the store connects again; a server
 * killed (-m immediate) answers UNAVAILABLE until it is back, then the store reconnects and
 * every acknowledged write is there.
 * The PostgreSQL cases skip in the SQLite pass (ctest label pg runs them).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/store.h"
#include "store/store_internal.h"
#include "test_store_fixture.h"

/* Statements of this test only, on the test's own functions (made in set_up_functions). */
enum { T_FAIL_FIRST, T_TERMINATE_SELF, T_BACKEND_PID, T__MAX };
static const char *const t_sqls[T__MAX] = {
    [T_FAIL_FIRST] = "SELECT test_fail_first(?1, ?2)",
    [T_TERMINATE_SELF] = "SELECT pg_terminate_backend(pg_backend_pid())",
    [T_BACKEND_PID] = "SELECT pg_backend_pid()",
};
static const struct store_sqlset t_set = {"test errors", t_sqls, T__MAX};

/* test_fail_first(state, n): raises SQLSTATE state the first n times it is called (counted by
 * a sequence, which a rollback does not undo), then returns 1. */
static void set_up_functions(struct temp_store *t) {
  struct test_raw r;
  char msg[256];
  assert_int_equal(0, test_raw_open(&r, t->db));
  if (0 != test_raw_exec(&r,
                         "CREATE SEQUENCE test_calls;"
                         "CREATE FUNCTION test_fail_first(st text, n bigint) RETURNS bigint "
                         "LANGUAGE plpgsql AS $$ BEGIN "
                         "IF nextval('test_calls') <= n THEN "
                         "RAISE EXCEPTION 'injected' USING ERRCODE = st; END IF; "
                         "RETURN 1; END $$",
                         msg, sizeof msg)) {
    fail_msg("functions: %s", msg);
  }
  test_raw_close(&r);
}

struct two_users {
  int runs;
  int dup_rc;
  int64_t first, second;
};

/* Creates a user, the same address again (EXISTS), then another: the body goes on after the
 * refused statement and commits the other two. */
static int tx_two_users(struct store_tx *tx, void *ctx) {
  struct two_users *u = ctx;
  int64_t id = 0;
  u->runs++;
  int rc = store_user_create(tx, &u->first, "sama@contoh.id", "Siti", ROLE_CANDIDATE, "$x$");
  if (STORE_OK != rc) {
    return rc;
  }
  u->dup_rc = store_user_create(tx, &id, "SAMA@contoh.id", "Siti", ROLE_CANDIDATE, "$x$");
  return store_user_create(tx, &u->second, "lain@contoh.id", "Ayu", ROLE_CANDIDATE, "$x$");
}

static int read_user(struct store *s, const char *email, struct store_user *u) {
  struct store_rd *rd = NULL;
  int rc = store_rd_begin(s, &rd);
  if (STORE_OK == rc) {
    rc = store_user_by_email(rd, u, email);
    store_rd_end(rd);
  }
  return rc;
}

static void test_unique_violation_undoes_only_itself(void **state) {
  struct temp_store *t = *state;
  struct two_users u = {0};
  struct store_user got;
  assert_int_equal(STORE_OK, store_txn(t->s, tx_two_users, &u));
  assert_int_equal(1, u.runs);
  assert_int_equal(STORE_EXISTS, u.dup_rc);
  assert_int_equal(STORE_OK, read_user(t->s, "sama@contoh.id", &got));
  assert_int_equal(u.first, got.id);
  assert_int_equal(STORE_OK, read_user(t->s, "lain@contoh.id", &got));
  assert_int_equal(u.second, got.id);
}

struct injected {
  const char *state;
  int64_t fail_n;
  int runs;
};

static int tx_injected(struct store_tx *tx, void *ctx) {
  struct injected *in = ctx;
  struct store_conn *c = store_tx_conn(tx);
  struct store_arg args[] = {STORE_ARG_TEXT(in->state), STORE_ARG_INT(in->fail_n)};
  struct store_stmt *st = NULL;
  in->runs++;
  int rc = store_row_step(c, &t_set, T_FAIL_FIRST, args, 2, "injected", &st);
  store_stmt_done(st);
  return rc;
}

/* A serialization failure and a deadlock are retried (the body runs again), and after the
 * retries run out the answer is BUSY (503), not an error. */
static void test_serialization_failure_is_retried_then_busy(void **state) {
  struct temp_store *t = *state;
  static const char *const states[] = {"40001", "40P01"};
  if (!temp_store_is_pg()) {
    skip(); /* SQLite has one writer: no serialization failures */
  }
  set_up_functions(t);
  for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
    struct test_raw r;
    char msg[128];
    assert_int_equal(0, test_raw_open(&r, t->db));
    assert_int_equal(0, test_raw_exec(&r, "ALTER SEQUENCE test_calls RESTART", msg, sizeof msg));
    test_raw_close(&r);
    /* Fails twice, then succeeds: the third run commits (txn_retries is 3). */
    struct injected twice = {states[i], 2, 0};
    assert_int_equal(STORE_OK, store_txn(t->s, tx_injected, &twice));
    assert_int_equal(3, twice.runs);
    /* Fails every time: one run and three retries, then BUSY. */
    struct injected always = {states[i], 1000000, 0};
    assert_int_equal(STORE_BUSY, store_txn(t->s, tx_injected, &always));
    assert_int_equal(4, always.runs);
  }
  /* Another error class is no reason to retry: one run, STORE_HARD. */
  struct injected other = {"22012", 1000000, 0}; /* division by zero */
  assert_int_equal(STORE_HARD, store_txn(t->s, tx_injected, &other));
  assert_int_equal(1, other.runs);
}

static int tx_terminate_self(struct store_tx *tx, void *ctx) {
  struct store_conn *c = store_tx_conn(tx);
  struct store_stmt *st = NULL;
  (void)ctx;
  int rc = store_row_step(c, &t_set, T_TERMINATE_SELF, NULL, 0, "terminate", &st);
  store_stmt_done(st);
  return rc;
}

static int tx_backend_pid(struct store_tx *tx, void *ctx) {
  struct store_conn *c = store_tx_conn(tx);
  struct store_stmt *st = NULL;
  int rc = store_row_step(c, &t_set, T_BACKEND_PID, NULL, 0, "backend pid", &st);
  if (STORE_OK == rc) {
    *(int64_t *)ctx = store_col_int64(st, 0);
  }
  store_stmt_done(st);
  return rc;
}

static int tx_create_one(struct store_tx *tx, void *ctx) {
  int64_t id = 0;
  return store_user_create(tx, &id, ctx, "Siti", ROLE_CANDIDATE, "$x$");
}

/* The connection dies under a transaction (the server restarted, a failover): that request
 * is answered UNAVAILABLE (503), and the next one connects again and succeeds. Idle pooled
 * connections that died meanwhile are replaced without an error. */
static void test_lost_connection_is_unavailable_then_reconnects(void **state) {
  struct temp_store *t = *state;
  struct store_user u;
  if (!temp_store_is_pg()) {
    skip(); /* an SQLite file has no connection to lose */
  }
  assert_int_equal(STORE_UNAVAILABLE, store_txn(t->s, tx_terminate_self, NULL));
  char again[] = "lagi@contoh.id", after[] = "sesudah@contoh.id";
  assert_int_equal(STORE_OK, store_txn(t->s, tx_create_one, again));
  assert_int_equal(STORE_OK, read_user(t->s, "lagi@contoh.id", &u));
  assert_int_equal(STORE_OK, store_health(t->s));

  /* The store's connection dies while idle in its pool (the server restarted): this test
   * runs on one thread, so the pool holds the one connection the last transaction used. */
  int64_t pid = 0;
  assert_int_equal(STORE_OK, store_txn(t->s, tx_backend_pid, &pid));
  assert_true(pid > 0);
  struct test_raw r;
  char msg[256], sql[96];
  assert_int_equal(0, test_raw_open(&r, t->db));
  snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%lld)", (long long)pid);
  assert_int_equal(0, test_raw_exec(&r, sql, msg, sizeof msg));
  test_raw_close(&r);
  assert_int_equal(STORE_OK, store_health(t->s));
  assert_int_equal(STORE_OK, store_txn(t->s, tx_create_one, after));
  assert_int_equal(STORE_OK, read_user(t->s, "sesudah@contoh.id", &u));
}

/* One process leads the periodic work: a second store on the same database does not, until
 * the first closes (or loses its connection); with SQLite the one process always leads. */
static void test_one_leader_at_a_time(void **state) {
  struct temp_store *t = *state;
  struct store *other = NULL;
  char err[256];
  assert_int_equal(STORE_OK, store_open(&other, t->db, NULL, err, sizeof err));
  assert_int_equal(STORE_OK, store_lead(t->s));
  assert_int_equal(STORE_OK, store_lead(t->s)); /* and keeps leading */
  if (!temp_store_is_pg()) {
    store_close(other);
    return;
  }
  assert_int_equal(STORE_NONE, store_lead(other));
  store_close(t->s);
  t->s = NULL;
  assert_int_equal(STORE_OK, store_lead(other));
  store_close(other);
}

/* Runs scripts/pg-cluster.sh cmd dir; its first line of output (the URI for start) into
 * out. 0 when it succeeded. */
static int cluster(const char *cmd, const char *dir, char *out, size_t outlen) {
  const char *src = getenv("UJIKOM_SOURCE_DIR");
  char script[512];
  int fds[2];
  snprintf(script, sizeof script, "%s/scripts/pg-cluster.sh", NULL == src ? "." : src);
  if (0 != pipe(fds)) {
    return -1;
  }
  pid_t pid = fork();
  if (0 == pid) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    setenv("UJIKOM_PG_DURABLE", "1", 1); /* every acknowledged commit survives the kill */
    execl(script, script, cmd, dir, (char *)NULL);
    _exit(127);
  }
  close(fds[1]);
  size_t n = 0;
  ssize_t got = 0;
  while (n + 1 < outlen && (got = read(fds[0], out + n, outlen - 1 - n)) > 0) {
    n += (size_t)got;
  }
  out[n] = '\0';
  out[strcspn(out, "\n")] = '\0';
  close(fds[0]);
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid) {
    return -1;
  }
  return WIFEXITED(status) && 0 == WEXITSTATUS(status) ? 0 : -1;
}

static int tx_two(struct store_tx *tx, void *ctx) {
  int64_t id = 0;
  const char *const *emails = ctx;
  int rc = store_user_create(tx, &id, emails[0], "Siti", ROLE_CANDIDATE, "$x$");
  return STORE_OK == rc ? store_user_create(tx, &id, emails[1], "Ayu", ROLE_CANDIDATE, "$x$") : rc;
}

/* The private cluster of the test below. */
static void kill_dir(char *dir, size_t size) {
  snprintf(dir, size, "/tmp/ujikom-pgkill-%ld", (long)getpid());
}

/* Tear-down of the test below: its cluster is stopped and removed whatever happened. */
static int kill_teardown(void **state) {
  char dir[96], out[64];
  if (temp_store_is_pg()) {
    kill_dir(dir, sizeof dir);
    cluster("stop", dir, out, sizeof out);
  }
  return temp_store_teardown(state);
}

/* The database server itself is killed (a crash, a failover's old primary): every request
 * is answered UNAVAILABLE (503) while it is down, none is answered wrongly, and once it is
 * back the store connects again by itself, with every write acknowledged before the kill. */
static void test_killed_server_is_unavailable_then_reconnects(void **state) {
  struct temp_store *t = *state;
  char dir[96], uri[256], out[256], err[256];
  struct store *s = NULL;
  struct store_rd *rd = NULL;
  struct store_user u;
  const char *before[] = {"sebelum1@contoh.id", "sebelum2@contoh.id"};
  const char *during[] = {"selama1@contoh.id", "selama2@contoh.id"};
  const char *after[] = {"sesudah1@contoh.id", "sesudah2@contoh.id"};
  if (!temp_store_is_pg()) {
    skip(); /* an SQLite file has no server */
  }
  /* A cluster of its own (the pass's cluster serves the other tests meanwhile), in a
   * directory the cluster's unprivileged user can reach; kill_teardown removes it. */
  (void)t;
  kill_dir(dir, sizeof dir);
  assert_int_equal(0, cluster("start", dir, uri, sizeof uri));
  struct store_opts o = {.busy_timeout_ms = 500, .txn_retries = 1};
  assert_int_equal(STORE_OK, store_open(&s, uri, &o, err, sizeof err));
  assert_int_equal(STORE_OK, store_txn(s, tx_two, before));

  assert_int_equal(0, cluster("crash", dir, out, sizeof out));
  assert_int_equal(STORE_UNAVAILABLE, store_txn(s, tx_two, during));
  assert_int_equal(STORE_UNAVAILABLE, store_health(s));
  assert_int_equal(STORE_UNAVAILABLE, store_rd_begin(s, &rd));
  assert_null(rd);

  assert_int_equal(0, cluster("resume", dir, out, sizeof out));
  assert_int_equal(STORE_OK, store_health(s));
  assert_int_equal(STORE_OK, store_txn(s, tx_two, after));
  assert_int_equal(STORE_OK, store_rd_begin(s, &rd));
  for (size_t i = 0; i < 2; i++) {
    assert_int_equal(STORE_OK, store_user_by_email(rd, &u, before[i]));
    assert_int_equal(STORE_NONE, store_user_by_email(rd, &u, during[i]));
    assert_int_equal(STORE_OK, store_user_by_email(rd, &u, after[i]));
  }
  store_rd_end(rd);
  store_close(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_unique_violation_undoes_only_itself, temp_store_setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_serialization_failure_is_retried_then_busy,
                                      temp_store_setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_lost_connection_is_unavailable_then_reconnects,
                                      temp_store_setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_one_leader_at_a_time, temp_store_setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_killed_server_is_unavailable_then_reconnects,
                                      temp_store_setup, kill_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
