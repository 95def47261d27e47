/*
 * `ujikom store copy --from DB --to DB`: moves the service's database between backends
 * (an SQLite file and PostgreSQL, either way), then verifies the copy: every table's rows
 * and contents equal on both sides, the audit chain intact, and the register and the
 * transparency log in agreement, so every certificate is there as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "common/certlog.h"
#include "store/store.h"

static int store_usage(FILE *out, int status) {
  fprintf(out, "usage: ujikom store copy --from DB --to DB\n"
               "  Copies every row of the database DB (sqlite:PATH or postgresql://...) into an\n"
               "  empty one (created and migrated), in one transaction, then verifies the copy:\n"
               "  rows and contents of every table, the audit chain, the register against the\n"
               "  transparency log. Stop the daemon first. PostgreSQL passwords come from\n"
               "  PGPASSWORD or PGPASSFILE.\n");
  return status;
}

/* Checks the copy; prints one line per table and what else was checked. 0 or 1. */
static int verify_copy(struct store *from, struct store *to) {
  struct store_table_sum a[STORE_COPY_TABLES], b[STORE_COPY_TABLES];
  char err[512] = "", why[256] = "";
  int bad = 0;
  if (STORE_OK != store_table_sums(from, a, err, sizeof err) ||
      STORE_OK != store_table_sums(to, b, err, sizeof err)) {
    fprintf(stderr, "ujikom store copy: cannot verify: %s\n", err);
    return 1;
  }
  for (size_t i = 0; i < STORE_COPY_TABLES; i++) {
    bool same = a[i].rows == b[i].rows && 0 == memcmp(a[i].digest, b[i].digest, 32);
    printf("%-26s %8lld rows %s\n", a[i].table, (long long)b[i].rows, same ? "ok" : "DIFFER");
    bad |= !same;
  }
  int64_t first_bad = 0, count = 0;
  int rc = store_audit_verify(to, &first_bad, &count, why, sizeof why);
  if (STORE_OK == rc) {
    printf("audit chain intact: %lld entries\n", (long long)count);
  } else {
    printf("audit chain BROKEN at entry %lld: %s\n", (long long)first_bad, why);
    bad = 1;
  }
  struct certlog_check *check = calloc(1, sizeof *check);
  rc = NULL == check ? STORE_UNAVAILABLE : certlog_cross_check(to, check);
  if (STORE_OK == rc && 0 == check->nunlogged && 0 == check->ndiffers && 0 == check->bad_entries) {
    printf("register and log agree: %llu log entries\n", (unsigned long long)check->entries);
  } else {
    printf("register and log DISAGREE (%s)\n", store_rc_name(rc));
    bad = 1;
  }
  free(check);
  return bad;
}

static int store_copy_cmd(const char *from_db, const char *to_db) {
  const struct store_opts as_is = {.migrate_to = -1};
  char err[512] = "";
  struct store *from = NULL, *to = NULL;
  int version = 0, status = 1;
  int64_t rows = 0;
  if (STORE_OK != store_open(&from, from_db, &as_is, err, sizeof err)) {
    fprintf(stderr, "ujikom store copy: --from: %s\n", err);
    return 1;
  }
  if (STORE_OK != store_schema_version(from, &version) || version != store_schema_latest()) {
    fprintf(stderr,
            "ujikom store copy: --from is at schema version %d, not %d: run ujikom migrate "
            "on it first\n",
            version, store_schema_latest());
    goto done;
  }
  if (STORE_OK != store_open(&to, to_db, NULL, err, sizeof err)) {
    fprintf(stderr, "ujikom store copy: --to: %s\n", err);
    goto done;
  }
  int rc = store_copy(from, to, &rows, err, sizeof err);
  if (STORE_OK != rc) {
    fprintf(stderr, "ujikom store copy: %s (%s); nothing was copied\n", err, store_rc_name(rc));
    goto done;
  }
  printf("copied %lld rows from %s (%s) to %s (%s)\n", (long long)rows, store_backend_name(from),
         from_db, store_backend_name(to), to_db);
  status = verify_copy(from, to);
  if (0 != status) {
    fprintf(stderr, "ujikom store copy: the copy does not verify\n");
  }
done:
  store_close(to);
  store_close(from);
  return status;
}

int cmd_store(int argc, char **argv) {
  const char *from = NULL, *to = NULL;
  if (argc < 2 || cli_is_help(argv[1])) {
    return store_usage(argc < 2 ? stderr : stdout, argc < 2 ? 2 : 0);
  }
  if (0 != strcmp(argv[1], "copy")) {
    fprintf(stderr, "ujikom store: unknown subcommand '%s'\n", argv[1]);
    return store_usage(stderr, 2);
  }
  for (int i = 2; i < argc; i++) {
    if (cli_is_help(argv[i])) {
      return store_usage(stdout, 0);
    }
    if (0 == strcmp(argv[i], "--from") && i + 1 < argc) {
      from = argv[++i];
    } else if (0 == strcmp(argv[i], "--to") && i + 1 < argc) {
      to = argv[++i];
    } else {
      fprintf(stderr, "ujikom store: unknown argument '%s'\n", argv[i]);
      return store_usage(stderr, 2);
    }
  }
  if (NULL == from || NULL == to) {
    fprintf(stderr, "ujikom store copy: --from and --to are both needed\n");
    return store_usage(stderr, 2);
  }
  return store_copy_cmd(from, to);
}
