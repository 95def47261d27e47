/*
 * A batch's outcome as the BNSP paperwork states it: the schedule, its units and every
 * enrolled candidate with attendance and K/BK per unit and overall, built from the stored
 * decisions by the application layer. The core writes the berita acara (minutes) as PDF;
 * the certificate-blank request (XLSX) and the results (CSV) are written beside it in the
 * application layer. Layouts: docs/bnsp-outputs.md.
 */
#ifndef UJIKOM_BNSP_H
#define UJIKOM_BNSP_H

#include <stddef.h>
#include <stdint.h>

#include "ujikom/states.h"

#define BNSP_MAX_UNITS 64

struct bnsp_unit {
  char *code, *title;
};

/* Where a candidate of the batch stands. */
enum bnsp_standing {
  BNSP_ABSENT = 0, /* no attempt and not marked present */
  BNSP_PRESENT,    /* marked present, no attempt started */
  BNSP_OPEN,       /* the attempt is still open */
  BNSP_PENDING,    /* submitted, awaiting the assessor */
  BNSP_DECIDED,    /* K or BK (overall) */
};

struct bnsp_candidate {
  char *name, *email;
  int64_t user_id, attempt_id;
  enum bnsp_standing standing;
  enum verdict overall;               /* BNSP_DECIDED: VERDICT_K or VERDICT_BK */
  enum verdict units[BNSP_MAX_UNITS]; /* per unit of the batch (VERDICT_NONE: no result) */
  int64_t decided_ms;
};

struct bnsp_batch {
  char *lsp_name; /* the issuer's name ("" when not configured) */
  int64_t schedule_id;
  char *title, *scheme_id, *scheme_title, *tuk_name, *tuk_address, *time_zone, *date;
  char *window;    /* "08:00–12:00 WIB" */
  char *assessors; /* names joined with ", " */
  struct bnsp_unit units[BNSP_MAX_UNITS];
  size_t nunits;
  struct bnsp_candidate *cands;
  size_t ncands;
  int64_t generated_ms;
};

/* Counts of the batch for the minutes. */
struct bnsp_counts {
  size_t enrolled, present, k, bk, pending, absent;
};
void bnsp_count(struct bnsp_counts *out, const struct bnsp_batch *b);

/* "K", "BK", or for a candidate without a decision the standing in Indonesian ("tidak hadir",
 * "belum diputuskan", ...). Static text. */
const char *bnsp_recommendation(const struct bnsp_candidate *c);
/* "hadir" / "tidak hadir". */
const char *bnsp_attendance(const struct bnsp_candidate *c);

/* The berita acara as PDF (A4, embedded DejaVu Sans; font paths NULL: the system's). 0 with
 * *out (malloc'd) or -1 with err set. */
int bnsp_minutes_pdf(unsigned char **out, size_t *out_len, const struct bnsp_batch *b,
                     const char *font_path, const char *bold_path, char *err, size_t errlen);

/* Frees every text and the candidates; b itself is the caller's. NULL allowed. */
void bnsp_batch_clear(struct bnsp_batch *b);

#endif
