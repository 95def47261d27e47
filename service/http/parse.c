/*
 * Wire-format parsers (request target, urlencoded forms, cookies, UTF-8, JSON depth).
 * Everything here treats its input as hostile: bounded, no recursion, no NUL smuggling.
 */
#include "http/parse.h"

#include <stdint.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/b64.h"
#include "ujikom/utf8.h"

/* Percent-decodes s[0..len) into out (at least len + 1 bytes); '+' becomes ' ' when
 * plus_is_space. Returns false for a bad escape, a decoded NUL or invalid UTF-8. */
static bool pct_decode_into(char *out, const char *s, size_t len, bool plus_is_space) {
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if ('%' == c) {
      if (i + 2 >= len) {
        return false;
      }
      int hi = b16_value((unsigned char)s[i + 1]);
      int lo = b16_value((unsigned char)s[i + 2]);
      if (hi < 0 || lo < 0) {
        return false;
      }
      out[o++] = (char)((hi << 4) | lo);
      i += 2;
    } else if ('+' == c && plus_is_space) {
      out[o++] = ' ';
    } else {
      out[o++] = c;
    }
  }
  out[o] = '\0';
  /* A decoded NUL would let "a%00b" pass as "a"; invalid UTF-8 is refused here once. */
  return NULL == memchr(out, '\0', o) && utf8_well_formed(out, o);
}

/* Percent-decodes s[0..len) into a new string; NULL when malformed or out of memory. */
static char *pct_decode(const char *s, size_t len, bool plus_is_space) {
  char *out = malloc(len + 1);
  if (NULL == out) {
    return NULL;
  }
  if (!pct_decode_into(out, s, len, plus_is_space)) {
    free(out);
    return NULL;
  }
  return out;
}

void kv_list_free(struct kv_list *l) {
  if (NULL == l) {
    return;
  }
  for (size_t i = 0; i < l->count; i++) {
    free(l->items[i].name);
    free(l->items[i].value);
  }
  free(l->items);
  l->items = NULL;
  l->count = 0;
}

enum parse_rc parse_urlencoded(struct kv_list *out, const char *s, size_t len, size_t max_fields) {
  out->items = NULL;
  out->count = 0;
  if (NULL == s || 0 == len) {
    return PARSE_OK;
  }
  size_t cap = 0;
  size_t i = 0;
  while (i <= len) {
    size_t end = i;
    while (end < len && '&' != s[end]) {
      end++;
    }
    if (end > i) {
      const char *eq = memchr(s + i, '=', end - i);
      size_t nlen = eq ? (size_t)(eq - (s + i)) : end - i;
      const char *v = eq ? eq + 1 : s + end;
      size_t vlen = eq ? (size_t)((s + end) - v) : 0;
      if (out->count >= max_fields) {
        kv_list_free(out);
        return PARSE_TOO_MANY;
      }
      if (out->count == cap) {
        size_t ncap = cap ? cap * 2 : 8;
        struct kv *n = realloc(out->items, ncap * sizeof(*n));
        if (NULL == n) {
          kv_list_free(out);
          return PARSE_NOMEM;
        }
        out->items = n;
        cap = ncap;
      }
      char *name = pct_decode(s + i, nlen, true);
      char *value = pct_decode(v, vlen, true);
      if (NULL == name || NULL == value) {
        free(name);
        free(value);
        kv_list_free(out);
        return PARSE_BAD;
      }
      out->items[out->count].name = name;
      out->items[out->count].value = value;
      out->count++;
    }
    i = end + 1;
  }
  return PARSE_OK;
}

