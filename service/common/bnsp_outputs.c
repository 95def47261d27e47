/*
 * The BNSP outputs of a schedule (bnsp_outputs.h).
 */
#include "common/bnsp_outputs.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "common/catalog.h"
#include "common/log.h"
#include "ujikom/csv.h"
#include "ujikom/exam.h"
#include "ujikom/timefmt.h"

#define BNSP_CSV_MAX  ((size_t)16 * 1024 * 1024)
#define BNSP_XLSX_MAX ((size_t)64 * 1024 * 1024)

static char *dup_text(const char *s, bool *ok) {
  char *d = strdup(NULL == s ? "" : s);
  *ok = *ok && NULL != d;
  return d;
}

/* Each unit's verdict in an attempt's result JSON ({"units":[{"code","verdict"}]}). */
static void unit_verdicts(struct bnsp_candidate *c, const struct bnsp_batch *b,
                          const char *result) {
  json_t *j = NULL == result ? NULL : json_loads(result, 0, NULL);
  json_t *units = json_object_get(j, "units");
  size_t i;
  json_t *u;
  json_array_foreach(units, i, u) {
    const char *code = json_string_value(json_object_get(u, "code"));
    enum verdict v = VERDICT_NONE;
    if (NULL == code || !verdict_parse(json_string_value(json_object_get(u, "verdict")), &v)) {
      continue;
    }
    for (size_t k = 0; k < b->nunits; k++) {
      if (0 == strcmp(b->units[k].code, code)) {
        c->units[k] = v;
      }
    }
  }
  json_decref(j);
}

static int load_candidates(struct bnsp_batch *b, struct store_rd *rd,
                           const struct store_enrolment *list, size_t n) {
  b->cands = calloc(n + 1, sizeof *b->cands);
  if (NULL == b->cands) {
    return STORE_UNAVAILABLE;
  }
  bool ok = true;
  for (size_t i = 0; i < n && ok; i++) {
    struct bnsp_candidate *c = &b->cands[b->ncands++];
    c->name = dup_text(list[i].name, &ok);
    c->email = dup_text(list[i].email, &ok);
    c->user_id = list[i].user_id;
    c->attempt_id = list[i].attempt_id;
    c->overall = VERDICT_NONE;
    for (size_t k = 0; k < BNSP_MAX_UNITS; k++) {
      c->units[k] = VERDICT_NONE;
    }
    c->standing = 0 != list[i].attended_ms ? BNSP_PRESENT : BNSP_ABSENT;
    if (0 == c->attempt_id) {
      continue;
    }
    struct store_attempt a;
    int rc = store_attempt_get(rd, &a, c->attempt_id);
    if (STORE_OK != rc) {
      return STORE_NONE == rc ? STORE_HARD : rc;
    }
    if (ATTEMPT_OPEN == a.status) {
      c->standing = BNSP_OPEN;
    } else if (VERDICT_K == a.verdict || VERDICT_BK == a.verdict) {
      c->standing = BNSP_DECIDED;
      c->overall = a.verdict;
      c->decided_ms = a.decided_ms;
      unit_verdicts(c, b, a.result);
    } else {
      c->standing = BNSP_PENDING;
    }
    store_attempt_clear(&a);
  }
  return ok ? STORE_OK : STORE_UNAVAILABLE;
}

