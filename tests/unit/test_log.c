/*
 * Log lines are formatted without printf on the hot path: the time prefix must be exactly
 * what gmtime_r and strftime give, and the access line exactly what the printf format it
 * replaced gives ("%s %s %u %zu %.1fms%s" after "time INFO [id] ").
 */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/log.h"
#include "ujikom/timefmt.h"
#include "ujikom/utf8.h"

static void expect_time(int64_t secs, long nsec) {
  char got[LOG_TIME_TEXT_LEN + 1];
  assert_int_equal(LOG_TIME_TEXT_LEN, time_format_iso_ms(got, secs, (unsigned)(nsec / 1000000)));
  time_t t = (time_t)secs;
  struct tm tm;
  assert_non_null(gmtime_r(&t, &tm));
  char want[64];
  size_t n = strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(want + n, sizeof(want) - n, ".%03ldZ", nsec / 1000000);
  if (0 != strcmp(got, want)) {
    fail_msg("%lld s %ld ns: got %s, want %s", (long long)secs, nsec, got, want);
  }
}

static void time_text_matches_gmtime(void **state) {
  (void)state;
  /* the epoch, leap days, century rules, ends of months and years */
  const int64_t fixed[] = {0,          59,         86399,      86400,       951782400,  951868799,
                           951868800,  1078012800, 1709164800, 1709251199,  4107542400, 4102444799,
                           4102444800, 1798761599, 1798761600, 253402300799};
  for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
    expect_time(fixed[i], 999999999);
  }
  /* every day from 1970 to 2200, at a moving second of the day */
  for (int64_t d = 0; d < 84000; d++) {
    expect_time(d * 86400 + (d * 7919) % 86400, (long)(d % 1000) * 1000000);
  }
}

/* Sends stderr to a fresh unlinked file; capture_end returns the line without its time. */
struct capture {
  int fd;
  int saved;
};

static void capture_begin(struct capture *c) {
  char name[] = "/tmp/ujikom-test-log-XXXXXX";
  c->fd = mkstemp(name);
  assert_true(c->fd >= 0);
  unlink(name);
  c->saved = dup(STDERR_FILENO);
  assert_true(c->saved >= 0);
  assert_true(dup2(c->fd, STDERR_FILENO) >= 0);
}

/* Puts stderr back and closes the capture's file. */
static void capture_stop(struct capture *c) {
  assert_true(dup2(c->saved, STDERR_FILENO) >= 0);
  close(c->saved);
  close(c->fd);
}

static void capture_end(struct capture *c, char *out, size_t outlen) {
  char buf[4096];
  ssize_t n = pread(c->fd, buf, sizeof(buf) - 1, 0);
  capture_stop(c);
  assert_true(n > LOG_TIME_TEXT_LEN);
  buf[n] = '\0';
  assert_int_equal('\n', buf[n - 1]);
  assert_int_equal(' ', buf[LOG_TIME_TEXT_LEN]);
  snprintf(out, outlen, "%s", buf + LOG_TIME_TEXT_LEN + 1);
}

/* Runs log_access with stderr sent to a file; returns the line without its time. */
static void access_line(char *out, size_t outlen, const char *method, const char *path,
                        unsigned status, size_t bytes, uint64_t ns, bool aborted) {
  struct capture c;
  capture_begin(&c);
  log_access("0badc0de", method, path, status, bytes, ns, aborted);
  capture_end(&c, out, outlen);
}

/* The line log_msg writes for "detail: %s." with text, without its time. */
static void msg_line(char *out, size_t outlen, const char *text) {
  struct capture c;
  capture_begin(&c);
  log_msg(LOG_INFO, "0badc0de", "detail: %s.", text);
  capture_end(&c, out, outlen);
}

