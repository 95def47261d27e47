/*
 * `ujikom audit`: checks the hash chain of the audit log (verify) and prints entries (list).
 * verify exits 1 and names the first broken entry when anything was edited or removed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "common/config.h"
#include "store/store.h"
#include "ujikom/timefmt.h"

/* Prints the usage on out and returns status, the exit status to leave with. */
static int audit_usage(FILE *out, int status) {
  fprintf(out, "usage: ujikom audit verify [--data-dir DIR]\n"
               "       ujikom audit list [--data-dir DIR] [--subject SUBJECT] [--limit N]\n"
               "  verify  re-computes the hash chain; exit 0 when intact, 1 when broken\n"
               "  list    prints the newest entries (default 20), optionally about one subject\n"
               "          such as attempt:42 or user:7\n");
  return status;
}

static int audit_verify(struct store *s) {
  int64_t bad = 0, count = 0;
  char why[256] = "";
  int rc = store_audit_verify(s, &bad, &count, why, sizeof why);
  if (STORE_OK == rc) {
    printf("audit log intact: %lld entries\n", (long long)count);
    return 0;
  }
  if (STORE_CONFLICT == rc) {
    printf("audit log BROKEN at entry %lld: %s\n", (long long)bad, why);
    return 1;
  }
  fprintf(stderr, "ujikom audit verify: cannot read the audit log (%s)\n", store_rc_name(rc));
  return 1;
}

static int audit_list(struct store *s, const char *subject, int limit) {
  struct store_rd *rd = NULL;
  struct store_audit_entry *list = NULL;
  size_t n = 0;
  int rc = store_rd_begin(s, &rd);
  if (STORE_OK == rc) {
    rc = store_audit_list(rd, &list, &n, subject, 0, limit);
  }
  store_rd_end(rd);
  if (STORE_OK != rc) {
    fprintf(stderr, "ujikom audit list: cannot read the audit log (%s)\n", store_rc_name(rc));
    return 1;
  }
  for (size_t i = 0; i < n; i++) {
    char when[32];
    if (0 == time_format(when, sizeof when, list[i].at_ms / 1000, TIME_ISO)) {
      snprintf(when, sizeof when, "?");
    }
    printf("%lld %s actor=%lld %s %s before=%s after=%s\n", (long long)list[i].seq, when,
           (long long)list[i].actor, list[i].action, list[i].subject,
           NULL == list[i].before ? "-" : list[i].before,
           NULL == list[i].after ? "-" : list[i].after);
  }
  store_audit_list_free(list, n);
  return 0;
}

int cmd_audit(int argc, char **argv) {
  char db[1100];
  struct store *s = NULL;
  const char *sub = NULL, *subject = NULL;
  long limit = 20;
  int rc = 0;
  for (int i = 1; i < argc; i++) {
    if (cli_is_help(argv[i])) {
      return audit_usage(stdout, 0);
    }
    if (cli_skip_data_dir(argc, argv, &i)) {
      continue;
    }
    if (0 == strcmp(argv[i], "--subject") && i + 1 < argc) {
      subject = argv[++i];
    } else if (0 == strcmp(argv[i], "--limit") && i + 1 < argc) {
      char *end = NULL;
      errno = 0;
      limit = strtol(argv[++i], &end, 10);
      if (0 != errno || end == argv[i] || '\0' != *end || limit < 1 || limit > 1000) {
        fprintf(stderr, "ujikom audit: --limit must be a number from 1 to 1000\n");
        return 2;
      }
    } else if (NULL == sub && '-' != argv[i][0]) {
      sub = argv[i];
    } else {
      fprintf(stderr, "ujikom audit: unknown argument '%s'\n", argv[i]);
      return audit_usage(stderr, 2);
    }
  }
  if (NULL == sub || (0 != strcmp(sub, "verify") && 0 != strcmp(sub, "list"))) {
    return audit_usage(stderr, 2);
  }
  cli_db_path(argc, argv, db, sizeof db);
  if (NULL == (s = cli_store_open("audit", db, false))) {
    return 1;
  }
  if (0 == strcmp(sub, "verify")) {
    rc = audit_verify(s);
  } else {
    rc = audit_list(s, subject, (int)limit);
  }
  store_close(s);
  return rc;
}
