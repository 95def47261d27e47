/*
 * `ujikom admin create`: makes the first administrator (or an assessor) from the command
 * line. The password is read from standard input or a no-echo prompt, never from argv
 * (argv is visible to every user through ps and /proc).
 * `ujikom admin reset-2fa`: removes a staff member's second factor (audited), for a lost
 * device; they enrol again after their next log-in.
 * `ujikom admin reset-link EMAIL`: issues a one-time password-reset link for a candidate and
 * prints it, for an administrator to hand over.
 * `ujikom admin sessions EMAIL`: lists an account's live sessions (the kind of device, when
 * each signed in, was last used and ends), as its holder sees them on /account/sessions.
 * `ujikom admin end-sessions EMAIL`: ends every session of an account (a staff account
 * feared taken over, with no other administrator to do it on the web); audited.
 * `ujikom admin set-email EMAIL NEW --reason TEXT`: corrects an account's e-mail address
 * (the only administrator lost the old mailbox); audited with the reason. The CLI sends no
 * mail: the notices the web's correction sends are the operator's to give.
 */
#include <errno.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/commands.h"
#include "common/accounts.h"
#include "common/config.h"
#include "common/email_change.h"
#include "common/second_factor.h"
#include "common/svc.h"
#include "common/recovery.h"
#include "store/store.h"
#include "ujikom/clock.h"
#include "ujikom/device_kind.h"
#include "ujikom/password.h"
#include "ujikom/timefmt.h"

static void admin_usage(FILE *out) {
  fprintf(out,
          "usage: ujikom admin create --email EMAIL --name NAME [--role admin|assessor]\n"
          "                           [--data-dir DIR]\n"
          "  Creates an account (default role: admin). The password is read from standard\n"
          "  input (one line) or, on a terminal, from a prompt that does not echo.\n"
          "  The scrypt cost comes from UJIKOM_KDF_LOG2N (default %d).\n"
          "       ujikom admin reset-2fa EMAIL [--data-dir DIR]\n"
          "  Removes the account's second factor (TOTP and recovery codes); audited.\n"
          "       ujikom admin reset-link EMAIL [--data-dir DIR] [--public-url URL]\n"
          "                           [--reset-ttl SECONDS]\n"
          "  Prints a one-time password-reset link for the candidate with that e-mail\n"
          "  (options and UJIKOM_* variables as for ujikomd).\n"
          "       ujikom admin sessions EMAIL [--data-dir DIR]\n"
          "  Lists the account's live sessions: id, device, signed in, last used, ends (UTC).\n"
          "       ujikom admin end-sessions EMAIL [--data-dir DIR]\n"
          "  Ends every session of the account (it stays usable); audited.\n"
          "       ujikom admin set-email EMAIL NEW --reason TEXT [--data-dir DIR]\n"
          "  Corrects the account's e-mail address; the reason (how the holder was\n"
          "  identified) is audited. No mail is sent.\n",
          PASSWORD_LOG2N_DEFAULT);
}

/* Reads one line into buf (without the newline). Returns 0, or -1 on EOF / too long. */
static int read_line(FILE *in, char *buf, size_t buflen) {
  size_t n = 0;
  if (NULL == fgets(buf, (int)buflen, in)) {
    return -1;
  }
  n = strlen(buf);
  if (n > 0 && '\n' == buf[n - 1]) {
    buf[--n] = '\0';
  } else if (!feof(in)) {
    return -1; /* longer than the buffer: refuse rather than truncate */
  }
  if (n > 0 && '\r' == buf[n - 1]) {
    buf[--n] = '\0';
  }
  return 0;
}

/* Prompts on the terminal with echo off. Returns 0 or -1. */
static int prompt_no_echo(const char *prompt, char *buf, size_t buflen) {
  struct termios old, quiet;
  int rc = 0;
  if (0 != tcgetattr(STDIN_FILENO, &old)) {
    return -1;
  }
  quiet = old;
  quiet.c_lflag &= ~(tcflag_t)ECHO;
  fputs(prompt, stderr);
  fflush(stderr);
  if (0 != tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)) {
    return -1;
  }
  rc = read_line(stdin, buf, buflen);
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
  fputc('\n', stderr);
  return rc;
}