enum parse_rc parse_target_buf(char **out_path, const char **out_query, const char *target,
                               char *buf, size_t buflen) {
  *out_path = NULL;
  *out_query = NULL;
  if (NULL == target || '/' != target[0]) {
    return PARSE_BAD;
  }
  const char *q = strchr(target, '?');
  size_t plen = q ? (size_t)(q - target) : strlen(target);
  char *path = (NULL != buf && plen < buflen) ? buf : malloc(plen + 1);
  if (NULL == path) {
    return PARSE_NOMEM;
  }
  /* Most targets are plain printable ASCII: copied as they are. Anything else (escapes,
   * other bytes) goes through the decoder and its checks. */
  bool plain = true;
  for (size_t i = 0; i < plen && plain; i++) {
    unsigned char c = (unsigned char)target[i];
    plain = c > 0x20 && c < 0x7f && '%' != c;
    path[i] = (char)c;
  }
  if (plain) {
    path[plen] = '\0';
  }
  if (!plain && !pct_decode_into(path, target, plen, false)) {
    if (path != buf) {
      free(path);
    }
    return PARSE_BAD;
  }
  /* Dot segments never name a resource here; refusing them closes traversal tricks. */
  for (const char *seg = path; NULL != seg; seg = strchr(seg + 1, '/')) {
    if ('.' != seg[1]) {
      continue;
    }
    const char *name = seg + 1;
    size_t n = strcspn(name, "/");
    if ((1 == n && '.' == name[0]) || (2 == n && 0 == strncmp(name, "..", 2))) {
      if (path != buf) {
        free(path);
      }
      return PARSE_BAD;
    }
  }
  *out_path = path;
  *out_query = q ? q + 1 : NULL;
  return PARSE_OK;
}

enum parse_rc parse_target(char **out_path, const char **out_query, const char *target) {
  enum parse_rc rc = parse_target_buf(out_path, out_query, target, NULL, 0);
  return PARSE_NOMEM == rc ? PARSE_BAD : rc;
}

bool parse_cookie(const char *header, const char *name, char *out, size_t outlen) {
  if (NULL == header || NULL == name || 0 == outlen) {
    return false;
  }
  size_t nlen = strlen(name);
  const char *p = header;
  while ('\0' != *p) {
    while (' ' == *p || '\t' == *p || ';' == *p) {
      p++;
    }
    const char *end = strchr(p, ';');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len > nlen && 0 == strncmp(p, name, nlen) && '=' == p[nlen]) {
      const char *v = p + nlen + 1;
      size_t vlen = len - nlen - 1;
      while (vlen > 0 && (' ' == v[vlen - 1] || '\t' == v[vlen - 1])) {
        vlen--;
      }
      if (vlen >= 2 && '"' == v[0] && '"' == v[vlen - 1]) {
        v++;
        vlen -= 2;
      }
      if (vlen >= outlen) {
        return false;
      }
      for (size_t i = 0; i < vlen; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c < 0x21 || c > 0x7e || '"' == c || ',' == c || '\\' == c) {
          return false;
        }
      }
      memcpy(out, v, vlen);
      out[vlen] = '\0';
      return true;
    }
    if (NULL == end) {
      break;
    }
    p = end + 1;
  }
  return false;
}

const char *kv_get(const struct kv_list *l, const char *name) {
  for (size_t i = 0; NULL != l && i < l->count; i++) {
    if (0 == strcmp(l->items[i].name, name)) {
      return l->items[i].value;
    }
  }
  return NULL;
}

bool json_depth_ok(const char *s, size_t len, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (in_string) {
      if ('\\' == c) {
        i++;
      } else if ('"' == c) {
        in_string = false;
      }
      continue;
    }
    if ('"' == c) {
      in_string = true;
    } else if ('[' == c || '{' == c) {
      if (++depth > max_depth) {
        return false;
      }
    } else if (']' == c || '}' == c) {
      depth--;
    }
  }
  return true;
}

/* A qvalue (RFC 9110, 12.4.2) in thousandths: "0", "0.5", "0.125", "1", "1.000"; anything
 * else (malformed) counts as 1000, so only a well-formed zero refuses. */
static unsigned qvalue_milli(const char *v, size_t n) {
  if (0 == n || ('0' != v[0] && '1' != v[0]) || n > 5 || (n > 1 && '.' != v[1])) {
    return 1000;
  }
  unsigned q = '1' == v[0] ? 1000u : 0u;
  unsigned scale = 100;
  for (size_t i = 2; i < n; i++, scale /= 10) {
    if (v[i] < '0' || v[i] > '9' || ('1' == v[0] && '0' != v[i])) {
      return 1000;
    }
    q += (unsigned)(v[i] - '0') * scale;
  }
  return q;
}

