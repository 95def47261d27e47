/*
 * JSON written as text, for the hot answers (the exam form, saves, verification): building
 * and dumping a jansson tree per request cost more than everything else those requests do.
 * The text is the document jansson would write compactly (same escapes, keys in the order
 * written), and a strict check that a stored text is one JSON value lets stored answers be
 * spliced in as they are.
 *
 * Documents are written with the keyed writer, in kcgi's manner: a key and its value in one
 * call (jt_putstringp(b, "name", value)), objects and arrays opened and closed around their
 * members; the writer places the commas, quotes and colons, so a document cannot be left
 * half-punctuated by hand. Misuse (a key inside an array, none inside an object, a close
 * that does not match, nesting past JT_MAX_DEPTH, a second top-level value) fails the text.
 * The raw appends below are the layer it is built on.
 */
#ifndef UJIKOM_JSONTEXT_H
#define UJIKOM_JSONTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Containers open at once, at most. */
#define JT_MAX_DEPTH 63

/* A growing text; s is NUL-terminated while !failed. Zero-initialise; free(s) when done.
 * Once failed (out of memory, a string that is not UTF-8, misuse of the keyed writer),
 * appends do nothing. */
struct jtext {
  char *s;
  size_t len, cap;
  bool failed;
  /* The keyed writer's place: depth containers are open; bit d of is_object says whether
   * the container at depth d + 1 is an object, bit d of has_value whether depth d has a
   * value yet (so the next one needs a comma). */
  unsigned depth;
  uint64_t is_object;
  uint64_t has_value;
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

/* ---- the keyed writer. The plain forms write a value where no key belongs (the top
 * level, inside an array); the p forms ("put with key") write "key":value inside an object.
 * Strings must be UTF-8 and not NULL, else the text fails (jansson refuses them too).
 *
 * Keys are string literals that need no escape (the names of a document): the p macros
 * turn a key into its written form "key": at compile time, so a key costs one copy, as
 * when documents were punctuated by hand. Each macro stands for a _q function that takes
 * that written form and its length; a key known only at run time is written as jt_str
 * writes it, followed by ':', and passed to the _q function. */
#define JT_QKEY(key)                "\"" key "\":", sizeof("\"" key "\":") - 1
#define jt_objp_open(b, key)        jt_openp_q((b), JT_QKEY(key), true)
#define jt_arrp_open(b, key)        jt_openp_q((b), JT_QKEY(key), false)
#define jt_putstringp(b, key, s)    jt_putstringp_q((b), JT_QKEY(key), (s))
#define jt_putintp(b, key, v)       jt_putintp_q((b), JT_QKEY(key), (v))
#define jt_putboolp(b, key, v)      jt_putboolp_q((b), JT_QKEY(key), (v))
#define jt_putnullp(b, key)         jt_putnullp_q((b), JT_QKEY(key))
#define jt_putrawp(b, key, json, n) jt_putrawp_q((b), JT_QKEY(key), (json), (n))
/* Containers: an object when is_object, else an array; opened as a value (jt_open) or as
 * the member qkey of the enclosing object (jt_openp_q), closed by the same kind. */
void jt_open(struct jtext *b, bool is_object);
void jt_openp_q(struct jtext *b, const char *qkey, size_t qlen, bool is_object);
void jt_close(struct jtext *b, bool is_object);
#define jt_obj_open(b)  jt_open((b), true)
#define jt_obj_close(b) jt_close((b), true)
#define jt_arr_open(b)  jt_open((b), false)
#define jt_arr_close(b) jt_close((b), false)
void jt_putstring(struct jtext *b, const char *s);
void jt_putstringp_q(struct jtext *b, const char *qkey, size_t qlen, const char *s);
void jt_putint(struct jtext *b, int64_t v);
void jt_putintp_q(struct jtext *b, const char *qkey, size_t qlen, int64_t v);
void jt_putbool(struct jtext *b, bool v);
void jt_putboolp_q(struct jtext *b, const char *qkey, size_t qlen, bool v);
void jt_putnull(struct jtext *b);
void jt_putnullp_q(struct jtext *b, const char *qkey, size_t qlen);
/* A value that is already JSON text (n bytes, e.g. a stored answer that passed
 * json_text_valid), spliced in as it is. */
void jt_putraw(struct jtext *b, const char *json, size_t n);
void jt_putrawp_q(struct jtext *b, const char *qkey, size_t qlen, const char *json, size_t n);
/* True when the text is one complete document: not failed, something written, every
 * container closed. */
bool jt_done(const struct jtext *b);

/* Whether s is exactly one JSON value (RFC 8259) with optional white space around it: valid
 * UTF-8 (no overlongs, surrogates or code points past U+10FFFF), no control characters in
 * strings, nesting at most 64 deep. Stricter than needed nowhere a client could notice. */
bool json_text_valid(const char *s);

#endif
