/*
 * Health and readiness: /healthz says what is running (version, store, exams loaded);
 * /readyz answers 503 until the service can take traffic.
 */
#include <string.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "common/catalog.h"
#include "http/handlers.h"
#include "http/server.h"
#include "store/store.h"
#include "ujikom/json_compact.h"

static size_t exams_loaded(struct svc *svc) {
  const struct exam **exams = NULL;
  size_t n = 0;
  if (NULL == svc->catalog || 0 != catalog_list(svc->catalog, &exams, &n)) {
    n = 0;
  }
  free(exams);
  return n;
}

static json_t *health_body(struct req *r, int *out_store_rc, size_t *out_exams) {
  struct svc *svc = r->svc;
  int src = store_health(svc->store);
  *out_store_rc = src;
  size_t n = exams_loaded(svc);
  *out_exams = n;
  return json_pack("{s:s, s:s, s:s, s:I, s:I}", "status", STORE_OK == src ? "ok" : "degraded",
                   "version", UJIKOM_VERSION, "store", STORE_OK == src ? "ok" : store_rc_name(src),
                   "exams", (json_int_t)n, "uptime_s",
                   (json_int_t)((r->now_ms - svc->started_ms) / 1000));
}

/* /healthz is polled by load balancers and monitors, so its answer is built at most once a
 * second (one store check, one exam count) and shared by every request in that second.
 * It is as true as the uptime it reports: the store's and the catalogue's state are at
 * most one second old; the next second's first request checks again. */
static pthread_mutex_t health_mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t health_second = -1;
static const struct svc *health_svc;
static struct prebuilt *health_answer;

static struct prebuilt *build_healthz(struct req *r) {
  int src;
  size_t exams;
  json_t *body = health_body(r, &src, &exams);
  char *text = NULL == body ? NULL : json_compact(body, false);
  json_decref(body);
  if (NULL == text) {
    return NULL;
  }
  struct prebuilt *p =
      prebuilt_new(200, "application/json; charset=utf-8", text, strlen(text), true, NULL);
  free(text);
  return p;
}

int h_healthz(struct req *r) {
  int64_t second = r->now_ms / 1000;
  pthread_mutex_lock(&health_mu);
  if (second != health_second || r->svc != health_svc || NULL == health_answer) {
    struct prebuilt *fresh = build_healthz(r);
    prebuilt_release(health_answer); /* requests holding it keep it until queued */
    health_answer = fresh;
    health_second = NULL == fresh ? -1 : second;
    health_svc = r->svc;
  }
  struct prebuilt *p = health_answer;
  if (NULL != p) {
    prebuilt_ref(p);
  }
  pthread_mutex_unlock(&health_mu);
  return reply_prebuilt_held(r, p);
}

int h_readyz(struct req *r) {
  int src;
  size_t exams;
  json_t *body = health_body(r, &src, &exams);
  return reply_json(r, STORE_OK == src && exams > 0 ? 200 : 503, body);
}