/* The password, read as described in the usage; 0 or -1 with a message printed. */
static int read_password(char *buf, size_t buflen) {
  char again[PASSWORD_MAX_LEN + 2];
  int rc = 0;
  if (!isatty(STDIN_FILENO)) {
    if (0 != read_line(stdin, buf, buflen)) {
      fprintf(stderr, "ujikom admin: no password on standard input (or longer than %d bytes)\n",
              PASSWORD_MAX_LEN);
      return -1;
    }
    return 0;
  }
  if (0 != prompt_no_echo("Kata sandi / Password: ", buf, buflen) ||
      0 != prompt_no_echo("Ulangi / Repeat: ", again, sizeof again)) {
    fprintf(stderr, "ujikom admin: could not read the password\n");
    rc = -1;
  } else if (0 != strcmp(buf, again)) {
    fprintf(stderr, "ujikom admin: the passwords do not match\n");
    rc = -1;
  }
  OPENSSL_cleanse(again, sizeof again);
  return rc;
}

static unsigned kdf_cost(void) {
  const char *env = getenv("UJIKOM_KDF_LOG2N");
  char *end = NULL;
  long v = 0;
  if (NULL == env || '\0' == env[0]) {
    return PASSWORD_LOG2N_DEFAULT;
  }
  errno = 0;
  v = strtol(env, &end, 10);
  if (0 != errno || '\0' != *end || v < PASSWORD_LOG2N_MIN || v > PASSWORD_LOG2N_MAX) {
    fprintf(stderr, "ujikom admin: UJIKOM_KDF_LOG2N must be %d..%d; using %d\n", PASSWORD_LOG2N_MIN,
            PASSWORD_LOG2N_MAX, PASSWORD_LOG2N_DEFAULT);
    return PASSWORD_LOG2N_DEFAULT;
  }
  return (unsigned)v;
}

/* `ujikom admin reset-2fa EMAIL [--data-dir DIR]`. */
static int reset_second_factor(int argc, char **argv) {
  char db[1100];
  const char *email = argc > 2 && '-' != argv[2][0] ? argv[2] : NULL;
  struct store *s = NULL;
  int64_t id = 0;
  int store_rc = STORE_OK;
  int status = 1;
  /* After the address only --data-dir (cli_data_dir reads it) may follow. */
  for (int i = NULL == email ? 2 : 3; i < argc; i++) {
    if (!cli_skip_data_dir(argc, argv, &i)) {
      fprintf(stderr, "ujikom admin reset-2fa: unexpected argument '%s'\n", argv[i]);
      return 2;
    }
  }
  if (NULL == email || '\0' == email[0] || strlen(email) > 254) {
    fprintf(stderr, "ujikom admin reset-2fa: the account's e-mail address is required\n");
    return 2;
  }
  cli_db_path(argc, argv, db, sizeof db);
  s = cli_store_open("admin", db, true);
  if (NULL == s) {
    return 1;
  }
  switch (second_factor_reset(&id, s, STORE_AUDIT_SYSTEM, email, &store_rc)) {
  case SECOND_FACTOR_OK:
    printf("removed the second factor of account %lld (%s)\n", (long long)id, email);
    status = 0;
    break;
  case SECOND_FACTOR_NO_ACCOUNT:
    fprintf(stderr, "ujikom admin reset-2fa: no account with the e-mail %s\n", email);
    break;
  case SECOND_FACTOR_NOT_ENROLLED:
    fprintf(stderr, "ujikom admin reset-2fa: %s has no second factor\n", email);
    break;
  default:
    fprintf(stderr, "ujikom admin reset-2fa: the store failed (%s)\n", store_rc_name(store_rc));
    break;
  }
  store_close(s);
  return status;
}

/* `ujikom admin reset-link EMAIL [daemon options]`: argv[1] is "reset-link". */
static int reset_link(int argc, char **argv) {
  struct config cfg;
  char db[1100], err[512] = "";
  char *opts[64];
  const char *email = NULL;
  struct recovery_issue_in in = {.actor = STORE_AUDIT_SYSTEM, .via = "cli"};
  struct recovery_link link;
  struct store *s = NULL;
  bool help = false;
  int nopts = 0, store_rc = STORE_OK, status = 1;
  enum recovery_rc rc;
  opts[nopts++] = argv[0];
  for (int i = 2; i < argc; i++) {
    if (0 != strncmp(argv[i], "--", 2) && NULL == email) {
      email = argv[i];
    } else if (nopts < (int)(sizeof opts / sizeof opts[0])) {
      opts[nopts++] = argv[i];
    } else {
      fprintf(stderr, "ujikom admin: too many arguments\n");
      return 2;
    }
  }
  if (0 != config_load(&cfg, nopts, opts, &help, err, sizeof err)) {
    fprintf(stderr, "ujikom admin: %s\n", err);
    return 2;
  }
  if (help || NULL == email) {
    admin_usage(help ? stdout : stderr);
    return help ? 0 : 2;
  }
  config_database(db, sizeof db, &cfg);
  s = cli_store_open("admin", db, true);
  if (NULL == s) {
    return 1;
  }
  in.email = email;
  in.public_url = cfg.public_url;
  in.ttl_s = cfg.reset_ttl_s;
  rc = recovery_issue(&link, s, &in, &store_rc);
  switch (rc) {
  case RECOVERY_OK:
    printf("%s\n", link.url);
    fprintf(stderr, "one-time link for %s, valid for %ld s\n", link.email, cfg.reset_ttl_s);
    status = 0;
    break;
  case RECOVERY_NOT_FOUND:
    fprintf(stderr, "ujikom admin: no account with the e-mail %s\n", email);
    break;
  case RECOVERY_NOT_CANDIDATE:
    fprintf(stderr, "ujikom admin: reset links are for candidate accounts only\n");
    break;
  case RECOVERY_DISABLED:
    fprintf(stderr, "ujikom admin: the account %s is disabled\n", email);
    break;
  default:
    fprintf(stderr, "ujikom admin: could not issue the link (%s)\n", store_rc_name(store_rc));
    break;
  }
  OPENSSL_cleanse(link.url, sizeof link.url);
  store_close(s);
  return status;
}