static void access_line_matches_printf(void **state) {
  (void)state;
  const uint64_t durations[] = {0, 49999, 50000, 149999, 1234567, 99949999, 12345678901ull};
  for (size_t i = 0; i < sizeof(durations) / sizeof(durations[0]); i++) {
    for (int aborted = 0; aborted < 2; aborted++) {
      char got[4096];
      access_line(got, sizeof(got), "GET", "/static/app.css", 200, 5790, durations[i], aborted);
      char want[4096];
      /* the old format, from the duration in ms as a double */
      double ms = (double)durations[i] / 1e6;
      snprintf(want, sizeof(want), "INFO [0badc0de] %s %s %u %zu %.1fms%s\n", "GET",
               "/static/app.css", 200u, (size_t)5790, ms, aborted ? " (aborted)" : "");
      /* printf rounds a tie to even; the integer rounding goes up: both are fine, the
       * durations above are not ties */
      if (0 != strcmp(got, want)) {
        fail_msg("got '%s', want '%s'", got, want);
      }
    }
  }
  /* a path longer than a line is cut, and the line still ends with its newline */
  char *longpath = malloc(5000);
  assert_non_null(longpath);
  memset(longpath, 'p', 4999);
  longpath[0] = '/';
  longpath[4999] = '\0';
  char got[4096];
  access_line(got, sizeof(got), "GET", longpath, 404, 0, 1, false);
  free(longpath);
  /* 2046 bytes of text (the time and its space cut off here), then the newline */
  assert_int_equal(2046 - (LOG_TIME_TEXT_LEN + 1) + 1, strlen(got));
}

/* A decoded path may hold any byte: the line stays one line with the same fields. */
static void access_line_escapes_path(void **state) {
  (void)state;
  char got[4096];
  access_line(got, sizeof(got), "GET", "/a b\nINFO [x] GET /forged 200\r\x01\x7f\\z", 404, 0, 0,
              false);
  assert_string_equal("INFO [0badc0de] GET /a\\x20b\\x0aINFO\\x20[x]\\x20GET\\x20/forged\\x20200"
                      "\\x0d\\x01\\x7f\\x5cz 404 0 0.0ms\n",
                      got);
  access_line(got, sizeof(got), "GET", "/V/UJK-ÄÖ", 200, 1, 0, false);
  assert_string_equal("INFO [0badc0de] GET /V/UJK-ÄÖ 200 1 0.0ms\n", got); /* UTF-8 as is */
}

/* Client text in a message (e.g. a JSON key echoed in an error detail) stays on its line:
 * control characters, C1 controls, line separators, bytes that are not UTF-8 and the
 * backslash are escaped; spaces and well-formed UTF-8 stay. */
static void message_escapes_client_text(void **state) {
  (void)state;
  char got[4096];
  msg_line(got, sizeof(got), "k\n2026-01-01T00:00:00.000Z ERROR [x] forged\r\t\x1b[31m\x7f");
  assert_string_equal("INFO [0badc0de] detail: k\\x0a2026-01-01T00:00:00.000Z ERROR [x] "
                      "forged\\x0d\\x09\\x1b[31m\\x7f.\n",
                      got);
  /* U+0085 (NEL) and U+009B (CSI), U+2028, a lone continuation byte, a truncated sequence,
   * an overlong '/', a surrogate, and a backslash */
  msg_line(got, sizeof(got),
           "a\xc2\x85"
           "b\xc2\x9b\xe2\x80\xa8\x80\xe2\x82 \xc0\xaf\xed\xa0\x80\\n");
  assert_string_equal("INFO [0badc0de] detail: a\\xc2\\x85b\\xc2\\x9b\\xe2\\x80\\xa8\\x80\\xe2"
                      "\\x82 \\xc0\\xaf\\xed\\xa0\\x80\\x5cn.\n",
                      got);
  msg_line(got, sizeof(got), "Sertifikat ÄÖ – ✓ 🎓 valid");
  assert_string_equal("INFO [0badc0de] detail: Sertifikat ÄÖ – ✓ 🎓 valid.\n", got);
  /* a long run of escapes is cut at the line's end without half an escape */
  char *ctl = malloc(3000);
  assert_non_null(ctl);
  memset(ctl, '\n', 2999);
  ctl[2999] = '\0';
  msg_line(got, sizeof(got), ctl);
  free(ctl);
  size_t len = strlen(got);
  assert_true(len <= 2046 - LOG_TIME_TEXT_LEN);
  assert_int_equal('\n', got[len - 1]);
  assert_ptr_equal(got + len - 1, strchr(got, '\n')); /* one line */
  assert_int_equal(0, (len - 1 - strlen("INFO [0badc0de] detail: ")) % 4);
  /* and a long run of two-byte characters without half a character */
  char *wide = malloc(3001);
  assert_non_null(wide);
  for (size_t i = 0; i + 1 < 3000; i += 2) {
    wide[i] = '\xc3';
    wide[i + 1] = '\x84';
  }
  wide[3000] = '\0';
  msg_line(got, sizeof(got), wide);
  free(wide);
  len = strlen(got);
  assert_true(utf8_well_formed(got, len));
  assert_int_equal('\n', got[len - 1]);
}