enum bnsp_rc bnsp_batch_load(struct bnsp_batch *out, struct svc *svc, int64_t schedule_id,
                             int64_t now_ms, int *out_store_rc) {
  struct store_rd *rd = NULL;
  struct store_schedule s;
  struct store_enrolment *list = NULL, *assessors = NULL;
  size_t n = 0, na = 0;
  bool ok = true;
  memset(out, 0, sizeof *out);
  *out_store_rc = STORE_OK;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_schedule_get(rd, &s, schedule_id);
  }
  if (STORE_OK == rc) {
    rc = store_enrolment_list(rd, &list, &n, schedule_id);
  }
  if (STORE_OK == rc) {
    rc = store_schedule_assessors(rd, &assessors, &na, schedule_id);
  }
  if (STORE_OK == rc) {
    const struct exam *x = NULL != svc->catalog ? catalog_current(svc->catalog, s.exam_id) : NULL;
    char window[64], opens[TIME_TEXT_SIZE], closes[TIME_TEXT_SIZE];
    enum time_zone z = TIME_ZONE_WIB;
    (void)time_zone_parse(s.time_zone, &z);
    time_format_zone(opens, sizeof opens, s.opens_ms / 1000, z, TIME_MINUTE_UTC);
    time_format_zone(closes, sizeof closes, s.closes_ms / 1000, z, TIME_MINUTE_UTC);
    /* "2026-12-04 08:00 WIB" -> the times of day: the window lies within one day */
    snprintf(window, sizeof window, "%.5s–%s", strlen(opens) > 11 ? opens + 11 : opens,
             strlen(closes) > 11 ? closes + 11 : closes);
    out->schedule_id = s.id;
    out->generated_ms = now_ms;
    out->lsp_name = dup_text(svc->cfg->cert_issuer, &ok);
    out->title = dup_text(s.title, &ok);
    out->scheme_id = dup_text(s.exam_id, &ok);
    out->scheme_title = dup_text(NULL != x ? x->title : s.exam_id, &ok);
    out->tuk_name = dup_text(s.tuk_name, &ok);
    out->tuk_address = dup_text(s.tuk_address, &ok);
    out->time_zone = dup_text(s.time_zone, &ok);
    out->date = dup_text(s.exam_date, &ok);
    out->window = dup_text(window, &ok);
    size_t len = 1;
    for (size_t i = 0; i < na; i++) {
      len += strlen(assessors[i].name) + 2;
    }
    out->assessors = calloc(1, len);
    ok = ok && NULL != out->assessors;
    for (size_t i = 0; ok && i < na; i++) {
      if (i > 0) {
        strncat(out->assessors, ", ", len - strlen(out->assessors) - 1);
      }
      strncat(out->assessors, assessors[i].name, len - strlen(out->assessors) - 1);
    }
    for (size_t i = 0; ok && NULL != x && i < x->nunits && i < BNSP_MAX_UNITS; i++) {
      out->units[i].code = dup_text(x->units[i].code, &ok);
      out->units[i].title = dup_text(x->units[i].title, &ok);
      out->nunits++;
    }
    rc = ok ? load_candidates(out, rd, list, n) : STORE_UNAVAILABLE;
  }
  store_rd_end(rd);
  store_enrolment_list_free(list, n);
  store_enrolment_list_free(assessors, na);
  if (STORE_OK != rc) {
    bnsp_batch_clear(out);
    if (STORE_NONE == rc) {
      return BNSP_NOT_FOUND;
    }
    *out_store_rc = rc;
    return BNSP_STORE_FAILED;
  }
  return BNSP_OK;
}

/* ------------------------------------------------------------------ CSV */

static const char *unit_text(enum verdict v) {
  return VERDICT_K == v ? "K" : VERDICT_BK == v ? "BK" : "";
}

