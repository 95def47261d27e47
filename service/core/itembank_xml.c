/*
 * The XML reading the item bank formats share: expat with no document type at all (so no
 * external entity, no entity expansion: XXE and "billion laughs" are refused before any
 * entity is declared), a bounded element depth, and errors with line and column. Also the
 * HTML-to-text step for question text that arrives as markup: ujikom keeps the words only,
 * never the markup, so nothing imported can reach a page as HTML.
 */
#include <expat.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "itembank_internal.h"

#include "ujikom/utf8.h"

static const char *local_name(const char *name) {
  const char *c = strrchr(name, ':');
  return c == NULL ? name : c + 1;
}

const char *ib_xml_attr(const char **atts, const char *name) {
  for (size_t i = 0; atts[i] != NULL; i += 2) {
    if (strcmp(local_name(atts[i]), name) == 0) {
      return atts[i + 1];
    }
  }
  return NULL;
}

unsigned ib_xml_line(const struct ib_xml *x) {
  return x->parser == NULL ? 1 : (unsigned)XML_GetCurrentLineNumber((XML_Parser)x->parser);
}

void ib_xml_fail(struct ib_xml *x, const char *msg) {
  if (x->error[0] != '\0' || x->parser == NULL) {
    return;
  }
  snprintf(x->error, sizeof(x->error), "%s", msg);
  x->error_line = ib_xml_line(x);
  x->error_col = (unsigned)XML_GetCurrentColumnNumber((XML_Parser)x->parser) + 1;
  XML_StopParser((XML_Parser)x->parser, XML_FALSE);
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts) {
  struct ib_xml *x = ud;
  if (++x->depth > IB_XML_MAX_DEPTH) {
    ib_xml_fail(x, "elements nested more than 48 deep (refused)");
    return;
  }
  if (x->start != NULL) {
    x->start(x, local_name(name), atts);
  }
}

static void XMLCALL on_end(void *ud, const XML_Char *name) {
  struct ib_xml *x = ud;
  x->depth--;
  if (x->end != NULL) {
    x->end(x, local_name(name));
  }
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len) {
  struct ib_xml *x = ud;
  if (x->text != NULL && len > 0) {
    x->text(x, s, (size_t)len);
  }
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal) {
  (void)name, (void)sysid, (void)pubid, (void)has_internal;
  ib_xml_fail(ud, "the document declares a document type (DOCTYPE): refused, as entities "
                  "(external or expanding) are never read");
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
                              int value_len, const XML_Char *base, const XML_Char *sysid,
                              const XML_Char *pubid, const XML_Char *notation) {
  (void)name, (void)is_param, (void)value, (void)value_len, (void)base, (void)sysid, (void)pubid,
      (void)notation;
  ib_xml_fail(ud, "the document declares an entity: refused");
}

int ib_xml_parse(struct ib_xml *x, const char *buf, size_t len) {
  x->error[0] = '\0';
  x->depth = 0;
  if (len > (size_t)INT32_MAX) {
    snprintf(x->error, sizeof(x->error), "the document is too large");
    x->error_line = x->error_col = 1;
    return -1;
  }
  XML_Parser p = XML_ParserCreate("UTF-8");
  if (p == NULL) {
    snprintf(x->error, sizeof(x->error), "out of memory");
    x->error_line = x->error_col = 1;
    return -1;
  }
  x->parser = p;
  XML_SetUserData(p, x);
  XML_SetElementHandler(p, on_start, on_end);
  XML_SetCharacterDataHandler(p, on_text);
  XML_SetStartDoctypeDeclHandler(p, on_doctype);
  XML_SetEntityDeclHandler(p, on_entity);
  XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
  if (XML_Parse(p, buf, (int)len, XML_TRUE) == XML_STATUS_ERROR && x->error[0] == '\0') {
    snprintf(x->error, sizeof(x->error), "malformed XML: %s", XML_ErrorString(XML_GetErrorCode(p)));
    x->error_line = (unsigned)XML_GetCurrentLineNumber(p);
    x->error_col = (unsigned)XML_GetCurrentColumnNumber(p) + 1;
  }
  XML_ParserFree(p);
  x->parser = NULL;
  return x->error[0] == '\0' ? 0 : -1;
}

