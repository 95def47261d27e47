/*
 * Rules that both signed forms of a certificate share: which claims may be signed, how a
 * failed verification is reported, and how the validity window turns into a verdict.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cert_internal.h"
#include "ujikom/person_name.h"
#include "ujikom/utf8.h"

/* Seconds a verifier's clock may lag behind the issuer's before "not yet valid". */
#define CERT_CLOCK_SKEW_S 300

static const char *const verdict_names[] = {[CERT_GENUINE] = "genuine",
                                            [CERT_EXPIRED] = "expired",
                                            [CERT_REVOKED] = "revoked",
                                            [CERT_NOT_GENUINE] = "not_genuine",
                                            [CERT_SUSPENDED] = "suspended"};

const char *cert_verdict_name(enum cert_verdict v) {
  if ((unsigned)v < sizeof verdict_names / sizeof verdict_names[0]) {
    return verdict_names[v];
  }
  return "not_genuine";
}

bool cert_text_signable(const char *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
      if (c < 0x20 || 0x7f == c) {
        return false;
      }
      i++;
      continue;
    }
    size_t n = utf8_seq_len(s + i, len - i);
    /* C1 controls (U+0080..U+009F) are C2 80..C2 9F */
    if (0 == n || (0xc2 == c && (unsigned char)s[i + 1] < 0xa0)) {
      return false;
    }
    i += n;
  }
  return true;
}

int cert_copy_text(char *dst, size_t size, const char *src, size_t len) {
  if (len >= size || NULL != memchr(src, '\0', len)) {
    return -1;
  }
  memcpy(dst, src, len);
  dst[len] = '\0';
  return 0;
}

static int field_ok(const char *s, size_t size, int required) {
  size_t len = strnlen(s, size);
  if (len >= size || (required && 0 == len)) {
    return 0;
  }
  return cert_text_signable(s, len);
}

int cert_claims_check(const struct cert_claims *c) {
  char canon[CERT_SERIAL_SIZE];
  if (0 != cert_serial_parse(canon, NULL, c->serial) || 0 != strcmp(canon, c->serial)) {
    return -1;
  }
  /* The holder is a person's name: signed only as the one name validator stores it. */
  if (strnlen(c->holder, sizeof c->holder) >= sizeof c->holder ||
      !person_name_is_record(c->holder) || !field_ok(c->holder_id, sizeof c->holder_id, 0) ||
      !field_ok(c->subsector, sizeof c->subsector, 1) ||
      !field_ok(c->subsector_name, sizeof c->subsector_name, 0) ||
      !field_ok(c->scheme_id, sizeof c->scheme_id, 1) ||
      !field_ok(c->scheme_title, sizeof c->scheme_title, 0) ||
      !field_ok(c->issuer_name, sizeof c->issuer_name, 0) ||
      !field_ok(c->issuer_url, sizeof c->issuer_url, 0)) {
    return -1;
  }
  if (c->issued < 0 || c->expires <= c->issued || c->nunits > CERT_MAX_UNITS ||
      (c->has_status && c->status_index >= CERT_STATUS_INDEX_LIMIT)) {
    return -1;
  }
  if (c->replaces[0] && (0 != cert_serial_parse(canon, NULL, c->replaces) ||
                         0 != strcmp(canon, c->replaces) || 0 == strcmp(c->replaces, c->serial))) {
    return -1;
  }
  for (size_t i = 0; i < c->nunits; i++) {
    if (!field_ok(c->units[i].code, sizeof c->units[i].code, 1) ||
        !field_ok(c->units[i].title, sizeof c->units[i].title, 0)) {
      return -1;
    }
  }
  return 0;
}

void cert_verification_fail(struct cert_verification *out, const char *fmt, ...) {
  memset(out, 0, sizeof *out);
  out->verdict = CERT_NOT_GENUINE;
  out->claims_valid = false;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(out->reason, sizeof out->reason, fmt, ap);
  va_end(ap);
  out->fault = CERT_FAULT_MALFORMED;
}

void cert_verification_dates(struct cert_verification *out, int64_t now) {
  out->reason[0] = '\0';
  out->fault = CERT_FAULT_NONE;
  if (now + CERT_CLOCK_SKEW_S < out->claims.issued) {
    /* Signed by us, but claiming a future date: the claims are real, the certificate is
     * not in force; report it as not genuine (yet) and keep the claims for display. */
    out->verdict = CERT_NOT_GENUINE;
    out->fault = CERT_FAULT_NOT_YET_VALID;
    snprintf(out->reason, sizeof out->reason, "not yet valid");
    return;
  }
  out->verdict = (now >= out->claims.expires) ? CERT_EXPIRED : CERT_GENUINE;
}

