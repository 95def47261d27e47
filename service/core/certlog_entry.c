/*
 * Log entries of certificate events (see ujikom/certlog_entry.h): one line per field in a
 * fixed order, so an entry reads as text to a person and hashes the same for everyone.
 */
#include "ujikom/certlog_entry.h"

#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ujikom/b64.h"

static const char *const event_names[] = {
    [CERTLOG_ENTRY_ISSUE] = "issue",
    [CERTLOG_ENTRY_REVOKE] = "revoke",
    [CERTLOG_ENTRY_SUSPEND] = "suspend",
    [CERTLOG_ENTRY_REINSTATE] = "reinstate",
};
#define NEVENTS (sizeof event_names / sizeof event_names[0])

const char *certlog_entry_event_name(enum certlog_entry_event ev) {
  return (unsigned)ev < NEVENTS ? event_names[ev] : NULL;
}

int certlog_entry_digest(unsigned char out[CERTLOG_DIGEST_LEN], const void *data, size_t len) {
  unsigned int n = 0;
  return 1 == EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) && CERTLOG_DIGEST_LEN == n ? 0
                                                                                            : -1;
}

static bool field_valid(const char *s, size_t len) {
  if (0 == len || len > CERTLOG_FIELD_MAX) {
    return false;
  }
  for (size_t i = 0; i < len; i++) {
    if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e) {
      return false;
    }
  }
  return true;
}

/* --- encoding --- */

struct writer {
  char *out;
  size_t cap, len;
  bool failed;
};

/* Writes "<name> <value>\n", or "<name>\n" when value is NULL. */
static void put(struct writer *w, const char *name, const char *value) {
  if (w->failed) {
    return;
  }
  int n = NULL == value ? snprintf(w->out + w->len, w->cap - w->len, "%s\n", name)
                        : snprintf(w->out + w->len, w->cap - w->len, "%s %s\n", name, value);
  if (n < 0 || (size_t)n >= w->cap - w->len) {
    w->failed = true;
    return;
  }
  w->len += (size_t)n;
}

static void put_text(struct writer *w, const char *name, const char *value) {
  if (!field_valid(value, strnlen(value, CERTLOG_FIELD_MAX + 1))) {
    w->failed = true;
  }
  put(w, name, value);
}

static void put_int(struct writer *w, const char *name, int64_t v) {
  char num[24];
  snprintf(num, sizeof num, "%lld", (long long)v);
  put(w, name, num);
}

static void put_digest(struct writer *w, const char *name, const unsigned char d[32]) {
  char hex[2 * CERTLOG_DIGEST_LEN + 1];
  for (size_t i = 0; i < CERTLOG_DIGEST_LEN; i++) {
    snprintf(hex + 2 * i, 3, "%02x", d[i]);
  }
  put(w, name, hex);
}

int certlog_entry_encode(char *out, size_t cap, size_t *out_len, const struct certlog_entry *e) {
  const char *ev = certlog_entry_event_name(e->event);
  struct writer w = {.out = out, .cap = cap, .len = 0, .failed = 0 == cap};
  if (NULL == ev || e->time_ms < 0) {
    return -1;
  }
  put(&w, CERTLOG_ENTRY_VERSION, NULL);
  put(&w, "event", ev);
  put_text(&w, "serial", e->serial);
  put_int(&w, "time", e->time_ms);
  put_text(&w, "kid", e->kid);
  put_text(&w, "subsector", e->subsector);
  put_text(&w, "scheme", e->scheme);
  put_int(&w, "issued", e->issued_s);
  put_int(&w, "expires", e->expires_s);
  if (CERTLOG_ENTRY_ISSUE == e->event) {
    put_digest(&w, "credential", e->credential);
    put_digest(&w, "token", e->token);
  } else {
    put_digest(&w, "reason", e->reason);
  }
  if (w.failed) {
    memset(out, 0, cap); /* nothing half-written is mistaken for an entry */
    return -1;
  }
  *out_len = w.len;
  return 0;
}

/* --- parsing --- */

struct reader {
  const char *p, *end;
  char *err;
  size_t errlen;
};

/* The value of the next line, which must be "<name> <value>\n". */
static bool next_value(struct reader *r, const char *name, const char **value, size_t *len) {
  size_t nl = strlen(name);
  const char *eol = memchr(r->p, '\n', (size_t)(r->end - r->p));
  if (NULL == eol || (size_t)(eol - r->p) < nl + 1 || 0 != memcmp(r->p, name, nl) ||
      ' ' != r->p[nl]) {
    snprintf(r->err, r->errlen, "expected the line '%s'", name);
    return false;
  }
  *value = r->p + nl + 1;
  *len = (size_t)(eol - *value);
  r->p = eol + 1;
  return true;
}

