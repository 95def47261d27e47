/*
 * A local SMTP sink for the unit tests of mail the application layer sends through the real
 * mailer (common/mailer.h): a thread on 127.0.0.1 answers every command as a relay that
 * takes everything would, and keeps each mail's recipient and text (its dot-stuffing undone,
 * CR LF kept) for the test to read.
 *
 *   struct smtp_sink sink;
 *   assert_int_equal(0, smtp_sink_start(&sink));      // then smtp://127.0.0.1:<sink.port>
 *   assert_int_equal(1, smtp_sink_wait(&sink, 1, 15000));
 *   ... sink.mails[0].to, sink.mails[0].text ...
 *   smtp_sink_stop(&sink);
 */
#ifndef TEST_SMTP_SINK_H
#define TEST_SMTP_SINK_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define SMTP_SINK_MAILS 32

struct smtp_sink_mail {
  char to[256];
  char *text; /* malloc'd: the headers and the body as received */
};

struct smtp_sink {
  int fd;
  int port;
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t arrived;
  struct smtp_sink_mail mails[SMTP_SINK_MAILS];
  size_t n;
  bool stop;
};

/* One connection's reader: lines without their CR LF (longer than any line SMTP allows, so
 * that a test sees a line too long whole). */
#define SMTP_SINK_LINE 65536
struct smtp_sink_conn {
  struct smtp_sink *s;
  int fd;
  char buf[SMTP_SINK_LINE];
  size_t len;
  char line[SMTP_SINK_LINE];
};

static inline bool smtp_sink_stopping(struct smtp_sink *s) {
  pthread_mutex_lock(&s->lock);
  bool stop = s->stop;
  pthread_mutex_unlock(&s->lock);
  return stop;
}

/* The next line into line (at most size - 1 bytes kept): its length, or -1 when the
 * connection ended or the sink stops. */
static inline long smtp_sink_line(struct smtp_sink_conn *c, char *line, size_t size) {
  for (;;) {
    char *eol = memchr(c->buf, '\n', c->len);
    if (NULL != eol) {
      size_t n = (size_t)(eol - c->buf), keep = n > 0 && '\r' == c->buf[n - 1] ? n - 1 : n;
      keep = keep < size - 1 ? keep : size - 1;
      memcpy(line, c->buf, keep);
      line[keep] = '\0';
      memmove(c->buf, eol + 1, c->len - n - 1);
      c->len -= n + 1;
      return (long)keep;
    }
    if (c->len == sizeof c->buf) {
      c->len = 0; /* a line longer than the buffer: dropped, as no test sends one */
    }
    ssize_t got = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
    if (got < 0 && (EAGAIN == errno || EWOULDBLOCK == errno) && !smtp_sink_stopping(c->s)) {
      continue; /* the client keeps the connection for its next mail */
    }
    if (got <= 0) {
      return -1;
    }
    c->len += (size_t)got;
  }
}

static inline void smtp_sink_say(int fd, const char *reply) {
  size_t n = strlen(reply);
  while (n > 0) {
    ssize_t k = send(fd, reply, n, MSG_NOSIGNAL);
    if (k <= 0) {
      return;
    }
    reply += k;
    n -= (size_t)k;
  }
}

/* Reads a mail's text up to the line "." into a new string, dot-stuffing undone. */
static inline char *smtp_sink_data(struct smtp_sink_conn *c) {
  size_t cap = 1 << 16, len = 0;
  char *text = malloc(cap), *line = c->line;
  while (NULL != text && smtp_sink_line(c, line, sizeof c->line) >= 0) {
    if (0 == strcmp(line, ".")) {
      text[len] = '\0';
      return text;
    }
    const char *from = '.' == line[0] ? line + 1 : line;
    size_t k = strlen(from);
    if (len + k + 3 > cap) {
      char *bigger = realloc(text, cap * 2 + k);
      if (NULL == bigger) {
        break;
      }
      text = bigger;
      cap = cap * 2 + k;
    }
    memcpy(text + len, from, k);
    memcpy(text + len + k, "\r\n", 2);
    len += k + 2;
  }
  free(text);
  return NULL;
}

