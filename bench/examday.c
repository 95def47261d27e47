/*
 * The exam-day simulation: N candidates, each on its own keep-alive connection like a
 * browser tab, check in during a check-in window, start the same exam within one start
 * window (a minute by default), load the form, save answers with think time, reload the
 * form once half-way (and check that every acknowledged save is in it), then submit.
 *
 * Check-in (--checkin-mode): `code` (the default) types the one-time check-in code from the
 * TUK (POST /api/checkin; the candidates file holds e-mail TAB code) and starts within the
 * start window after its own check-in, so the candidates already in save while the others
 * still check in, as at a TUK's desk; `password` logs in with the password (POST
 * /api/auth/login; the file holds e-mail TAB password) and everyone starts within the start
 * window that opens when the check-in window closes.
 *
 * One thread, epoll, one state machine per candidate and a timer heap, so the load
 * generator fits on one core beside the daemon on the other. Each request is timed from
 * the first byte written to the last byte read; per step it reports count, errors, p50,
 * p90, p99 and max in milliseconds as a markdown table. Every save answered 2xx is written
 * to the --acked file (attempt id, item id, value as JSON, separated by 0x1F, records by
 * 0x1E) so the caller can check afterwards, in the database itself, that none was lost.
 *
 * A request that fails on a reused keep-alive connection before any byte of the answer
 * arrived is sent again once on a fresh connection (what browsers do when the server closed
 * an idle connection); such retries are counted. Everything else that is not 2xx is an
 * error of its step.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_RESPONSE       ((size_t)4 * 1024 * 1024)
#define MAX_SAVES          64
#define REQUEST_TIMEOUT_MS 30000

enum step { STEP_LOGIN, STEP_START, STEP_FORM, STEP_SAVE, STEP_RELOAD, STEP_SUBMIT, STEP__MAX };
static const char *step_names[STEP__MAX] = {"login",       "start attempt", "load form",
                                            "save answer", "reload form",   "submit"};

enum phase { PH_WAIT, PH_BUSY, PH_DONE };

struct answer {
  char item[65];
  char *value; /* compact JSON */
  bool acked;
};

struct client {
  int idx;
  int fd;
  bool connected;
  bool reused;  /* the connection already carried a request */
  bool retried; /* the current request was already sent again once */
  enum phase phase;
  enum step step;
  int64_t due_ms; /* when the next step starts (PH_WAIT) */
  int64_t sent_us;
  int64_t last_io_ms;
  /* request */
  char *req;
  size_t req_len, req_off;
  /* response */
  char *resp;
  size_t resp_len, resp_cap;
  /* session */
  char email[128];
  char secret[128]; /* the password, or the check-in code (--checkin-mode) */
  char cookie[128];
  char csrf[64];
  int64_t attempt;
  struct answer answers[MAX_SAVES];
  int nanswers;
  int saves_done;
  bool reloaded;
  bool failed; /* gave up after an error */
};

struct stats {
  double *lat_ms;
  size_t n, cap;
  size_t errors;
  size_t status[6]; /* 1xx..5xx, [0] = transport */
};

struct sim {
  struct sockaddr_in addr;
  const char *host_header;
  int ep;
  struct client *clients;
  int n;
  const char *exam;
  int64_t t0_ms;
  int64_t last_login_ms; /* when the last log-in was answered (0: none yet) */
  bool by_code;          /* --checkin-mode code */
  long checkin_s, start_window_s, think_s, saves;
  long limit_s;
  struct stats st[STEP__MAX];
  size_t retries, done, gave_up, reload_mismatch;
  FILE *acked;
  /* timer heap of client indexes ordered by due_ms */
  int *heap;
  int nheap;
  uint64_t rng;
};

static int64_t mono_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
static int64_t mono_ms(void) {
  return mono_us() / 1000;
}

static uint64_t rnd(struct sim *s) { /* xorshift64* */
  s->rng ^= s->rng >> 12;
  s->rng ^= s->rng << 25;
  s->rng ^= s->rng >> 27;
  return s->rng * 2685821657736338717ull;
}
static int64_t rnd_range(struct sim *s, int64_t lo, int64_t hi) {
  if (hi <= lo) {
    return lo;
  }
  return lo + (int64_t)(rnd(s) % (uint64_t)(hi - lo));
}

static void die(const char *msg) {
  fprintf(stderr, "examday: %s\n", msg);
  exit(1);
}

/* ------------------------------------------------------------------ timer heap */