/* The whole of what was written to the captured stderr, NUL-terminated (free it). */
static char *captured_text(const struct capture *c, size_t *len) {
  struct stat st;
  assert_int_equal(0, fstat(c->fd, &st));
  char *text = malloc((size_t)st.st_size + 1);
  assert_non_null(text);
  ssize_t n = pread(c->fd, text, (size_t)st.st_size, 0);
  assert_int_equal(st.st_size, n);
  text[n] = '\0';
  *len = (size_t)n;
  return text;
}

#define GATHER_THREADS 8
#define GATHER_LINES   3000

static void *log_many(void *arg) {
  int t = (int)(intptr_t)arg;
  char path[64];
  for (int i = 0; i < GATHER_LINES; i++) {
    snprintf(path, sizeof path, "/t/%d/%d", t, i);
    log_access("0badc0de", "GET", path, 200, 123, 1000000, false);
  }
  return NULL;
}

/* Lines from many threads, gathered (well over the 64 KiB at which the flusher is woken, so
 * buffers are swapped and written while threads go on appending): after log_buffer_stop every
 * line is there, whole, once, and each thread's lines in the order it made them. */
static void gathered_lines_stay_whole_and_in_order(void **state) {
  (void)state;
  struct capture c;
  capture_begin(&c);
  assert_int_equal(0, log_buffer_start(60000)); /* no timed flush during the test */
  pthread_t th[GATHER_THREADS];
  for (int t = 0; t < GATHER_THREADS; t++) {
    assert_int_equal(0, pthread_create(&th[t], NULL, log_many, (void *)(intptr_t)t));
  }
  for (int t = 0; t < GATHER_THREADS; t++) {
    pthread_join(th[t], NULL);
  }
  log_buffer_stop();
  size_t len = 0;
  char *text = captured_text(&c, &len);
  capture_stop(&c);
  int next[GATHER_THREADS] = {0};
  size_t lines = 0;
  for (char *line = text; *line; lines++) {
    char *end = strchr(line, '\n');
    assert_non_null(end);
    *end = '\0';
    int t = -1;
    int i = -1;
    char tail[32] = "";
    /* "2026-...Z INFO [0badc0de] GET /t/T/I 200 123 1.0ms" */
    assert_true(strlen(line) > LOG_TIME_TEXT_LEN);
    if (3 != sscanf(line + LOG_TIME_TEXT_LEN, " INFO [0badc0de] GET /t/%d/%d 200 123 %31s", &t, &i,
                    tail)) {
      fail_msg("not a whole access line: '%s'", line);
    }
    assert_string_equal("1.0ms", tail);
    assert_true(t >= 0 && t < GATHER_THREADS);
    if (i != next[t]) {
      fail_msg("thread %d: line %d where %d was due", t, i, next[t]);
    }
    next[t]++;
    line = end + 1;
  }
  assert_int_equal((size_t)GATHER_THREADS * GATHER_LINES, lines);
  assert_true(len > 2 * 64 * 1024);
  free(text);
}

/* A warning is written at once, after the info lines gathered before it; an info line alone
 * waits for the flush, which comes without log_buffer_stop. */
