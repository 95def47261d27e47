/*
 * `ujikom items import --format F FILE`: a question file (Aiken, GIFT, Moodle XML, the Excel
 * template, a QTI 3.0 package) to an exam fragment on stdout and its report on stderr;
 * `ujikom items template OUT.xlsx`: the Excel template; `ujikom exams export-qti EXAM
 * OUT.zip`: an exam as a QTI 3.0 package. Nothing is stored anywhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "common/catalog.h"
#include "common/item_bank.h"
#include "ujikom/qti.h"

#define ITEMS_MAX_FILE (ITEMBANK_MAX_INPUT + 1)

static void items_usage(FILE *out) {
  fprintf(out,
          "usage: ujikom items import --format aiken|gift|moodle|xlsx|qti [--prefix P]\n"
          "                           [--kuk 1.1,1.2] [--indent N] [--output FILE] FILE\n"
          "       ujikom items template OUT.xlsx\n"
          "Imports the questions of FILE into ujikom exam items: the YAML fragment goes to\n"
          "stdout (or FILE), the report (every question: its line, row or item number and what\n"
          "became of it) to stderr. Item ids are P-001, P-002, ... (default IMP); every item\n"
          "gives evidence for the KUK ids given (default 1.1) unless the file names its own\n"
          "(QTI, the template's kuk column). Exit status 0 when imported, 1 when the file is\n"
          "refused (its errors are printed), 2 on usage errors. `template` writes the Excel\n"
          "template (docs/item-banks.md).\n");
}

/* Reads a whole file of at most ITEMS_MAX_FILE bytes; NULL after printing why. */
static char *read_all(const char *cmd, const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "ujikom %s: cannot open %s\n", cmd, path);
    return NULL;
  }
  char *buf = malloc(ITEMS_MAX_FILE + 1);
  size_t n = buf == NULL ? 0 : fread(buf, 1, ITEMS_MAX_FILE + 1, f);
  fclose(f);
  if (buf == NULL || n > ITEMS_MAX_FILE) {
    fprintf(stderr, "ujikom %s: %s is larger than %zu bytes\n", cmd, path, ITEMBANK_MAX_INPUT);
    free(buf);
    return NULL;
  }
  *len = n;
  return buf;
}

static int write_all(const char *cmd, const char *path, const void *data, size_t len) {
  FILE *f = fopen(path, "wb");
  if (f == NULL || fwrite(data, 1, len, f) != len) {
    fprintf(stderr, "ujikom %s: cannot write %s\n", cmd, path);
    if (f != NULL) {
      fclose(f);
    }
    return -1;
  }
  return fclose(f) == 0 ? 0 : -1;
}

static void print_report(FILE *out, const struct itembank_report *rep,
                         enum itembank_format format) {
  for (size_t i = 0; i < rep->n; i++) {
    const struct itembank_entry *e = &rep->entries[i];
    char where[32];
    item_bank_where(where, sizeof(where), format, e->line);
    if (e->item_id != NULL) {
      fprintf(out, "%s: %s %s%s%s%s\n", where, e->item_id, e->type, e->note ? " (" : "",
              e->note ? e->note : "", e->note ? ")" : "");
    } else {
      fprintf(out, "%s: not mapped: %s\n", where, e->note ? e->note : "");
    }
  }
  fprintf(out, "%zu imported, %zu not mapped\n", rep->nmapped, rep->nunmapped);
}

static int items_import(int argc, char **argv) {
  const char *format = NULL, *prefix = NULL, *kuk = NULL, *output = NULL, *file = NULL;
  long indent = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char **dst = strcmp(a, "--format") == 0   ? &format
                       : strcmp(a, "--prefix") == 0 ? &prefix
                       : strcmp(a, "--kuk") == 0    ? &kuk
                       : strcmp(a, "--output") == 0 ? &output
                                                    : NULL;
    if (cli_is_help(a)) {
      items_usage(stdout);
      return 0;
    }
    if (dst != NULL && i + 1 < argc) {
      *dst = argv[++i];
    } else if (strcmp(a, "--indent") == 0 && i + 1 < argc) {
      char *end = NULL;
      indent = strtol(argv[++i], &end, 10);
      if (*end != '\0' || indent < 0 || indent > 64) {
        fprintf(stderr, "ujikom items import: --indent takes 0..64\n");
        return 2;
      }
    } else if (a[0] == '-' || file != NULL) {
      fprintf(stderr, "ujikom items import: unexpected argument '%s'\n", a);
      items_usage(stderr);
      return 2;
    } else {
      file = a;
    }
  }
  if (file == NULL || format == NULL) {
    items_usage(stderr);
    return 2;
  }
  size_t len = 0;
  char *buf = read_all("items import", file, &len);
  if (buf == NULL) {
    return 1;
  }
  struct item_bank_import imp;
  item_bank_import(&imp, format, prefix, kuk, (unsigned)indent, file, buf, len);
  free(buf);
  int status = 0;
  if (imp.rc == ITEM_BANK_BAD_OPTIONS) {
    fprintf(stderr, "ujikom items import: %s\n", imp.message);
    status = 2;
  } else if (imp.rc != ITEM_BANK_OK) {
    for (size_t i = 0; i < imp.errs.n; i++) {
      fprintf(stderr, "%s\n", imp.errs.lines[i]);
    }
    status = 1;
  } else {
    print_report(stderr, &imp.report, imp.format);
    if (output != NULL) {
      status = write_all("items import", output, imp.yaml, strlen(imp.yaml)) == 0 ? 0 : 1;
    } else {
      fputs(imp.yaml, stdout);
    }
  }
  item_bank_import_clear(&imp);
  return status;
}

