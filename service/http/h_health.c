/*
 * Health and readiness: /healthz says what is running (version, store, exams loaded);
 * /readyz answers 503 until the service can take traffic.
 */
#include <time.h>

#include <stdlib.h>

#include "common/catalog.h"
#include "http/handlers.h"
#include "store/store.h"

static json_t *health_body(struct req *r, int *out_store_rc, size_t *out_exams) {
  struct svc *svc = r->svc;
  int src = store_health(svc->store);
  *out_store_rc = src;
  const struct exam **exams = NULL;
  size_t n = 0;
  if (NULL == svc->catalog || 0 != catalog_list(svc->catalog, &exams, &n))
    n = 0;
  free(exams);
  *out_exams = n;
  return json_pack("{s:s, s:s, s:s, s:I, s:I}", "status", STORE_OK == src ? "ok" : "degraded",
                   "version", UJIKOM_VERSION, "store", STORE_OK == src ? "ok" : store_rc_name(src),
                   "exams", (json_int_t)n, "uptime_s",
                   (json_int_t)((r->now_ms - svc->started_ms) / 1000));
}

int h_healthz(struct req *r) {
  int src;
  size_t exams;
  json_t *body = health_body(r, &src, &exams);
  return reply_json(r, 200, body);
}

int h_readyz(struct req *r) {
  int src;
  size_t exams;
  json_t *body = health_body(r, &src, &exams);
  return reply_json(r, STORE_OK == src && exams > 0 ? 200 : 503, body);
}
