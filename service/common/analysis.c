/*
 * Item analysis: reads the finished attempts of an exam in pages, rescores each from its
 * stored form and answers (with the current decision's rubric points), and hands the score
 * matrix to the core's statistics.
 */
#include "common/analysis.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/catalog.h"
#include "store/store.h"
#include "ujikom/csv.h"
#include "ujikom/exam_form.h"
#include "ujikom/score.h"

/* Scores one finished attempt into row[] (NaN for items not on its form or still pending)
 * and counts its unit and overall outcomes. Returns 0, -1 to skip the attempt (an attempt
 * of an unloadable version is left out), or a negative store rc. */
static int analyse_attempt(struct svc *svc, struct store_rd *rd, int64_t id,
                           struct analysis_report *rep, double *row) {
  const struct analysis_report_item *cols = rep->items;
  size_t ncols = rep->nitems;
  const struct exam *current = rep->exam;
  struct store_attempt a;
  struct store_answer *ans = NULL;
  struct store_decision d;
  size_t nans = 0;
  const struct exam *ex = NULL;
  struct exam_form *form = NULL;
  struct score_result *res = NULL;
  json_t *form_json = NULL, *answers = NULL, *marks = NULL, *result = NULL, *items = NULL;
  char err[200];
  int rc = STORE_HARD, drc = STORE_NONE, ret = -1;
  memset(&a, 0, sizeof a);
  memset(&d, 0, sizeof d);
  for (size_t i = 0; i < ncols; i++) {
    row[i] = NAN;
  }
  rc = store_attempt_get(rd, &a, id);
  if (STORE_OK == rc) {
    rc = store_answers_get(rd, &ans, &nans, id);
  }
  if (STORE_OK == rc) {
    drc = store_decision_latest(rd, &d, id);
  }
  if (rc < 0 || drc < 0) {
    ret = rc < 0 ? rc : drc;
    goto done;
  }
  if (STORE_OK != rc ||
      0 != catalog_version_from_store(svc->catalog, svc->store, &ex, a.exam_version)) {
    goto done;
  }
  form_json = json_loads(NULL == a.form ? "" : a.form, 0, NULL);
  if (NULL == form_json || 0 != exam_form_from_json(&form, ex, form_json, err, sizeof err)) {
    goto done;
  }
  answers = json_object();
  marks = json_object();
  if (NULL == answers || NULL == marks) {
    goto done;
  }
  for (size_t i = 0; i < nans; i++) {
    json_t *v = json_loads(ans[i].value, JSON_DECODE_ANY, NULL);
    if (NULL != v) {
      json_object_set_new(answers, ans[i].item_id, v);
    }
  }
  if (STORE_OK == drc) {
    const char *key;
    json_t *v;
    items = json_loads(d.marks, 0, NULL);
    json_object_foreach(items, key, v) {
      json_t *crit = json_object_get(v, "criteria");
      if (NULL != crit) {
        json_object_set(marks, key, crit);
      }
    }
  }
  if (0 != score_form(&res, form, answers, marks)) {
    goto done;
  }
  for (size_t u = 0; u < res->nunits; u++) {
    for (size_t k = 0; k < res->units[u].nitems; k++) {
      const struct score_item_result *ir = &res->units[u].items[k];
      for (size_t c = 0; c < ncols && !ir->pending; c++) {
        if (0 == strcmp(cols[c].item->id, ir->item_id) && ir->possible > 0) {
          row[c] = ir->earned * (double)cols[c].item->points / (double)ir->possible;
        }
      }
    }
  }
  /* Outcomes: the decided ones from the stored result, per unit of the current version. */
  result = NULL == a.result ? NULL : json_loads(a.result, 0, NULL);
  for (size_t u = 0; u < current->nunits; u++) {
    json_t *ju = NULL;
    size_t idx;
    json_t *v;
    json_array_foreach(json_object_get(result, "units"), idx, v) {
      const char *code = json_string_value(json_object_get(v, "code"));
      if (NULL != code && 0 == strcmp(code, current->units[u].code)) {
        ju = v;
      }
    }
    if (NULL == ju) {
      continue; /* unit not in this attempt's version */
    }
    enum verdict uv = VERDICT_PENDING;
    if (!verdict_parse(json_string_value(json_object_get(ju, "verdict")), &uv)) {
      uv = VERDICT_PENDING;
    }
    analysis_outcomes_add(&rep->units[u], uv);
  }
  analysis_outcomes_add(&rep->overall, a.verdict);
  ret = 0;
done:
  json_decref(form_json);
  json_decref(answers);
  json_decref(marks);
  json_decref(items);
  json_decref(result);
  score_result_free(res);
  exam_form_free(form);
  store_decision_clear(&d);
  store_answers_free(ans, nans);
  store_attempt_clear(&a);
  return ret;
}