static inline void smtp_sink_session(struct smtp_sink *s, int fd) {
  struct smtp_sink_conn *c = calloc(1, sizeof *c);
  char to[256] = "", *line = NULL == c ? NULL : c->line;
  struct timeval wait = {.tv_sec = 0, .tv_usec = 100000};
  if (NULL == c || 0 != setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait)) {
    free(c);
    close(fd);
    return;
  }
  c->s = s;
  c->fd = fd;
  smtp_sink_say(fd, "220 sink ESMTP\r\n");
  while (smtp_sink_line(c, line, sizeof c->line) >= 0) {
    if (0 == strncasecmp(line, "RCPT TO:", 8)) {
      const char *a = strchr(line, '<'), *b = NULL != a ? strchr(a, '>') : NULL;
      snprintf(to, sizeof to, "%.*s", NULL != b ? (int)(b - a - 1) : 0, NULL != b ? a + 1 : "");
      smtp_sink_say(fd, "250 ok\r\n");
    } else if (0 == strncasecmp(line, "DATA", 4)) {
      smtp_sink_say(fd, "354 go on\r\n");
      char *text = smtp_sink_data(c);
      if (NULL == text) {
        break;
      }
      pthread_mutex_lock(&s->lock);
      if (s->n < SMTP_SINK_MAILS) {
        snprintf(s->mails[s->n].to, sizeof s->mails[s->n].to, "%s", to);
        s->mails[s->n++].text = text;
        text = NULL;
      }
      pthread_cond_broadcast(&s->arrived);
      pthread_mutex_unlock(&s->lock);
      free(text);
      smtp_sink_say(fd, "250 kept\r\n");
    } else if (0 == strncasecmp(line, "QUIT", 4)) {
      smtp_sink_say(fd, "221 bye\r\n");
      break;
    } else {
      smtp_sink_say(fd, "250 sink\r\n"); /* EHLO, MAIL FROM, RSET, NOOP */
    }
  }
  free(c);
  close(fd);
}

static inline void *smtp_sink_serve(void *arg) {
  struct smtp_sink *s = arg;
  for (;;) {
    if (smtp_sink_stopping(s)) {
      return NULL;
    }
    struct pollfd p = {.fd = s->fd, .events = POLLIN};
    if (poll(&p, 1, 50) > 0) {
      int fd = accept(s->fd, NULL, NULL);
      if (fd >= 0) {
        smtp_sink_session(s, fd);
      }
    }
  }
}

/* Listens on a free port of 127.0.0.1 (s->port) and starts serving: 0, or -1. */
static inline int smtp_sink_start(struct smtp_sink *s) {
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
  socklen_t alen = sizeof a;
  memset(s, 0, sizeof *s);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  s->fd = socket(AF_INET, SOCK_STREAM, 0);
  if (s->fd < 0 || 0 != bind(s->fd, (struct sockaddr *)&a, sizeof a) || 0 != listen(s->fd, 4) ||
      0 != getsockname(s->fd, (struct sockaddr *)&a, &alen)) {
    if (s->fd >= 0) {
      close(s->fd);
    }
    return -1;
  }
  s->port = ntohs(a.sin_port);
  pthread_mutex_init(&s->lock, NULL);
  pthread_cond_init(&s->arrived, NULL);
  if (0 != pthread_create(&s->thread, NULL, smtp_sink_serve, s)) {
    close(s->fd);
    return -1;
  }
  return 0;
}

/* Waits until at least n mails came or timeout_ms passed: how many came. */
static inline size_t smtp_sink_wait(struct smtp_sink *s, size_t n, long timeout_ms) {
  struct timespec end;
  clock_gettime(CLOCK_REALTIME, &end);
  end.tv_sec += timeout_ms / 1000;
  end.tv_nsec += (timeout_ms % 1000) * 1000000L;
  if (end.tv_nsec >= 1000000000L) {
    end.tv_sec++;
    end.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&s->lock);
  while (s->n < n && 0 == pthread_cond_timedwait(&s->arrived, &s->lock, &end)) {
  }
  size_t got = s->n;
  pthread_mutex_unlock(&s->lock);
  return got;
}

/* Stops the thread, closes the socket and frees the mails kept. */
static inline void smtp_sink_stop(struct smtp_sink *s) {
  pthread_mutex_lock(&s->lock);
  s->stop = true;
  pthread_mutex_unlock(&s->lock);
  pthread_join(s->thread, NULL);
  close(s->fd);
  for (size_t i = 0; i < s->n; i++) {
    free(s->mails[i].text);
  }
  pthread_mutex_destroy(&s->lock);
  pthread_cond_destroy(&s->arrived);
  s->n = 0;
}

#endif