static bool heap_less(const struct sim *s, int a, int b) {
  return s->clients[s->heap[a]].due_ms < s->clients[s->heap[b]].due_ms;
}
static void heap_swap(struct sim *s, int a, int b) {
  int t = s->heap[a];
  s->heap[a] = s->heap[b];
  s->heap[b] = t;
}
static void heap_push(struct sim *s, int client) {
  int i = s->nheap++;
  s->heap[i] = client;
  while (i > 0 && heap_less(s, i, (i - 1) / 2)) {
    heap_swap(s, i, (i - 1) / 2);
    i = (i - 1) / 2;
  }
}
static int heap_pop(struct sim *s) {
  int top = s->heap[0];
  s->heap[0] = s->heap[--s->nheap];
  int i = 0;
  for (;;) {
    int l = 2 * i + 1, r = l + 1, m = i;
    if (l < s->nheap && heap_less(s, l, m)) {
      m = l;
    }
    if (r < s->nheap && heap_less(s, r, m)) {
      m = r;
    }
    if (m == i) {
      break;
    }
    heap_swap(s, i, m);
    i = m;
  }
  return top;
}

static void schedule(struct sim *s, struct client *c, int64_t due_ms) {
  c->phase = PH_WAIT;
  c->due_ms = due_ms;
  heap_push(s, c->idx);
}

/* ------------------------------------------------------------------ statistics */

static void record(struct sim *s, enum step step, double ms, int status) {
  struct stats *st = &s->st[step];
  if (st->n == st->cap) {
    st->cap = st->cap ? 2 * st->cap : 1024;
    st->lat_ms = realloc(st->lat_ms, st->cap * sizeof *st->lat_ms);
    if (NULL == st->lat_ms) {
      die("out of memory");
    }
  }
  st->lat_ms[st->n++] = ms;
  int cls = status / 100;
  st->status[cls >= 1 && cls <= 5 ? cls : 0]++;
  if (status < 200 || status > 299) {
    st->errors++;
  }
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double pct(const struct stats *st, double p) {
  if (0 == st->n) {
    return 0;
  }
  size_t i = (size_t)ceil(p / 100.0 * (double)st->n);
  if (i > 0) {
    i--;
  }
  if (i >= st->n) {
    i = st->n - 1;
  }
  return st->lat_ms[i];
}

/* ------------------------------------------------------------------ connections */

static void conn_close(struct sim *s, struct client *c) {
  if (c->fd >= 0) {
    epoll_ctl(s->ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
  }
  c->fd = -1;
  c->connected = false;
  c->reused = false;
}

static int conn_open(struct sim *s, struct client *c) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (0 != connect(fd, (const struct sockaddr *)&s->addr, sizeof s->addr) && EINPROGRESS != errno) {
    close(fd);
    return -1;
  }
  struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP, .data.u32 = (uint32_t)c->idx};
  if (0 != epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev)) {
    close(fd);
    return -1;
  }
  c->fd = fd;
  c->connected = true;
  c->reused = false;
  return 0;
}

/* ------------------------------------------------------------------ requests */

static void set_request(struct client *c, const char *method, const char *path, const char *host,
                        const char *body) {
  size_t blen = NULL == body ? 0 : strlen(body);
  size_t cap = 1024 + strlen(path) + blen;
  char *buf = malloc(cap);
  if (NULL == buf) {
    die("out of memory");
  }
  int n =
      snprintf(buf, cap,
               "%s %s HTTP/1.1\r\nHost: %s\r\nAccept: application/json\r\n"
               "%s%s%s%s%s%s%s"
               "Content-Length: %zu\r\n\r\n%s",
               method, path, host, c->cookie[0] ? "Cookie: ujikom_session=" : "", c->cookie,
               c->cookie[0] ? "\r\n" : "", c->csrf[0] ? "X-CSRF-Token: " : "", c->csrf,
               c->csrf[0] ? "\r\n" : "", NULL != body ? "Content-Type: application/json\r\n" : "",
               blen, NULL != body ? body : "");
  if (n < 0 || (size_t)n >= cap) {
    die("request too long");
  }
  free(c->req);
  c->req = buf;
  c->req_len = (size_t)n;
  c->req_off = 0;
  c->resp_len = 0;
}

