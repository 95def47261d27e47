/*
 * The one clock: wall-clock and monotonic time in milliseconds. It lives beside the core's
 * headers because every layer needs it (the store stamps transactions and bounds its lock
 * waits, the application layer dates certificates, the server stamps requests, the CLI and
 * daemon run timers) and the core is the only layer all of them may include; the store may
 * not include the application layer. The core's own functions never read it: they take the
 * time as an argument, so they stay deterministic and a verifier linking the core alone
 * links no clock. Header-only (static inline), so lock-wait loops and the request path pay
 * no call for it.
 */
#ifndef UJIKOM_CLOCK_H
#define UJIKOM_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Milliseconds since the epoch (CLOCK_REALTIME): for timestamps that are stored or shown. */
static inline int64_t clock_wall_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whole seconds since the epoch (CLOCK_REALTIME). */
static inline int64_t clock_wall_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec;
}

/* Milliseconds of CLOCK_MONOTONIC: for durations and deadlines, which must not jump when
 * the wall clock is set. */
static inline int64_t clock_mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* CLOCK_REALTIME wait_ms from now (negative: now), as pthread_cond_timedwait and
 * pthread_mutex_timedlock take their deadlines. */
static inline struct timespec clock_realtime_after(int64_t wait_ms) {
  struct timespec ts;
  if (wait_ms < 0) {
    wait_ms = 0;
  }
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_sec += (time_t)(wait_ms / 1000);
  ts.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
  if (ts.tv_nsec >= 1000000000L) {
    ts.tv_sec++;
    ts.tv_nsec -= 1000000000L;
  }
  return ts;
}

#endif
