/*
 * `ujikom backup FILE` and `ujikom restore FILE`: a consistent copy of the database with
 * SQLite's online backup API (safe while the daemon runs), and putting one back.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "common/config.h"
#include "store/store.h"
#include "store/store_sqlite.h"

static const char backup_usage[] =
    "usage: ujikom backup FILE [--data-dir DIR]\n"
    "  Writes a consistent copy of DIR/ujikom.db to FILE (which must not exist).\n"
    "  Safe while ujikomd is running.\n";
static const char restore_usage[] =
    "usage: ujikom restore FILE [--data-dir DIR]\n"
    "  Replaces DIR/ujikom.db with the backup FILE after checking it, then migrates it.\n"
    "  Stop ujikomd first.\n";

/* The one positional argument (FILE), or NULL when missing or repeated. */
static const char *file_argument(int argc, char **argv, const char *cmd) {
  const char *file = NULL;
  for (int i = 1; i < argc; i++) {
    if (cli_skip_data_dir(argc, argv, &i)) {
      continue;
    }
    if ('-' == argv[i][0] || NULL != file) {
      fprintf(stderr, "ujikom %s: unexpected argument '%s'\n", cmd, argv[i]);
      return NULL;
    }
    file = argv[i];
  }
  if (NULL == file) {
    fprintf(stderr, "ujikom %s: missing FILE\n", cmd);
  }
  return file;
}

static int wants_help(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (cli_is_help(argv[i])) {
      return 1;
    }
  }
  return 0;
}

/* The start shared by backup and restore: --help prints usage (exit code 0), then FILE (exit
 * code 2 when it is missing) and the database path into db. Returns FILE, or NULL with
 * *exit_code set. */
static const char *file_and_db(int argc, char **argv, const char *cmd, const char *usage, char *db,
                               size_t dbsize, int *exit_code) {
  if (wants_help(argc, argv)) {
    fputs(usage, stdout);
    *exit_code = 0;
    return NULL;
  }
  const char *file = file_argument(argc, argv, cmd);
  if (NULL == file) {
    *exit_code = 2;
    return NULL;
  }
  cli_db_path(argc, argv, db, dbsize);
  return file;
}

int cmd_backup(int argc, char **argv) {
  char db[1100], err[512] = "";
  struct store *s = NULL;
  int rc = 0;
  const char *file = file_and_db(argc, argv, "backup", backup_usage, db, sizeof db, &rc);
  if (NULL == file) {
    return rc;
  }
  if (NULL == (s = cli_store_open("backup", db, false))) {
    return 1;
  }
  rc = store_backup(s, file, err, sizeof err);
  store_close(s);
  if (STORE_OK != rc) {
    fprintf(stderr, "ujikom backup: %s\n", err);
    return 1;
  }
  printf("backup written to %s\n", file);
  return 0;
}

int cmd_restore(int argc, char **argv) {
  char db[1100], err[512] = "";
  int rc = 0;
  const char *file = file_and_db(argc, argv, "restore", restore_usage, db, sizeof db, &rc);
  if (NULL == file) {
    return rc;
  }
  if (STORE_OK != store_restore(db, file, NULL, err, sizeof err)) {
    fprintf(stderr, "ujikom restore: %s\n", err);
    return 1;
  }
  printf("%s restored from %s\n", db, file);
  return 0;
}