void analysis_report_free(struct analysis_report *r) {
  free(r->items);
  free(r->units);
  memset(r, 0, sizeof *r);
}

enum analysis_report_rc analysis_report_build(struct analysis_report *out, struct svc *svc,
                                              const char *exam_id, int *out_store_rc) {
  const struct exam *ex = catalog_current(svc->catalog, exam_id);
  struct analysis_item *stats = NULL;
  double *scores = NULL, *maxp = NULL;
  int64_t *ids = NULL;
  size_t ncols = 0, nids = 0, nrows = 0;
  struct store_rd *rd = NULL;
  enum analysis_report_rc res = ANALYSIS_REPORT_INTERNAL;
  int rc = STORE_HARD;
  memset(out, 0, sizeof *out);
  *out_store_rc = STORE_OK;
  if (NULL == ex) {
    return ANALYSIS_REPORT_EXAM_NOT_FOUND;
  }
  out->exam = ex;
  for (size_t u = 0; u < ex->nunits; u++) {
    for (size_t p = 0; p < ex->units[u].npools; p++) {
      ncols += ex->units[u].pools[p].nitems;
    }
  }
  out->items = calloc(ncols + 1, sizeof *out->items);
  out->units = calloc(ex->nunits + 1, sizeof *out->units);
  maxp = calloc(ncols + 1, sizeof *maxp);
  ids = calloc(ANALYSIS_REPORT_MAX_ATTEMPTS, sizeof *ids);
  stats = calloc(ncols + 1, sizeof *stats);
  if (NULL == out->items || NULL == maxp || NULL == out->units || NULL == ids || NULL == stats) {
    goto cleanup;
  }
  for (size_t u = 0; u < ex->nunits; u++) {
    for (size_t p = 0; p < ex->units[u].npools; p++) {
      for (size_t i = 0; i < ex->units[u].pools[p].nitems; i++) {
        const struct exam_item *it = &ex->units[u].pools[p].items[i];
        out->items[out->nitems].item = it;
        out->items[out->nitems].unit_code = ex->units[u].code;
        maxp[out->nitems] = it->points > 0 ? (double)it->points : 1.0;
        out->nitems++;
      }
    }
  }
  /* Finished attempts of this exam, newest first, in pages. */
  rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK != rc) {
    res = ANALYSIS_REPORT_STORE_FAILED;
    goto cleanup;
  }
  for (int64_t before = 0; nids < ANALYSIS_REPORT_MAX_ATTEMPTS;) {
    struct store_attempt *page = NULL;
    size_t n = 0;
    rc = store_review_attempts(rd, &page, &n, ex->id, NULL, NULL, before, 1000);
    if (STORE_OK != rc) {
      break;
    }
    for (size_t i = 0; i < n && nids < ANALYSIS_REPORT_MAX_ATTEMPTS; i++) {
      if (ATTEMPT_OPEN != page[i].status) {
        ids[nids++] = page[i].id;
      }
    }
    before = n > 0 ? page[n - 1].id : 0;
    store_attempt_list_free(page, n);
    if (n < 1000) {
      break;
    }
  }
  if (STORE_OK == rc && nids > 0) {
    scores = calloc(nids * (ncols + 1), sizeof *scores);
    if (NULL == scores) {
      rc = STORE_UNAVAILABLE;
    }
  }
  for (size_t k = 0; STORE_OK == rc && k < nids; k++) {
    int arc = analyse_attempt(svc, rd, ids[k], out, scores + nrows * ncols);
    if (arc < -1) {
      rc = arc;
    } else if (0 == arc) {
      nrows++;
    }
  }
  store_rd_end(rd);
  if (STORE_OK != rc) {
    res = ANALYSIS_REPORT_STORE_FAILED;
    goto cleanup;
  }
  {
    struct analysis_input in = {nrows, ncols, scores, maxp};
    if (0 != analysis_items(stats, &in)) {
      goto cleanup;
    }
  }
  for (size_t c = 0; c < ncols; c++) {
    out->items[c].stats = stats[c];
  }
  res = ANALYSIS_REPORT_OK;
