/*
 * Line-oriented logging to stderr. Lines are written with one write() so concurrent
 * threads never interleave inside a line.
 */
#include "common/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
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

static const char *const tags[] = {"ERROR", "WARN", "INFO", "DEBUG"};

#define LINE_MAX_BYTES 2048

/* A line being built: text is cut at the line's capacity. */
struct line {
  char buf[LINE_MAX_BYTES];
  size_t len;
};

/* Lines hold at most sizeof(buf) - 2 bytes of text before their newline, as ever. */
static void put(struct line *l, const char *s, size_t n) {
  size_t room = sizeof(l->buf) - 2 - l->len;
  if (n > room)
    n = room;
  memcpy(l->buf + l->len, s, n);
  l->len += n;
}

static void put_str(struct line *l, const char *s) {
  put(l, s, strlen(s));
}

/* Decimal digits of v, at least min_digits (zero-padded). */
static void put_uint(struct line *l, uint64_t v, int min_digits) {
  char d[24];
  int n = 0;
  do {
    d[sizeof(d) - 1 - (size_t)n++] = (char)('0' + v % 10);
    v /= 10;
  } while (0 != v || n < min_digits);
  put(l, d + sizeof(d) - (size_t)n, (size_t)n);
}

size_t log_time_text(char out[LOG_TIME_TEXT_LEN + 1], int64_t secs, long nsec) {
  /* The civil date comes from the day count by arithmetic (proleptic Gregorian calendar,
   * as gmtime_r's; H. Hinnant's civil_from_days), not gmtime_r, which costs more than the
   * rest of a line. */
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int64_t sod = secs - days * 86400;
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t day = doy - (153 * mp + 2) / 5 + 1;
  int64_t month = mp < 10 ? mp + 3 : mp - 9;
  int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999)
    year = 0; /* outside what four digits say */
  unsigned ms = (unsigned)(nsec / 1000000) % 1000;
  unsigned v[] = {(unsigned)year / 100, (unsigned)year % 100,   (unsigned)month,
                  (unsigned)day,        (unsigned)(sod / 3600), (unsigned)(sod / 60 % 60),
                  (unsigned)(sod % 60)};
  static const char seps[] = {0, 0, '-', '-', 'T', ':', ':'}; /* before each of v */
  size_t o = 0;
  for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
    if (i > 0 && '\0' != seps[i])
      out[o++] = seps[i];
    out[o++] = (char)('0' + v[i] / 10 % 10);
    out[o++] = (char)('0' + v[i] % 10);
  }
  out[o++] = '.';
  out[o++] = (char)('0' + ms / 100);
  out[o++] = (char)('0' + ms / 10 % 10);
  out[o++] = (char)('0' + ms % 10);
  out[o++] = 'Z';
  out[o] = '\0';
  return o;
}

/* "2026-11-22T08:00:00.123Z LEVEL [id] ". Each thread keeps the text of the last second
 * it wrote, so most lines only fill in the milliseconds. */
static void put_prefix(struct line *l, enum log_level level, const char *request_id) {
  static _Thread_local int64_t cached_sec = INT64_MIN;
  static _Thread_local char cached[LOG_TIME_TEXT_LEN + 1];
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  if ((int64_t)ts.tv_sec != cached_sec) {
    log_time_text(cached, (int64_t)ts.tv_sec, 0);
    cached_sec = (int64_t)ts.tv_sec;
  }
  unsigned ms = (unsigned)(ts.tv_nsec / 1000000) % 1000;
  cached[20] = (char)('0' + ms / 100);
  cached[21] = (char)('0' + ms / 10 % 10);
  cached[22] = (char)('0' + ms % 10);
  put(l, cached, LOG_TIME_TEXT_LEN);
  put(l, " ", 1);
  put_str(l, tags[level]);
  put(l, " [", 2);
  put_str(l, request_id ? request_id : "-");
  put(l, "] ", 2);
}

static void emit(struct line *l) {
  l->buf[l->len++] = '\n';
  ssize_t w = write(STDERR_FILENO, l->buf, l->len);
  (void)w;
}

/* A request path as the client sent it (decoded): control bytes, spaces and backslashes are
 * written as \xNN, so a path cannot end the line, forge another line or shift the fields. */
static void put_path(struct line *l, const char *path) {
  static const char hex[] = "0123456789abcdef";
  const char *run = path;
  for (const char *p = path;; p++) {
    unsigned char c = (unsigned char)*p;
    if ('\0' != c && c > ' ' && c != 0x7f && c != '\\')
      continue;
    put(l, run, (size_t)(p - run));
    if ('\0' == c)
      return;
    char esc[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
    put(l, esc, sizeof esc);
    run = p + 1;
  }
}

void log_access(const char *request_id, const char *method, const char *path, unsigned status,
                size_t bytes, uint64_t elapsed_ns, bool aborted) {
  if ((int)LOG_INFO > atomic_load(&threshold))
    return;
  struct line l;
  l.len = 0;
  put_prefix(&l, LOG_INFO, request_id);
  put_str(&l, method);
  put(&l, " ", 1);
  put_path(&l, path);
  put(&l, " ", 1);
  put_uint(&l, status, 1);
  put(&l, " ", 1);
  put_uint(&l, bytes, 1);
  put(&l, " ", 1);
  uint64_t tenths = (elapsed_ns + 50000) / 100000; /* ms to one decimal, rounded */
  put_uint(&l, tenths / 10, 1);
  put(&l, ".", 1);
  put_uint(&l, tenths % 10, 1);
  put(&l, "ms", 2);
  if (aborted)
    put_str(&l, " (aborted)");
  emit(&l);
}

void log_msg(enum log_level level, const char *request_id, const char *fmt, ...) {
  if ((int)level > atomic_load(&threshold))
    return;
  struct line l;
  l.len = 0;
  put_prefix(&l, level, request_id);
  char *line = l.buf;
  size_t len = l.len;
  va_list ap;
  va_start(ap, fmt);
  int m = vsnprintf(line + len, sizeof(l.buf) - len, fmt, ap);
  va_end(ap);
  if (m > 0)
    len += (size_t)m < sizeof(l.buf) - len ? (size_t)m : sizeof(l.buf) - len - 1;
  if (len >= sizeof(l.buf) - 1)
    len = sizeof(l.buf) - 2;
  l.len = len;
  emit(&l);
}
