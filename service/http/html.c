/*
 * The escaping HTML builder: every piece of text that is not a string literal passes
 * through one escaping routine that also repairs invalid UTF-8.
 */
#include "http/html.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/growbuf.h"
#include "ujikom/json_compact.h"
#include "ujikom/utf8.h"

/* A page larger than this is a bug (or an attack through stored data); fail instead. */
#define HTML_MAX_BYTES ((size_t)16 * 1024 * 1024)

struct html {
  char *buf;
  size_t len;
  size_t cap;
  bool failed;
};

struct html *html_new(void) {
  struct html *h = calloc(1, sizeof(*h));
  if (NULL == h) {
    return NULL;
  }
  h->cap = 4096;
  h->buf = malloc(h->cap);
  if (NULL == h->buf) {
    free(h);
    return NULL;
  }
  h->buf[0] = '\0';
  return h;
}

void html_free(struct html *h) {
  if (NULL == h) {
    return;
  }
  free(h->buf);
  free(h);
}

bool html_failed(const struct html *h) {
  return NULL == h || h->failed;
}

const char *html_data(const struct html *h) {
  if (NULL == h || h->failed) {
    return "";
  }
  return h->buf;
}

size_t html_len(const struct html *h) {
  if (NULL == h || h->failed) {
    return 0;
  }
  return h->len;
}

char *html_take(struct html *h, size_t *out_len) {
  char *data = NULL;
  if (NULL == h) {
    return NULL;
  }
  if (!h->failed) {
    data = h->buf;
    h->buf = NULL;
    if (NULL != out_len) {
      *out_len = h->len;
    }
  }
  html_free(h);
  return data;
}

/* Makes room for n more bytes plus the terminating NUL. */
static bool reserve(struct html *h, size_t n) {
  if (NULL == h || h->failed) {
    return false;
  }
  if (n > HTML_MAX_BYTES - h->len) {
    h->failed = true;
    return false;
  }
  return growbuf_fit(&h->buf, &h->cap, h->len + n + 1, h->cap, &h->failed);
}

static void put(struct html *h, const char *s, size_t n) {
  if (!reserve(h, n)) {
    return;
  }
  memcpy(h->buf + h->len, s, n);
  h->len += n;
  h->buf[h->len] = '\0';
}

void html_raw_(struct html *h, const char *lit, size_t len) {
  put(h, lit, len);
}

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* The ASCII bytes html_textn copies as they are (bit c of text_plain[c >> 6]): printable
 * ones but & < > " ', and tab, line feed, carriage return. */
static const uint64_t text_plain[2] = {0xafffff3b00002600ull, 0x7fffffffffffffffull};

void html_textn(struct html *h, const char *s, size_t n) {
  if (NULL == s || NULL == h || h->failed) {
    return;
  }
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  size_t run = 0; /* start of the pending run of bytes copied verbatim */
  while (i < n) {
    unsigned char c = p[i];
    if (c < 128 && (text_plain[c >> 6] >> (c & 63)) & 1u) {
      i++; /* the common case, decided without the switch below */
      continue;
    }
    const char *esc = NULL;
    size_t esclen = 0;
    size_t adv = 1;
    switch (c) {
    case '&':
      esc = "&amp;";
      esclen = 5;
      break;
    case '<':
      esc = "&lt;";
      esclen = 4;
      break;
    case '>':
      esc = "&gt;";
      esclen = 4;
      break;
    case '"':
      esc = "&quot;";
      esclen = 6;
      break;
    case '\'':
      esc = "&#39;";
      esclen = 5;
      break;
    default:
      if ((c < 0x20 && '\t' != c && '\n' != c && '\r' != c) || 0x7F == c) {
        esc = replacement;
        esclen = 3;
      } else if (c >= 0x80) {
        adv = utf8_seq_len(s + i, n - i);
        if (0 == adv) {
          esc = replacement;
          esclen = 3;
          adv = 1;
        }
      }
      break;
    }
    if (NULL != esc) {
      put(h, s + run, i - run);
      put(h, esc, esclen);
      i += adv;
      run = i;
    } else {
      i += adv;
    }
  }
  put(h, s + run, n - run);
}

void html_text(struct html *h, const char *s) {
  if (NULL == s) {
    return;
  }
  html_textn(h, s, strlen(s));
}

void html_attr_(struct html *h, const char *name, const char *value) {
  if (NULL == value) {
    return;
  }
  put(h, " ", 1);
  put(h, name, strlen(name));
  put(h, "=\"", 2);
  html_text(h, value);
  put(h, "\"", 1);
}

void html_hidden_(struct html *h, const char *name, const char *value) {
  HTML_LIT(h, "<input type=\"hidden\"");
  html_attr_(h, "name", name);
  html_attr_(h, "value", value);
  HTML_LIT(h, ">");
}

/* A URL we are willing to put into href/src/action. */
static bool url_allowed(const char *url) {
  if ('#' == url[0]) {
    return true;
  }
  if (html_local_path(url)) {
    return true;
  }
  const char *rest = NULL;
  if (0 == strncmp(url, "https://", 8)) {
    rest = url + 8;
  } else if (0 == strncmp(url, "http://", 7)) {
    rest = url + 7;
  }
  if (NULL == rest || '\0' == *rest || '/' == *rest) {
    return false;
  }
  for (const char *p = url; *p; p++) {
    if ((unsigned char)*p < 0x21 || 0x7F == (unsigned char)*p || '\\' == *p) {
      return false;
    }
  }
  return true;
}

