/*
 * `ujikom admin create`: makes the first administrator (or an assessor) from the command
 * line. The password is read from standard input or a no-echo prompt, never from argv
 * (argv is visible to every user through ps and /proc).
 */
#include <errno.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/commands.h"
#include "common/config.h"
#include "store/store.h"
#include "ujikom/password.h"

static void admin_usage(FILE *out) {
  fprintf(out,
          "usage: ujikom admin create --email EMAIL --name NAME [--role admin|assessor]\n"
          "                           [--data-dir DIR]\n"
          "  Creates an account (default role: admin). The password is read from standard\n"
          "  input (one line) or, on a terminal, from a prompt that does not echo.\n"
          "  The scrypt cost comes from UJIKOM_KDF_LOG2N (default %d).\n",
          PASSWORD_LOG2N_DEFAULT);
}

/* Reads one line into buf (without the newline). Returns 0, or -1 on EOF / too long. */
static int read_line(FILE *in, char *buf, size_t buflen) {
  size_t n = 0;
  if (NULL == fgets(buf, (int)buflen, in))
    return -1;
  n = strlen(buf);
  if (n > 0 && '\n' == buf[n - 1])
    buf[--n] = '\0';
  else if (!feof(in))
    return -1; /* longer than the buffer: refuse rather than truncate */
  if (n > 0 && '\r' == buf[n - 1])
    buf[--n] = '\0';
  return 0;
}

/* Prompts on the terminal with echo off. Returns 0 or -1. */
static int prompt_no_echo(const char *prompt, char *buf, size_t buflen) {
  struct termios old, quiet;
  int rc = 0;
  if (0 != tcgetattr(STDIN_FILENO, &old))
    return -1;
  quiet = old;
  quiet.c_lflag &= ~(tcflag_t)ECHO;
  fputs(prompt, stderr);
  fflush(stderr);
  if (0 != tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet))
    return -1;
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

static int plain_text(const char *s, size_t min, size_t max) {
  size_t n = strlen(s);
  if (n < min || n > max)
    return 0;
  for (; '\0' != *s; s++)
    if ((unsigned char)*s < 0x20 || 0x7f == *s)
      return 0;
  return 1;
}

struct create_args {
  const char *email, *name;
  enum role role;
  const char *hash;
  int64_t id;
};

static int tx_create(struct store_tx *tx, void *ctx) {
  struct create_args *a = ctx;
  char subject[40];
  char *after = NULL;
  json_t *j = NULL;
  int rc = store_user_create(tx, &a->id, a->email, a->name, a->role, a->hash);
  if (STORE_OK != rc)
    return rc;
  j = json_pack("{s:I, s:s, s:s, s:s, s:b, s:s}", "id", (json_int_t)a->id, "email", a->email,
                "name", a->name, "role", role_name(a->role), "disabled", 0, "via", "cli");
  after = NULL == j ? NULL : json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(j);
  if (NULL == after)
    return STORE_HARD;
  snprintf(subject, sizeof subject, "user:%lld", (long long)a->id);
  rc = store_audit_append(tx, NULL, STORE_AUDIT_SYSTEM, "user.create", subject, NULL, after);
  free(after);
  return rc;
}

static unsigned kdf_cost(void) {
  const char *env = getenv("UJIKOM_KDF_LOG2N");
  char *end = NULL;
  long v = 0;
  if (NULL == env || '\0' == env[0])
    return PASSWORD_LOG2N_DEFAULT;
  errno = 0;
  v = strtol(env, &end, 10);
  if (0 != errno || '\0' != *end || v < PASSWORD_LOG2N_MIN || v > PASSWORD_LOG2N_MAX) {
    fprintf(stderr, "ujikom admin: UJIKOM_KDF_LOG2N must be %d..%d; using %d\n", PASSWORD_LOG2N_MIN,
            PASSWORD_LOG2N_MAX, PASSWORD_LOG2N_DEFAULT);
    return PASSWORD_LOG2N_DEFAULT;
  }
  return (unsigned)v;
}

int cmd_admin(int argc, char **argv) {
  char dir[512], db[600], err[512] = "";
  char password[PASSWORD_MAX_LEN + 2];
  const char *email = NULL, *name = NULL, *role_text = role_name(ROLE_ADMIN);
  enum role role = ROLE_ADMIN;
  struct create_args a = {0};
  struct store *s = NULL;
  char *hash = NULL;
  enum password_strength strength;
  int status = 1;
  int rc = 0;
  if (argc < 2 || 0 == strcmp(argv[1], "--help") || 0 == strcmp(argv[1], "-h")) {
    admin_usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (0 != strcmp(argv[1], "create")) {
    fprintf(stderr, "ujikom admin: unknown subcommand '%s'\n", argv[1]);
    admin_usage(stderr);
    return 2;
  }
  for (int i = 2; i < argc; i++) {
    if (0 == strcmp(argv[i], "--email") && i + 1 < argc) {
      email = argv[++i];
    } else if (0 == strcmp(argv[i], "--name") && i + 1 < argc) {
      name = argv[++i];
    } else if (0 == strcmp(argv[i], "--role") && i + 1 < argc) {
      role_text = argv[++i];
    } else if (0 == strcmp(argv[i], "--data-dir") && i + 1 < argc) {
      i++;
    } else if (0 == strncmp(argv[i], "--data-dir=", 11)) {
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
  if (NULL == email || !plain_text(email, 3, 254) || NULL == strchr(email, '@') ||
      NULL != strchr(email, ' ')) {
    fprintf(stderr, "ujikom admin: --email must be an e-mail address (3-254 bytes)\n");
    return 2;
  }
  if (NULL == name || !plain_text(name, 1, 255)) {
    fprintf(stderr, "ujikom admin: --name must be 1-255 bytes of text\n");
    return 2;
  }
  if (!role_parse(role_text, &role) || (ROLE_ADMIN != role && ROLE_ASSESSOR != role)) {
    fprintf(stderr, "ujikom admin: --role must be admin or assessor\n");
    return 2;
  }
  if (0 != read_password(password, sizeof password))
    goto cleanup;
  strength = password_check_strength(password, email, name);
  if (PASSWORD_STRONG != strength) {
    fprintf(stderr, "ujikom admin: password refused: %s\n", password_strength_message(strength));
    goto cleanup;
  }
  if (PASSWORD_OK != password_hash(&hash, password, kdf_cost())) {
    fprintf(stderr, "ujikom admin: could not hash the password\n");
    goto cleanup;
  }
  config_db_path(db, sizeof db, cli_data_dir(argc, argv, dir, sizeof dir));
  if (STORE_OK != store_open(&s, db, NULL, err, sizeof err)) {
    fprintf(stderr, "ujikom admin: %s\n", err);
    goto cleanup;
  }
  a = (struct create_args){email, name, role, hash, 0};
  rc = store_txn(s, tx_create, &a);
  if (STORE_EXISTS == rc) {
    fprintf(stderr, "ujikom admin: an account with the e-mail %s already exists\n", email);
    goto cleanup;
  }
  if (STORE_OK != rc) {
    fprintf(stderr, "ujikom admin: could not store the account (%s)\n", store_rc_name(rc));
    goto cleanup;
  }
  printf("created %s account %lld for %s\n", role_name(role), (long long)a.id, email);
  status = 0;
cleanup:
  OPENSSL_cleanse(password, sizeof password);
  password_free(hash);
  store_close(s);
  return status;
}