/* The id of the account with e-mail address email (any case) into *out: 0, or 1 after saying
 * why not. */
static int account_id(const char *cmd, struct store *s, const char *email, int64_t *out) {
  struct store_rd *rd = NULL;
  struct store_user u;
  int rc = store_rd_begin(s, &rd);
  if (STORE_OK == rc) {
    rc = store_user_by_email(rd, &u, email);
  }
  store_rd_end(rd);
  OPENSSL_cleanse(u.password_hash, sizeof u.password_hash);
  if (STORE_NONE == rc) {
    fprintf(stderr, "ujikom admin %s: no account with the e-mail %s\n", cmd, email);
    return 1;
  }
  if (STORE_OK != rc) {
    fprintf(stderr, "ujikom admin %s: the store failed (%s)\n", cmd, store_rc_name(rc));
    return 1;
  }
  *out = u.id;
  return 0;
}

/* The positional arguments of argv after argv[1] (up to max into pos) and --reason's value;
 * --data-dir and --database are left to cli_db_path. Returns the number found, or -1 after
 * saying what was wrong. */
static int sub_args(const char *cmd, int argc, char **argv, const char **pos, int max,
                    const char **reason) {
  int n = 0;
  for (int i = 2; i < argc; i++) {
    if (NULL != reason && 0 == strcmp(argv[i], "--reason") && i + 1 < argc) {
      *reason = argv[++i];
    } else if (cli_skip_data_dir(argc, argv, &i)) {
      continue;
    } else if ('-' != argv[i][0] && n < max) {
      pos[n++] = argv[i];
    } else {
      fprintf(stderr, "ujikom admin %s: unexpected argument '%s'\n", cmd, argv[i]);
      return -1;
    }
  }
  return n;
}

/* The store of the command's database (--data-dir / --database), opened for writing when
 * write, and in *id the account with the e-mail; NULL, after saying why, when either is not
 * to be had. */
static struct store *open_for_account(const char *cmd, int argc, char **argv, bool write,
                                      const char *email, int64_t *id) {
  char db[1100];
  cli_db_path(argc, argv, db, sizeof db);
  struct store *s = cli_store_open("admin", db, write);
  if (NULL != s && 0 != account_id(cmd, s, email, id)) {
    store_close(s);
    s = NULL;
  }
  return s;
}

/* `ujikom admin sessions EMAIL [--data-dir DIR]`: one line per live session, most recently
 * used first, tab-separated: id, device, signed in, last used, ends (UTC), and "check-in"
 * for one a test-site code started. */
static int list_sessions(int argc, char **argv) {
  const char *email = NULL;
  int64_t id = 0;
  int status = 1;
  if (1 != sub_args("sessions", argc, argv, &email, 1, NULL)) {
    fprintf(stderr, "usage: ujikom admin sessions EMAIL [--data-dir DIR]\n");
    return 2;
  }
  struct store *s = open_for_account("sessions", argc, argv, false, email, &id);
  if (NULL == s) {
    return 1;
  }
  struct store_session_info *list = NULL;
  size_t n = 0;
  struct store_rd *rd = NULL;
  int rc = store_rd_begin(s, &rd);
  if (STORE_OK == rc) {
    rc = store_user_sessions(rd, &list, &n, id, NULL, clock_wall_ms(), 1000);
  }
  store_rd_end(rd);
  if (STORE_OK == rc) {
    printf("id\tdevice\tsigned in\tlast used\tends\n");
    for (size_t i = 0; i < n; i++) {
      char device[64], t[3][TIME_TEXT_SIZE];
      const int64_t ms[3] = {list[i].created_ms, list[i].last_ms, list[i].expires_ms};
      device_kind_words(list[i].device, true, device, sizeof device);
      for (size_t k = 0; k < 3; k++) {
        time_format(t[k], sizeof t[k], ms[k] / 1000, TIME_MINUTE_UTC);
      }
      printf("%s\t%s\t%s\t%s\t%s%s\n", list[i].id, device, t[0], t[1], t[2],
             list[i].checkin ? "\tcheck-in" : "");
    }
    printf("%zu live session(s) of account %lld (%s)\n", n, (long long)id, email);
    status = 0;
  } else {
    fprintf(stderr, "ujikom admin sessions: the store failed (%s)\n", store_rc_name(rc));
  }
  free(list);
  store_close(s);
  return status;
}

