/*
 * A pool of threads that run jobs handed over by libmicrohttpd's workers. A worker that runs
 * a request which waits (for its group commit, or while hashing a password) serves none of
 * the other connections it owns for that long; handing such a request to this pool — its
 * connection suspended meanwhile — keeps the workers polling, and lets as many writes wait
 * for one commit as this pool has threads.
 */
#ifndef UJIKOM_WORKPOOL_H
#define UJIKOM_WORKPOOL_H

#include <stddef.h>

struct workpool;

typedef void (*workpool_fn)(void *arg);

/* Starts `threads` threads with room for `queue` waiting jobs. Returns 0 and *out, or -1. */
int workpool_start(struct workpool **out, unsigned threads, size_t queue);
/* Queues fn(arg) for a pool thread. Returns 0, or -1 when the queue is full or the pool is
 * stopping: the caller then runs the job itself. */
int workpool_submit(struct workpool *wp, workpool_fn fn, void *arg);
/* Stops taking jobs (workpool_submit returns -1 from now on), runs every job already queued
 * and joins the threads; the pool stays valid for callers that may still submit. NULL
 * allowed. */
void workpool_drain(struct workpool *wp);
/* workpool_drain, then frees the pool (no other thread may use it any more); NULL allowed. */
void workpool_stop(struct workpool *wp);

#endif
