/*
 * What every item bank fuzz target checks of an import: every question is accounted for, a
 * failure says why and leaves no output, and an accepted fragment nested in a minimal exam
 * loads with the real exam loader with exactly the items the report names (imported text can
 * never add YAML structure or produce an item the loader refuses).
 */
#ifndef UJIKOM_FUZZ_ITEMBANK_CHECK_H
#define UJIKOM_FUZZ_ITEMBANK_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/exam.h"
#include "ujikom/itembank.h"

#include "itembank_exam_head.h"

/* own_kuk: the format lets items name their own KUK ids (a QTI package), which the minimal
 * exam does not define; the loader's "not defined" errors are then expected and nothing else
 * is checked of that fragment. */
static inline bool only_undefined_kuk(const struct exam_errors *errs) {
  for (size_t i = 0; i < errs->n; i++) {
    if (strstr(errs->lines[i], "is not defined in unit") == NULL) {
      return false;
    }
  }
  return errs->n > 0;
}

static inline void check_loads(const char *yaml, const struct itembank_report *rep, bool own_kuk) {
  size_t hl = sizeof(ITEMBANK_EXAM_HEAD) - 1, yl = strlen(yaml);
  char *doc = malloc(hl + yl);
  if (doc == NULL) {
    return;
  }
  memcpy(doc, ITEMBANK_EXAM_HEAD, hl);
  memcpy(doc + hl, yaml, yl);
  struct exam_errors errs = {0};
  struct exam *exam = NULL;
  if (0 != exam_parse(&exam, &errs, doc, hl + yl, "fuzz", NULL)) {
    if (!own_kuk || !only_undefined_kuk(&errs)) {
      __builtin_trap(); /* the importer wrote items the loader refuses */
    }
    exam_errors_clear(&errs);
    free(doc);
    return;
  }
  if (exam->nunits != 1 || exam->units[0].npools != 1 ||
      exam->units[0].pools[0].nitems != rep->nmapped) {
    __builtin_trap(); /* imported text changed the document's structure */
  }
  for (size_t i = 0; i < rep->n; i++) {
    const char *id = rep->entries[i].item_id;
    if (id != NULL) {
      const struct exam_item *it = exam_find_item(exam, id, NULL);
      if (it == NULL || strcmp(exam_item_type_name(it->type), rep->entries[i].type) != 0) {
        __builtin_trap();
      }
    }
  }
  exam_free(exam);
  exam_errors_clear(&errs);
  free(doc);
}

/* Imports data in format fmt (KUK "1.1", indent 8) and checks the outcome. */
static inline void fuzz_itembank_import(enum itembank_format fmt, const char *data, size_t size,
                                        bool own_kuk) {
  static const char *const kuk[] = {"1.1"};
  struct itembank_options opts = {
      .file = "fuzz", .id_prefix = "FZ", .kuk = kuk, .nkuk = 1, .indent = 8};
  struct itembank_report rep = {0};
  struct exam_errors errs = {0};
  char *yaml = NULL;
  if (0 == itembank_import(&yaml, &rep, &errs, fmt, data, size, &opts)) {
    if (rep.n != rep.nmapped + rep.nunmapped || rep.n == 0) {
      __builtin_trap(); /* every question is accounted for */
    }
    if (rep.nmapped > 0) {
      check_loads(yaml, &rep, own_kuk);
    }
    free(yaml);
  } else if (0 == errs.n || yaml != NULL) {
    __builtin_trap(); /* a failure must say why, and leave no output */
  }
  itembank_report_clear(&rep);
  exam_errors_clear(&errs);
}

#endif