/* `ujikom admin end-sessions EMAIL [--data-dir DIR]`. */
static int end_sessions(int argc, char **argv) {
  const char *email = NULL;
  int64_t id = 0, n = 0;
  int store_rc = STORE_OK, status = 1;
  if (1 != sub_args("end-sessions", argc, argv, &email, 1, NULL)) {
    fprintf(stderr, "usage: ujikom admin end-sessions EMAIL [--data-dir DIR]\n");
    return 2;
  }
  struct store *s = open_for_account("end-sessions", argc, argv, true, email, &id);
  if (NULL == s) {
    return 1;
  }
  if (ACCOUNTS_OK == accounts_end_sessions(&n, s, STORE_AUDIT_SYSTEM, id, &store_rc)) {
    printf("ended %lld session(s) of account %lld (%s)\n", (long long)n, (long long)id, email);
    status = 0;
  } else {
    fprintf(stderr, "ujikom admin end-sessions: the store failed (%s)\n", store_rc_name(store_rc));
  }
  store_close(s);
  return status;
}

/* `ujikom admin set-email EMAIL NEW --reason TEXT [--data-dir DIR]`. */
static int set_email(int argc, char **argv) {
  const char *pos[2] = {NULL, NULL}, *reason = NULL;
  int64_t id = 0;
  int store_rc = STORE_OK, status = 1;
  struct store_user after;
  bool changed = false;
  if (2 != sub_args("set-email", argc, argv, pos, 2, &reason) || NULL == reason) {
    fprintf(stderr, "usage: ujikom admin set-email EMAIL NEW --reason TEXT [--data-dir DIR]\n");
    return 2;
  }
  struct store *s = open_for_account("set-email", argc, argv, true, pos[0], &id);
  if (NULL == s) {
    return 1;
  }
  struct svc svc = {.store = s}; /* no mailer: the CLI sends no mail */
  switch (email_change_by_admin(&after, &changed, &svc, STORE_AUDIT_SYSTEM, id, pos[1], reason,
                                &store_rc)) {
  case EMAIL_CHANGE_OK:
    printf(changed ? "account %lld now has the e-mail %s (no mail was sent)\n"
                   : "account %lld has the e-mail %s already\n",
           (long long)id, after.email);
    status = 0;
    break;
  case EMAIL_CHANGE_BAD_EMAIL:
    fprintf(stderr, "ujikom admin set-email: %s is not an e-mail address\n", pos[1]);
    status = 2;
    break;
  case EMAIL_CHANGE_BAD_REASON:
    fprintf(stderr, "ujikom admin set-email: --reason must be 1-1000 bytes of text\n");
    status = 2;
    break;
  case EMAIL_CHANGE_TAKEN:
    fprintf(stderr, "ujikom admin set-email: another account has the e-mail %s\n", pos[1]);
    break;
  case EMAIL_CHANGE_NOT_FOUND:
    fprintf(stderr, "ujikom admin set-email: no account with the e-mail %s\n", pos[0]);
    break;
  default:
    fprintf(stderr, "ujikom admin set-email: the store failed (%s)\n", store_rc_name(store_rc));
    break;
  }
  OPENSSL_cleanse(after.password_hash, sizeof after.password_hash);
  store_close(s);
  return status;
}

/* `admin create`'s options. */
struct admin_args {
  const char *email, *name, *role_text;
};

