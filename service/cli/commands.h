/*
 * The CLI's subcommands, one function each (service/cli/cmd_<name>.c). Each parses its own
 * arguments, answers --help, and returns the process exit status.
 */
#ifndef UJIKOM_COMMANDS_H
#define UJIKOM_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

struct store;

struct command {
  const char *name;
  int (*run)(int argc, char **argv); /* argv[0] is the subcommand name */
  const char *summary;
};

/* --- store, accounts, audit, backup (cmd_migrate.c, cmd_admin.c, cmd_audit.c, cmd_backup.c) --- */
int cmd_migrate(int argc, char **argv);
int cmd_admin(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_check(int argc, char **argv); /* cmd_check.c */
int cmd_store(int argc, char **argv); /* cmd_store.c */
/* --- exams (cmd_exams.c) --- */
int cmd_exams(int argc, char **argv);
/* --- item banks (cmd_items.c): items import/template, exams export-qti --- */
int cmd_items(int argc, char **argv);
int cmd_exams_export_qti(int argc, char **argv);
/* --- keys and certificates (cmd_keys.c, cmd_verify.c) --- */
int cmd_keys(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_jsonld(int argc, char **argv); /* cmd_jsonld.c */
/* --- the transparency log (cmd_log.c) --- */
int cmd_log(int argc, char **argv);
/* --- test events (cmd_schedules.c): schedules checkin-codes --- */
int cmd_schedules(int argc, char **argv);
/* --- configuration (cmd_config.c) --- */
int cmd_config(int argc, char **argv);
/* --- benchmarks (cmd_seed.c) --- */
int cmd_seed(int argc, char **argv);

/* Shared by commands: the value of "--data-dir DIR" / "--data-dir=DIR" in argv, falling back
 * to UJIKOM_DATA_DIR and then "var". Copies into out; returns out. */
char *cli_data_dir(int argc, char **argv, char *out, unsigned long outlen);
/* True when arg asks for a command's usage: --help or -h. */
bool cli_is_help(const char *arg);
/* True when argv[*i] is "--data-dir DIR" or "--database DB" (then *i moves on to the value), or
 * "--data-dir=DIR" or "--database=DB": the options cli_data_dir and cli_db_path read, which a
 * command's own argument loop passes over. */
bool cli_skip_data_dir(int argc, char **argv, int *i);
/* The database argv names into db: --database DB (or UJIKOM_DATABASE: sqlite:PATH or a
 * postgresql:// URI, its password from PGPASSWORD or PGPASSFILE), else the database file of
 * the data directory (see cli_data_dir). */
void cli_db_path(int argc, char **argv, char *db, size_t dbsize);
/* Opens the database file db, migrated to the latest schema, or as it is when migrate is false
 * (a command that only reads or checks must not change it). Returns the store (close with
 * store_close), or NULL after printing "ujikom CMD: why" on stderr. */
struct store *cli_store_open(const char *cmd, const char *db, bool migrate);

#endif
