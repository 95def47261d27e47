/*
 * GET /api/subsectors: the 17 creative-economy subsectors (data from the exam catalogue)
 * with the number of exams currently offered in each.
 */
#include <stdlib.h>
#include <string.h>

#include "common/catalog.h"
#include "http/handlers.h"

int h_subsectors_list(struct req *r) {
  if (NULL == r->svc->catalog) {
    return reply_error(r, ERR_UNAVAILABLE, "The exam catalogue is not loaded.");
  }
  const struct exam_subsectors *subs = catalog_subsectors(r->svc->catalog);
  const struct exam **exams = NULL;
  size_t nexams = 0;
  if (NULL == subs || 0 != catalog_list(r->svc->catalog, &exams, &nexams)) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  json_t *list = json_array();
  for (size_t i = 0; NULL != list && i < subs->n; i++) {
    const struct exam_subsector *s = &subs->items[i];
    json_int_t count = 0;
    for (size_t k = 0; k < nexams; k++) {
      count += 0 == strcmp(exams[k]->subsector, s->code);
    }
    json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:I}", "code", s->code, "name_id",
                                          s->name_id, "name_en", s->name_en, "exams", count));
  }
  free(exams);
  return reply_json_list(r, "subsectors", list);
}