static bool read_text(struct reader *r, const char *name, char out[CERTLOG_FIELD_MAX + 1]) {
  const char *v;
  size_t len;
  if (!next_value(r, name, &v, &len)) {
    return false;
  }
  if (!field_valid(v, len)) {
    snprintf(r->err, r->errlen, "%s: 1 to %d printable ASCII characters, no space", name,
             CERTLOG_FIELD_MAX);
    return false;
  }
  memcpy(out, v, len);
  out[len] = '\0';
  return true;
}

/* A decimal integer as %lld writes it: optional '-', no leading zeros, no "-0". */
static bool read_int(struct reader *r, const char *name, int64_t *out) {
  const char *v;
  size_t len;
  if (!next_value(r, name, &v, &len)) {
    return false;
  }
  bool neg = len > 0 && '-' == v[0];
  size_t i = neg ? 1 : 0;
  uint64_t acc = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
  bool ok = i < len && (len - i == 1 || '0' != v[i]) && !(neg && '0' == v[i]);
  for (; ok && i < len; i++) {
    if (v[i] < '0' || v[i] > '9' || acc > (limit - (uint64_t)(v[i] - '0')) / 10) {
      ok = false;
      break;
    }
    acc = acc * 10 + (uint64_t)(v[i] - '0');
  }
  if (!ok) {
    snprintf(r->err, r->errlen, "%s: not a canonical 64-bit decimal", name);
    return false;
  }
  *out = neg ? (int64_t)(0 - acc) : (int64_t)acc;
  return true;
}

static bool read_digest(struct reader *r, const char *name, unsigned char out[32]) {
  const char *v;
  size_t len;
  if (!next_value(r, name, &v, &len)) {
    return false;
  }
  bool ok = (size_t)2 * CERTLOG_DIGEST_LEN == len;
  for (size_t i = 0; ok && i < CERTLOG_DIGEST_LEN; i++) {
    int hi = b16_value(v[2 * i]), lo = b16_value(v[2 * i + 1]);
    /* lower case only: one spelling per digest */
    ok = hi >= 0 && lo >= 0 && !(v[2 * i] >= 'A' && v[2 * i] <= 'F') &&
         !(v[2 * i + 1] >= 'A' && v[2 * i + 1] <= 'F');
    if (ok) {
      out[i] = (unsigned char)(hi << 4 | lo);
    }
  }
  if (!ok) {
    snprintf(r->err, r->errlen, "%s: not 64 lower-case hex digits", name);
  }
  return ok;
}

int certlog_entry_parse(struct certlog_entry *out, const void *data, size_t len, char *err,
                        size_t errlen) {
  struct reader r = {.p = data, .end = (const char *)data + len, .err = err, .errlen = errlen};
  const size_t vl = strlen(CERTLOG_ENTRY_VERSION);
  const char *v;
  size_t n;
  memset(out, 0, sizeof *out);
  if (len > CERTLOG_ENTRY_MAX) {
    snprintf(err, errlen, "longer than %d bytes", CERTLOG_ENTRY_MAX);
    return -1;
  }
  if (len < vl + 1 || 0 != memcmp(data, CERTLOG_ENTRY_VERSION "\n", vl + 1)) {
    snprintf(err, errlen, "not a %s entry", CERTLOG_ENTRY_VERSION);
    return -1;
  }
  r.p += vl + 1;
  if (!next_value(&r, "event", &v, &n)) {
    return -1;
  }
  size_t ev = 0;
  while (ev < NEVENTS && !(strlen(event_names[ev]) == n && 0 == memcmp(event_names[ev], v, n))) {
    ev++;
  }
  if (ev == NEVENTS) {
    snprintf(err, errlen, "event: unknown");
    return -1;
  }
  out->event = (enum certlog_entry_event)ev;
  bool ok = read_text(&r, "serial", out->serial) && read_int(&r, "time", &out->time_ms) &&
            read_text(&r, "kid", out->kid) && read_text(&r, "subsector", out->subsector) &&
            read_text(&r, "scheme", out->scheme) && read_int(&r, "issued", &out->issued_s) &&
            read_int(&r, "expires", &out->expires_s);
  if (ok && CERTLOG_ENTRY_ISSUE == out->event) {
    ok = read_digest(&r, "credential", out->credential) && read_digest(&r, "token", out->token);
  } else if (ok) {
    ok = read_digest(&r, "reason", out->reason);
  }
  if (ok && out->time_ms < 0) {
    snprintf(err, errlen, "time: negative");
    ok = false;
  }
  if (ok && r.p != r.end) {
    snprintf(err, errlen, "data after the last field");
    ok = false;
  }
  if (!ok) {
    memset(out, 0, sizeof *out);
    return -1;
  }
  return 0;
}