static bool is_ows(char c) {
  return ' ' == c || '\t' == c;
}

/* One element of a weighted list (Accept-Encoding, Accept-Language): "name;q=0.5;x=y".
 * From *p (advanced past the element and its comma): the name and its weight in
 * thousandths (1000 without a q parameter). False at the end of the list. */
static bool next_weighted(const char **p, const char **name, size_t *nlen, unsigned *q) {
  const char *s = *p;
  if ('\0' == *s) {
    return false;
  }
  const char *end = strchr(s, ',');
  if (NULL == end) {
    end = s + strlen(s);
  }
  while (s < end && is_ows(*s)) {
    s++;
  }
  *name = s;
  while (s < end && ';' != *s && !is_ows(*s)) {
    s++;
  }
  *nlen = (size_t)(s - *name);
  *q = 1000;
  while (s < end) { /* parameters: only q matters */
    while (s < end && (is_ows(*s) || ';' == *s)) {
      s++;
    }
    const char *param = s;
    while (s < end && ';' != *s && !is_ows(*s)) {
      s++;
    }
    size_t plen = (size_t)(s - param);
    if (plen >= 2 && ('q' == param[0] || 'Q' == param[0]) && '=' == param[1]) {
      *q = qvalue_milli(param + 2, plen - 2);
    }
  }
  *p = '\0' == *end ? end : end + 1;
  return true;
}

/* The weight in thousandths an Accept-Encoding value gives gzip and br: listed, the lowest of
 * their listings (a refusal among them refuses); unlisted, that of "*"; 0 when neither. */
static void coding_weights(const char *header, unsigned *gzip, unsigned *br) {
  long gz = -1, b = -1, star = -1; /* -1: unlisted */
  const char *p = NULL == header ? "" : header;
  const char *name = NULL;
  size_t nlen = 0;
  unsigned q = 0;
  while (next_weighted(&p, &name, &nlen, &q)) {
    long *w = NULL;
    if ((4 == nlen && 0 == strncasecmp(name, "gzip", 4)) ||
        (6 == nlen && 0 == strncasecmp(name, "x-gzip", 6))) {
      w = &gz;
    } else if (2 == nlen && 0 == strncasecmp(name, "br", 2)) {
      w = &b;
    } else if (1 == nlen && '*' == name[0]) {
      w = &star;
    }
    if (NULL != w) {
      *w = *w < 0 || (long)q < *w ? (long)q : *w;
    }
  }
  long any = star < 0 ? 0 : star;
  *gzip = (unsigned)(gz < 0 ? any : gz);
  *br = (unsigned)(b < 0 ? any : b);
}

bool accepts_gzip(const char *header) {
  unsigned gzip = 0, br = 0;
  coding_weights(header, &gzip, &br);
  return gzip > 0;
}

enum content_coding accept_encoding_pick(const char *header) {
  unsigned gzip = 0, br = 0;
  coding_weights(header, &gzip, &br);
  if (br > 0 && br >= gzip) {
    return CODING_BR;
  }
  return gzip > 0 ? CODING_GZIP : CODING_IDENTITY;
}

const char *accept_language_pick(const char *header) {
  if (NULL == header) {
    return NULL;
  }
  const char *best = NULL;
  unsigned best_q = 0;
  const char *p = header;
  const char *name = NULL;
  size_t nlen = 0;
  unsigned q = 0;
  while (next_weighted(&p, &name, &nlen, &q)) {
    /* the primary subtag: "id", "id-ID", "en", "en-GB"; "in" is Indonesian's old code */
    size_t primary = 0;
    while (primary < nlen && '-' != name[primary] && '_' != name[primary]) {
      primary++;
    }
    const char *lang = NULL;
    if (2 == primary && (0 == strncasecmp(name, "id", 2) || 0 == strncasecmp(name, "in", 2))) {
      lang = "id";
    } else if (2 == primary && 0 == strncasecmp(name, "en", 2)) {
      lang = "en";
    }
    if (NULL != lang && q > best_q) { /* the first of equal weights wins */
      best = lang;
      best_q = q;
    }
  }
  return best;
}
