/*
 * SMTP mail from a background thread (see mailer.h).
 */
#include "common/mailer.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "common/accounts.h"
#include "common/log.h"
#include "ujikom/clock.h"

struct mail {
  char *to;
  char *text; /* headers and body, CRLF line ends */
  size_t len;
  int tries;         /* transfers made so far */
  int64_t due_ms;    /* monotonic: not sent before then (0: at once) */
  mail_done_fn done; /* told the mail's fate, or NULL */
  void *done_ctx;
};

enum outcome { SENT, TRY_AGAIN, REFUSED };

struct mailer {
  char *url;
  char *from;
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  struct mail queue[MAILER_QUEUE_MAX];
  size_t head, count;
  long retry_s;
  bool stopping;
  int64_t drain_until_ms; /* monotonic: while stopping, mails never tried go out until then */
};

/* A plain address for the envelope: no spaces or angle brackets, one '@'. */
static bool address_safe(const char *s) {
  const char *at = NULL;
  if (!accounts_plain_text(s, 1, 254) || NULL != strpbrk(s, " <>\"\\,;")) {
    return false;
  }
  at = strchr(s, '@');
  return NULL != at && at != s && '\0' != at[1] && NULL == strchr(at + 1, '@');
}

static void mail_clear(struct mail *m) {
  if (NULL != m->text) {
    OPENSSL_cleanse(m->text, m->len);
  }
  free(m->text);
  free(m->to);
  memset(m, 0, sizeof *m);
}

struct upload {
  const char *data;
  size_t len, off;
};

static size_t read_cb(char *buf, size_t size, size_t nitems, void *arg) {
  struct upload *u = arg;
  size_t room = size * nitems;
  size_t n = u->len - u->off < room ? u->len - u->off : room;
  memcpy(buf, u->data + u->off, n);
  u->off += n;
  return n;
}

/* One SMTP transfer under the timeouts: SENT when the server accepted the mail, REFUSED when
 * it refused it for good (a 5xx answer), TRY_AGAIN otherwise (no connection, a timeout, a
 * 4xx answer). */
static enum outcome transfer(struct mailer *m, const struct mail *mail) {
  CURL *curl = curl_easy_init();
  struct curl_slist *rcpt = NULL;
  struct upload up = {mail->text, mail->len, 0};
  char from[300], to[300];
  CURLcode rc = CURLE_FAILED_INIT;
  long code = 0;
  if (NULL == curl) {
    log_msg(LOG_ERROR, NULL, "mail: cannot start a transfer");
    return TRY_AGAIN;
  }
  snprintf(from, sizeof from, "<%s>", m->from);
  snprintf(to, sizeof to, "<%s>", mail->to);
  rcpt = curl_slist_append(NULL, to);
  if (NULL != rcpt) {
    curl_easy_setopt(curl, CURLOPT_URL, m->url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)MAILER_CONNECT_TIMEOUT_S);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)MAILER_TOTAL_TIMEOUT_S);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(curl, CURLOPT_READDATA, &up);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    rc = curl_easy_perform(curl);
  }
  if (CURLE_OK != rc) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    /* The recipient and the text stay out of the log: the text holds a secret link. */
    log_msg(LOG_WARN, NULL, "mail: sending failed: %s (SMTP %ld)", curl_easy_strerror(rc), code);
  }
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(curl);
  return CURLE_OK == rc ? SENT : code >= 500 && code < 600 ? REFUSED : TRY_AGAIN;
}

/* Under the lock: the position (from head) of the first queued mail due at now_ms, or count
 * when none is; *wait_ms is then how long until the earliest is due. */
static size_t first_due(const struct mailer *m, int64_t now_ms, int64_t *wait_ms) {
  *wait_ms = INT64_MAX;
  for (size_t i = 0; i < m->count; i++) {
    int64_t due = m->queue[(m->head + i) % MAILER_QUEUE_MAX].due_ms;
    if (due <= now_ms) {
      return i;
    }
    if (due - now_ms < *wait_ms) {
      *wait_ms = due - now_ms;
    }
  }
  return m->count;
}

