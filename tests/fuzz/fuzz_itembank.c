/*
 * Fuzz target for the item bank import (Aiken and GIFT). The first byte picks the format, the
 * rest is the question file. Any bytes must give either a YAML fragment and a report or a list
 * of file:line:column errors, never a crash, a leak or undefined behaviour. When the import
 * is accepted with at least one item, the fragment nested in a minimal exam must load with
 * the real exam loader with exactly the items the report names: imported text can never add
 * YAML structure or produce an item the loader refuses.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/exam.h"
#include "ujikom/itembank.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char EXAM_HEAD[] = "format: 1\n"
                                "id: FUZZ-IMPORT\n"
                                "subsector: FSN\n"
                                "title: Uji\n"
                                "title_en: Test\n"
                                "scheme: Skema\n"
                                "standard: Standar\n"
                                "duration_minutes: 60\n"
                                "validity_years: 3\n"
                                "retake:\n"
                                "  max_attempts: 3\n"
                                "  cooldown_days: 0\n"
                                "units:\n"
                                "  - code: U.FUZZ.01\n"
                                "    title: Unit\n"
                                "    cut_score: 70\n"
                                "    elements:\n"
                                "      - id: 1\n"
                                "        title: Elemen\n"
                                "        kuk:\n"
                                "          - id: \"1.1\"\n"
                                "            text: Kriteria.\n"
                                "    pools:\n"
                                "      - id: P1\n"
                                "        draw: 1\n";

static void check_loads(const char *yaml, const struct itembank_report *rep) {
  size_t hl = sizeof(EXAM_HEAD) - 1, yl = strlen(yaml);
  char *doc = malloc(hl + yl);
  if (doc == NULL) {
    return;
  }
  memcpy(doc, EXAM_HEAD, hl);
  memcpy(doc + hl, yaml, yl);
  struct exam_errors errs = {0};
  struct exam *exam = NULL;
  if (0 != exam_parse(&exam, &errs, doc, hl + yl, "fuzz", NULL)) {
    __builtin_trap(); /* the importer wrote items the loader refuses */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) {
    return 0;
  }
  static const char *const kuk[] = {"1.1"};
  struct itembank_options opts = {
      .file = "fuzz", .id_prefix = "FZ", .kuk = kuk, .nkuk = 1, .indent = 8};
  enum itembank_format fmt = (data[0] & 1) ? ITEMBANK_GIFT : ITEMBANK_AIKEN;
  struct itembank_report rep = {0};
  struct exam_errors errs = {0};
  char *yaml = NULL;
  if (0 == itembank_import(&yaml, &rep, &errs, fmt, (const char *)data + 1, size - 1, &opts)) {
    if (rep.n != rep.nmapped + rep.nunmapped || rep.n == 0) {
      __builtin_trap(); /* every question is accounted for */
    }
    if (rep.nmapped > 0) {
      check_loads(yaml, &rep);
    }
    free(yaml);
  } else if (0 == errs.n || yaml != NULL) {
    __builtin_trap(); /* a failure must say why, and leave no output */
  }
  itembank_report_clear(&rep);
  exam_errors_clear(&errs);
  return 0;
}
