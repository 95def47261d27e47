/*
 * The request-head and request-body deadlines. libmicrohttpd's timeout measures idleness
 * only, so a client sending one byte every few seconds would hold a connection forever; the
 * watchdog cuts a head that is not complete within --conn-timeout and a body that is not
 * complete within --body-timeout of its head. The adapter (server.c) keeps one entry per
 * connection and starts and stops its clocks around each request head and body.
 */
#ifndef UJIKOM_HEADWATCH_H
#define UJIKOM_HEADWATCH_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* A connection's clocks for its request head and body. */
struct conn_watch {
  struct conn_watch *prev, *next; /* under the watchdog's lock */
  int fd;
  /* monotonic ms; 0 while a request head is complete. Set by the connection's worker
   * without the list lock (twice per request), read by the watchdog under it. */
  atomic_llong head_since_ms;
  /* monotonic ms; 0 unless a request body is being received. Same discipline. */
  atomic_llong body_since_ms;
  bool cut; /* under the list lock; see headwatch_cut */
  /* The server's count of open connections (NULL: none): a cut connection gives its place
   * back at once, not when libmicrohttpd gets round to closing it. */
  atomic_long *open;
  /* The adapter's (see server.c): the library's connection, set once before the entry is
   * listed; the thread that read the current request target (an address unique to it);
   * whether that request's head is read but not yet handed to the application. */
  void *conn;
  atomic_uintptr_t worker;
  atomic_bool in_head;
};

/* The entries and the thread that checks them; embedded in the server. */
struct headwatch {
  pthread_mutex_t mu;
  struct conn_watch *list; /* under mu */
  pthread_t thread;
  bool started;
  atomic_bool stopping;
  int64_t timeout_ms;      /* a request head */
  int64_t body_timeout_ms; /* a request body, from the end of its head */
};

/* Prepares hw (no thread yet) for heads that may take timeout_ms and bodies that may take
 * body_timeout_ms. */
void headwatch_init(struct headwatch *hw, int64_t timeout_ms, int64_t body_timeout_ms);
/* Starts the thread. Returns 0 or pthread_create's error: then only the idle timeout
 * applies, and serving is still possible. */
int headwatch_run(struct headwatch *hw);
/* Stops and joins the thread (when it runs) and releases hw. Every entry must be gone. */
void headwatch_stop(struct headwatch *hw);

/* A new entry for the connection conn on fd, its head clock started now, counted in *open
 * (NULL: nowhere); NULL when out of memory (the connection is then unwatched). */
struct conn_watch *headwatch_add(struct headwatch *hw, int fd, void *conn, atomic_long *open);
/* Forgets and frees w (NULL allowed). Call before the descriptor is closed, so a reused
 * descriptor is never touched. True when w was cut: its place in *open is given back
 * already, and the caller must not give it back again. */
bool headwatch_remove(struct headwatch *hw, struct conn_watch *w);
/* Cuts w's connection (the list lock held, as in headwatch_each's fn): shuts its socket
 * down, so libmicrohttpd sees the end of the stream and closes it, and gives its place in
 * *open back now. The client sees the end at once; a new connection made then must not
 * be refused for a place the cut one still seemed to hold. Once per entry. */
void headwatch_cut(struct conn_watch *w);

/* Starts (since > 0) or stops (since == 0) the head clock of a connection's entry. The
 * entry lives until headwatch_remove, which comes after its last request, so its worker
 * may write the clock without the list lock. NULL is ignored. */
static inline void headwatch_set(struct conn_watch *w, int64_t since) {
  if (NULL != w) {
    atomic_store_explicit(&w->head_since_ms, since, memory_order_relaxed);
  }
}

/* Starts (since > 0) or stops (since == 0) the body clock of a connection's entry; the same
 * rules as headwatch_set. */
static inline void headwatch_set_body(struct conn_watch *w, int64_t since) {
  if (NULL != w) {
    atomic_store_explicit(&w->body_since_ms, since, memory_order_relaxed);
  }
}

/* Calls fn(w, arg) for every entry under the list lock, until fn returns true. */
void headwatch_each(struct headwatch *hw, bool (*fn)(struct conn_watch *w, void *arg), void *arg);

#endif
