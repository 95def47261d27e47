/*
 * The Excel item bank template: one question per row of the first worksheet, the first row
 * naming the columns. The column table below is the one the importer reads and the one the
 * downloadable template is written from, so the two cannot drift apart. Read with
 * itembank_import(ITEMBANK_XLSX); docs/item-banks.md describes every column.
 */
#ifndef UJIKOM_ITEMBANK_XLSX_H
#define UJIKOM_ITEMBANK_XLSX_H

#include <stdbool.h>
#include <stddef.h>

enum itembank_xlsx_col {
  IBX_UNIT,
  IBX_KUK,
  IBX_TYPE,
  IBX_QUESTION,
  IBX_OPTION_A, /* IBX_OPTION_A + k for option k (A..H) */
  IBX_OPTION_H = IBX_OPTION_A + 7,
  IBX_KEY,
  IBX_POINTS,
  IBX_EXPLANATION,
  IBX_NCOLS,
};

struct itembank_xlsx_column {
  const char *name;    /* the header the template writes (English) */
  const char *name_id; /* the Indonesian header, also accepted */
  bool required;       /* the header row must name it */
  const char *hint_id; /* what goes in it (Indonesian), for the template's notes */
  const char *hint_en;
};

/* The columns, indexed by enum itembank_xlsx_col. */
extern const struct itembank_xlsx_column ITEMBANK_XLSX_COLUMNS[IBX_NCOLS];

/* Limits of the template import (beside ITEMBANK_MAX_INPUT and ITEMBANK_MAX_ITEMS). */
#define ITEMBANK_XLSX_MAX_UNZIPPED ((size_t)32 * 1024 * 1024)
#define ITEMBANK_XLSX_MAX_CELL     65536u

#endif
