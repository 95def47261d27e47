/*
 * The BNSP paperwork of a schedule, generated from the stored decisions: the request for
 * certificate blanks (XLSX, libxlsxwriter), the berita acara (PDF, ujikom/bnsp.h) and the
 * results (CSV). No cell of either spreadsheet can start a formula: the XLSX holds text as
 * strings (never formulas) and the CSV writer guards every text cell. Layouts:
 * docs/bnsp-outputs.md. Administrators only (the route says so).
 */
#ifndef UJIKOM_COMMON_BNSP_OUTPUTS_H
#define UJIKOM_COMMON_BNSP_OUTPUTS_H

#include <stddef.h>
#include <stdint.h>

#include "common/svc.h"
#include "store/store.h"
#include "ujikom/bnsp.h"

enum bnsp_rc {
  BNSP_OK = 0,
  BNSP_NOT_FOUND,     /* no such schedule */
  BNSP_STORE_FAILED,  /* see *out_store_rc */
  BNSP_RENDER_FAILED, /* the document could not be written (logged) */
};

enum bnsp_format { BNSP_XLSX, BNSP_PDF, BNSP_CSV };

/* The document of schedule_id in format, generated at now_ms: BNSP_OK with *out (malloc'd, the
 * caller's) of *out_len bytes, else the outcome. */
enum bnsp_rc bnsp_document(unsigned char **out, size_t *out_len, struct svc *svc,
                           int64_t schedule_id, enum bnsp_format format, int64_t now_ms,
                           int *out_store_rc);

/* The batch as the documents state it (for tests): BNSP_OK with *out filled (clear with
 * bnsp_batch_clear). */
enum bnsp_rc bnsp_batch_load(struct bnsp_batch *out, struct svc *svc, int64_t schedule_id,
                             int64_t now_ms, int *out_store_rc);

/* A workbook written by libxlsxwriter (which writes to a file) into a private temporary
 * file, read back into memory (*out, the caller's) and removed. fill writes the sheets and
 * returns 0 or -1; so does this. */
typedef struct lxw_workbook lxw_workbook;
typedef struct lxw_worksheet lxw_worksheet;
typedef struct lxw_format lxw_format;
int bnsp_xlsx_in_memory(unsigned char **out, size_t *out_len,
                        int (*fill)(lxw_workbook *wb, const void *ctx), const void *ctx);
/* Writes text into a cell, always as a string (never a formula: "=HYPERLINK(...)" stays
 * text). 0 or -1. */
int bnsp_xlsx_text(lxw_worksheet *ws, size_t row, size_t col, const char *s, lxw_format *fmt);

/* The import templates as XLSX (the CSV one is enrolment_template_csv). */
enum bnsp_rc bnsp_template_xlsx(unsigned char **out, size_t *out_len);

#endif
