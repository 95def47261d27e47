/*
 * `ujikom migrate`: brings the database to the schema this program knows (the daemon also
 * does this at start-up), or only reports the version with --status.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "common/config.h"
#include "store/store.h"

/* Prints the usage on out and returns status, the exit status to leave with. */
static int migrate_usage(FILE *out, int status) {
  fprintf(out, "usage: ujikom migrate [--data-dir DIR] [--status]\n"
               "  Applies pending schema migrations to DIR/ujikom.db (created if missing).\n"
               "  --status  only print the current and the latest schema version\n");
  return status;
}

int cmd_migrate(int argc, char **argv) {
  char db[1100], err[512] = "";
  struct store *s = NULL;
  int status_only = 0;
  int from = 0, to = 0;
  int rc = 0;
  for (int i = 1; i < argc; i++) {
    if (cli_is_help(argv[i])) {
      return migrate_usage(stdout, 0);
    }
    if (0 == strcmp(argv[i], "--status")) {
      status_only = 1;
    } else if (!cli_skip_data_dir(argc, argv, &i)) {
      fprintf(stderr, "ujikom migrate: unknown argument '%s'\n", argv[i]);
      return migrate_usage(stderr, 2);
    }
  }
  cli_db_path(argc, argv, db, sizeof db);
  if (NULL == (s = cli_store_open("migrate", db, false))) {
    return 1;
  }
  if (status_only) {
    rc = store_schema_version(s, &from);
    store_close(s);
    if (STORE_OK != rc) {
      fprintf(stderr, "ujikom migrate: cannot read the schema version (%s)\n", store_rc_name(rc));
      return 1;
    }
    printf("%s: schema version %d, latest %d%s\n", db, from, store_schema_latest(),
           from == store_schema_latest() ? " (up to date)" : " (migrations pending)");
    return 0;
  }
  rc = store_migrate(s, 0, &from, &to, err, sizeof err);
  store_close(s);
  if (STORE_OK != rc) {
    fprintf(stderr, "ujikom migrate: %s\n", err);
    return 1;
  }
  if (from == to) {
    printf("%s: schema version %d is up to date\n", db, to);
  } else {
    printf("%s: migrated from schema version %d to %d\n", db, from, to);
  }
  return 0;
}