static int results_csv(unsigned char **out, size_t *out_len, const struct bnsp_batch *b) {
  struct csv *c = csv_new(BNSP_CSV_MAX);
  char num[32], when[TIME_TEXT_SIZE];
  static const char *const heads[] = {"No", "Nama", "E-mail", "Kehadiran", "Rekomendasi"};
  for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
    csv_text(c, heads[i]);
  }
  for (size_t k = 0; k < b->nunits; k++) {
    csv_text(c, b->units[k].code);
  }
  csv_text(c, "Percobaan");
  csv_text(c, "Diputuskan (UTC)");
  csv_end_record(c);
  for (size_t i = 0; i < b->ncands; i++) {
    const struct bnsp_candidate *x = &b->cands[i];
    csv_number(c, (double)(i + 1), 0);
    csv_text(c, x->name);
    csv_text(c, x->email);
    csv_text(c, bnsp_attendance(x));
    csv_text(c, bnsp_recommendation(x));
    for (size_t k = 0; k < b->nunits; k++) {
      csv_text(c, unit_text(x->units[k]));
    }
    snprintf(num, sizeof num, "%lld", (long long)x->attempt_id);
    csv_text(c, 0 == x->attempt_id ? "" : num);
    if (0 == x->decided_ms || 0 == time_format(when, sizeof when, x->decided_ms / 1000, TIME_ISO)) {
      when[0] = '\0';
    }
    csv_text(c, when);
    csv_end_record(c);
  }
  *out = (unsigned char *)csv_take(c, out_len);
  return NULL == *out ? -1 : 0;
}

/* ------------------------------------------------------------------ XLSX */

int bnsp_xlsx_in_memory(unsigned char **out, size_t *out_len,
                        int (*fill)(lxw_workbook *wb, const void *ctx), const void *ctx) {
  const char *tmp = getenv("TMPDIR");
  char path[512];
  int rc = -1;
  snprintf(path, sizeof path, "%s/ujikom-xlsx-XXXXXX",
           NULL != tmp && '\0' != tmp[0] ? tmp : "/tmp");
  int fd = mkstemp(path);
  if (fd < 0) {
    return -1;
  }
  close(fd);
  lxw_workbook *wb = workbook_new(path);
  if (NULL != wb) {
    int filled = fill(wb, ctx);
    lxw_error e = workbook_close(wb);
    rc = 0 == filled && LXW_NO_ERROR == e ? 0 : -1;
  }
  FILE *f = 0 == rc ? fopen(path, "rb") : NULL;
  struct stat st;
  rc = -1;
  if (NULL != f && 0 == fstat(fileno(f), &st) && st.st_size > 0 &&
      (size_t)st.st_size <= BNSP_XLSX_MAX) {
    unsigned char *buf = malloc((size_t)st.st_size);
    if (NULL != buf && (size_t)st.st_size == fread(buf, 1, (size_t)st.st_size, f)) {
      *out = buf;
      *out_len = (size_t)st.st_size;
      rc = 0;
    } else {
      free(buf);
    }
  }
  if (NULL != f) {
    fclose(f);
  }
  unlink(path);
  return rc;
}

int bnsp_xlsx_text(lxw_worksheet *ws, size_t row, size_t col, const char *s, lxw_format *fmt) {
  return LXW_NO_ERROR ==
                 worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, NULL == s ? "" : s, fmt)
             ? 0
             : -1;
}

