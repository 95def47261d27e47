/*
 * Item banks in and out (common/item_bank.h): the options of an import read from text (as a
 * form or the command line gives them), the QTI export of a catalogue exam, and the Excel
 * template, generated from the same column table the importer reads so that the two agree.
 * Every cell of the template is written as a string: none can start a formula.
 */
#include "common/item_bank.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "common/bnsp_outputs.h"
#include "common/catalog.h"
#include "ujikom/itembank_xlsx.h"
#include "ujikom/qti.h"

void item_bank_import(struct item_bank_import *out, const char *format_name, const char *prefix,
                      const char *kuk_list, unsigned indent, const char *file, const char *buf,
                      size_t len) {
  memset(out, 0, sizeof(*out));
  if (format_name == NULL || itembank_format_parse(&out->format, format_name) != 0) {
    out->rc = ITEM_BANK_BAD_OPTIONS;
    snprintf(out->message, sizeof(out->message),
             "The format must be aiken, gift, moodle, xlsx or qti.");
    return;
  }
  char kukbuf[512];
  const char *kuk[ITEM_BANK_MAX_KUK];
  size_t nkuk = 0;
  snprintf(kukbuf, sizeof(kukbuf), "%s",
           kuk_list != NULL && kuk_list[0] != '\0' ? kuk_list : "1.1");
  if (kuk_list != NULL && strlen(kuk_list) >= sizeof(kukbuf)) {
    out->rc = ITEM_BANK_BAD_OPTIONS;
    snprintf(out->message, sizeof(out->message), "The KUK list is too long.");
    return;
  }
  for (char *p = kukbuf; *p != '\0';) {
    p += strspn(p, ", \t");
    size_t n = strcspn(p, ", \t");
    if (n == 0) {
      break;
    }
    if (nkuk == ITEM_BANK_MAX_KUK || strspn(p, "0123456789.") < n) {
      out->rc = ITEM_BANK_BAD_OPTIONS;
      snprintf(out->message, sizeof(out->message),
               "KUK ids are numbers such as 1.1 or 2.3, separated by commas (at most %u).",
               ITEM_BANK_MAX_KUK);
      return;
    }
    kuk[nkuk++] = p;
    p += n;
    if (*p != '\0') {
      *p++ = '\0';
    }
  }
  struct itembank_options o = {.file = file != NULL ? file : "upload",
                               .id_prefix = prefix != NULL && prefix[0] != '\0' ? prefix : "IMP",
                               .kuk = kuk,
                               .nkuk = nkuk,
                               .indent = indent};
  if (itembank_import(&out->yaml, &out->report, &out->errs, out->format, buf, len, &o) != 0) {
    out->rc = ITEM_BANK_REFUSED;
    for (size_t i = 0; i < out->errs.n; i++) {
      if (strstr(out->errs.lines[i], "import options:") != NULL) {
        out->rc = ITEM_BANK_BAD_OPTIONS;
        snprintf(out->message, sizeof(out->message),
                 "The item id prefix must match [A-Za-z0-9._-]{1,56} and at least one KUK id is "
                 "needed.");
      }
    }
  }
}

void item_bank_import_clear(struct item_bank_import *imp) {
  free(imp->yaml);
  itembank_report_clear(&imp->report);
  exam_errors_clear(&imp->errs);
  memset(imp, 0, sizeof(*imp));
}

void item_bank_where(char *out, size_t outlen, enum itembank_format format, unsigned line) {
  const char *word = format == ITEMBANK_XLSX ? "row" : format == ITEMBANK_QTI ? "item" : "line";
  snprintf(out, outlen, "%s %u", word, line);
}

enum item_bank_rc item_bank_export_qti(unsigned char **out, size_t *out_len,
                                       struct itembank_report *report, struct catalog *catalog,
                                       const char *exam_id) {
  *out = NULL;
  *out_len = 0;
  const struct exam *exam = exam_id != NULL ? catalog_current(catalog, exam_id) : NULL;
  if (exam == NULL) {
    return ITEM_BANK_NOT_FOUND;
  }
  struct exam_errors errs = {0};
  int rc = qti_export(out, out_len, report, &errs, exam);
  exam_errors_clear(&errs);
  return rc == 0 ? ITEM_BANK_OK : ITEM_BANK_FAILED;
}

/* One example row per item type, in the template's columns (empty cells left out). */
struct example {
  enum itembank_xlsx_col col;
  const char *text;
};