static void send_now(struct sim *s, struct client *c) {
  if (!c->connected && 0 != conn_open(s, c)) {
    record(s, c->step, 0, 0);
    c->failed = true;
    c->phase = PH_DONE;
    s->gave_up++;
    return;
  }
  c->phase = PH_BUSY;
  c->sent_us = mono_us();
  c->last_io_ms = c->sent_us / 1000;
  struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP, .data.u32 = (uint32_t)c->idx};
  epoll_ctl(s->ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Builds and sends the request of the client's current step. */
static void start_step(struct sim *s, struct client *c) {
  char path[256], body[512];
  c->retried = false;
  switch (c->step) {
  case STEP_LOGIN: {
    json_t *j = s->by_code ? json_pack("{s:s}", "code", c->secret)
                           : json_pack("{s:s, s:s}", "email", c->email, "password", c->secret);
    char *t = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (NULL == t) {
      die("out of memory");
    }
    set_request(c, "POST", s->by_code ? "/api/checkin" : "/api/auth/login", s->host_header, t);
    free(t);
    break;
  }
  case STEP_START:
    snprintf(path, sizeof path, "/api/exams/%s/attempts", s->exam);
    set_request(c, "POST", path, s->host_header, "{}");
    break;
  case STEP_FORM:
  case STEP_RELOAD:
    snprintf(path, sizeof path, "/api/attempts/%lld", (long long)c->attempt);
    set_request(c, "GET", path, s->host_header, NULL);
    break;
  case STEP_SAVE: {
    struct answer *a = &c->answers[c->saves_done];
    snprintf(path, sizeof path, "/api/attempts/%lld/answers/%s", (long long)c->attempt, a->item);
    if ((size_t)snprintf(body, sizeof body, "{\"value\":%s}", a->value) >= sizeof body) {
      die("answer too long");
    }
    set_request(c, "PUT", path, s->host_header, body);
    break;
  }
  case STEP_SUBMIT:
    snprintf(path, sizeof path, "/api/attempts/%lld/submit", (long long)c->attempt);
    set_request(c, "POST", path, s->host_header, "{}");
    break;
  case STEP__MAX:
    break;
  }
  send_now(s, c);
}

/* A value of the right shape for an item of the candidate view (not necessarily right). */
static char *answer_for(struct sim *s, const json_t *item) {
  const char *type = json_string_value(json_object_get(item, "type"));
  const json_t *opts = json_object_get(item, "options");
  size_t nopt = json_array_size(opts);
  json_t *v = NULL;
  if (NULL == type) {
    return NULL;
  }
  if (0 == strcmp(type, "single") && nopt > 0) {
    v = json_incref(json_object_get(json_array_get(opts, (size_t)rnd(s) % nopt), "id"));
  } else if ((0 == strcmp(type, "multiple") || 0 == strcmp(type, "ordering")) && nopt > 0) {
    v = json_array();
    for (size_t i = 0; i < nopt; i++) {
      if (0 == strcmp(type, "ordering") || 0 == rnd(s) % 2) {
        json_array_append(v, json_object_get(json_array_get(opts, i), "id"));
      }
    }
  } else if (0 == strcmp(type, "truefalse")) {
    v = json_boolean(rnd(s) % 2);
  } else if (0 == strcmp(type, "numeric")) {
    v = json_integer((json_int_t)(rnd(s) % 100));
  } else if (0 == strcmp(type, "short")) {
    v = json_string("jawaban singkat peserta");
  } else if (0 == strcmp(type, "open")) {
    v = json_string("Jawaban uraian peserta: langkah kerja disusun sesuai SOP, diperiksa ulang, "
                    "lalu didokumentasikan untuk asesor.");
  }
  if (NULL == v) {
    return NULL;
  }
  char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
  json_decref(v);
  return text;
}

static const char *find_header(const char *head, size_t head_len, const char *name, size_t *len) {
  size_t nlen = strlen(name);
  const char *p = head, *end = head + head_len;
  while (p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (NULL == eol) {
      break;
    }
    if ((size_t)(eol - p) > nlen + 1 && 0 == strncasecmp(p, name, nlen) && ':' == p[nlen]) {
      const char *v = p + nlen + 1;
      while (v < eol && ' ' == *v) {
        v++;
      }
      const char *ve = eol;
      while (ve > v && ('\r' == ve[-1] || ' ' == ve[-1])) {
        ve--;
      }
      *len = (size_t)(ve - v);
      return v;
    }
    p = eol + 1;
  }
  return NULL;
}

/* The value of the cookie `cookie` that one of the Set-Cookie headers of the response head
 * sets (a log-in sets the device cookie too, before or after the session's), or NULL. */
static const char *find_set_cookie(const char *head, size_t head_len, const char *cookie,
                                   size_t *len) {
  size_t clen = strlen(cookie), n = 0;
  const char *p = head, *end = head + head_len, *sc;
  while (p < end && NULL != (sc = find_header(p, (size_t)(end - p), "Set-Cookie", &n))) {
    if (n > clen && 0 == strncmp(sc, cookie, clen) && '=' == sc[clen]) {
      *len = strcspn(sc + clen + 1, ";\r\n");
      return sc + clen + 1;
    }
    const char *eol = memchr(sc, '\n', (size_t)(end - sc));
    p = NULL == eol ? end : eol + 1;
  }
  return NULL;
}

/* Checks that every acknowledged save so far is in the reloaded form's answers. */
static void check_reload(struct sim *s, struct client *c, const json_t *root) {
  const json_t *answers = json_object_get(root, "answers");
  for (int i = 0; i < c->saves_done; i++) {
    if (!c->answers[i].acked) {
      continue;
    }
    json_error_t e;
    json_t *want = json_loads(c->answers[i].value, JSON_DECODE_ANY, &e);
    const json_t *have = json_object_get(answers, c->answers[i].item);
    if (NULL == want || NULL == have || !json_equal(want, have)) {
      s->reload_mismatch++;
    }
    json_decref(want);
  }
}

/* Takes what the step needs from a 2xx answer; false when it is unusable. */
static bool absorb(struct sim *s, struct client *c, const char *head, size_t head_len,
                   const char *body, size_t body_len) {
  json_error_t e;
  json_t *root = NULL;
  bool ok = true;
  if (STEP_SAVE != c->step && STEP_SUBMIT != c->step) {
    root = json_loadb(body, body_len, 0, &e);
    if (NULL == root) {
      return false;
    }
  }
  switch (c->step) {
  case STEP_LOGIN: {
    size_t vl = 0;
    const char *v = find_set_cookie(head, head_len, "ujikom_session", &vl);
    const char *csrf = json_string_value(json_object_get(root, "csrf"));
    if (NULL == v || NULL == csrf || vl >= sizeof c->cookie || strlen(csrf) >= sizeof c->csrf) {
      ok = false;
      break;
    }
    memcpy(c->cookie, v, vl);
    c->cookie[vl] = '\0';
    snprintf(c->csrf, sizeof c->csrf, "%s", csrf);
    break;
  }
  case STEP_START:
    c->attempt = (int64_t)json_integer_value(json_object_get(root, "id"));
    ok = c->attempt > 0;
    break;
  case STEP_FORM: {
    const json_t *units = json_object_get(json_object_get(root, "form"), "units");
    size_t ui, ii;
    const json_t *u, *it;
    c->nanswers = 0;
    json_array_foreach(units, ui, u) {
      json_array_foreach(json_object_get(u, "items"), ii, it) {
        if (c->nanswers >= s->saves || c->nanswers >= MAX_SAVES) {
          break;
        }
        const char *id = json_string_value(json_object_get(it, "id"));
        char *v = answer_for(s, it);
        if (NULL == id || NULL == v || strlen(id) >= sizeof c->answers[0].item) {
          free(v);
          continue;
        }
        snprintf(c->answers[c->nanswers].item, sizeof c->answers[0].item, "%s", id);
        c->answers[c->nanswers].value = v;
        c->answers[c->nanswers].acked = false;
        c->nanswers++;
      }
    }
    ok = c->nanswers > 0;
    break;
  }
  case STEP_RELOAD:
    check_reload(s, c, root);
    break;
  case STEP_SAVE: {
    struct answer *a = &c->answers[c->saves_done];
    a->acked = true;
    fprintf(s->acked, "%lld\x1f%s\x1f%s\x1e", (long long)c->attempt, a->item, a->value);
    break;
  }
  case STEP_SUBMIT:
  case STEP__MAX:
    break;
  }
  json_decref(root);
  return ok;
}

/* What comes after the current step, and when. */
static void advance(struct sim *s, struct client *c) {
  int64_t now = mono_ms();
  int64_t think_lo = s->think_s * 1000 / 2, think_hi = s->think_s * 1500;
  switch (c->step) {
  case STEP_LOGIN: {
    s->last_login_ms = now;
    /* By code: each starts within the start window after their own check-in. By password:
     * everybody starts within the start window that opens when check-in closes. */
    int64_t start = (s->by_code ? now : s->t0_ms + s->checkin_s * 1000) +
                    rnd_range(s, 0, s->start_window_s * 1000);
    c->step = STEP_START;
    schedule(s, c, start > now ? start : now);
    return;
  }
  case STEP_START:
    c->step = STEP_FORM;
    start_step(s, c);
    return;
  case STEP_FORM:
    c->step = STEP_SAVE;
    schedule(s, c, now + rnd_range(s, think_lo, think_hi));
    return;
  case STEP_SAVE:
    c->saves_done++;
    if (!c->reloaded && c->saves_done == c->nanswers / 2) {
      c->step = STEP_RELOAD;
      c->reloaded = true;
      schedule(s, c, now + rnd_range(s, 200, 2000));
      return;
    }
    if (c->saves_done >= c->nanswers) {
      c->step = STEP_SUBMIT;
      schedule(s, c, now + rnd_range(s, think_lo, think_hi));
      return;
    }
    schedule(s, c, now + rnd_range(s, think_lo, think_hi));
    return;
  case STEP_RELOAD:
    c->step = c->saves_done >= c->nanswers ? STEP_SUBMIT : STEP_SAVE;
    schedule(s, c, now + rnd_range(s, think_lo, think_hi));
    return;
  case STEP_SUBMIT:
  case STEP__MAX:
    c->phase = PH_DONE;
    s->done++;
    conn_close(s, c);
    return;
  }
}

static void fail(struct sim *s, struct client *c, int status) {
  record(s, c->step, (double)(mono_us() - c->sent_us) / 1000.0, status);
  conn_close(s, c);
  /* A failed save is not acknowledged; the candidate goes on (a browser would retry). The
   * other steps cannot go on without their answer. */
  if (STEP_SAVE == c->step || STEP_RELOAD == c->step) {
    advance(s, c);
    return;
  }
  c->failed = true;
  c->phase = PH_DONE;
  s->gave_up++;
}

/* The connection broke. Resend once on a fresh connection when nothing came back on a
 * reused one (the server may have closed it while idle). */
static void broken(struct sim *s, struct client *c) {
  bool resend = c->reused && 0 == c->resp_len && !c->retried;
  conn_close(s, c);
  if (resend) {
    c->retried = true;
    s->retries++;
    c->req_off = 0;
    c->resp_len = 0;
    int64_t keep = c->sent_us;
    send_now(s, c);
    c->sent_us = keep; /* the retry's time counts against the request */
    return;
  }
  fail(s, c, 0);
}

/* Tries to parse a complete response from c->resp. Returns 1 when done, 0 to read more,
 * -1 when malformed. */
static int parse_response(struct sim *s, struct client *c, bool eof) {
  char *hend = NULL;
  for (size_t i = 3; i < c->resp_len; i++) {
    if ('\n' == c->resp[i] && '\r' == c->resp[i - 1] && '\n' == c->resp[i - 2] &&
        '\r' == c->resp[i - 3]) {
      hend = c->resp + i + 1;
      break;
    }
  }
  if (NULL == hend) {
    return eof ? -1 : 0;
  }
  if (c->resp_len < 12 || 0 != strncmp(c->resp, "HTTP/1.1 ", 9)) {
    return -1;
  }
  char *end = NULL;
  long status = strtol(c->resp + 9, &end, 10);
  if (end == c->resp + 9 || status < 100 || status > 599) {
    return -1;
  }
  size_t head_len = (size_t)(hend - c->resp);
  size_t n = 0;
  const char *cl = find_header(c->resp, head_len, "Content-Length", &n);
  size_t body_len;
  if (NULL != cl) {
    char num[24];
    if (n >= sizeof num) {
      return -1;
    }
    memcpy(num, cl, n);
    num[n] = '\0';
    errno = 0;
    unsigned long long v = strtoull(num, &end, 10);
    if (0 != errno || end == num || '\0' != *end || v > MAX_RESPONSE) {
      return -1;
    }
    body_len = (size_t)v;
    if (c->resp_len < head_len + body_len) {
      return 0;
    }
  } else {
    if (!eof) {
      return 0; /* read to the end of the connection */
    }
    body_len = c->resp_len - head_len;
  }
  const char *conn = find_header(c->resp, head_len, "Connection", &n);
  bool close_after = eof || (NULL != conn && 5 == n && 0 == strncasecmp(conn, "close", 5));
  double ms = (double)(mono_us() - c->sent_us) / 1000.0;
  bool ok = status >= 200 && status <= 299;
  if (ok && !absorb(s, c, c->resp, head_len, hend, body_len)) {
    ok = false;
    status = 599; /* a 2xx whose body we cannot use counts as an error */
  }
  record(s, c->step, ms, (int)status);
  if (close_after) {
    conn_close(s, c);
  } else {
    c->reused = true;
  }
  if (!ok) {
    if (STEP_SAVE == c->step || STEP_RELOAD == c->step) {
      advance(s, c);
    } else {
      c->failed = true;
      c->phase = PH_DONE;
      s->gave_up++;
      conn_close(s, c);
    }
    return 1;
  }
  advance(s, c);
  return 1;
}

static void on_event(struct sim *s, struct client *c, uint32_t events) {
  if (PH_BUSY != c->phase) {
    /* Idle keep-alive connection: the server closed it, or sent something unasked. */
    if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR | EPOLLIN)) {
      conn_close(s, c);
    }
    return;
  }
  c->last_io_ms = mono_ms();
  if ((events & EPOLLERR) && c->req_off < c->req_len) {
    broken(s, c);
    return;
  }
  if (c->req_off < c->req_len && (events & EPOLLOUT)) {
    ssize_t w = send(c->fd, c->req + c->req_off, c->req_len - c->req_off, MSG_NOSIGNAL);
    if (w < 0 && EAGAIN != errno && EINTR != errno) {
      broken(s, c);
      return;
    }
    if (w > 0) {
      c->req_off += (size_t)w;
    }
    if (c->req_off == c->req_len) {
      struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.u32 = (uint32_t)c->idx};
      epoll_ctl(s->ep, EPOLL_CTL_MOD, c->fd, &ev);
    }
  }
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
    for (;;) {
      if (c->resp_cap - c->resp_len < 16384) {
        size_t cap = c->resp_cap ? 2 * c->resp_cap : 65536;
        if (cap > MAX_RESPONSE + 65536) {
          fail(s, c, 0);
          return;
        }
        char *nb = realloc(c->resp, cap);
        if (NULL == nb) {
          die("out of memory");
        }
        c->resp = nb;
        c->resp_cap = cap;
      }
      ssize_t r = recv(c->fd, c->resp + c->resp_len, c->resp_cap - c->resp_len, 0);
      if (r > 0) {
        c->resp_len += (size_t)r;
        int pr = parse_response(s, c, false);
        if (1 == pr || PH_BUSY != c->phase) {
          return;
        }
        if (pr < 0) {
          fail(s, c, 0);
          return;
        }
        continue;
      }
      if (0 == r) {
        if (0 == c->resp_len) {
          broken(s, c);
          return;
        }
        if (1 != parse_response(s, c, true)) {
          fail(s, c, 0);
        }
        return;
      }
      if (EAGAIN == errno || EWOULDBLOCK == errno) {
        return;
      }
      if (EINTR == errno) {
        continue;
      }
      if (0 == c->resp_len) {
        broken(s, c);
      } else {
        fail(s, c, 0);
      }
      return;
    }
  }
}