static int items_template(int argc, char **argv) {
  if (argc != 2 || cli_is_help(argv[1])) {
    items_usage(argc == 2 ? stdout : stderr);
    return argc == 2 ? 0 : 2;
  }
  unsigned char *doc = NULL;
  size_t len = 0;
  if (item_bank_template_xlsx(&doc, &len) != ITEM_BANK_OK) {
    fprintf(stderr, "ujikom items template: the workbook could not be written\n");
    return 1;
  }
  int rc = write_all("items template", argv[1], doc, len);
  free(doc);
  return rc == 0 ? 0 : 1;
}

int cmd_items(int argc, char **argv) {
  if (argc < 2 || cli_is_help(argv[1])) {
    items_usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (strcmp(argv[1], "import") == 0) {
    return items_import(argc - 1, argv + 1);
  }
  if (strcmp(argv[1], "template") == 0) {
    return items_template(argc - 1, argv + 1);
  }
  fprintf(stderr, "ujikom items: unknown subcommand '%s'\n", argv[1]);
  items_usage(stderr);
  return 2;
}

int cmd_exams_export_qti(int argc, char **argv) {
  const char *dir = getenv("UJIKOM_EXAMS_DIR");
  const char *args[2] = {NULL, NULL};
  int nargs = 0;
  for (int i = 1; i < argc; i++) {
    if (cli_is_help(argv[i])) {
      printf("usage: ujikom exams export-qti [--exams-dir DIR] EXAM OUT.zip\n"
             "Writes exam EXAM (an id of DIR, default $UJIKOM_EXAMS_DIR or ./exams) as a QTI 3.0\n"
             "content package; the report (every item, what QTI does not carry) goes to stderr.\n");
      return 0;
    }
    if (strcmp(argv[i], "--exams-dir") == 0 && i + 1 < argc) {
      dir = argv[++i];
    } else if (argv[i][0] == '-' || nargs == 2) {
      fprintf(stderr, "ujikom exams export-qti: unexpected argument '%s'\n", argv[i]);
      return 2;
    } else {
      args[nargs++] = argv[i];
    }
  }
  if (nargs != 2) {
    fprintf(stderr, "usage: ujikom exams export-qti [--exams-dir DIR] EXAM OUT.zip\n");
    return 2;
  }
  struct catalog *cat = NULL;
  char err[256];
  if (catalog_open(&cat, dir != NULL && dir[0] != '\0' ? dir : "exams", err, sizeof(err)) != 0) {
    fprintf(stderr, "ujikom exams export-qti: %s\n", err);
    return 1;
  }
  unsigned char *pkg = NULL;
  size_t len = 0;
  struct itembank_report rep = {0};
  enum item_bank_rc rc = item_bank_export_qti(&pkg, &len, &rep, cat, args[0]);
  int status = 1;
  if (rc == ITEM_BANK_NOT_FOUND) {
    fprintf(stderr, "ujikom exams export-qti: no exam '%s' in the exams directory\n", args[0]);
  } else if (rc != ITEM_BANK_OK) {
    fprintf(stderr, "ujikom exams export-qti: the package could not be written\n");
  } else if (write_all("exams export-qti", args[1], pkg, len) == 0) {
    for (size_t i = 0; i < rep.n; i++) {
      const struct itembank_entry *e = &rep.entries[i];
      if (e->note != NULL) {
        fprintf(stderr, "line %u (%s): %s\n", e->line, e->category, e->note);
      }
    }
    fprintf(stderr, "%zu items exported, %zu not exported\n", rep.nmapped, rep.nunmapped);
    status = 0;
  }
  free(pkg);
  itembank_report_clear(&rep);
  catalog_free(cat);
  return status;
}
