/*
 * Health and readiness: /healthz says what is running (version, store, exams loaded);
 * /readyz answers 503 until the service can take traffic.
 */
#include <time.h>

#include "http/handlers.h"
#include "store/store.h"

static json_t *health_body(struct req *r, int *out_store_rc) {
  struct svc *svc = r->svc;
  int src = store_health(svc->store);
  *out_store_rc = src;
  return json_pack("{s:s, s:s, s:s, s:I, s:I}", "status", STORE_OK == src ? "ok" : "degraded",
                   "version", UJIKOM_VERSION, "store", STORE_OK == src ? "ok" : store_rc_name(src),
                   "exams", (json_int_t)0, "uptime_s",
                   (json_int_t)((r->now_ms - svc->started_ms) / 1000));
}

int h_healthz(struct req *r) {
  int src;
  json_t *body = health_body(r, &src);
  return reply_json(r, 200, body);
}

int h_readyz(struct req *r) {
  int src;
  json_t *body = health_body(r, &src);
  return reply_json(r, STORE_OK == src ? 200 : 503, body);
}