/* ------------------------------------------------------------------ set-up and report */

static long arg_long(const char *name, const char *v, long min, long max) {
  char *end = NULL;
  errno = 0;
  long x = strtol(v, &end, 10);
  if (0 != errno || end == v || '\0' != *end || x < min || x > max) {
    fprintf(stderr, "examday: %s must be a number between %ld and %ld\n", name, min, max);
    exit(2);
  }
  return x;
}

static void load_candidates(struct sim *s, const char *path) {
  FILE *f = fopen(path, "r");
  char line[512];
  int i = 0;
  if (NULL == f) {
    perror(path);
    exit(2);
  }
  while (i < s->n && NULL != fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = '\0';
    char *tab = strchr(line, '\t');
    if (NULL == tab || '#' == line[0]) {
      continue;
    }
    *tab = '\0';
    struct client *c = &s->clients[i];
    if (strlen(line) >= sizeof c->email || strlen(tab + 1) >= sizeof c->secret) {
      continue;
    }
    memcpy(c->email, line, strlen(line) + 1);
    memcpy(c->secret, tab + 1, strlen(tab + 1) + 1);
    i++;
  }
  fclose(f);
  if (i < s->n) {
    fprintf(stderr, "examday: %s has only %d candidates (wanted %d)\n", path, i, s->n);
    exit(2);
  }
}