/* --- the display claims stored next to issued tokens (see cert.h) --- */

#define DISPLAY_SEP     '\x1f'
#define DISPLAY_VERSION "1"

/* Appends one field and a separator; false when it does not fit. */
static bool put_field(char *buf, size_t size, size_t *pos, const char *s) {
  size_t len = strlen(s);
  if (len + 1 > size - *pos) {
    return false;
  }
  memcpy(buf + *pos, s, len);
  *pos += len;
  buf[(*pos)++] = DISPLAY_SEP;
  return true;
}

char *cert_display_encode(const struct cert_claims *c) {
  if (0 != cert_claims_check(c)) {
    return NULL;
  }
  /* Every field fits its claim buffer, so this bound is exact enough. */
  size_t size = 2 + sizeof c->subsector_name + sizeof c->scheme_title + sizeof c->issuer_name + 8 +
                c->nunits * (sizeof c->units[0].code + sizeof c->units[0].title) + 1;
  char *buf = malloc(size);
  char count[8];
  size_t pos = 0;
  if (NULL == buf) {
    return NULL;
  }
  snprintf(count, sizeof count, "%zu", c->nunits);
  bool ok = put_field(buf, size, &pos, DISPLAY_VERSION) &&
            put_field(buf, size, &pos, c->subsector_name) &&
            put_field(buf, size, &pos, c->scheme_title) &&
            put_field(buf, size, &pos, c->issuer_name) && put_field(buf, size, &pos, count);
  for (size_t i = 0; ok && i < c->nunits; i++) {
    ok = put_field(buf, size, &pos, c->units[i].code) &&
         put_field(buf, size, &pos, c->units[i].title);
  }
  if (!ok) {
    free(buf);
    return NULL;
  }
  buf[pos - 1] = '\0'; /* the last separator ends the text */
  return buf;
}

/* Reads the field at *p (up to the next separator or the end of the text) into dst and
 * moves *p past it; *more tells whether a separator followed. */
static int get_field(char *dst, size_t size, const char **p, bool *more) {
  const char *s = *p;
  const char *end = strchr(s, DISPLAY_SEP);
  size_t len = NULL == end ? strlen(s) : (size_t)(end - s);
  if ((len > 0 && !cert_text_signable(s, len)) || 0 != cert_copy_text(dst, size, s, len)) {
    return -1;
  }
  *more = NULL != end;
  *p = NULL == end ? s + len : end + 1;
  return 0;
}

int cert_display_decode(struct cert_claims *c, const char *text) {
  char version[4], count[4];
  const char *p = text;
  bool more = false;
  if (0 == cert_display_unseal(&p, NULL, NULL, text)) {
    text = p; /* the seals are the verifier's to check */
  }
  if (NULL == text || 0 != get_field(version, sizeof version, &p, &more) || !more ||
      0 != strcmp(version, DISPLAY_VERSION) ||
      0 != get_field(c->subsector_name, sizeof c->subsector_name, &p, &more) || !more ||
      0 != get_field(c->scheme_title, sizeof c->scheme_title, &p, &more) || !more ||
      0 != get_field(c->issuer_name, sizeof c->issuer_name, &p, &more) || !more ||
      0 != get_field(count, sizeof count, &p, &more)) {
    return -1;
  }
  char *end = NULL;
  long n = strtol(count, &end, 10);
  if (count[0] < '0' || count[0] > '9' || '\0' != *end || n < 0 || n > CERT_MAX_UNITS ||
      (0 == n) == more) {
    return -1;
  }
  c->nunits = (size_t)n;
  for (size_t i = 0; i < c->nunits; i++) {
    if (0 != get_field(c->units[i].code, sizeof c->units[i].code, &p, &more) || !more ||
        '\0' == c->units[i].code[0] ||
        0 != get_field(c->units[i].title, sizeof c->units[i].title, &p, &more) ||
        more != (i + 1 < c->nunits)) {
      return -1;
    }
  }
  return 0;
}

void cert_claims_qr_days(struct cert_claims *c) {
  /* As the QR encoder rounds (issued and expires are never negative in signed claims). */
  uint64_t issued = c->issued < 0 ? 0 : (uint64_t)c->issued;
  uint64_t expires = c->expires < 0 ? 0 : (uint64_t)c->expires;
  c->issued = (int64_t)(issued / CERT_DAY_S * CERT_DAY_S);
  c->expires = (int64_t)((expires + CERT_DAY_S - 1) / CERT_DAY_S * CERT_DAY_S);
}

void cert_verification_issued(struct cert_verification *out, int64_t now) {
  out->claims_valid = true;
  cert_verification_dates(out, now);
}
