/*
 * Line-oriented logging to stderr. Lines are written with one write() so concurrent
 * threads never interleave inside a line.
 */
#include "common/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The threshold is configuration, written once at start-up before any thread exists. */
static atomic_int threshold = LOG_INFO;

int log_set_level(const char *name) {
  static const char *const names[] = {"error", "warn", "info", "debug"};
  for (int i = 0; i < 4; i++) {
    if (0 == strcmp(name, names[i])) {
      atomic_store(&threshold, i);
      return 0;
    }
  }
  return -1;
}

void log_msg(enum log_level level, const char *request_id, const char *fmt, ...) {
  static const char *const tags[] = {"ERROR", "WARN", "INFO", "DEBUG"};
  if ((int)level > atomic_load(&threshold))
    return;
  char line[2048];
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  int n = snprintf(line, sizeof(line), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s [%s] ",
                   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                   ts.tv_nsec / 1000000, tags[level], request_id ? request_id : "-");
  if (n < 0)
    return;
  size_t len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
  va_list ap;
  va_start(ap, fmt);
  int m = vsnprintf(line + len, sizeof(line) - len, fmt, ap);
  va_end(ap);
  if (m > 0)
    len += (size_t)m < sizeof(line) - len ? (size_t)m : sizeof(line) - len - 1;
  if (len >= sizeof(line) - 1)
    len = sizeof(line) - 2;
  line[len++] = '\n';
  ssize_t w = write(STDERR_FILENO, line, len);
  (void)w;
}
