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
#include <unistd.h>

#include "ujikom/clock.h"
#include "ujikom/timefmt.h"
#include "ujikom/utf8.h"

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
  if (n > room) {
    n = room;
  }
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

/* "2026-11-22T08:00:00.123Z LEVEL [id] ". Each thread keeps the text of the last second
 * it wrote, so most lines only fill in the milliseconds. */
static void put_prefix(struct line *l, enum log_level level, const char *request_id) {
  static _Thread_local int64_t cached_sec = INT64_MIN;
  static _Thread_local char cached[LOG_TIME_TEXT_LEN + 1];
  int64_t now_ms = clock_wall_ms();
  int64_t sec = now_ms / 1000;
  if (sec != cached_sec) {
    time_format_iso_ms(cached, sec, 0);
    cached_sec = sec;
  }
  unsigned ms = (unsigned)(now_ms % 1000);
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

/* Client text reaches log lines (paths, JSON keys echoed in error details, ...), so every
 * line is escaped here, where no caller can forget it: control bytes (C0, DEL), C1 controls
 * and the Unicode line and paragraph separators (written byte by byte), bytes that are not
 * well-formed UTF-8, and the backslash itself are written as \xNN; with fields set, spaces too
 * (a path cannot shift the fields after it). Well-formed UTF-8 text stays as it is. Neither an
 * escape nor a character that no longer fits is cut in half. */
/* A run of text that needs no escapes, cut at the line's end without splitting a
 * character. */
static void put_run(struct line *l, const char *s, size_t n) {
  put(l, s, utf8_cut(s, n, sizeof(l->buf) - 2 - l->len));
}

static void put_escaped(struct line *l, const char *s, size_t n, bool fields) {
  static const char hex[] = "0123456789abcdef";
  size_t run = 0;
  size_t i = 0;
  while (i < n) {
    unsigned char c = (unsigned char)s[i];
    size_t len = 1;
    bool escape;
    if (c < 0x80) {
      escape = c < ' ' || c == 0x7f || c == '\\' || (fields && c == ' ');
    } else {
      uint32_t cp = 0;
      len = utf8_decode(s + i, n - i, &cp);
      escape = 0 == len || (cp >= 0x80 && cp <= 0x9f) || 0x2028 == cp || 0x2029 == cp;
      if (0 == len) {
        len = 1;
      }
    }
    if (!escape) {
      i += len;
      continue;
    }
    put_run(l, s + run, i - run);
    for (size_t k = 0; k < len; k++) {
      unsigned char b = (unsigned char)s[i + k];
      char esc[4] = {'\\', 'x', hex[b >> 4], hex[b & 15]};
      if (sizeof(l->buf) - 2 - l->len < sizeof esc) {
        return;
      }
      put(l, esc, sizeof esc);
    }
    i += len;
    run = i;
  }
  put_run(l, s + run, n - run);
}

void log_access(const char *request_id, const char *method, const char *path, unsigned status,
                size_t bytes, uint64_t elapsed_ns, bool aborted) {
  if ((int)LOG_INFO > atomic_load(&threshold)) {
    return;
  }
  struct line l;
  l.len = 0;
  put_prefix(&l, LOG_INFO, request_id);
  put_escaped(&l, method, strlen(method), true);
  put(&l, " ", 1);
  put_escaped(&l, path, strlen(path), true);
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
  if (aborted) {
    put_str(&l, " (aborted)");
  }
  emit(&l);
}

void log_msg(enum log_level level, const char *request_id, const char *fmt, ...) {
  if ((int)level > atomic_load(&threshold)) {
    return;
  }
  struct line l;
  l.len = 0;
  put_prefix(&l, level, request_id);
  char text[LINE_MAX_BYTES];
  va_list ap;
  va_start(ap, fmt);
  int m = vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  if (m > 0) {
    put_escaped(&l, text, (size_t)m < sizeof text ? (size_t)m : sizeof text - 1, false);
  }
  emit(&l);
}
