/*
 * `ujikom schedules checkin-codes SCHEDULE [--user ID] [--out FILE]`: makes the one-time
 * check-in codes of a schedule on the server (docs/security.md, "Check-in codes") — for every
 * enrolled candidate without an unused code, or a new one for one candidate — and writes them
 * as tab-separated lines (name, e-mail, code) to FILE (created, mode 0600, never over an
 * existing file) or standard output, e.g. to print the attendance list offline. The rules are
 * common/checkin.c's; audited as schedule.checkin_codes by the system.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "common/checkin.h"
#include "common/svc.h"
#include "store/store.h"

static void usage(FILE *out) {
  fprintf(out,
          "usage: ujikom schedules checkin-codes SCHEDULE_ID [--user USER_ID] [--out FILE]\n"
          "                                      [--data-dir DIR | --database DB]\n"
          "  makes one-time check-in codes: for every enrolled candidate without an unused\n"
          "  code, or (--user) a new one for one candidate, whose unused code stops working;\n"
          "  writes name TAB e-mail TAB code lines to FILE (created with mode 0600; an\n"
          "  existing file is refused) or to standard output. The codes are shown only here.\n");
}

/* A positive id from text: true with *out, else false. */
static bool positive_id(const char *s, int64_t *out) {
  char *end = NULL;
  errno = 0;
  long long v = NULL != s ? strtoll(s, &end, 10) : 0;
  if (NULL == s || end == s || '\0' != *end || 0 != errno || v <= 0) {
    return false;
  }
  *out = (int64_t)v;
  return true;
}

/* FILE for writing, new, mode 0600 (codes are credentials); "-" or NULL: standard output. */
static FILE *open_out(const char *path) {
  if (NULL == path || 0 == strcmp(path, "-")) {
    return stdout;
  }
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (NULL == f && fd >= 0) {
    close(fd);
  }
  return f;
}

static int checkin_codes(int argc, char **argv) {
  int64_t schedule = 0, user = 0;
  const char *out_path = NULL;
  for (int i = 2; i < argc; i++) {
    if (cli_skip_data_dir(argc, argv, &i)) {
      continue;
    }
    if (0 == strcmp(argv[i], "--user") && i + 1 < argc) {
      if (!positive_id(argv[++i], &user)) {
        fprintf(stderr, "ujikom schedules: --user takes a candidate's id\n");
        return 2;
      }
    } else if (0 == strcmp(argv[i], "--out") && i + 1 < argc) {
      out_path = argv[++i];
    } else if (0 == schedule && positive_id(argv[i], &schedule)) {
      continue;
    } else {
      fprintf(stderr, "ujikom schedules: unexpected argument '%s'\n", argv[i]);
      usage(stderr);
      return 2;
    }
  }
  if (0 == schedule) {
    usage(stderr);
    return 2;
  }
  char db[1100];
  cli_db_path(argc, argv, db, sizeof db);
  struct store *s = cli_store_open("schedules", db, true);
  if (NULL == s) {
    return 1;
  }
  struct svc svc;
  memset(&svc, 0, sizeof svc);
  svc.store = s;
  struct checkin_issued *codes = NULL;
  size_t n = 0;
  int store_rc = STORE_OK, status = 1;
  FILE *out = open_out(out_path);
  if (NULL == out) {
    fprintf(stderr, "ujikom schedules: cannot create %s: %s\n", out_path, strerror(errno));
    store_close(s);
    return 1;
  }
  switch (checkin_codes_make(&codes, &n, &svc, STORE_AUDIT_SYSTEM, ROLE_ADMIN, schedule, user,
                             &store_rc)) {
  case CHECKIN_OK:
    for (size_t i = 0; i < n; i++) {
      fprintf(out, "%s\t%s\t%s\n", codes[i].name, codes[i].email, codes[i].code);
    }
    fprintf(stderr, "%zu check-in code(s) made for schedule %lld\n", n, (long long)schedule);
    status = 0;
    break;
  case CHECKIN_NOT_FOUND:
    fprintf(stderr, "ujikom schedules: no schedule %lld\n", (long long)schedule);
    break;
  case CHECKIN_NOT_ENROLLED:
    fprintf(stderr, "ujikom schedules: candidate %lld is not enrolled in schedule %lld\n",
            (long long)user, (long long)schedule);
    break;
  default:
    fprintf(stderr, "ujikom schedules: the codes could not be made (%s)\n",
            store_rc_name(store_rc));
    break;
  }
  checkin_issued_free(codes, n);
  if (stdout != out && 0 != fclose(out)) {
    fprintf(stderr, "ujikom schedules: writing %s failed\n", out_path);
    status = 1;
  }
  if (stdout != out && 0 != status) {
    unlink(out_path); /* nothing half-written is left behind */
  }
  store_close(s);
  return status;
}

int cmd_schedules(int argc, char **argv) {
  if (argc < 2 || cli_is_help(argv[1])) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (0 == strcmp(argv[1], "checkin-codes")) {
    return checkin_codes(argc, argv);
  }
  fprintf(stderr, "ujikom schedules: unknown subcommand '%s'\n", argv[1]);
  usage(stderr);
  return 2;
}
