/*
 * The request watchdog: a thread that, every 250 ms, shuts down the socket of each
 * connection whose request head or body has taken longer than its limit. libmicrohttpd then
 * sees the end of the stream and closes the connection; a cut body is never handed to the
 * application.
 */
#include "http/headwatch.h"

#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "ujikom/clock.h"

/* The entry (and so the descriptor) stays the adapter's until headwatch_remove, which comes
 * before libmicrohttpd closes the descriptor, so a reused descriptor is never touched. */
static void *watchdog_main(void *arg) {
  struct headwatch *hw = arg;
  while (!atomic_load(&hw->stopping)) {
    struct timespec nap = {0, 250L * 1000 * 1000};
    nanosleep(&nap, NULL);
    int64_t now = clock_mono_ms();
    pthread_mutex_lock(&hw->mu);
    for (struct conn_watch *w = hw->list; NULL != w; w = w->next) {
      int64_t since = atomic_load_explicit(&w->head_since_ms, memory_order_relaxed);
      int64_t body = atomic_load_explicit(&w->body_since_ms, memory_order_relaxed);
      if (!w->cut && ((0 != since && now - since > hw->timeout_ms) ||
                      (0 != body && now - body > hw->body_timeout_ms))) {
        headwatch_cut(w);
      }
    }
    pthread_mutex_unlock(&hw->mu);
  }
  return NULL;
}

void headwatch_init(struct headwatch *hw, int64_t timeout_ms, int64_t body_timeout_ms) {
  hw->list = NULL;
  hw->started = false;
  hw->timeout_ms = timeout_ms;
  hw->body_timeout_ms = body_timeout_ms;
  atomic_init(&hw->stopping, false);
  pthread_mutex_init(&hw->mu, NULL);
}

int headwatch_run(struct headwatch *hw) {
  int rc = pthread_create(&hw->thread, NULL, watchdog_main, hw);
  hw->started = 0 == rc;
  return rc;
}

void headwatch_stop(struct headwatch *hw) {
  atomic_store(&hw->stopping, true);
  if (hw->started) {
    pthread_join(hw->thread, NULL);
  }
  hw->started = false;
  pthread_mutex_destroy(&hw->mu);
}

void headwatch_cut(struct conn_watch *w) {
  if (w->cut) {
    return;
  }
  shutdown(w->fd, SHUT_RDWR);
  w->cut = true;
  if (NULL != w->open) {
    atomic_fetch_sub(w->open, 1);
  }
}

struct conn_watch *headwatch_add(struct headwatch *hw, int fd, void *conn, atomic_long *open) {
  struct conn_watch *w = calloc(1, sizeof(*w));
  if (NULL == w) {
    return NULL;
  }
  w->fd = fd;
  w->conn = conn;
  w->open = open;
  atomic_init(&w->worker, 0);
  atomic_init(&w->in_head, false);
  atomic_init(&w->head_since_ms, clock_mono_ms());
  atomic_init(&w->body_since_ms, 0);
  pthread_mutex_lock(&hw->mu);
  w->next = hw->list;
  if (NULL != w->next) {
    w->next->prev = w;
  }
  hw->list = w;
  pthread_mutex_unlock(&hw->mu);
  return w;
}

bool headwatch_remove(struct headwatch *hw, struct conn_watch *w) {
  if (NULL == w) {
    return false;
  }
  pthread_mutex_lock(&hw->mu);
  bool cut = w->cut;
  if (NULL != w->prev) {
    w->prev->next = w->next;
  } else {
    hw->list = w->next;
  }
  if (NULL != w->next) {
    w->next->prev = w->prev;
  }
  pthread_mutex_unlock(&hw->mu);
  free(w);
  return cut;
}

void headwatch_each(struct headwatch *hw, bool (*fn)(struct conn_watch *w, void *arg), void *arg) {
  pthread_mutex_lock(&hw->mu);
  for (struct conn_watch *w = hw->list; NULL != w; w = w->next) {
    if (fn(w, arg)) {
      break;
    }
  }
  pthread_mutex_unlock(&hw->mu);
}