static const struct example EXAMPLES[][8] = {
    {{IBX_UNIT, "C.14FSN00.001.1"},
     {IBX_TYPE, "single"},
     {IBX_QUESTION, "Alat untuk mengukur lingkar pinggang adalah ..."},
     {IBX_OPTION_A, "Penggaris siku"},
     {IBX_OPTION_A + 1, "Pita ukur"},
     {IBX_OPTION_A + 2, "Rader"},
     {IBX_KEY, "B"},
     {IBX_EXPLANATION, "Pita ukur lentur mengikuti bentuk badan."}},
    {{IBX_UNIT, "C.14FSN00.001.1"},
     {IBX_KUK, "1.1, 1.2"},
     {IBX_TYPE, "multiple"},
     {IBX_QUESTION, "Pilih bahan dari serat alami."},
     {IBX_OPTION_A, "Katun"},
     {IBX_OPTION_A + 1, "Sutra"},
     {IBX_OPTION_A + 2, "Poliester"},
     {IBX_KEY, "A, B"}},
    {{IBX_TYPE, "truefalse"},
     {IBX_QUESTION, "Kapur jahit dipakai untuk menandai kain."},
     {IBX_KEY, "TRUE"}},
    {{IBX_TYPE, "numeric"},
     {IBX_QUESTION, "Kelonggaran lingkar pinggang (cm)?"},
     {IBX_KEY, "2:0.5"},
     {IBX_POINTS, "2"}},
    {{IBX_TYPE, "short"},
     {IBX_QUESTION, "Satuan panjang pada pita ukur adalah ..."},
     {IBX_KEY, "sentimeter | cm"}},
    {{IBX_TYPE, "ordering"},
     {IBX_QUESTION, "Urutkan langkah menjahit."},
     {IBX_OPTION_A, "Menjahit"},
     {IBX_OPTION_A + 1, "Memotong kain"},
     {IBX_OPTION_A + 2, "Menjelujur"},
     {IBX_KEY, "B, C, A"}},
    {{IBX_TYPE, "open"}, {IBX_QUESTION, "Jelaskan langkah mengukur panjang lengan."}},
};

static int template_fill(lxw_workbook *wb, const void *ctx) {
  (void)ctx;
  lxw_worksheet *ws = workbook_add_worksheet(wb, "Soal");
  lxw_worksheet *help = workbook_add_worksheet(wb, "Petunjuk");
  lxw_format *bold = workbook_add_format(wb);
  if (ws == NULL || help == NULL || bold == NULL) {
    return -1;
  }
  format_set_bold(bold);
  int rc = 0;
  for (size_t c = 0; c < IBX_NCOLS; c++) {
    rc |= bnsp_xlsx_text(ws, 0, c, ITEMBANK_XLSX_COLUMNS[c].name, bold);
  }
  for (size_t r = 0; r < sizeof(EXAMPLES) / sizeof(EXAMPLES[0]); r++) {
    for (size_t k = 0; k < 8 && EXAMPLES[r][k].text != NULL; k++) {
      rc |= bnsp_xlsx_text(ws, r + 1, (size_t)EXAMPLES[r][k].col, EXAMPLES[r][k].text, NULL);
    }
  }
  worksheet_set_column(ws, IBX_QUESTION, IBX_QUESTION, 48, NULL);
  static const char *const heads[] = {"Kolom / Column", "Wajib / Required", "Isi",
                                      "What goes in it"};
  for (size_t c = 0; c < 4; c++) {
    rc |= bnsp_xlsx_text(help, 0, c, heads[c], bold);
  }
  for (size_t c = 0; c < IBX_NCOLS; c++) {
    const struct itembank_xlsx_column *col = &ITEMBANK_XLSX_COLUMNS[c];
    char names[64];
    snprintf(names, sizeof(names), "%s / %s", col->name, col->name_id);
    rc |= bnsp_xlsx_text(help, c + 1, 0, names, NULL);
    rc |= bnsp_xlsx_text(help, c + 1, 1, col->required ? "ya / yes" : "tidak / no", NULL);
    rc |= bnsp_xlsx_text(help, c + 1, 2, col->hint_id, NULL);
    rc |= bnsp_xlsx_text(help, c + 1, 3, col->hint_en, NULL);
  }
  worksheet_set_column(help, 2, 3, 60, NULL);
  return rc;
}

enum item_bank_rc item_bank_template_xlsx(unsigned char **out, size_t *out_len) {
  return bnsp_xlsx_in_memory(out, out_len, template_fill, NULL) == 0 ? ITEM_BANK_OK
                                                                     : ITEM_BANK_FAILED;
}