cleanup:
  if (ANALYSIS_REPORT_STORE_FAILED == res) {
    *out_store_rc = rc;
  }
  if (ANALYSIS_REPORT_OK != res) {
    analysis_report_free(out);
  }
  free(maxp);
  free(ids);
  free(stats);
  free(scores);
  return res;
}

void analysis_prompt_excerpt(char *out, size_t outlen, const char *prompt) {
  static const char ellipsis[] = "\xE2\x80\xA6";
  size_t o = 0;
  bool space = false, cut = false;
  if (outlen > 0) {
    out[0] = '\0';
  }
  if (NULL == prompt || outlen < 8) {
    return;
  }
  for (const char *p = prompt; '\0' != *p; p++) {
    if (' ' == *p || '\t' == *p || '\n' == *p || '\r' == *p) {
      space = o > 0;
      continue;
    }
    if (o + (space ? 2u : 1u) > outlen - 1) {
      cut = true;
      break;
    }
    if (space) {
      out[o++] = ' ';
      space = false;
    }
    out[o++] = *p;
  }
  if (!cut) {
    out[o] = '\0';
    return;
  }
  if (o > outlen - sizeof ellipsis) {
    o = outlen - sizeof ellipsis; /* room for the ellipsis and the NUL */
  }
  /* a character of several bytes that the cut splits is left out whole */
  size_t start = o;
  while (start > 0 && 0x80 == ((unsigned char)out[start - 1] & 0xC0)) {
    start--;
  }
  if (start > 0 && 0 != ((unsigned char)out[start - 1] & 0x80)) {
    size_t lead = start - 1;
    unsigned char c = (unsigned char)out[lead];
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    if (lead + len > o) {
      o = lead;
    }
  }
  while (o > 0 && ' ' == out[o - 1]) {
    o--;
  }
  memcpy(out + o, ellipsis, sizeof ellipsis);
}

char *analysis_report_csv(const struct analysis_report *rep, const struct analysis_csv_texts *t,
                          size_t *out_len) {
  struct csv *c = csv_new((size_t)64 << 20);
  for (size_t k = 0; k < ANALYSIS_CSV_COLS; k++) {
    csv_text(c, t->headings[k]);
  }
  csv_end_record(c);
  for (size_t i = 0; i < rep->nitems; i++) {
    const struct analysis_report_item *col = &rep->items[i];
    char key[48];
    csv_text(c, col->item->id);
    csv_text(c, col->unit_code);
    csv_text(c, exam_item_type_name(col->item->type));
    csv_text(c, col->item->prompt);
    csv_number(c, (double)col->stats.n, 0);
    csv_number(c, col->stats.n > 0 ? col->stats.facility : NAN, 2);
    snprintf(key, sizeof key, "analysis.%s",
             analysis_band_name(analysis_facility_band(&col->stats)));
    csv_text(c, t->label(t->ctx, key));
    csv_number(c, col->stats.has_discrimination ? col->stats.discrimination : NAN, 2);
    snprintf(key, sizeof key, "analysis.%s",
             analysis_band_name(analysis_discrimination_band(&col->stats)));
    csv_text(c, t->label(t->ctx, key));
    csv_text(c, analysis_small_sample(col->stats.n) ? t->yes : t->no);
    csv_end_record(c);
  }
  return csv_take(c, out_len);
}
