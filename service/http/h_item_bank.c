/*
 * Item banks over HTTP (administrators): POST /api/admin/item-bank/import takes a question
 * file as its raw body and answers the exam fragment with the report of every question (or
 * 422 with the file's errors); GET /api/admin/item-bank/template.xlsx is the Excel template;
 * GET /api/admin/exams/:exam/qti.zip an exam as a QTI 3.0 package. Nothing is stored.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/item_bank.h"
#include "http/handlers.h"
#include "http/layout.h"

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* The first word of "line 12": "line", "row" or "item". */
static const char *where_unit(const char *where) {
  return strncmp(where, "row", 3) == 0 ? "row" : strncmp(where, "item", 4) == 0 ? "item" : "line";
}

static json_t *report_json(const struct itembank_report *rep, enum itembank_format format) {
  json_t *list = json_array();
  for (size_t i = 0; list != NULL && i < rep->n; i++) {
    const struct itembank_entry *e = &rep->entries[i];
    char where[32];
    item_bank_where(where, sizeof(where), format, e->line);
    /* "at" names the unit of "line" (line, row or item) for pages in other languages */
    json_array_append_new(list,
                          json_pack("{s:s, s:s, s:I, s:s?, s:s?, s:s?, s:s?, s:s?}", "where", where,
                                    "at", where_unit(where), "line", (json_int_t)e->line, "item_id",
                                    e->item_id, "type", e->type, "title", e->title, "category",
                                    e->category, "note", e->note));
  }
  return list;
}

/* POST /api/admin/item-bank/import?format=F&prefix=P&kuk=1.1,1.2&file=NAME */
int h_item_bank_import(struct req *r) {
  if (r->body == NULL || r->body_len == 0) {
    return reply_error(r, ERR_IMPORT_UNREADABLE, "The body must be the question file.");
  }
  const char *file = req_query(r, "file");
  struct item_bank_import imp;
  item_bank_import(&imp, req_query(r, "format"), req_query(r, "prefix"), req_query(r, "kuk"), 8,
                   file != NULL && file[0] != '\0' ? file : "upload", r->body, r->body_len);
  int ret = 0;
  if (imp.rc == ITEM_BANK_BAD_OPTIONS) {
    ret = reply_error(r, ERR_INVALID_FIELD, imp.message);
  } else if (imp.rc == ITEM_BANK_REFUSED) {
    json_t *problems = json_array();
    for (size_t i = 0; problems != NULL && i < imp.errs.n; i++) {
      json_array_append_new(problems, json_pack("{s:s}", "message", imp.errs.lines[i]));
    }
    json_t *j = json_pack("{s:s, s:s, s:o}", "error", "import_refused", "message",
                          L(r, "err.import_refused"), "problems",
                          problems != NULL ? problems : json_array());
    ret = j != NULL ? reply_json(r, err_status(ERR_IMPORT_REFUSED), j)
                    : reply_error(r, ERR_INTERNAL, NULL);
  } else if (imp.rc != ITEM_BANK_OK) {
    ret = reply_error(r, ERR_INTERNAL, NULL);
  } else {
    json_t *j =
        json_pack("{s:s, s:I, s:I, s:s, s:o}", "format", itembank_format_name(imp.format), "mapped",
                  (json_int_t)imp.report.nmapped, "unmapped", (json_int_t)imp.report.nunmapped,
                  "yaml", imp.yaml, "entries", report_json(&imp.report, imp.format));
    ret = j != NULL ? reply_json(r, 200, j) : reply_error(r, ERR_INTERNAL, NULL);
  }
  item_bank_import_clear(&imp);
  return ret;
}

/* GET /api/admin/item-bank/template.xlsx */
int h_item_bank_template(struct req *r) {
  unsigned char *doc = NULL;
  size_t len = 0;
  enum item_bank_rc rc = item_bank_template_xlsx(&doc, &len);
  return reply_download(r, XLSX_TYPE, "templat-bank-soal.xlsx", rc == ITEM_BANK_OK ? doc : NULL,
                        len);
}

/* GET /api/admin/exams/:exam/qti.zip */
int h_item_bank_export_qti(struct req *r) {
  unsigned char *pkg = NULL;
  size_t len = 0;
  struct itembank_report rep = {0};
  enum item_bank_rc rc = item_bank_export_qti(&pkg, &len, &rep, r->svc->catalog, r->params[0]);
  int ret;
  if (rc == ITEM_BANK_NOT_FOUND) {
    ret = reply_error(r, ERR_EXAM_NOT_FOUND, NULL);
  } else if (rc != ITEM_BANK_OK) {
    ret = reply_error(r, ERR_INTERNAL, NULL);
  } else {
    char name[96], count[32];
    /* the exam exists, so its id is [A-Z0-9-]{3,40}: safe in a header */
    snprintf(name, sizeof(name), "%s-qti3.zip", r->params[0]);
    snprintf(count, sizeof(count), "%zu", rep.nunmapped);
    reply_header(r, "X-Items-Not-Exported", count);
    ret = reply_download(r, "application/zip", name, pkg, len);
    pkg = NULL;
  }
  free(pkg);
  itembank_report_clear(&rep);
  return ret;
}
