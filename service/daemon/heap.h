/*
 * The daemon's heap, kept near what it uses (glibc's allocator; a no-op elsewhere):
 *
 * - heap_limit_arenas, once before any thread starts: at most one malloc arena per online
 *   processor (at least two), instead of glibc's eight per processor. Each of the daemon's
 *   threads (HTTP workers, writers, the mailer, ...) would otherwise end up with an arena of
 *   its own, and memory one thread freed stays in that thread's arena, resident, where no
 *   other thread reuses it. An operator's own MALLOC_ARENA_MAX or glibc.malloc.arena_max
 *   tunable is left as set.
 * - heap_release, from time to time (the main thread, between sweeps): hands the free parts
 *   of the heap back to the kernel (malloc_trim), after bursts such as a roster import, a
 *   batch of check-in codes or thousands of connections closing.
 */
#ifndef UJIKOM_HEAP_H
#define UJIKOM_HEAP_H

/* Returns the arena limit set, or 0 when none was (the operator's, or not glibc). */
int heap_limit_arenas(void);
void heap_release(void);

#endif
