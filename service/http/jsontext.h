/*
 * JSON written as text, for the hot answers (the exam form, saves, verification): building
 * and dumping a jansson tree per request cost more than everything else those requests do.
 * The text is the document jansson would write compactly (same escapes), and a strict check
 * that a stored text is one JSON value lets stored answers be spliced in as they are.
 */
#ifndef UJIKOM_JSONTEXT_H
#define UJIKOM_JSONTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A growing text; s is NUL-terminated while !failed. Zero-initialise; free(s) when done.
 * Once failed (out of memory, or a string that is not UTF-8), appends do nothing. */
struct jtext {
  char *s;
  size_t len, cap;
  bool failed;
};

/* Room for n more bytes and the NUL; false (and failed) when memory runs out. */
bool jt_reserve(struct jtext *b, size_t n);
/* Appends n bytes as they are. */
void jt_raw(struct jtext *b, const char *p, size_t n);
#define JT_LIT(b, lit) jt_raw((b), "" lit "", sizeof(lit) - 1)
/* Appends s as a JSON string: quoted, with " \ and control characters escaped as jansson
 * escapes them; s must be UTF-8, else the text fails (jansson refuses it too). */
void jt_str(struct jtext *b, const char *s);
/* Appends v in decimal. */
void jt_int(struct jtext *b, int64_t v);

/* Whether s is exactly one JSON value (RFC 8259) with optional white space around it: valid
 * UTF-8 (no overlongs, surrogates or code points past U+10FFFF), no control characters in
 * strings, nesting at most 64 deep. Stricter than needed nowhere a client could notice. */
bool json_text_valid(const char *s);

#endif
