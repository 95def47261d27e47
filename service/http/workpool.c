/*
 * A fixed ring of jobs under one mutex: submitters signal one idle thread; a thread takes
 * jobs until the ring is empty, then waits. Stopping lets the threads empty the ring first,
 * so a job that was accepted always runs (its connection is waiting to be resumed).
 */
#include "http/workpool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct job {
  workpool_fn fn;
  void *arg;
};

struct workpool {
  pthread_mutex_t mu;
  pthread_cond_t more;
  struct job *ring;
  size_t cap, head, count;
  bool stopping;
  pthread_t *threads;
  unsigned nthreads;
};

static void *pool_main(void *arg) {
  struct workpool *wp = arg;
  pthread_mutex_lock(&wp->mu);
  for (;;) {
    while (0 == wp->count && !wp->stopping) {
      pthread_cond_wait(&wp->more, &wp->mu);
    }
    if (0 == wp->count) {
      break; /* stopping, and nothing left to run */
    }
    struct job j = wp->ring[wp->head];
    wp->head = (wp->head + 1) % wp->cap;
    wp->count--;
    pthread_mutex_unlock(&wp->mu);
    j.fn(j.arg);
    pthread_mutex_lock(&wp->mu);
  }
  pthread_mutex_unlock(&wp->mu);
  return NULL;
}

int workpool_start(struct workpool **out, unsigned threads, size_t queue) {
  *out = NULL;
  if (0 == threads || 0 == queue) {
    return -1;
  }
  struct workpool *wp = calloc(1, sizeof(*wp));
  if (NULL == wp) {
    return -1;
  }
  wp->ring = calloc(queue, sizeof(*wp->ring));
  wp->threads = calloc(threads, sizeof(*wp->threads));
  if (NULL == wp->ring || NULL == wp->threads) {
    free(wp->ring);
    free(wp->threads);
    free(wp);
    return -1;
  }
  wp->cap = queue;
  pthread_mutex_init(&wp->mu, NULL);
  pthread_cond_init(&wp->more, NULL);
  for (unsigned i = 0; i < threads; i++) {
    if (0 != pthread_create(&wp->threads[i], NULL, pool_main, wp)) {
      break;
    }
    wp->nthreads++;
  }
  if (0 == wp->nthreads) {
    workpool_stop(wp);
    return -1;
  }
  *out = wp;
  return 0;
}

int workpool_submit(struct workpool *wp, workpool_fn fn, void *arg) {
  int rc = -1;
  pthread_mutex_lock(&wp->mu);
  if (!wp->stopping && wp->count < wp->cap) {
    wp->ring[(wp->head + wp->count) % wp->cap] = (struct job){fn, arg};
    wp->count++;
    rc = 0;
  }
  pthread_mutex_unlock(&wp->mu);
  if (0 == rc) {
    /* Signalled after the unlock: a thread woken while we still held mu would run (the
     * submitter is an event-loop worker sharing its core) only to sleep again on mu. The pool
     * outlives every submit, and a thread that took the job meanwhile just finds the ring
     * empty, so nothing is lost. */
    pthread_cond_signal(&wp->more);
  }
  return rc;
}

void workpool_drain(struct workpool *wp) {
  if (NULL == wp) {
    return;
  }
  pthread_mutex_lock(&wp->mu);
  wp->stopping = true;
  pthread_cond_broadcast(&wp->more);
  pthread_mutex_unlock(&wp->mu);
  for (unsigned i = 0; i < wp->nthreads; i++) {
    pthread_join(wp->threads[i], NULL);
  }
  wp->nthreads = 0; /* joined: a second drain has nothing to wait for */
}

void workpool_stop(struct workpool *wp) {
  if (NULL == wp) {
    return;
  }
  workpool_drain(wp);
  pthread_cond_destroy(&wp->more);
  pthread_mutex_destroy(&wp->mu);
  free(wp->threads);
  free(wp->ring);
  free(wp);
}