static int blank_request_fill(lxw_workbook *wb, const void *ctx) {
  const struct bnsp_batch *b = ctx;
  lxw_worksheet *ws = workbook_add_worksheet(wb, "Permohonan Blanko");
  lxw_worksheet *us = workbook_add_worksheet(wb, "Unit Kompetensi");
  lxw_format *bold = workbook_add_format(wb);
  if (NULL == ws || NULL == us || NULL == bold) {
    return -1;
  }
  format_set_bold(bold);
  char id[32];
  snprintf(id, sizeof id, "%lld", (long long)b->schedule_id);
  const char *const facts[][2] = {
      {"LSP", b->lsp_name},           {"Skema", b->scheme_title}, {"Kode skema", b->scheme_id},
      {"Jadwal", b->title},           {"Nomor jadwal", id},       {"TUK", b->tuk_name},
      {"Alamat TUK", b->tuk_address}, {"Tanggal uji", b->date},   {"Asesor", b->assessors},
  };
  int rc = bnsp_xlsx_text(ws, 0, 0, "PERMOHONAN BLANKO SERTIFIKAT KOMPETENSI", bold);
  size_t row = 1;
  for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++, row++) {
    rc |= bnsp_xlsx_text(ws, row, 0, facts[i][0], bold);
    rc |= bnsp_xlsx_text(ws, row, 1, facts[i][1], NULL);
  }
  row++;
  static const char *const heads[] = {"No", "Nama Asesi", "E-mail", "Rekomendasi"};
  for (size_t c = 0; c < 4; c++) {
    rc |= bnsp_xlsx_text(ws, row, c, heads[c], bold);
  }
  for (size_t k = 0; k < b->nunits; k++) {
    rc |= bnsp_xlsx_text(ws, row, 4 + k, b->units[k].code, bold);
  }
  for (size_t i = 0; i < b->ncands; i++) {
    const struct bnsp_candidate *x = &b->cands[i];
    size_t r = row + 1 + i;
    rc |=
        LXW_NO_ERROR == worksheet_write_number(ws, (lxw_row_t)r, 0, (double)(i + 1), NULL) ? 0 : -1;
    rc |= bnsp_xlsx_text(ws, r, 1, x->name, NULL);
    rc |= bnsp_xlsx_text(ws, r, 2, x->email, NULL);
    rc |= bnsp_xlsx_text(ws, r, 3, bnsp_recommendation(x), NULL);
    for (size_t k = 0; k < b->nunits; k++) {
      rc |= bnsp_xlsx_text(ws, r, 4 + k, unit_text(x->units[k]), NULL);
    }
  }
  worksheet_set_column(ws, 1, 2, 32, NULL);
  rc |= bnsp_xlsx_text(us, 0, 0, "Kode unit", bold);
  rc |= bnsp_xlsx_text(us, 0, 1, "Judul unit", bold);
  for (size_t k = 0; k < b->nunits; k++) {
    rc |= bnsp_xlsx_text(us, 1 + k, 0, b->units[k].code, NULL);
    rc |= bnsp_xlsx_text(us, 1 + k, 1, b->units[k].title, NULL);
  }
  return rc;
}

static int template_fill(lxw_workbook *wb, const void *ctx) {
  (void)ctx;
  lxw_worksheet *ws = workbook_add_worksheet(wb, "Peserta");
  if (NULL == ws) {
    return -1;
  }
  return bnsp_xlsx_text(ws, 0, 0, "nama", NULL) | bnsp_xlsx_text(ws, 0, 1, "email", NULL) |
         bnsp_xlsx_text(ws, 1, 0, "Siti Rahmawati", NULL) |
         bnsp_xlsx_text(ws, 1, 1, "siti@example.org", NULL);
}

enum bnsp_rc bnsp_template_xlsx(unsigned char **out, size_t *out_len) {
  return 0 == bnsp_xlsx_in_memory(out, out_len, template_fill, NULL) ? BNSP_OK : BNSP_RENDER_FAILED;
}

enum bnsp_rc bnsp_document(unsigned char **out, size_t *out_len, struct svc *svc,
                           int64_t schedule_id, enum bnsp_format format, int64_t now_ms,
                           int *out_store_rc) {
  struct bnsp_batch b;
  char err[200];
  *out = NULL;
  *out_len = 0;
  enum bnsp_rc rc = bnsp_batch_load(&b, svc, schedule_id, now_ms, out_store_rc);
  if (BNSP_OK != rc) {
    return rc;
  }
  int r = -1;
  switch (format) {
  case BNSP_XLSX:
    r = bnsp_xlsx_in_memory(out, out_len, blank_request_fill, &b);
    break;
  case BNSP_PDF:
    r = bnsp_minutes_pdf(out, out_len, &b, NULL, NULL, err, sizeof err);
    if (0 != r) {
      log_msg(LOG_ERROR, NULL, "berita acara of schedule %lld: %s", (long long)schedule_id, err);
    }
    break;
  case BNSP_CSV:
    r = results_csv(out, out_len, &b);
    break;
  }
  bnsp_batch_clear(&b);
  return 0 == r ? BNSP_OK : BNSP_RENDER_FAILED;
}