/* Under the lock, while stopping: the position of the first queued mail never tried, or
 * count when there is none or the time to send them has run out (mails waiting to be tried
 * again failed for a passing reason: they are not tried once more on the way out). */
static size_t first_to_drain(const struct mailer *m, int64_t now_ms) {
  if (now_ms >= m->drain_until_ms) {
    return m->count;
  }
  for (size_t i = 0; i < m->count; i++) {
    if (0 == m->queue[(m->head + i) % MAILER_QUEUE_MAX].tries) {
      return i;
    }
  }
  return m->count;
}

/* Under the lock: takes the mail at position i out of the queue, keeping the order of the
 * others. */
static struct mail take(struct mailer *m, size_t i) {
  struct mail mail = m->queue[(m->head + i) % MAILER_QUEUE_MAX];
  for (; i > 0; i--) {
    m->queue[(m->head + i) % MAILER_QUEUE_MAX] = m->queue[(m->head + i - 1) % MAILER_QUEUE_MAX];
  }
  memset(&m->queue[m->head], 0, sizeof mail);
  m->head = (m->head + 1) % MAILER_QUEUE_MAX;
  m->count--;
  return mail;
}

/* What became of a mail after a try: tries made, the outcome, the seconds until the next
 * try (0: dropped), and whom to tell of a mail no longer queued. */
struct settled {
  int tries;
  enum outcome out;
  int64_t again_s;
  mail_done_fn done;
  void *done_ctx;
};

/* The fate of a mail that leaves the queue after an outcome. */
static enum mail_fate fate_of(enum outcome out) {
  return SENT == out ? MAIL_ACCEPTED : REFUSED == out ? MAIL_REFUSED : MAIL_NOT_SENT;
}

/* Under the lock, after a transfer: queues the mail again for its next try, or drops it. */
static struct settled settle(struct mailer *m, struct mail *mail, enum outcome out) {
  struct settled s = {mail->tries, out, 0, NULL, NULL};
  if (TRY_AGAIN == out && mail->tries <= MAILER_RETRIES && m->retry_s > 0 && !m->stopping &&
      m->count < MAILER_QUEUE_MAX) {
    s.again_s = m->retry_s << (2 * (mail->tries - 1)); /* 1, 4, 16 times retry_s */
    mail->due_ms = clock_mono_ms() + s.again_s * 1000;
    m->queue[(m->head + m->count) % MAILER_QUEUE_MAX] = *mail;
    m->count++;
    memset(mail, 0, sizeof *mail);
    return s;
  }
  s.done = mail->done;
  s.done_ctx = mail->done_ctx;
  mail_clear(mail);
  return s;
}

/* The log line of a settled mail, written outside the lock: a warning waits for stderr, and
 * mailer_send must not wait for it. */
static void report(struct settled s) {
  if (s.again_s > 0) {
    log_msg(LOG_WARN, NULL, "mail: trying again in %lld s (try %d of %d)", (long long)s.again_s,
            s.tries + 1, MAILER_RETRIES + 1);
  } else if (SENT != s.out) {
    log_msg(LOG_WARN, NULL, "mail: given up after %d tr%s%s", s.tries, 1 == s.tries ? "y" : "ies",
            REFUSED == s.out ? " (refused for good)" : "");
  }
  if (0 == s.again_s && NULL != s.done) {
    s.done(s.done_ctx, fate_of(s.out));
  }
}

