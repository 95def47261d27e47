/*
 * `ujikom keys`: list the signing keys (Ed25519, and P-256 for the credential's JWT form),
 * rotate to a new one, retire one (possibly as compromised since a given time), print the
 * JWKS (for offline verification elsewhere).
 * Rotation and retirement are recorded in the audit log when a database exists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "common/config.h"
#include "common/keystore.h"
#include "store/store.h"
#include "ujikom/clock.h"
#include "ujikom/timefmt.h"

/* Prints the usage on out and returns status, the exit status to leave with. */
static int keys_usage(FILE *out, int status) {
  fprintf(out, "usage: ujikom keys list   [--data-dir DIR]\n"
               "       ujikom keys rotate [--es256] [--data-dir DIR]\n"
               "       ujikom keys retire KID [--compromised-since TIME] [--data-dir DIR]\n"
               "       ujikom keys jwks   [--data-dir DIR]\n"
               "  list    prints every key id, the Ed25519 keys first, then under a heading\n"
               "          the P-256 keys of the credential's JWT form; the active (signing)\n"
               "          key of each kind is marked with *, a retired one says so (and since\n"
               "          when it is compromised)\n"
               "  rotate  creates a new Ed25519 key (with --es256: a new P-256 key) and makes\n"
               "          it active; old keys stay published so certificates signed with them\n"
               "          still verify. Restart the daemon (or send it SIGHUP) to start\n"
               "          signing with the new key.\n"
               "  retire  the key never signs again (a new key becomes active if it was the\n"
               "          active one) and stays published. --compromised-since TIME (RFC 3339,\n"
               "          e.g. 2026-12-01T00:00:00Z, or a date: 00:00 UTC) marks it stolen\n"
               "          since then: certificates it signed that the transparency log\n"
               "          recorded before TIME stay genuine, anything else signed with it is\n"
               "          not genuine (key_compromised). Send the daemon SIGHUP afterwards.\n"
               "  jwks    prints the public keys as a JWKS document (RFC 7517)\n");
  return status;
}

struct key_audit {
  const char *action; /* "keys.rotate", "keys.retire" */
  char subject[32];
  char after[160];
};

static int append_key_audit(struct store_tx *tx, void *arg) {
  const struct key_audit *a = arg;
  return store_audit_append(tx, NULL, STORE_AUDIT_SYSTEM, a->action, a->subject, NULL, a->after);
}

/* Records a key change (action) about kid in the audit log, when there is a database. */
static void audit_key_change(const char *data_dir, const char *action, const char *kid,
                             const char *after) {
  char db[1100], err[512] = "";
  struct store_opts opts = {.migrate_to = -1};
  struct store *s = NULL;
  struct key_audit a = {.action = action};
  const char *database = getenv("UJIKOM_DATABASE");
  if (NULL != database && '\0' != database[0]) {
    snprintf(db, sizeof db, "%s", database);
  } else if (0 != access(config_db_path(db, sizeof db, data_dir), F_OK)) {
    return; /* no database yet: nothing to audit into */
  }
  if (STORE_OK != store_open(&s, db, &opts, err, sizeof err)) {
    fprintf(stderr, "ujikom keys: warning: %s done but not audited: %s\n", action, err);
    return;
  }
  snprintf(a.subject, sizeof a.subject, "key:%s", kid);
  snprintf(a.after, sizeof a.after, "%s", after);
  int rc = store_txn(s, append_key_audit, &a);
  if (STORE_OK != rc) {
    fprintf(stderr, "ujikom keys: warning: %s done but not audited (%s)\n", action,
            store_rc_name(rc));
  }
  store_close(s);
}

