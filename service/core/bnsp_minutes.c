/*
 * The berita acara (minutes) of a test event as PDF, and the batch helpers (ujikom/bnsp.h).
 * Layout: docs/bnsp-outputs.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf_doc.h"
#include "ujikom/bnsp.h"
#include "ujikom/timefmt.h"

#define MM     (72.0f / 25.4f)
#define PAGE_W 595.276f
#define PAGE_H 841.89f
#define MARGIN (20.0f * MM)
#define BOTTOM (25.0f * MM)

void bnsp_count(struct bnsp_counts *out, const struct bnsp_batch *b) {
  memset(out, 0, sizeof *out);
  out->enrolled = b->ncands;
  for (size_t i = 0; i < b->ncands; i++) {
    const struct bnsp_candidate *c = &b->cands[i];
    out->present += BNSP_ABSENT != c->standing;
    out->absent += BNSP_ABSENT == c->standing;
    if (BNSP_DECIDED == c->standing) {
      out->k += VERDICT_K == c->overall;
      out->bk += VERDICT_BK == c->overall;
    } else if (BNSP_ABSENT != c->standing) {
      out->pending++;
    }
  }
}

const char *bnsp_recommendation(const struct bnsp_candidate *c) {
  switch (c->standing) {
  case BNSP_DECIDED:
    return VERDICT_K == c->overall ? "K" : "BK";
  case BNSP_PENDING:
    return "belum diputuskan";
  case BNSP_OPEN:
    return "sedang ujian";
  case BNSP_PRESENT:
    return "belum mulai";
  default:
    return "tidak hadir";
  }
}

const char *bnsp_attendance(const struct bnsp_candidate *c) {
  return BNSP_ABSENT == c->standing ? "tidak hadir" : "hadir";
}

void bnsp_batch_clear(struct bnsp_batch *b) {
  if (NULL == b) {
    return;
  }
  char **texts[] = {&b->lsp_name,    &b->title,     &b->scheme_id, &b->scheme_title, &b->tuk_name,
                    &b->tuk_address, &b->time_zone, &b->date,      &b->window,       &b->assessors};
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    free(*texts[i]);
  }
  for (size_t i = 0; i < b->nunits; i++) {
    free(b->units[i].code);
    free(b->units[i].title);
  }
  for (size_t i = 0; i < b->ncands; i++) {
    free(b->cands[i].name);
    free(b->cands[i].email);
  }
  free(b->cands);
  memset(b, 0, sizeof *b);
}

static const char *or_dash(const char *s) {
  return NULL != s && '\0' != s[0] ? s : "-";
}

static void new_page(struct pdf *p) {
  p->page = HPDF_AddPage(p->doc);
  HPDF_Page_SetSize(p->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
  HPDF_Page_SetLineWidth(p->page, 0.5f);
}

/* The columns of the batch table. */
static const float col_x[] = {MARGIN, MARGIN + 28, MARGIN + 300, MARGIN + 390};
static const float col_w[] = {26, 268, 86, PAGE_W - 2 * MARGIN - 390};

static float table_header(struct pdf *p, float y) {
  static const char *const heads[] = {"No", "Nama asesi / Candidate", "Kehadiran",
                                      "Rekomendasi (K/BK)"};
  for (size_t i = 0; i < 4; i++) {
    pdf_text_at(p, p->bold, 9, col_x[i], y, heads[i]);
  }
  HPDF_Page_MoveTo(p->page, MARGIN, y - 4);
  HPDF_Page_LineTo(p->page, PAGE_W - MARGIN, y - 4);
  HPDF_Page_Stroke(p->page);
  return y - 16;
}

/* One candidate's row; a new page (with the header again) when it would not fit. */
static float table_row(struct pdf *p, float y, size_t no, const struct bnsp_candidate *c) {
  bool marked = false;
  char *name = pdf_printable_name(c->name, HPDF_GetFontDef(p->doc, p->fname), &marked);
  if (NULL == name) {
    p->failed = 1;
    return y;
  }
  float need = 12.0f * (1.0f + pdf_text_width(p, p->font, 9, name) / col_w[1]);
  if (y - need < BOTTOM) {
    new_page(p);
    y = table_header(p, PAGE_H - MARGIN);
  }
  char num[24];
  snprintf(num, sizeof num, "%zu", no);
  pdf_text_at(p, p->font, 9, col_x[0], y, num);
  float below = pdf_text_wrapped(p, p->font, 9, col_x[1], y, col_w[1], 11, name);
  pdf_text_at(p, p->font, 9, col_x[2], y, bnsp_attendance(c));
  pdf_text_wrapped(p, BNSP_DECIDED == c->standing ? p->bold : p->font, 9, col_x[3], y, col_w[3], 11,
                   bnsp_recommendation(c));
  free(name);
  return below - 3;
}

