/*
 * Item banks in and out, for the CLI and the admin pages alike: an uploaded question file
 * (Aiken, GIFT, Moodle XML, the Excel template, a QTI 3.0 package) to an exam fragment with
 * its report, an exam of the catalogue to a QTI 3.0 package, and the Excel template itself.
 * Nothing is stored: the fragment is reviewed and pasted into an exam file by a person.
 * docs/item-banks.md describes the formats.
 */
#ifndef UJIKOM_COMMON_ITEM_BANK_H
#define UJIKOM_COMMON_ITEM_BANK_H

#include <stddef.h>

#include "ujikom/exam.h"
#include "ujikom/itembank.h"

struct catalog;

enum item_bank_rc {
  ITEM_BANK_OK = 0,
  ITEM_BANK_BAD_OPTIONS, /* unknown format, bad prefix or KUK list (message says which) */
  ITEM_BANK_REFUSED,     /* the file cannot be read: errs lists why, with line/row */
  ITEM_BANK_NOT_FOUND,   /* no such exam */
  ITEM_BANK_FAILED,      /* out of memory, or the document could not be written */
};

/* KUK ids given per import. */
#define ITEM_BANK_MAX_KUK 32u

struct item_bank_import {
  enum item_bank_rc rc;
  enum itembank_format format;
  char *yaml; /* ITEM_BANK_OK: the fragment */
  struct itembank_report report;
  struct exam_errors errs;
  char message[160]; /* ITEM_BANK_BAD_OPTIONS: why */
};

/* Imports buf (len bytes) named file, in format_name ("aiken", "gift", "moodle", "xlsx",
 * "qti"), item ids "<prefix>-NNN" (NULL: "IMP"), KUK ids kuk_list ("1.1, 1.2"; NULL or
 * empty: "1.1"), fragment indented by indent spaces. out is filled in every case; release it
 * with item_bank_import_clear. */
void item_bank_import(struct item_bank_import *out, const char *format_name, const char *prefix,
                      const char *kuk_list, unsigned indent, const char *file, const char *buf,
                      size_t len);
void item_bank_import_clear(struct item_bank_import *imp);

/* Where an entry of a report of this format is: "line 12", "row 12" (the Excel template),
 * "item 12" (a QTI package, in package order). */
void item_bank_where(char *out, size_t outlen, enum itembank_format format, unsigned line);

/* The QTI 3.0 package of the current version of exam_id: ITEM_BANK_OK with *out (the
 * caller's) and the report (clear with itembank_report_clear), or NOT_FOUND / FAILED. */
enum item_bank_rc item_bank_export_qti(unsigned char **out, size_t *out_len,
                                       struct itembank_report *report, struct catalog *catalog,
                                       const char *exam_id);

/* The Excel template (columns of ujikom/itembank_xlsx.h, one example row per item type, a
 * sheet of instructions): ITEM_BANK_OK with *out (the caller's) or ITEM_BANK_FAILED. */
enum item_bank_rc item_bank_template_xlsx(unsigned char **out, size_t *out_len);

#endif