static void *mailer_main(void *arg) {
  struct mailer *m = arg;
  pthread_mutex_lock(&m->lock);
  for (;;) {
    int64_t wait_ms = 0;
    size_t i = first_due(m, clock_mono_ms(), &wait_ms);
    while (i == m->count && !m->stopping) {
      if (0 == m->count) {
        pthread_cond_wait(&m->cond, &m->lock);
      } else { /* only mails waiting to be tried again: sleep until the first is due */
        struct timespec until = clock_realtime_after(wait_ms);
        pthread_cond_timedwait(&m->cond, &m->lock, &until);
      }
      i = first_due(m, clock_mono_ms(), &wait_ms);
    }
    if (m->stopping && (i = first_to_drain(m, clock_mono_ms())) == m->count) {
      break; /* what is still queued is dropped by mailer_stop */
    }
    struct mail mail = take(m, i);
    pthread_mutex_unlock(&m->lock);
    mail.tries++;
    enum outcome out = transfer(m, &mail); /* a failure is logged there */
    pthread_mutex_lock(&m->lock);
    struct settled settled = settle(m, &mail, out);
    pthread_mutex_unlock(&m->lock);
    report(settled);
    pthread_mutex_lock(&m->lock);
  }
  pthread_mutex_unlock(&m->lock);
  return NULL;
}

int mailer_start(struct mailer **out, const char *smtp_url, const char *from, long retry_s,
                 char *err, size_t errlen) {
  struct mailer *m = NULL;
  *out = NULL;
  if (!accounts_plain_text(smtp_url, 1, 255) || NULL != strchr(smtp_url, ' ') ||
      (0 != strncmp(smtp_url, "smtp://", 7) && 0 != strncmp(smtp_url, "smtps://", 8))) {
    snprintf(err, errlen, "--smtp-url: must start with smtp:// or smtps://");
    return -1;
  }
  if (!address_safe(from)) {
    snprintf(err, errlen, "--smtp-from: must be a plain e-mail address");
    return -1;
  }
  if (CURLE_OK != curl_global_init(CURL_GLOBAL_DEFAULT)) {
    snprintf(err, errlen, "cannot initialise libcurl");
    return -1;
  }
  m = calloc(1, sizeof *m);
  if (NULL == m || NULL == (m->url = strdup(smtp_url)) || NULL == (m->from = strdup(from))) {
    goto fail;
  }
  m->retry_s = retry_s > 0 ? retry_s : 0;
  pthread_mutex_init(&m->lock, NULL);
  pthread_cond_init(&m->cond, NULL);
  if (0 != pthread_create(&m->thread, NULL, mailer_main, m)) {
    pthread_cond_destroy(&m->cond);
    pthread_mutex_destroy(&m->lock);
    goto fail;
  }
  *out = m;
  return 0;
fail:
  snprintf(err, errlen, "cannot start the mail thread");
  if (NULL != m) {
    free(m->url);
    free(m->from);
  }
  free(m);
  curl_global_cleanup();
  return -1;
}

/* The mail as sent: headers (Date, From, To, Subject, MIME) and the body with CRLF line
 * ends; a body line starting with '.' is not special here (libcurl escapes it). */
static char *compose(const struct mailer *m, const char *to, const char *subject, const char *body,
                     size_t *out_len) {
  char date[64];
  time_t now = time(NULL);
  struct tm tm;
  size_t blen = strlen(body), cap = 0, n = 0;
  char *text = NULL;
  gmtime_r(&now, &tm);
  strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  cap = 512 + strlen(m->from) + strlen(to) + strlen(subject) + 2 * blen;
  text = malloc(cap);
  if (NULL == text) {
    return NULL;
  }
  int h = snprintf(text, cap,
                   "Date: %s\r\nFrom: <%s>\r\nTo: <%s>\r\nSubject: %s\r\nMIME-Version: 1.0\r\n"
                   "Content-Type: text/plain; charset=UTF-8\r\n"
                   "Content-Transfer-Encoding: 8bit\r\n\r\n",
                   date, m->from, to, subject);
  if (h < 0 || (size_t)h >= cap) {
    free(text);
    return NULL;
  }
  n = (size_t)h;
  for (size_t i = 0; i < blen; i++) {
    if ('\n' == body[i] && (0 == i || '\r' != body[i - 1])) {
      text[n++] = '\r';
    }
    text[n++] = body[i];
  }
  if (0 == blen || '\n' != body[blen - 1]) {
    text[n++] = '\r';
    text[n++] = '\n';
  }
  text[n] = '\0';
  *out_len = n;
  return text;
}

