/*
 * Evidence uploads, the requests: a new upload's metadata, a chunk's offset, content types.
 * Everything here reads client input, so it is fuzzed (tests/fuzz/fuzz_evidence.c).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ujikom/evidence.h"
#include "ujikom/exam.h"
#include "ujikom/utf8.h"

bool evidence_sha256_ok(const char *s) {
  return NULL != s && 64 == strlen(s) && 64 == strspn(s, "0123456789abcdef");
}

bool evidence_parse_offset(const char *s, int64_t *out) {
  if (NULL == s) {
    return false;
  }
  size_t n = strspn(s, "0123456789");
  if (0 == n || n > 15 || '\0' != s[n]) {
    return false;
  }
  int64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

/* A run of 1..15 decimal digits at *p into *out, *p advanced past it. False without one. */
static bool range_number(const char **p, int64_t *out) {
  size_t n = strspn(*p, "0123456789");
  if (0 == n || n > 15) {
    return false;
  }
  int64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    v = v * 10 + ((*p)[i] - '0');
  }
  *p += n;
  *out = v;
  return true;
}

enum evidence_range_kind evidence_parse_range(const char *header, int64_t size, int64_t *first,
                                              int64_t *last) {
  *first = 0;
  *last = size - 1;
  if (NULL == header || size <= 0 || 0 != strncasecmp(header, "bytes=", 6)) {
    return EVIDENCE_RANGE_WHOLE;
  }
  const char *p = header + 6;
  p += strspn(p, " \t");
  int64_t a = -1, b = -1;
  bool has_a = range_number(&p, &a);
  if ('-' != *p) {
    return EVIDENCE_RANGE_WHOLE;
  }
  p++;
  bool has_b = range_number(&p, &b);
  p += strspn(p, " \t");
  if ('\0' != *p || (!has_a && !has_b) || (has_a && has_b && b < a)) {
    return EVIDENCE_RANGE_WHOLE; /* several ranges, or not a range: the whole file */
  }
  if (!has_a) { /* the last b bytes */
    if (0 == b) {
      return EVIDENCE_RANGE_UNSATISFIABLE;
    }
    *first = b >= size ? 0 : size - b;
    return EVIDENCE_RANGE_ONE;
  }
  if (a >= size) {
    return EVIDENCE_RANGE_UNSATISFIABLE;
  }
  *first = a;
  *last = has_b && b < size ? b : size - 1;
  return EVIDENCE_RANGE_ONE;
}

/* The name as it will be kept and shown: well-formed UTF-8 of 1..EVIDENCE_MAX_NAME bytes;
 * control characters, path separators and quotes become '_' (the name only ever labels a
 * file; it never names one on disk). */
static int name_copy(char *out, const char *in, size_t len, char *err, size_t errlen) {
  if (0 == len || len > EVIDENCE_MAX_NAME) {
    snprintf(err, errlen, "'name' must be 1 to %d bytes", EVIDENCE_MAX_NAME);
    return -1;
  }
  if (!utf8_well_formed(in, len) || NULL != memchr(in, '\0', len)) {
    snprintf(err, errlen, "'name' must be UTF-8 text");
    return -1;
  }
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)in[i];
    out[i] = (c < 0x20 || 0x7f == c || '/' == c || '\\' == c || '"' == c) ? '_' : (char)c;
  }
  out[len] = '\0';
  return 0;
}

/* The "item" member of a create body into out->item: 0, or -1 with err. */
static int item_parse(struct evidence_create *out, const json_t *body, char *err, size_t errlen) {
  const json_t *item = json_object_get(body, "item");
  const char *item_s = json_string_value(item);
  size_t item_len = NULL == item_s ? 0 : json_string_length(item);
  if (0 == item_len || item_len >= sizeof out->item || item_len != strlen(item_s)) {
    snprintf(err, errlen, "'item' must be an item id");
    return -1;
  }
  memcpy(out->item, item_s, item_len + 1);
  return 0;
}

int evidence_create_parse(struct evidence_create *out, const json_t *body, char *err,
                          size_t errlen) {
  return evidence_create_parse_for(out, body, true, err, errlen);
}

int evidence_create_parse_for(struct evidence_create *out, const json_t *body, bool with_item,
                              char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  if (!json_is_object(body)) {
    snprintf(err, errlen, "the body must be a JSON object");
    return -1;
  }
  const char *key = NULL;
  const json_t *v = NULL;
  json_object_foreach((json_t *)(uintptr_t)body, key, v) {
    if ((!with_item || 0 != strcmp(key, "item")) && 0 != strcmp(key, "name") &&
        0 != strcmp(key, "size") && 0 != strcmp(key, "sha256")) {
      snprintf(err, errlen, "unknown member '%.40s' (expected %sname, size, sha256)", key,
               with_item ? "item, " : "");
      return -1;
    }
  }
  if (with_item && 0 != item_parse(out, body, err, errlen)) {
    return -1;
  }
  const json_t *name = json_object_get(body, "name");
  if (!json_is_string(name) ||
      0 != name_copy(out->name, json_string_value(name), json_string_length(name), err, errlen)) {
    if (!json_is_string(name)) {
      snprintf(err, errlen, "'name' must be text");
    }
    return -1;
  }
  const json_t *size = json_object_get(body, "size");
  if (!json_is_integer(size) || json_integer_value(size) <= 0) {
    snprintf(err, errlen, "'size' must be the file's size in bytes (a positive whole number)");
    return -1;
  }
  out->size = (int64_t)json_integer_value(size);
  const json_t *sha = json_object_get(body, "sha256");
  if (NULL != sha && !json_is_null(sha)) {
    if (!evidence_sha256_ok(json_string_value(sha))) {
      snprintf(err, errlen, "'sha256' must be 64 lower-case hex digits");
      return -1;
    }
    memcpy(out->sha256, json_string_value(sha), 65);
  }
  return 0;
}

/* Content types by the kind they count as; everything else (text/html, image/svg+xml,
 * application/x-executable, archives, ...) is never accepted. */
static const struct {
  const char *mime;
  unsigned kind;
} mime_kinds[] = {
    {"image/jpeg", EXAM_ACCEPT_IMAGE},  {"image/png", EXAM_ACCEPT_IMAGE},
    {"image/webp", EXAM_ACCEPT_IMAGE},  {"application/pdf", EXAM_ACCEPT_PDF},
    {"audio/mpeg", EXAM_ACCEPT_AUDIO},  {"audio/ogg", EXAM_ACCEPT_AUDIO},
    {"audio/x-wav", EXAM_ACCEPT_AUDIO}, {"audio/wav", EXAM_ACCEPT_AUDIO},
    {"audio/x-m4a", EXAM_ACCEPT_AUDIO}, {"audio/mp4", EXAM_ACCEPT_AUDIO},
    {"audio/aac", EXAM_ACCEPT_AUDIO},   {"audio/webm", EXAM_ACCEPT_AUDIO},
    {"audio/flac", EXAM_ACCEPT_AUDIO},  {"video/mp4", EXAM_ACCEPT_VIDEO},
    {"video/webm", EXAM_ACCEPT_VIDEO},  {"video/quicktime", EXAM_ACCEPT_VIDEO},
    {"video/3gpp", EXAM_ACCEPT_VIDEO},  {"video/x-matroska", EXAM_ACCEPT_VIDEO},
};

unsigned evidence_mime_kind(const char *mime) {
  for (size_t i = 0; NULL != mime && i < sizeof mime_kinds / sizeof mime_kinds[0]; i++) {
    if (0 == strcmp(mime, mime_kinds[i].mime)) {
      return mime_kinds[i].kind;
    }
  }
  return 0;
}
