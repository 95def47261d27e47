/*
 * Text normalisation for matching short answers: Unicode NFKC, case folding, and
 * whitespace collapsed (leading/trailing removed, inner runs turned into one space), so that
 * "  Pita  UKUR " and "pita ukur" match, as do full-width and composed/decomposed forms.
 */
#ifndef UJIKOM_EXAM_TEXT_H
#define UJIKOM_EXAM_TEXT_H

#include <stddef.h>

/* Normalises len bytes of UTF-8 at s. On success returns 0 and *out is a NUL-terminated
 * string the caller frees with free(). Returns -1 (and *out = NULL) when s is not valid UTF-8
 * or memory runs out. */
int exam_text_normalize(char **out, const char *s, size_t len);

#endif