/* `keys retire KID [--compromised-since TIME]`. Returns the exit status. */
static int keys_retire(const char *dir, const char *kid, const char *since_text) {
  char err[512] = "", active[TOKEN_KID_LEN + 1], after[160], since[TIME_TEXT_SIZE] = "";
  int64_t now_ms = clock_wall_ms(), since_ms = -1;
  if (NULL == kid) {
    fprintf(stderr, "ujikom keys retire: which key? (see ujikom keys list)\n");
    return 2;
  }
  if (NULL != since_text) {
    if (0 != time_parse_rfc3339(&since_ms, since_text) || since_ms < 0) {
      fprintf(stderr,
              "ujikom keys retire: --compromised-since '%s' is not an RFC 3339 time "
              "(e.g. 2026-12-01T00:00:00Z or 2026-12-01)\n",
              since_text);
      return 2;
    }
    if (since_ms > now_ms) {
      fprintf(stderr, "ujikom keys retire: --compromised-since is in the future\n");
      return 2;
    }
    time_format(since, sizeof since, since_ms / 1000, TIME_ISO);
  }
  if (0 != keystore_retire(active, dir, kid, now_ms, since_ms, err, sizeof err)) {
    fprintf(stderr, "ujikom keys retire: %s\n", err);
    return 1;
  }
  struct keystore *ks = NULL;
  if (0 != keystore_open(&ks, dir, false, err, sizeof err)) {
    fprintf(stderr, "ujikom keys retire: key %s retired, but the key directory does not load: %s\n",
            kid, err);
    return 1;
  }
  keystore_free(ks);
  snprintf(after, sizeof after, "{\"retired\":true,\"compromised_since\":%s%s%s,\"active\":\"%s\"}",
           since[0] ? "\"" : "", since[0] ? since : "null", since[0] ? "\"" : "", active);
  audit_key_change(dir, "keys.retire", kid, after);
  printf("retired %s%s%s; active key %s\n", kid, since[0] ? ", compromised since " : "", since,
         active);
  return 0;
}

/* One line of `keys list`: "* KID" (active), "  KID" or "  KID retired ...". */
static void list_key(const struct keystore *ks, const char *kid, bool active) {
  struct keystore_key_state st;
  char when[TIME_TEXT_SIZE], since[TIME_TEXT_SIZE];
  printf("%s %s", active ? "*" : " ", kid);
  if (0 == keystore_key_state(ks, kid, &st) && st.retired) {
    time_format(when, sizeof when, st.retired_ms / 1000, TIME_ISO);
    printf(" retired %s", when);
    if (st.compromised_since_ms >= 0) {
      time_format(since, sizeof since, st.compromised_since_ms / 1000, TIME_ISO);
      printf(" compromised-since %s", since);
    }
  }
  printf("\n");
}

int cmd_keys(int argc, char **argv) {
  char dir[512], err[512] = "";
  const char *sub = NULL, *kid = NULL, *since = NULL;
  bool es256 = false;
  for (int i = 1; i < argc; i++) {
    if (cli_is_help(argv[i])) {
      return keys_usage(stdout, 0);
    }
    if (cli_skip_data_dir(argc, argv, &i)) {
      continue;
    }
    if (NULL == sub && '-' != argv[i][0]) {
      sub = argv[i];
    } else if (NULL != sub && 0 == strcmp(sub, "retire") && NULL == kid && '-' != argv[i][0]) {
      kid = argv[i];
    } else if (NULL != sub && 0 == strcmp(sub, "retire") && NULL == since &&
               0 == strcmp(argv[i], "--compromised-since") && i + 1 < argc) {
      since = argv[++i];
    } else if (NULL != sub && 0 == strcmp(sub, "rotate") && 0 == strcmp(argv[i], "--es256")) {
      es256 = true;
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
    char newkid[TOKEN_KID_LEN + 1];
    if (0 != (es256 ? keystore_rotate_es256(newkid, dir, err, sizeof err)
                    : keystore_rotate(newkid, dir, err, sizeof err))) {
      fprintf(stderr, "ujikom keys rotate: %s\n", err);
      return 1;
    }
    /* Prove the directory is consistent after the change before reporting success. */
    struct keystore *ks = NULL;
    if (0 != keystore_open(&ks, dir, false, err, sizeof err)) {
      fprintf(stderr,
              "ujikom keys rotate: new key %s written, but the key directory does not "
              "load: %s\n",
              newkid, err);
      return 1;
    }
    keystore_free(ks);
    char after[64];
    snprintf(after, sizeof after, "{\"active\":\"%s\",\"alg\":\"%s\"}", newkid,
             es256 ? "ES256" : "EdDSA");
    audit_key_change(dir, "keys.rotate", newkid, after);
    printf("%s\n", newkid);
    return 0;
  }
  if (0 == strcmp(sub, "retire")) {
    return keys_retire(dir, kid, since);
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
      list_key(ks, pubs[i].kid, 0 == i);
    }
    const struct es256_pubkey *ec = keystore_es256_public(ks, &n);
    if (n > 0) {
      printf("ES256 (the credential's JWT form):\n");
    }
    for (size_t i = 0; i < n; i++) {
      list_key(ks, ec[i].kid, 0 == i);
    }
  }
  keystore_free(ks);
  return rc;
}