/* ------------------------------------------------------------------ HTML to text */

struct html_entity {
  const char *name;
  uint32_t cp;
};

static const struct html_entity ENTITIES[] = {
    {"amp", '&'},      {"lt", '<'},       {"gt", '>'},       {"quot", '"'},      {"apos", '\''},
    {"nbsp", 0xA0},    {"ndash", 0x2013}, {"mdash", 0x2014}, {"hellip", 0x2026}, {"lsquo", 0x2018},
    {"rsquo", 0x2019}, {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"deg", 0xB0},      {"times", 0xD7},
    {"divide", 0xF7},  {"plusmn", 0xB1},  {"middot", 0xB7},  {"copy", 0xA9},     {"reg", 0xAE},
    {"euro", 0x20AC},  {"bull", 0x2022},  {"sup2", 0xB2},    {"sup3", 0xB3},     {"frac12", 0xBD},
    {"micro", 0xB5},   {"le", 0x2264},    {"ge", 0x2265},
};

static void put_cp(struct growbuf *b, uint32_t cp) {
  char u[4];
  if (cp == 0xA0) {
    cp = ' '; /* a no-break space is a space in plain text */
  }
  if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
    cp = 0xFFFD;
  }
  size_t n;
  if (cp < 0x80) {
    u[0] = (char)cp;
    n = 1;
  } else if (cp < 0x800) {
    u[0] = (char)(0xC0 | (cp >> 6));
    u[1] = (char)(0x80 | (cp & 0x3F));
    n = 2;
  } else if (cp < 0x10000) {
    u[0] = (char)(0xE0 | (cp >> 12));
    u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[2] = (char)(0x80 | (cp & 0x3F));
    n = 3;
  } else {
    u[0] = (char)(0xF0 | (cp >> 18));
    u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[3] = (char)(0x80 | (cp & 0x3F));
    n = 4;
  }
  growbuf_add(b, u, n);
}

/* Decodes the entity at s[0] == '&'; returns the bytes it took (0: not an entity). */
static size_t decode_entity(const char *s, size_t len, uint32_t *cp) {
  size_t semi = 1;
  while (semi < len && semi < 12 && s[semi] != ';') {
    semi++;
  }
  if (semi >= len || s[semi] != ';' || semi < 2) {
    return 0;
  }
  if (s[1] == '#') {
    bool hex = semi > 2 && (s[2] == 'x' || s[2] == 'X');
    uint32_t v = 0;
    size_t i = hex ? 3 : 2;
    if (i == semi) {
      return 0;
    }
    for (; i < semi; i++) {
      char c = s[i];
      uint32_t d;
      if (c >= '0' && c <= '9') {
        d = (uint32_t)(c - '0');
      } else if (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        d = (uint32_t)((c | 0x20) - 'a' + 10);
      } else {
        return 0;
      }
      v = v * (hex ? 16u : 10u) + d;
      if (v > 0x10FFFF) {
        v = 0xFFFD;
      }
    }
    *cp = v;
    return semi + 1;
  }
  for (size_t k = 0; k < sizeof(ENTITIES) / sizeof(ENTITIES[0]); k++) {
    size_t n = strlen(ENTITIES[k].name);
    if (n == semi - 1 && memcmp(s + 1, ENTITIES[k].name, n) == 0) {
      *cp = ENTITIES[k].cp;
      return semi + 1;
    }
  }
  return 0;
}

static char lower(char c) {
  return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}

static bool tag_is(const char *name, size_t n, const char *want) {
  if (strlen(want) != n) {
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    if (lower(name[i]) != want[i]) {
      return false;
    }
  }
  return true;
}

/* The first "</name" at or after s (any case), or NULL. */
static const char *find_close(const char *s, const char *name) {
  size_t n = strlen(name);
  for (; *s != '\0'; s++) {
    if (s[0] == '<' && s[1] == '/' && tag_is(s + 2, n, name)) {
      return s;
    }
  }
  return NULL;
}

