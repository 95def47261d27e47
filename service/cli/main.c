/*
 * ujikom: the administration CLI (migrations, accounts, exams, keys, offline verification,
 * audit, backup). Dispatches to one function per subcommand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "common/config.h"
#include "store/store.h"

static const struct command commands[] = {
    /* --- store, accounts, audit, backup --- */
    {"migrate", cmd_migrate, "Apply pending database migrations (or --status)"},
    {"admin", cmd_admin, "Create an administrator or assessor account (password on stdin)"},
    {"audit", cmd_audit, "Verify the audit log's hash chain, or list entries"},
    {"backup", cmd_backup, "Write a consistent copy of the database (safe while running)"},
    {"restore", cmd_restore, "Replace the database with a backup (stop the daemon first)"},
    {"check", cmd_check, "Check every page of the database (safe while running)"},
    {"store", cmd_store, "Copy the database to another backend, verified (store copy)"},
    /* --- exams --- */
    {"exams", cmd_exams, "Check exam files (exams check [FILE...]): file:line:col errors"},
    {"items", cmd_items, "Import a question bank (Aiken, GIFT, Moodle XML, Excel, QTI) as items"},
    /* --- keys and certificates --- */
    {"keys", cmd_keys, "List, rotate or publish (JWKS) the certificate signing keys"},
    {"verify", cmd_verify, "Verify a certificate offline (credential, QR URL/token or QR image)"},
    {"jsonld", cmd_jsonld,
     "Canonical N-Quads (RDFC-1.0) of a credential, as its proof hashes them"},
    {"log", cmd_log, "Monitor the transparency log (log verify --url) or cross-check it"},
    /* --- test events --- */
    {"schedules", cmd_schedules,
     "Make a schedule's one-time check-in codes (schedules checkin-codes)"},
    /* --- configuration --- */
    {"config", cmd_config, "Print the configuration table (markdown) or the daemon's --help"},
    /* --- benchmarks --- */
    {"seed", cmd_seed, "Fill a fresh data directory with benchmark volume (bench/)"},
};

static void usage(FILE *out) {
  fprintf(out, "usage: ujikom COMMAND [ARGS]   (ujikom COMMAND --help for details)\n\n"
               "commands:\n");
  for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
    fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  }
}

/* The value of the last "--flag VALUE" or "--flag=VALUE" in argv, else the environment
 * variable env (NULL when neither is there). */
static const char *flag_value(int argc, char **argv, const char *flag, const char *env) {
  const char *value = getenv(env);
  size_t n = strlen(flag);
  for (int i = 1; i < argc; i++) {
    if (0 == strcmp(argv[i], flag) && i + 1 < argc) {
      value = argv[i + 1];
    } else if (0 == strncmp(argv[i], flag, n) && '=' == argv[i][n]) {
      value = argv[i] + n + 1;
    }
  }
  return value;
}

char *cli_data_dir(int argc, char **argv, char *out, unsigned long outlen) {
  const char *dir = flag_value(argc, argv, "--data-dir", "UJIKOM_DATA_DIR");
  snprintf(out, outlen, "%s", dir && dir[0] ? dir : "var");
  return out;
}

bool cli_is_help(const char *arg) {
  return 0 == strcmp(arg, "--help") || 0 == strcmp(arg, "-h");
}

bool cli_skip_data_dir(int argc, char **argv, int *i) {
  if ((0 == strcmp(argv[*i], "--data-dir") || 0 == strcmp(argv[*i], "--database")) &&
      *i + 1 < argc) {
    (*i)++;
    return true;
  }
  return 0 == strncmp(argv[*i], "--data-dir=", 11) || 0 == strncmp(argv[*i], "--database=", 11);
}

void cli_db_path(int argc, char **argv, char *db, size_t dbsize) {
  char dir[512];
  const char *database = flag_value(argc, argv, "--database", "UJIKOM_DATABASE");
  if (NULL != database && '\0' != database[0]) {
    snprintf(db, dbsize, "%s", database);
    return;
  }
  config_db_path(db, dbsize, cli_data_dir(argc, argv, dir, sizeof dir));
}

struct store *cli_store_open(const char *cmd, const char *db, bool migrate) {
  const struct store_opts as_is = {.migrate_to = -1};
  char err[512] = "";
  struct store *s = NULL;
  if (STORE_OK != store_open(&s, db, migrate ? NULL : &as_is, err, sizeof err)) {
    fprintf(stderr, "ujikom %s: %s\n", cmd, err);
    return NULL;
  }
  return s;
}

int main(int argc, char **argv) {
  if (argc < 2 || cli_is_help(argv[1]) || 0 == strcmp(argv[1], "help")) {
    usage(stdout);
    return argc < 2 ? 2 : 0;
  }
  if (0 == strcmp(argv[1], "--version")) {
    printf("ujikom %s\n", UJIKOM_VERSION);
    return 0;
  }
  for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
    if (0 == strcmp(argv[1], commands[i].name)) {
      return commands[i].run(argc - 1, argv + 1);
    }
  }
  fprintf(stderr, "ujikom: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return 2;
}
