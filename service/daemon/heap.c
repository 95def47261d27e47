/* The daemon's heap (see heap.h). */
#include "heap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

int heap_limit_arenas(void) {
#ifdef __GLIBC__
  const char *tunables = getenv("GLIBC_TUNABLES");
  if (NULL != getenv("MALLOC_ARENA_MAX") ||
      (NULL != tunables && NULL != strstr(tunables, "glibc.malloc.arena_max"))) {
    return 0;
  }
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  int arenas = cpus < 2 ? 2 : cpus > 64 ? 64 : (int)cpus;
  return 1 == mallopt(M_ARENA_MAX, arenas) ? arenas : 0;
#else
  return 0;
#endif
}

void heap_release(void) {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}
