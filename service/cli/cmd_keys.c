/*
 * `ujikom keys`: list the signing keys, rotate to a new one, print the JWKS (for offline
 * verification elsewhere). Rotation is recorded in the audit log when a database exists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "common/config.h"
#include "common/keystore.h"
#include "store/store.h"

/* Prints the usage on out and returns status, the exit status to leave with. */
static int keys_usage(FILE *out, int status) {
  fprintf(out, "usage: ujikom keys list   [--data-dir DIR]\n"
               "       ujikom keys rotate [--data-dir DIR]\n"
               "       ujikom keys jwks   [--data-dir DIR]\n"
               "  list    prints every key id; the active (signing) key is marked with *\n"
               "  rotate  creates a new key and makes it active; old keys stay published so\n"
               "          certificates signed with them still verify. Restart the daemon (or\n"
               "          send it SIGHUP) to start signing with the new key.\n"
               "  jwks    prints the public keys as a JWKS document (RFC 7517)\n");
  return status;
}

struct rotation_audit {
  char subject[32];
  char after[64];
};

static int append_rotation(struct store_tx *tx, void *arg) {
  const struct rotation_audit *a = arg;
  return store_audit_append(tx, NULL, STORE_AUDIT_SYSTEM, "keys.rotate", a->subject, NULL,
                            a->after);
}

static void audit_rotation(const char *data_dir, const char *kid) {
  char db[600], err[512] = "";
  struct store_opts opts = {.migrate_to = -1};
  struct store *s = NULL;
  struct rotation_audit a;
  config_db_path(db, sizeof db, data_dir);
  if (0 != access(db, F_OK)) {
    return; /* no database yet: nothing to audit into */
  }
  if (STORE_OK != store_open(&s, db, &opts, err, sizeof err)) {
    fprintf(stderr, "ujikom keys: warning: key rotated but not audited: %s\n", err);
    return;
  }
  snprintf(a.subject, sizeof a.subject, "key:%s", kid);
  snprintf(a.after, sizeof a.after, "{\"active\":\"%s\"}", kid);
  int rc = store_txn(s, append_rotation, &a);
  if (STORE_OK != rc) {
    fprintf(stderr, "ujikom keys: warning: key rotated but not audited (%s)\n", store_rc_name(rc));
  }
  store_close(s);
}

int cmd_keys(int argc, char **argv) {
  char dir[512], err[512] = "";
  const char *sub = NULL;
  for (int i = 1; i < argc; i++) {
    if (cli_is_help(argv[i])) {
      return keys_usage(stdout, 0);
    }
    if (cli_skip_data_dir(argc, argv, &i)) {
      continue;
    }
    if (NULL == sub && '-' != argv[i][0]) {
      sub = argv[i];
    } else {
      fprintf(stderr, "ujikom keys: unexpected argument '%s'\n", argv[i]);
      return keys_usage(stderr, 2);
    }
  }
  cli_data_dir(argc, argv, dir, sizeof dir);
  if (NULL == sub) {
    return keys_usage(stderr, 2);
  }
  if (0 == strcmp(sub, "rotate")) {
    char kid[TOKEN_KID_LEN + 1];
    if (0 != keystore_rotate(kid, dir, err, sizeof err)) {
      fprintf(stderr, "ujikom keys rotate: %s\n", err);
      return 1;
    }
    /* Prove the directory is consistent after the change before reporting success. */
    struct keystore *ks = NULL;
    if (0 != keystore_open(&ks, dir, false, err, sizeof err)) {
      fprintf(stderr,
              "ujikom keys rotate: new key %s written, but the key directory does not "
              "load: %s\n",
              kid, err);
      return 1;
    }
    keystore_free(ks);
    audit_rotation(dir, kid);
    printf("%s\n", kid);
    return 0;
  }
  if (0 != strcmp(sub, "list") && 0 != strcmp(sub, "jwks")) {
    fprintf(stderr, "ujikom keys: unknown subcommand '%s'\n", sub);
    return keys_usage(stderr, 2);
  }
  struct keystore *ks = NULL;
  if (0 != keystore_open(&ks, dir, false, err, sizeof err)) {
    fprintf(stderr, "ujikom keys %s: %s\n", sub, err);
    return 1;
  }
  int rc = 0;
  if (0 == strcmp(sub, "jwks")) {
    char *jwks = keystore_jwks(ks);
    if (NULL == jwks) {
      fprintf(stderr, "ujikom keys jwks: out of memory\n");
      rc = 1;
    } else {
      printf("%s\n", jwks);
      free(jwks);
    }
  } else {
    size_t n = 0;
    const struct token_pubkey *pubs = keystore_public(ks, &n);
    for (size_t i = 0; i < n; i++) {
      printf("%s %s\n", 0 == i ? "*" : " ", pubs[i].kid);
    }
  }
  keystore_free(ks);
  return rc;
}