/* Whether the tag breaks the line (block elements and <br>). */
static bool tag_breaks(const char *name, size_t n) {
  static const char *const blocks[] = {"br",  "p",  "div", "li",    "tr", "h1",
                                       "h2",  "h3", "h4",  "h5",    "h6", "blockquote",
                                       "pre", "ul", "ol",  "table", "hr"};
  for (size_t k = 0; k < sizeof(blocks) / sizeof(blocks[0]); k++) {
    if (tag_is(name, n, blocks[k])) {
      return true;
    }
  }
  return false;
}

/* The text with tags removed, before spaces are tidied. */
static void strip_tags(struct growbuf *t, const char *html, bool *had_markup) {
  size_t len = strlen(html);
  size_t i = 0;
  while (i < len) {
    char c = html[i];
    if (c == '<' && i + 1 < len &&
        (html[i + 1] == '/' || html[i + 1] == '!' || html[i + 1] == '?' ||
         (lower(html[i + 1]) >= 'a' && lower(html[i + 1]) <= 'z'))) {
      *had_markup = true;
      const char *end = strchr(html + i, '>');
      size_t stop = end == NULL ? len : (size_t)(end - html) + 1;
      size_t ns = i + 1 + (html[i + 1] == '/');
      size_t ne = ns;
      while (ne < stop && ((lower(html[ne]) >= 'a' && lower(html[ne]) <= 'z') ||
                           (html[ne] >= '0' && html[ne] <= '9'))) {
        ne++;
      }
      if (html[i + 1] != '/' &&
          (tag_is(html + ns, ne - ns, "script") || tag_is(html + ns, ne - ns, "style"))) {
        /* skip to the matching close tag: its content is never text */
        const char *close =
            find_close(html + stop, tag_is(html + ns, ne - ns, "script") ? "script" : "style");
        const char *gt = close == NULL ? NULL : strchr(close, '>');
        i = gt == NULL ? len : (size_t)(gt - html) + 1;
        continue;
      }
      if (tag_breaks(html + ns, ne - ns)) {
        growbuf_add(t, "\n", 1);
      }
      i = stop;
      continue;
    }
    if (c == '&') {
      uint32_t cp = 0;
      size_t k = decode_entity(html + i, len - i, &cp);
      if (k > 0) {
        *had_markup = true;
        put_cp(t, cp);
        i += k;
        continue;
      }
    }
    growbuf_add(t, &c, 1);
    i++;
  }
}

void ib_html_text(struct growbuf *b, const char *html, bool *had_markup) {
  struct growbuf t = {.max = IMPORT_TEXT_MAX};
  strip_tags(&t, html, had_markup);
  if (t.failed || t.p == NULL) {
    if (t.failed) {
      b->failed = 1;
    }
    free(t.p);
    return;
  }
  /* Lines trimmed, inner runs of spaces collapsed, at most one blank line in a row, none at
   * the ends. */
  size_t blank_run = 0;
  bool any = false;
  const char *s = t.p;
  while (*s != '\0') {
    const char *eol = strchr(s, '\n');
    size_t n = eol == NULL ? strlen(s) : (size_t)(eol - s);
    struct growbuf line = {.max = IMPORT_TEXT_MAX};
    bool space = false;
    for (size_t i = 0; i < n; i++) {
      if (ib_is_space(s[i])) {
        space = line.len > 0;
      } else {
        if (space) {
          growbuf_add(&line, " ", 1);
        }
        space = false;
        growbuf_add(&line, s + i, 1);
      }
    }
    if (line.len == 0) {
      blank_run++;
    } else {
      if (any) {
        growbuf_str(b, blank_run > 0 ? "\n\n" : "\n");
      }
      growbuf_add(b, line.p, line.len);
      any = true;
      blank_run = 0;
    }
    if (line.failed) {
      b->failed = 1;
    }
    free(line.p);
    s = eol == NULL ? s + n : eol + 1;
  }
  free(t.p);
}
