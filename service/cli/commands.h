/*
 * The CLI's subcommands, one function each (service/cli/cmd_<name>.c). Each parses its own
 * arguments, answers --help, and returns the process exit status.
 */
#ifndef UJIKOM_COMMANDS_H
#define UJIKOM_COMMANDS_H

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
/* --- exams (cmd_exams.c) --- */
int cmd_exams(int argc, char **argv);
/* --- keys and certificates (cmd_keys.c, cmd_verify.c) --- */
int cmd_keys(int argc, char **argv);
int cmd_verify(int argc, char **argv);
/* --- configuration (cmd_config.c) --- */
int cmd_config(int argc, char **argv);
/* --- benchmarks (cmd_seed.c) --- */
int cmd_seed(int argc, char **argv);

/* Shared by commands: the value of "--data-dir DIR" / "--data-dir=DIR" in argv, falling back
 * to UJIKOM_DATA_DIR and then "var". Copies into out; returns out. */
char *cli_data_dir(int argc, char **argv, char *out, unsigned long outlen);

#endif