static void warnings_go_out_at_once_info_lines_by_time(void **state) {
  (void)state;
  struct capture c;
  capture_begin(&c);
  assert_int_equal(0, log_buffer_start(60000));
  log_msg(LOG_INFO, NULL, "first");
  size_t len = 0;
  char *text = captured_text(&c, &len);
  assert_int_equal(0, len); /* gathered */
  free(text);
  log_msg(LOG_WARN, NULL, "second");
  text = captured_text(&c, &len);
  char *first = strstr(text, "INFO [-] first\n");
  char *second = strstr(text, "WARN [-] second\n");
  assert_non_null(first);
  assert_non_null(second);
  assert_true(first < second);
  free(text);
  log_buffer_stop();
  /* after stop, every line is written at once */
  log_msg(LOG_INFO, NULL, "third");
  text = captured_text(&c, &len);
  assert_non_null(strstr(text, "INFO [-] third\n"));
  free(text);

  /* gathered for 20 ms: the line shows without a stop and without a warning */
  assert_int_equal(0, log_buffer_start(20));
  log_msg(LOG_INFO, NULL, "fourth");
  bool seen = false;
  for (int i = 0; i < 400 && !seen; i++) {
    text = captured_text(&c, &len);
    seen = NULL != strstr(text, "INFO [-] fourth\n");
    free(text);
    if (!seen) {
      usleep(5000);
    }
  }
  assert_true(seen);
  log_buffer_stop();
  capture_stop(&c);
}

#define SLOW_LINES 4000

static atomic_bool slow_done;

static void *log_slow(void *arg) {
  (void)arg;
  char path[64];
  for (int i = 0; i < SLOW_LINES; i++) {
    snprintf(path, sizeof path, "/slow/%d", i);
    log_access("0badc0de", "GET", path, 200, 123, 1000000, false);
  }
  atomic_store(&slow_done, true);
  return NULL;
}

struct drained {
  int fd;
  char *text;
  size_t len;
};

static void *drain(void *arg) {
  struct drained *d = arg;
  size_t cap = 1 << 20;
  d->text = malloc(cap);
  for (;;) {
    if (d->len + 4096 > cap) {
      cap *= 2;
      d->text = realloc(d->text, cap);
    }
    ssize_t n = read(d->fd, d->text + d->len, 4096);
    if (n <= 0) {
      break;
    }
    d->len += (size_t)n;
  }
  d->text[d->len] = '\0';
  return NULL;
}

/* stderr a pipe nobody reads for a while (a stalled journald, a disk busy with another
 * program's flushes): the flusher is stuck in its write, and a thread that logs ~280 KiB
 * meanwhile (more than the pipe and the first buffer hold) still goes on. Once the pipe is
 * read, every line arrives, in order. */
static void a_stalled_stderr_holds_up_no_thread(void **state) {
  (void)state;
  int p[2];
  assert_int_equal(0, pipe(p));
  int saved = dup(STDERR_FILENO);
  assert_true(saved >= 0);
  assert_true(dup2(p[1], STDERR_FILENO) >= 0);
  assert_int_equal(0, log_buffer_start(10));
  atomic_store(&slow_done, false);
  pthread_t th;
  assert_int_equal(0, pthread_create(&th, NULL, log_slow, NULL));
  for (int i = 0; i < 2000 && !atomic_load(&slow_done); i++) {
    usleep(5000); /* up to 10 s: this is about never finishing, not about speed */
  }
  bool finished = atomic_load(&slow_done);
  struct drained d = {.fd = p[0]};
  pthread_t reader;
  assert_int_equal(0, pthread_create(&reader, NULL, drain, &d));
  pthread_join(th, NULL);
  log_buffer_stop();
  assert_true(dup2(saved, STDERR_FILENO) >= 0);
  close(saved);
  close(p[1]);
  pthread_join(reader, NULL);
  close(p[0]);
  assert_true(finished);
  int next = 0;
  for (char *line = d.text; *line; next++) {
    char *end = strchr(line, '\n');
    assert_non_null(end);
    *end = '\0';
    int i = -1;
    if (1 != sscanf(line + LOG_TIME_TEXT_LEN, " INFO [0badc0de] GET /slow/%d ", &i) || i != next) {
      fail_msg("line %d: '%s'", next, line);
    }
    line = end + 1;
  }
  assert_int_equal(SLOW_LINES, next);
  free(d.text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(time_text_matches_gmtime),
      cmocka_unit_test(access_line_matches_printf),
      cmocka_unit_test(access_line_escapes_path),
      cmocka_unit_test(message_escapes_client_text),
      cmocka_unit_test(gathered_lines_stay_whole_and_in_order),
      cmocka_unit_test(warnings_go_out_at_once_info_lines_by_time),
      cmocka_unit_test(a_stalled_stderr_holds_up_no_thread),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