static void report(struct sim *s, FILE *out, double wall_s) {
  fprintf(out, "| step | requests | errors | p50 ms | p90 ms | p99 ms | max ms |\n");
  fprintf(out, "|---|---:|---:|---:|---:|---:|---:|\n");
  for (int i = 0; i < STEP__MAX; i++) {
    struct stats *st = &s->st[i];
    qsort(st->lat_ms, st->n, sizeof *st->lat_ms, cmp_double);
    fprintf(out, "| %s | %zu | %zu | %.1f | %.1f | %.1f | %.1f |\n", step_names[i], st->n,
            st->errors, pct(st, 50), pct(st, 90), pct(st, 99), st->n ? st->lat_ms[st->n - 1] : 0);
  }
  size_t errors = 0;
  for (int i = 0; i < STEP__MAX; i++) {
    errors += s->st[i].errors;
  }
  fprintf(out,
          "\ncandidates: %d, finished: %zu, gave up: %zu, errors: %zu, resent on a fresh "
          "connection: %zu, reload missing an acknowledged save: %zu, wall time: %.0f s, "
          "last log-in answered at: %.0f s (check-in window %ld s)\n",
          s->n, s->done, s->gave_up, errors, s->retries, s->reload_mismatch, wall_s,
          s->last_login_ms > 0 ? (double)(s->last_login_ms - s->t0_ms) / 1000.0 : 0.0,
          s->checkin_s);
  /* The rate the window asked for, and whether it was kept: every check-in answered 2xx, the
   * last one within the window plus a second. */
  const struct stats *in = &s->st[STEP_LOGIN];
  double last_s = s->last_login_ms > 0 ? (double)(s->last_login_ms - s->t0_ms) / 1000.0 : 0.0;
  size_t ok = in->n - in->errors;
  double over = last_s > (double)s->checkin_s ? last_s : (double)s->checkin_s;
  bool kept = 0 == in->errors && (int)in->n == s->n && last_s <= (double)s->checkin_s + 1.0;
  fprintf(out,
          "\ncheck-in (%s): %zu answered 2xx of %d, %.1f per second over the window (%ld s), "
          "kept: %s\n",
          s->by_code ? "one-time code" : "password", ok, s->n, over > 0 ? (double)ok / over : 0.0,
          s->checkin_s, kept ? "yes" : "no");
}

