/*
 * Line-oriented logging to stderr. A line is always written whole by one write(), alone or
 * with the lines gathered before it, so concurrent threads never interleave inside a line.
 * The daemon gathers its lines (log_buffer_start) and a thread of their own writes them:
 * one write per flush instead of one per request.
 */
#include "common/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

/* Writes all of s to stderr, across short writes and interruptions; gives up on an error
 * (a log line has nowhere else to go). */
static void write_all(const char *s, size_t n) {
  while (n > 0) {
    ssize_t w = write(STDERR_FILENO, s, n);
    if (w < 0 && EINTR == errno) {
      continue;
    }
    if (w <= 0) {
      return;
    }
    s += w;
    n -= (size_t)w;
  }
}

/* Gathered lines (log_buffer_start). Threads only append under `gather`; the flusher thread
 * alone writes: it swaps the filled buffer for its empty one and writes it without the lock,
 * so a slow write (a disk busy with another program's flushes) never holds up a thread that
 * logs. A thread waits only when GATHER_MAX bytes are waiting (the flusher is that far
 * behind), or for its own warning or error to be written. */
#define GATHER_FIRST ((size_t)64 * 1024) /* a buffer's first size; the flusher is woken here */
#define GATHER_MAX   ((size_t)1024 * 1024)
struct gathered {
  char *text;
  size_t len, cap;
};
static pthread_mutex_t gather = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tick = PTHREAD_COND_INITIALIZER;    /* wakes the flusher */
static pthread_cond_t written = PTHREAD_COND_INITIALIZER; /* the flusher wrote a buffer */
static struct gathered bufs[2];
static struct gathered *fill = &bufs[0];
static struct gathered *spare = &bufs[1];
static uint64_t appended_total, written_total; /* bytes, under `gather` */
static atomic_bool gathering;
static bool stopping;
static bool urgent; /* a warning or an error waits to be written */
static long flush_every_ms;
static pthread_t flusher;

/* Under `gather`: room for n more bytes in `fill` (it grows up to GATHER_MAX). */
static bool make_room(size_t n) {
  if (fill->len + n <= fill->cap) {
    return true;
  }
  size_t cap = fill->cap;
  while (cap < fill->len + n) {
    cap *= 2;
  }
  char *p = cap <= GATHER_MAX ? realloc(fill->text, cap) : NULL;
  if (NULL == p) {
    return false;
  }
  fill->text = p;
  fill->cap = cap;
  return true;
}

static void emit(struct line *l, enum log_level level) {
  l->buf[l->len++] = '\n';
  if (!atomic_load_explicit(&gathering, memory_order_acquire)) {
    write_all(l->buf, l->len);
    return;
  }
  pthread_mutex_lock(&gather);
  /* The flusher is GATHER_MAX behind: wait for it rather than grow without bound. */
  while (atomic_load_explicit(&gathering, memory_order_relaxed) && !make_room(l->len)) {
    pthread_cond_signal(&tick);
    pthread_cond_wait(&written, &gather);
  }
  if (!atomic_load_explicit(&gathering, memory_order_relaxed)) {
    pthread_mutex_unlock(&gather);
    write_all(l->buf, l->len);
    return;
  }
  memcpy(fill->text + fill->len, l->buf, l->len);
  fill->len += l->len;
  appended_total += l->len;
  uint64_t mine = appended_total;
  if (level <= LOG_WARN) {
    urgent = true;
  }
  if (urgent || fill->len >= GATHER_FIRST) {
    pthread_cond_signal(&tick);
  }
  /* A warning or an error is on stderr when log_msg returns, after the lines before it. */
  while (level <= LOG_WARN && written_total < mine) {
    pthread_cond_wait(&written, &gather);
  }
  pthread_mutex_unlock(&gather);
}

/* Every flush_every_ms, or sooner when GATHER_FIRST bytes wait, a warning does or the log
 * stops: what was gathered is written in one go. */
static void *flush_loop(void *arg) {
  (void)arg;
  pthread_mutex_lock(&gather);
  for (;;) {
    struct timespec until = clock_realtime_after(flush_every_ms);
    while (!stopping && !urgent && fill->len < GATHER_FIRST) {
      if (ETIMEDOUT == pthread_cond_timedwait(&tick, &gather, &until)) {
        break;
      }
    }
    if (0 != fill->len) {
      struct gathered *full = fill;
      fill = spare;
      spare = full;
      urgent = false;
      pthread_mutex_unlock(&gather);
      write_all(full->text, full->len);
      pthread_mutex_lock(&gather);
      written_total += full->len;
      full->len = 0;
      pthread_cond_broadcast(&written);
    } else if (stopping) {
      break;
    }
  }
  pthread_mutex_unlock(&gather);
  return NULL;
}

static void free_buffers(void) {
  for (size_t i = 0; i < 2; i++) {
    free(bufs[i].text);
    bufs[i] = (struct gathered){0};
  }
}

int log_buffer_start(long flush_ms) {
  if (flush_ms <= 0 || atomic_load(&gathering)) {
    return 0;
  }
  for (size_t i = 0; i < 2; i++) {
    bufs[i].text = malloc(GATHER_FIRST);
    bufs[i].len = 0;
    bufs[i].cap = GATHER_FIRST;
    if (NULL == bufs[i].text) {
      free_buffers();
      return -1;
    }
  }
  flush_every_ms = flush_ms;
  stopping = false;
  atomic_store_explicit(&gathering, true, memory_order_release);
  if (0 != pthread_create(&flusher, NULL, flush_loop, NULL)) {
    atomic_store(&gathering, false);
    free_buffers();
    return -1;
  }
  return 0;
}

void log_buffer_stop(void) {
  if (!atomic_load(&gathering)) {
    return;
  }
  pthread_mutex_lock(&gather);
  /* From here lines are written at once; the flusher writes what was gathered and ends. */
  atomic_store_explicit(&gathering, false, memory_order_relaxed);
  stopping = true;
  pthread_cond_signal(&tick);
  pthread_cond_broadcast(&written); /* a thread waiting for room writes its line itself */
  pthread_mutex_unlock(&gather);
  pthread_join(flusher, NULL);
  pthread_mutex_lock(&gather);
  free_buffers();
  fill = &bufs[0];
  spare = &bufs[1];
  pthread_mutex_unlock(&gather);
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
  emit(&l, LOG_INFO);
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
  emit(&l, level);
}