void html_attr_url_(struct html *h, const char *name, const char *url) {
  if (NULL == url) {
    return;
  }
  html_attr_(h, name, url_allowed(url) ? url : "#");
}

void html_link(struct html *h, const char *url, const char *text) {
  HTML_LIT(h, "<a");
  html_attr_url_(h, "href", url);
  HTML_LIT(h, ">");
  html_text(h, text);
  HTML_LIT(h, "</a>");
}

bool html_local_path(const char *s) {
  if (NULL == s || '/' != s[0] || '/' == s[1] || '\\' == s[1]) {
    return false;
  }
  for (const char *p = s; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (c < 0x20 || 0x7F == c || '\\' == c) {
      return false;
    }
  }
  return true;
}

static void put_number(struct html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put_number(struct html *h, const char *fmt, ...) {
  char tmp[32];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof(tmp)) {
    if (NULL != h) {
      h->failed = true;
    }
    return;
  }
  put(h, tmp, (size_t)n);
}

void html_fmt_(struct html *h, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  const char *p = fmt;
  const char *run = fmt;
  while (NULL != h && !h->failed && '\0' != *p) {
    if ('%' != *p) {
      p++;
      continue;
    }
    put(h, run, (size_t)(p - run));
    p++;
    if ('%' == *p) {
      put(h, "%", 1);
      p++;
    } else if ('s' == *p) {
      html_text(h, va_arg(ap, const char *));
      p++;
    } else if ('d' == *p || 'i' == *p) {
      put_number(h, "%d", va_arg(ap, int));
      p++;
    } else if ('u' == *p) {
      put_number(h, "%u", va_arg(ap, unsigned));
      p++;
    } else if ('z' == p[0] && 'u' == p[1]) {
      put_number(h, "%zu", va_arg(ap, size_t));
      p += 2;
    } else if ('l' == p[0] && 'l' == p[1] && ('d' == p[2] || 'i' == p[2])) {
      put_number(h, "%lld", va_arg(ap, long long));
      p += 3;
    } else if ('l' == p[0] && 'l' == p[1] && 'u' == p[2]) {
      put_number(h, "%llu", va_arg(ap, unsigned long long));
      p += 3;
    } else if ('l' == p[0] && ('d' == p[1] || 'i' == p[1])) {
      put_number(h, "%ld", va_arg(ap, long));
      p += 2;
    } else if ('l' == p[0] && 'u' == p[1]) {
      put_number(h, "%lu", va_arg(ap, unsigned long));
      p += 2;
    } else {
      h->failed = true; /* a conversion we do not offer: a programming error, never data */
      break;
    }
    run = p;
  }
  if (NULL != h && !h->failed) {
    put(h, run, (size_t)(p - run));
  }
  va_end(ap);
}

void html_text_sub(struct html *h, const char *tmpl, ...) {
  if (NULL == tmpl) {
    return;
  }
  const char *names[8];
  const char *values[8];
  size_t npairs = 0;
  va_list ap;
  va_start(ap, tmpl);
  for (;;) {
    const char *name = va_arg(ap, const char *);
    if (NULL == name) {
      break;
    }
    const char *value = va_arg(ap, const char *);
    if (npairs < 8) {
      names[npairs] = name;
      values[npairs] = value;
      npairs++;
    }
  }
  va_end(ap);
  const char *p = tmpl;
  const char *run = tmpl;
  while ('\0' != *p) {
    if ('{' != *p) {
      p++;
      continue;
    }
    const char *close = strchr(p + 1, '}');
    if (NULL == close) {
      break;
    }
    size_t nlen = (size_t)(close - p - 1);
    size_t k = 0;
    for (; k < npairs; k++) {
      if (strlen(names[k]) == nlen && 0 == strncmp(names[k], p + 1, nlen)) {
        break;
      }
    }
    if (k == npairs) {
      p++;
      continue;
    }
    html_textn(h, run, (size_t)(p - run));
    html_text(h, values[k]);
    p = close + 1;
    run = p;
  }
  html_text(h, run);
}

void html_json_script_(struct html *h, const char *id, const json_t *value) {
  char *json = json_compact(value, false);
  if (NULL == json) {
    if (NULL != h) {
      h->failed = true;
    }
    return;
  }
  HTML_LIT(h, "<script type=\"application/json\"");
  html_attr_(h, "id", id);
  HTML_LIT(h, ">");
  const char *run = json;
  const char *p = json;
  while ('\0' != *p) {
    const char *esc = NULL;
    size_t adv = 1;
    if ('<' == *p) {
      esc = "\\u003c";
    } else if ('>' == *p) {
      esc = "\\u003e";
    } else if ('&' == *p) {
      esc = "\\u0026";
    } else if (0 == strncmp(p, "\xE2\x80\xA8", 3)) {
      esc = "\\u2028";
      adv = 3;
    } else if (0 == strncmp(p, "\xE2\x80\xA9", 3)) {
      esc = "\\u2029";
      adv = 3;
    }
    if (NULL == esc) {
      p++;
      continue;
    }
    put(h, run, (size_t)(p - run));
    put(h, esc, 6);
    p += adv;
    run = p;
  }
  put(h, run, (size_t)(p - run));
  HTML_LIT(h, "</script>");
  free(json);
}

void html_labelled_(struct html *h, const char *id, const char *label, const char *open,
                    size_t openlen, const char *name) {
  HTML_LIT(h, "<label");
  html_attr(h, "for", id);
  HTML_LIT(h, ">");
  html_text(h, label);
  HTML_LIT(h, "</label>");
  html_raw_(h, open, openlen);
  html_attr(h, "id", id);
  html_attr(h, "name", name);
}
