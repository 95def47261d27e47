/*
 * `ujikom exams check [FILE...]`: validates exam files the way the daemon does at start-up
 * and prints every error as file:line:column: message. Exit status 1 when any file is
 * invalid, so it can guard commits and CI.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "common/catalog.h"

static void exams_usage(FILE *out) {
  fprintf(out, "usage: ujikom exams check [--exams-dir DIR] [--subsectors FILE] [FILE...]\n"
               "       ujikom exams export-qti [--exams-dir DIR] EXAM OUT.zip\n"
               "Checks exam files (default: every DIR/*.exam.yaml, DIR = --exams-dir,\n"
               "$UJIKOM_EXAMS_DIR or ./exams) against the subsector list (default\n"
               "DIR/subsectors.yaml). Prints file:line:column: message per error;\n"
               "exit status 0 when all are valid, 1 when any is not, 2 on usage errors.\n");
}

static int has_suffix(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && 0 == strcmp(s + a - b, suffix);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every DIR/NAME.exam.yaml, sorted; NULL with *n = 0 when the directory cannot be read. */
static char **dir_files(const char *dir, size_t *n) {
  *n = 0;
  DIR *d = opendir(dir);
  if (NULL == d) {
    return NULL;
  }
  char **list = NULL;
  size_t cnt = 0;
  struct dirent *e;
  while (NULL != (e = readdir(d))) {
    if ('.' == e->d_name[0] || !has_suffix(e->d_name, ".exam.yaml")) {
      continue;
    }
    size_t len = strlen(dir) + strlen(e->d_name) + 2;
    char *p = malloc(len);
    char **nl = realloc(list, (cnt + 1) * sizeof(*nl));
    if (NULL == p || NULL == nl) {
      free(p);
      if (NULL != nl) {
        list = nl;
      }
      break;
    }
    list = nl;
    snprintf(p, len, "%s/%s", dir, e->d_name);
    list[cnt++] = p;
  }
  closedir(d);
  if (cnt > 1) {
    qsort(list, cnt, sizeof(*list), cmp_str);
  }
  *n = cnt;
  return list;
}

static int exams_check(int argc, char **argv) {
  const char *dir = getenv("UJIKOM_EXAMS_DIR");
  const char *subs = NULL;
  const char **files = calloc((size_t)argc + 1, sizeof(*files));
  char **owned = NULL;
  size_t nfiles = 0, nowned = 0;
  int status = 2;
  if (NULL == files) {
    fprintf(stderr, "ujikom exams: out of memory\n");
    return 2;
  }
  for (int i = 1; i < argc; i++) {
    if (cli_is_help(argv[i])) {
      exams_usage(stdout);
      status = 0;
      goto cleanup;
    } else if (0 == strcmp(argv[i], "--exams-dir") && i + 1 < argc) {
      dir = argv[++i];
    } else if (0 == strncmp(argv[i], "--exams-dir=", 12)) {
      dir = argv[i] + 12;
    } else if (0 == strcmp(argv[i], "--subsectors") && i + 1 < argc) {
      subs = argv[++i];
    } else if (0 == strncmp(argv[i], "--subsectors=", 13)) {
      subs = argv[i] + 13;
    } else if ('-' == argv[i][0] && '\0' != argv[i][1]) {
      fprintf(stderr, "ujikom exams check: unknown option '%s'\n", argv[i]);
      exams_usage(stderr);
      goto cleanup;
    } else {
      files[nfiles++] = argv[i];
    }
  }
  if (NULL == dir || '\0' == dir[0]) {
    dir = "exams";
  }
  char subs_default[1100];
  if (NULL == subs) {
    snprintf(subs_default, sizeof(subs_default), "%s/subsectors.yaml", dir);
    if (0 == access(subs_default, R_OK)) {
      subs = subs_default;
    } else {
      fprintf(stderr, "ujikom exams check: %s not found; subsector codes are not checked\n",
              subs_default);
    }
  }
  const char *const *list = files;
  if (0 == nfiles) {
    owned = dir_files(dir, &nowned);
    if (NULL == owned) {
      fprintf(stderr, "ujikom exams check: cannot read directory %s\n", dir);
      goto cleanup;
    }
    list = (const char *const *)owned;
    nfiles = nowned;
  }
  struct exam_errors errs = {0};
  size_t bad = catalog_check_files(list, nfiles, subs, &errs);
  for (size_t i = 0; i < errs.n; i++) {
    printf("%s\n", errs.lines[i]);
  }
  exam_errors_clear(&errs);
  fprintf(stderr, "ujikom exams check: %zu file(s) checked, %zu with errors\n", nfiles, bad);
  status = bad ? 1 : 0;
cleanup:
  for (size_t i = 0; i < nowned; i++) {
    free(owned[i]);
  }
  free(owned);
  free(files);
  return status;
}

int cmd_exams(int argc, char **argv) {
  if (argc < 2 || cli_is_help(argv[1])) {
    exams_usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (0 == strcmp(argv[1], "check")) {
    return exams_check(argc - 1, argv + 1);
  }
  if (0 == strcmp(argv[1], "export-qti")) {
    return cmd_exams_export_qti(argc - 1, argv + 1);
  }
  fprintf(stderr, "ujikom exams: unknown subcommand '%s'\n", argv[1]);
  exams_usage(stderr);
  return 2;
}