int bnsp_minutes_pdf(unsigned char **out, size_t *out_len, const struct bnsp_batch *b,
                     const char *font_path, const char *bold_path, char *err, size_t errlen) {
  struct pdf p;
  char line[2400], when[TIME_TEXT_SIZE];
  int rc = -1;
  memset(&p, 0, sizeof p);
  *out = NULL;
  *out_len = 0;
  snprintf(err, errlen, "PDF rendering failed");
  if (0 != pdf_doc_open(&p, font_path, bold_path,
                        "Berita Acara Uji Kompetensi / Minutes of the Competency Assessment", err,
                        errlen)) {
    goto cleanup;
  }
  new_page(&p);
  float avail = PAGE_W - 2 * MARGIN;
  float y = PAGE_H - MARGIN;
  if ('\0' != b->lsp_name[0]) {
    y = pdf_wrap_lines(&p, p.font, 10, MARGIN, y, avail, 13, b->lsp_name, true) - 6;
  }
  y = pdf_wrap_lines(&p, p.bold, 16, MARGIN, y, avail, 19, "BERITA ACARA UJI KOMPETENSI", true);
  y = pdf_wrap_lines(&p, p.font, 10, MARGIN, y, avail, 13, "Minutes of the competency assessment",
                     true) -
      10;
  snprintf(line, sizeof line,
           "Pada tanggal %s, bertempat di TUK %s (%s), telah dilaksanakan uji kompetensi "
           "skema %s (%s) pada jadwal \"%s\" (nomor jadwal %lld), waktu akses %s.",
           b->date, b->tuk_name, or_dash(b->tuk_address), b->scheme_title, b->scheme_id, b->title,
           (long long)b->schedule_id, b->window);
  y = pdf_text_wrapped(&p, p.font, 10, MARGIN, y, avail, 13, line) - 4;
  snprintf(line, sizeof line, "Asesor kompetensi / Assessors: %s", or_dash(b->assessors));
  y = pdf_text_wrapped(&p, p.font, 10, MARGIN, y, avail, 13, line) - 4;
  struct bnsp_counts n;
  bnsp_count(&n, b);
  snprintf(line, sizeof line,
           "Asesi terdaftar: %zu; hadir: %zu; Kompeten (K): %zu; Belum Kompeten (BK): %zu; "
           "belum diputuskan: %zu; tidak hadir: %zu.",
           n.enrolled, n.present, n.k, n.bk, n.pending, n.absent);
  y = pdf_text_wrapped(&p, p.font, 10, MARGIN, y, avail, 13, line) - 4;
  y = pdf_text_wrapped(&p, p.bold, 10, MARGIN, y, avail, 13,
                       "Unit kompetensi / Units of competency:");
  for (size_t i = 0; i < b->nunits; i++) {
    snprintf(line, sizeof line, "%zu. %s — %s", i + 1, b->units[i].code, b->units[i].title);
    y = pdf_text_wrapped(&p, p.font, 9, MARGIN + 10, y, avail - 10, 11, line);
  }
  y = table_header(&p, y - 10);
  for (size_t i = 0; i < b->ncands && !p.failed; i++) {
    y = table_row(&p, y, i + 1, &b->cands[i]);
  }
  if (y - 90 < BOTTOM) {
    new_page(&p);
    y = PAGE_H - MARGIN;
  }
  y -= 14;
  y = pdf_text_wrapped(
      &p, p.font, 9, MARGIN, y, avail, 11,
      "Rekomendasi K (Kompeten) atau BK (Belum Kompeten) diambil dari keputusan asesor yang "
      "tersimpan. BK berarti belum kompeten: asesi dapat mempelajari umpan balik asesor dan "
      "mendaftar ulang.");
  y -= 30;
  pdf_text_at(&p, p.font, 10, MARGIN, y, "Asesor Kompetensi");
  pdf_text_at(&p, p.font, 10, PAGE_W / 2 + 20, y, "Manajer Sertifikasi LSP");
  y -= 50;
  pdf_text_at(&p, p.font, 10, MARGIN, y, "(........................................)");
  pdf_text_at(&p, p.font, 10, PAGE_W / 2 + 20, y, "(........................................)");
  if (0 == time_format(when, sizeof when, b->generated_ms / 1000, TIME_MINUTE_UTC)) {
    snprintf(when, sizeof when, "?");
  }
  snprintf(line, sizeof line, "Dibuat oleh ujikom dari keputusan tersimpan, %s.", when);
  pdf_text_at(&p, p.font, 7, MARGIN, BOTTOM - 20, line);
  rc = pdf_doc_save(&p, out, out_len);
  if (0 == rc) {
    err[0] = '\0';
  }
cleanup:
  pdf_doc_close(&p, rc, err, errlen);
  return rc;
}
