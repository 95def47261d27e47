/*
 * The one validator for a person's name, wherever it enters (registration, admin, import):
 * the name is stored, shown on the page and printed in the PDF exactly as this returns it.
 *
 * Rules, in the order they are checked:
 *   1. valid UTF-8 of assigned Unicode characters (no private use);
 *   2. normalised to NFC (a decomposed "é" becomes the single code point);
 *   3. no control character: C0 (including tab and newline), DEL, C1 (U+0080..U+009F), nor
 *      the line and paragraph separators U+2028, U+2029;
 *   4. no bidirectional formatting character (U+061C, U+200E, U+200F, U+202A..U+202E,
 *      U+2066..U+2069), which would make the name display differently from what it is;
 *   5. no other invisible character: every format character (general category Cf, e.g.
 *      U+00AD, U+200B..U+200D, U+2060, U+FEFF), U+034F and the Hangul fillers U+115F,
 *      U+1160, U+3164, U+FFA0;
 *   6. Unicode spaces (category Zs, e.g. U+00A0, U+3000) count as spaces: leading and
 *      trailing ones are removed and each inner run becomes one U+0020;
 *   7. 1 to 200 characters (code points, counted after steps 2 and 6), whatever their
 *      UTF-8 length: 200 letters of two, three or four bytes are as good as 200 of ASCII.
 *      Input of more than 4,096 bytes is refused as too long before any of this (no valid
 *      name comes near: 200 characters, each perhaps decomposed, stay below it).
 *
 * The limit is in characters only. Every buffer that holds a stored name (an account's name,
 * a certificate's holder, the signed-in user of a request) is PERSON_NAME_SIZE bytes: room
 * for the longest name the rules allow, so no name that passes is ever cut or refused for
 * its bytes further on.
 */
#ifndef UJIKOM_PERSON_NAME_H
#define UJIKOM_PERSON_NAME_H

#include <stdbool.h>
#include <stddef.h>

#define PERSON_NAME_MAX_CHARS 200
/* The most bytes a name that passes can take: 200 code points of at most 4 bytes each. */
#define PERSON_NAME_MAX_BYTES 800
/* The size of every buffer that holds a stored name, its NUL included. */
#define PERSON_NAME_SIZE (PERSON_NAME_MAX_BYTES + 1)

enum person_name_status {
  PERSON_NAME_OK = 0,
  PERSON_NAME_INVALID_UTF8,
  PERSON_NAME_UNASSIGNED, /* unassigned or private-use code point */
  PERSON_NAME_CONTROL,
  PERSON_NAME_BIDI,
  PERSON_NAME_INVISIBLE,
  PERSON_NAME_EMPTY,
  PERSON_NAME_TOO_LONG,
  PERSON_NAME_NOMEM,
};

/* Validates and normalises len bytes at in. On PERSON_NAME_OK *out is the normalised name
 * (malloc'd, NUL-terminated, free()). Otherwise *out is NULL and err (when not NULL) says
 * which rule failed, in English, naming the offending code point where there is one. */
enum person_name_status person_name_normalize(char **out, const char *in, size_t len, char *err,
                                              size_t errlen);

/* The validator of a name that is stored (an account's name, a certificate's holder), and the
 * only one every entry point uses: person_name_normalize, whose result always fits
 * PERSON_NAME_SIZE (checked once more, as a broken invariant would cut a name). Same
 * contract. */
enum person_name_status person_name_for_record(char **out, const char *in, size_t len, char *err,
                                               size_t errlen);

/* True when s (NUL-terminated) is a name person_name_for_record accepts unchanged: what a
 * certificate may name as its holder. */
bool person_name_is_record(const char *s);

#endif