/* --idle-connections N: opens N keep-alive connections, sends one GET /healthz on each so
 * the server holds a real, used connection, then keeps them idle for `hold` seconds (the
 * caller samples the daemon's memory meanwhile). Returns the number that failed. */
static long hold_idle(const struct sockaddr_in *addr, const char *host_header, long n,
                      long hold_s) {
  int *fds = calloc((size_t)n, sizeof *fds);
  char req[256], buf[4096];
  long failed = 0;
  if (NULL == fds) {
    die("out of memory");
  }
  int rl = snprintf(req, sizeof req, "GET /healthz HTTP/1.1\r\nHost: %s\r\n\r\n", host_header);
  for (long i = 0; i < n; i++) {
    fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct timeval tv = {5, 0};
    setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (fds[i] < 0 || 0 != connect(fds[i], (const struct sockaddr *)addr, sizeof *addr) ||
        rl != send(fds[i], req, (size_t)rl, MSG_NOSIGNAL) ||
        recv(fds[i], buf, sizeof buf, 0) <= 0 || 0 != strncmp(buf, "HTTP/1.1 200", 12)) {
      failed++;
      if (fds[i] >= 0) {
        close(fds[i]);
      }
      fds[i] = -1;
    }
  }
  fprintf(stderr, "examday: %ld idle keep-alive connections open (%ld failed); holding %ld s\n",
          n - failed, failed, hold_s);
  printf("READY\n");
  fflush(stdout);
  sleep((unsigned)hold_s);
  for (long i = 0; i < n; i++) {
    if (fds[i] >= 0) {
      close(fds[i]);
    }
  }
  free(fds);
  return failed;
}