bool mailer_send(struct mailer *m, const char *to, const char *subject, const char *body) {
  return mailer_send_then(m, to, subject, body, NULL, NULL);
}

size_t mailer_room(struct mailer *m) {
  if (NULL == m) {
    return 0;
  }
  pthread_mutex_lock(&m->lock);
  size_t room = m->stopping ? 0 : MAILER_QUEUE_MAX - m->count;
  pthread_mutex_unlock(&m->lock);
  return room;
}

bool mailer_send_then(struct mailer *m, const char *to, const char *subject, const char *body,
                      mail_done_fn done, void *ctx) {
  struct mail mail = {0};
  bool queued = false;
  if (NULL == m || !accounts_plain_text(subject, 1, 200) || NULL == body) {
    log_msg(LOG_WARN, NULL, "mail: refused a mail with an unusable subject or body");
    return false;
  }
  if (!address_safe(to)) {
    log_msg(LOG_WARN, NULL, "mail: refused a mail to an address no mail can go to");
    if (NULL == done) {
      return false;
    }
    done(ctx, MAIL_REFUSED); /* no try would ever take it */
    return true;
  }
  mail.to = strdup(to);
  mail.text = compose(m, to, subject, body, &mail.len);
  if (NULL == mail.to || NULL == mail.text) {
    mail_clear(&mail);
    log_msg(LOG_ERROR, NULL, "mail: out of memory");
    return false;
  }
  mail.done = done;
  mail.done_ctx = ctx;
  pthread_mutex_lock(&m->lock);
  if (!m->stopping && m->count < MAILER_QUEUE_MAX) {
    m->queue[(m->head + m->count) % MAILER_QUEUE_MAX] = mail;
    m->count++;
    queued = true;
    pthread_cond_signal(&m->cond);
  }
  pthread_mutex_unlock(&m->lock);
  if (!queued) {
    mail_clear(&mail);
    log_msg(LOG_WARN, NULL, "mail: the queue is full; a mail was dropped");
  }
  return queued;
}

void mailer_stop(struct mailer *m, long drain_s) {
  if (NULL == m) {
    return;
  }
  pthread_mutex_lock(&m->lock);
  m->stopping = true;
  m->drain_until_ms = clock_mono_ms() + (drain_s > 0 ? (int64_t)drain_s * 1000 : 0);
  if (m->count > 0 && drain_s > 0) {
    log_msg(LOG_INFO, NULL, "mail: sending the %zu queued mail(s) before stopping (at most %ld s)",
            m->count, drain_s);
  }
  pthread_cond_signal(&m->cond);
  pthread_mutex_unlock(&m->lock);
  pthread_join(m->thread, NULL);
  if (m->count > 0) {
    log_msg(LOG_WARN, NULL,
            "mail: %zu queued mail(s) dropped at shutdown (not sent yet or "
            "waiting to be tried again)",
            m->count);
  }
  /* The thread has stopped: nothing else touches the queue, and the fates are told here. */
  for (; m->count > 0; m->count--, m->head = (m->head + 1) % MAILER_QUEUE_MAX) {
    struct mail *mail = &m->queue[m->head];
    mail_done_fn done = mail->done;
    void *ctx = mail->done_ctx;
    mail_clear(mail);
    if (NULL != done) {
      done(ctx, MAIL_NOT_SENT);
    }
  }
  pthread_cond_destroy(&m->cond);
  pthread_mutex_destroy(&m->lock);
  free(m->url);
  free(m->from);
  free(m);
  curl_global_cleanup();
}