/* Reads the command line into *a. Returns -1 to go on, or the exit status to leave with. */
static int admin_args(int argc, char **argv, struct admin_args *a) {
  if (argc < 2 || cli_is_help(argv[1])) {
    admin_usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (0 == strcmp(argv[1], "reset-2fa")) {
    return reset_second_factor(argc, argv);
  }
  if (0 == strcmp(argv[1], "reset-link")) {
    return reset_link(argc, argv);
  }
  if (0 == strcmp(argv[1], "sessions")) {
    return list_sessions(argc, argv);
  }
  if (0 == strcmp(argv[1], "end-sessions")) {
    return end_sessions(argc, argv);
  }
  if (0 == strcmp(argv[1], "set-email")) {
    return set_email(argc, argv);
  }
  if (0 != strcmp(argv[1], "create")) {
    fprintf(stderr, "ujikom admin: unknown subcommand '%s'\n", argv[1]);
    admin_usage(stderr);
    return 2;
  }
  for (int i = 2; i < argc; i++) {
    if (0 == strcmp(argv[i], "--email") && i + 1 < argc) {
      a->email = argv[++i];
    } else if (0 == strcmp(argv[i], "--name") && i + 1 < argc) {
      a->name = argv[++i];
    } else if (0 == strcmp(argv[i], "--role") && i + 1 < argc) {
      a->role_text = argv[++i];
    } else if (cli_skip_data_dir(argc, argv, &i)) {
      continue;
    } else if (0 == strcmp(argv[i], "--password")) {
      fprintf(stderr, "ujikom admin: passwords are never taken from the command line; "
                      "pipe it on standard input\n");
      return 2;
    } else {
      fprintf(stderr, "ujikom admin: unknown argument '%s'\n", argv[i]);
      admin_usage(stderr);
      return 2;
    }
  }
  return -1;
}

/* Creates the account in the database file db. Returns the exit status. */
static int admin_store(const char *db, const struct accounts_new_staff *in) {
  struct store *s = cli_store_open("admin", db, true);
  struct store_user u;
  enum password_policy_verdict verdict = PASSWORD_POLICY_OK;
  int store_rc = STORE_OK;
  int status = 1;
  if (NULL == s) {
    return 1;
  }
  enum accounts_rc arc = accounts_create_staff(&u, s, in, &verdict, &store_rc);
  if (ACCOUNTS_EMAIL_TAKEN == arc) {
    fprintf(stderr, "ujikom admin: an account with the e-mail %s already exists\n", in->email);
  } else if (ACCOUNTS_INTERNAL == arc) {
    fprintf(stderr, "ujikom admin: could not hash the password\n");
  } else if (ACCOUNTS_OK != arc && 0 == u.id) {
    fprintf(stderr, "ujikom admin: could not store the account (%s)\n", store_rc_name(store_rc));
  } else {
    printf("created %s account %lld for %s\n", role_name(in->role), (long long)u.id, in->email);
    status = 0;
  }
  store_close(s);
  return status;
}

int cmd_admin(int argc, char **argv) {
  struct admin_args a = {.role_text = role_name(ROLE_ADMIN)};
  char db[1100];
  char password[PASSWORD_MAX_LEN + 2];
  enum role role = ROLE_ANON;
  enum password_policy_verdict verdict = PASSWORD_POLICY_OK;
  char why[400];
  int status = admin_args(argc, argv, &a);
  if (status >= 0) {
    return status;
  }
  if (!role_parse(a.role_text, &role)) {
    role = ROLE_ANON; /* refused below, after the e-mail and name */
  }
  switch (accounts_check_staff(a.email, a.name, role)) {
  case ACCOUNTS_OK:
    break;
  case ACCOUNTS_BAD_EMAIL:
    fprintf(stderr, "ujikom admin: --email must be an e-mail address (3-254 bytes)\n");
    return 2;
  case ACCOUNTS_BAD_NAME:
    accounts_name_refusal(why, sizeof why, a.name);
    fprintf(stderr, "ujikom admin: --%s\n", why);
    return 2;
  default:
    fprintf(stderr, "ujikom admin: --role must be admin or assessor\n");
    return 2;
  }
  status = 1;
  if (0 != read_password(password, sizeof password)) {
    goto cleanup;
  }
  /* Refuse a weak password before touching the data directory. */
  if (ACCOUNTS_OK != accounts_check_password(password, a.email, a.name, &verdict)) {
    fprintf(stderr, "ujikom admin: password refused: %s\n", password_policy_message(verdict));
    goto cleanup;
  }
  cli_db_path(argc, argv, db, sizeof db);
  status = admin_store(db, &(struct accounts_new_staff){.email = a.email,
                                                        .name = a.name,
                                                        .role = role,
                                                        .password = password,
                                                        .actor = STORE_AUDIT_SYSTEM,
                                                        .via = "cli",
                                                        .hash = password_hash,
                                                        .log2n = kdf_cost()});
cleanup:
  OPENSSL_cleanse(password, sizeof password);
  return status;
}