int main(int argc, char **argv) {
  struct sim s;
  const char *candidates = NULL, *acked_path = NULL, *report_path = NULL, *host = "127.0.0.1";
  long port = 0, idle = 0, hold = 10;
  memset(&s, 0, sizeof s);
  s.n = 10000;
  s.checkin_s = 60;
  s.start_window_s = 60;
  s.think_s = 10;
  s.saves = 8;
  s.limit_s = 600;
  s.by_code = true;
  for (int i = 1; i + 1 < argc; i += 2) {
    const char *k = argv[i], *v = argv[i + 1];
    if (0 == strcmp(k, "--port")) {
      port = arg_long(k, v, 1, 65535);
    } else if (0 == strcmp(k, "--host")) {
      host = v;
    } else if (0 == strcmp(k, "--candidates")) {
      candidates = v;
    } else if (0 == strcmp(k, "--n")) {
      s.n = (int)arg_long(k, v, 1, 1000000);
    } else if (0 == strcmp(k, "--exam")) {
      s.exam = v;
    } else if (0 == strcmp(k, "--checkin-mode")) {
      if (0 != strcmp(v, "code") && 0 != strcmp(v, "password")) {
        fprintf(stderr, "examday: --checkin-mode is code or password\n");
        return 2;
      }
      s.by_code = 0 == strcmp(v, "code");
    } else if (0 == strcmp(k, "--checkin")) {
      s.checkin_s = arg_long(k, v, 0, 3600);
    } else if (0 == strcmp(k, "--start-window")) {
      s.start_window_s = arg_long(k, v, 1, 3600);
    } else if (0 == strcmp(k, "--think")) {
      s.think_s = arg_long(k, v, 0, 600);
    } else if (0 == strcmp(k, "--saves")) {
      s.saves = arg_long(k, v, 2, MAX_SAVES);
    } else if (0 == strcmp(k, "--limit")) {
      s.limit_s = arg_long(k, v, 1, 7200);
    } else if (0 == strcmp(k, "--acked")) {
      acked_path = v;
    } else if (0 == strcmp(k, "--report")) {
      report_path = v;
    } else if (0 == strcmp(k, "--idle-connections")) {
      idle = arg_long(k, v, 1, 1000000);
    } else if (0 == strcmp(k, "--hold")) {
      hold = arg_long(k, v, 1, 3600);
    } else {
      fprintf(stderr, "examday: unknown option %s\n", k);
      return 2;
    }
  }
  if (0 == port || (0 == idle && (NULL == candidates || NULL == s.exam || NULL == acked_path))) {
    fprintf(stderr, "usage: examday --port P --idle-connections N [--hold S]\n"
                    "       examday --port P --candidates FILE --exam ID --acked FILE [--n N]\n"
                    "  [--checkin-mode code|password] [--checkin S] [--start-window S]\n"
                    "  [--think S] [--saves K] [--limit S]\n"
                    "  [--report FILE] [--host ADDR]\n");
    return 2;
  }
  struct rlimit rl;
  long want_fds = (idle > 0 ? idle : s.n) + 64;
  if (0 == getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < (rlim_t)want_fds) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < (rlim_t)want_fds) {
      fprintf(stderr, "examday: open-file limit %llu is too low for %ld connections\n",
              (unsigned long long)rl.rlim_cur, want_fds - 64);
      return 2;
    }
  }
  s.addr.sin_family = AF_INET;
  s.addr.sin_port = htons((uint16_t)port);
  if (1 != inet_pton(AF_INET, host, &s.addr.sin_addr)) {
    fprintf(stderr, "examday: --host must be an IPv4 address\n");
    return 2;
  }
  char host_header[96];
  snprintf(host_header, sizeof host_header, "%s:%ld", host, port);
  s.host_header = host_header;
  if (idle > 0) {
    return 0 == hold_idle(&s.addr, host_header, idle, hold) ? 0 : 1;
  }
  s.acked = fopen(acked_path, "w");
  if (NULL == s.acked) {
    perror(acked_path);
    return 2;
  }
  s.clients = calloc((size_t)s.n, sizeof *s.clients);
  s.heap = calloc((size_t)s.n, sizeof *s.heap);
  s.ep = epoll_create1(EPOLL_CLOEXEC);
  if (NULL == s.clients || NULL == s.heap || s.ep < 0) {
    die("cannot set up");
  }
  load_candidates(&s, candidates);
  step_names[STEP_LOGIN] = s.by_code ? "check-in (code)" : "login (password)";
  s.rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)mono_us();
  s.t0_ms = mono_ms();
  for (int i = 0; i < s.n; i++) {
    struct client *c = &s.clients[i];
    c->idx = i;
    c->fd = -1;
    c->step = STEP_LOGIN;
    schedule(&s, c, s.t0_ms + rnd_range(&s, 0, s.checkin_s * 1000 + 1));
  }
  fprintf(stderr,
          "examday: %d candidates, check-in %lds, start window %lds, %ld saves, think %lds\n", s.n,
          s.checkin_s, s.start_window_s, s.saves, s.think_s);
  struct epoll_event evs[512];
  int64_t deadline = s.t0_ms + s.limit_s * 1000, next_progress = s.t0_ms + 10000;
  for (;;) {
    int64_t now = mono_ms();
    while (s.nheap > 0 && s.clients[s.heap[0]].due_ms <= now) {
      struct client *c = &s.clients[heap_pop(&s)];
      start_step(&s, c);
    }
    if (s.done + s.gave_up >= (size_t)s.n || now >= deadline) {
      break;
    }
    if (now >= next_progress) {
      size_t saves = s.st[STEP_SAVE].n;
      fprintf(stderr, "examday: t=%llds finished=%zu gave-up=%zu saves=%zu\n",
              (long long)((now - s.t0_ms) / 1000), s.done, s.gave_up, saves);
      next_progress += 10000;
      /* Requests that hang are errors, not a stuck simulation. */
      for (int i = 0; i < s.n; i++) {
        struct client *c = &s.clients[i];
        if (PH_BUSY == c->phase && now - c->sent_us / 1000 > REQUEST_TIMEOUT_MS) {
          fail(&s, c, 0);
        }
      }
    }
    int timeout = 50;
    if (s.nheap > 0) {
      int64_t wait = s.clients[s.heap[0]].due_ms - now;
      timeout = wait < 0 ? 0 : wait > 50 ? 50 : (int)wait;
    }
    int n = epoll_wait(s.ep, evs, (int)(sizeof evs / sizeof evs[0]), timeout);
    for (int i = 0; i < n; i++) {
      on_event(&s, &s.clients[evs[i].data.u32], evs[i].events);
    }
  }
  double wall = (double)(mono_ms() - s.t0_ms) / 1000.0;
  size_t unfinished = (size_t)s.n - s.done - s.gave_up;
  fclose(s.acked);
  report(&s, stdout, wall);
  if (unfinished) {
    printf("unfinished at the time limit: %zu\n", unfinished);
  }
  if (NULL != report_path) {
    FILE *f = fopen(report_path, "w");
    if (NULL != f) {
      report(&s, f, wall);
      if (unfinished) {
        fprintf(f, "unfinished at the time limit: %zu\n", unfinished);
      }
      fclose(f);
    }
  }
  for (int i = 0; i < s.n; i++) {
    conn_close(&s, &s.clients[i]);
    free(s.clients[i].req);
    free(s.clients[i].resp);
    for (int j = 0; j < s.clients[i].nanswers; j++) {
      free(s.clients[i].answers[j].value);
    }
  }
  for (int i = 0; i < STEP__MAX; i++) {
    free(s.st[i].lat_ms);
  }
  free(s.clients);
  free(s.heap);
  close(s.ep);
  return 0;
}
