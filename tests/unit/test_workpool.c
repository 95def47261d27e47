/*
 * Tests of the work pool: every accepted job runs exactly once whoever submits it, a full
 * queue refuses (the caller runs the job itself), and stopping runs what was queued first.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "http/workpool.h"

#define SUBMITTERS    4
#define PER_SUBMITTER 2000

static atomic_int runs[SUBMITTERS * PER_SUBMITTER];

static void count_job(void *arg) {
  atomic_fetch_add(&runs[(size_t)(uintptr_t)arg], 1);
}

struct submitter {
  struct workpool *wp;
  int first;
  int inline_runs;
};

static void *submit_main(void *arg) {
  struct submitter *s = arg;
  for (int i = s->first; i < s->first + PER_SUBMITTER; i++) {
    if (0 != workpool_submit(s->wp, count_job, (void *)(uintptr_t)i)) {
      count_job((void *)(uintptr_t)i); /* refused: the caller runs it, as the server does */
      s->inline_runs++;
    }
  }
  return NULL;
}

static void every_job_runs_once(void **state) {
  (void)state;
  struct workpool *wp = NULL;
  assert_int_equal(0, workpool_start(&wp, 8, 64));
  pthread_t t[SUBMITTERS];
  struct submitter s[SUBMITTERS];
  for (int i = 0; i < SUBMITTERS; i++) {
    s[i] = (struct submitter){wp, i * PER_SUBMITTER, 0};
    assert_int_equal(0, pthread_create(&t[i], NULL, submit_main, &s[i]));
  }
  for (int i = 0; i < SUBMITTERS; i++) {
    pthread_join(t[i], NULL);
  }
  workpool_stop(wp);
  for (int i = 0; i < SUBMITTERS * PER_SUBMITTER; i++) {
    assert_int_equal(1, atomic_load(&runs[i]));
  }
}

static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int gate_open;
static atomic_int gated_done;

static void gated_job(void *arg) {
  (void)arg;
  pthread_mutex_lock(&gate_mu);
  while (!gate_open) {
    pthread_cond_wait(&gate_cv, &gate_mu);
  }
  pthread_mutex_unlock(&gate_mu);
  atomic_fetch_add(&gated_done, 1);
}

static void full_queue_refuses_and_stop_drains(void **state) {
  (void)state;
  struct workpool *wp = NULL;
  assert_int_equal(0, workpool_start(&wp, 1, 2));
  /* The one thread takes the first job and blocks in it; two more fill the queue. */
  assert_int_equal(0, workpool_submit(wp, gated_job, NULL));
  int queued = 1;
  for (int tries = 0; tries < 1000 && queued < 3; tries++) {
    if (0 == workpool_submit(wp, gated_job, NULL)) {
      queued++;
    } else {
      usleep(1000); /* the thread has not taken the first job yet */
    }
  }
  assert_int_equal(3, queued);
  assert_int_equal(-1, workpool_submit(wp, gated_job, NULL));
  pthread_mutex_lock(&gate_mu);
  gate_open = 1;
  pthread_cond_broadcast(&gate_cv);
  pthread_mutex_unlock(&gate_mu);
  workpool_stop(wp); /* runs both queued jobs before returning */
  assert_int_equal(3, atomic_load(&gated_done));
}

/* After a drain the pool refuses jobs (the server then runs them itself) but stays valid:
 * the daemon's workers may still submit until libmicrohttpd has stopped. */
static void drained_pool_refuses(void **state) {
  (void)state;
  struct workpool *wp = NULL;
  assert_int_equal(0, workpool_start(&wp, 2, 8));
  atomic_store(&gated_done, 0);
  gate_open = 1;
  assert_int_equal(0, workpool_submit(wp, gated_job, NULL));
  workpool_drain(wp);
  assert_int_equal(1, atomic_load(&gated_done)); /* what was accepted has run */
  assert_int_equal(-1, workpool_submit(wp, gated_job, NULL));
  workpool_drain(wp); /* twice is harmless */
  workpool_stop(wp);
  assert_int_equal(1, atomic_load(&gated_done));
}

static void bad_arguments(void **state) {
  (void)state;
  struct workpool *wp = (struct workpool *)1;
  assert_int_equal(-1, workpool_start(&wp, 0, 8));
  assert_null(wp);
  assert_int_equal(-1, workpool_start(&wp, 2, 0));
  workpool_stop(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_job_runs_once),
      cmocka_unit_test(full_queue_refuses_and_stop_drains),
      cmocka_unit_test(drained_pool_refuses),
      cmocka_unit_test(bad_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
