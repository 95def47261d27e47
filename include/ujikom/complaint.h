/*
 * Complaints (pengaduan): the words a complaint's states are stored and shown as, and the
 * one rule for the free text people write into one. Pure functions; the rules of who may do
 * what are the complaints module's (service/common/complaints.h).
 */
#ifndef UJIKOM_COMPLAINT_H
#define UJIKOM_COMPLAINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a complaint is about. */
enum complaint_category {
  COMPLAINT_ASSESSMENT,  /* "assessment": how an assessment was run */
  COMPLAINT_ASSESSOR,    /* "assessor": an assessor's conduct */
  COMPLAINT_CERTIFICATE, /* "certificate": a certificate, its data or its status */
  COMPLAINT_EXAM_SYSTEM, /* "exam_system": the online exam itself */
  COMPLAINT_SERVICE,     /* "service": the LSP's administration and service */
  COMPLAINT_OTHER,       /* "other" */
  COMPLAINT_CATEGORY__MAX
};

/* received (lodged, not yet taken), in_review (an administrator took it), closed. */
enum complaint_status { COMPLAINT_RECEIVED, COMPLAINT_IN_REVIEW, COMPLAINT_CLOSED };

/* How a closed complaint ended: upheld (the LSP found it justified and says what it did) or
 * not upheld (and why). */
enum complaint_outcome { COMPLAINT_UPHELD, COMPLAINT_NOT_UPHELD };

/* The stored names (the JSON and form values too); NULL for a value out of range. */
const char *complaint_category_name(enum complaint_category c);
const char *complaint_status_name(enum complaint_status s);
const char *complaint_outcome_name(enum complaint_outcome o);
/* false (and *out untouched) for anything that is not exactly one of the names. */
bool complaint_category_parse(const char *s, enum complaint_category *out);
bool complaint_status_parse(const char *s, enum complaint_status *out);
bool complaint_outcome_parse(const char *s, enum complaint_outcome *out);

/* Limits, in characters (code points), whatever their bytes. */
#define COMPLAINT_BODY_MIN_CHARS  20   /* a complaint says what happened */
#define COMPLAINT_TEXT_MAX_CHARS  5000 /* a complaint, a note, an outcome */
#define COMPLAINT_ABOUT_MAX_CHARS 200  /* the optional reference (a serial, an exam, a date) */

enum complaint_text_status {
  COMPLAINT_TEXT_OK = 0,
  COMPLAINT_TEXT_INVALID_UTF8,
  COMPLAINT_TEXT_CONTROL, /* a control character other than tab and line feed (CR is dropped) */
  COMPLAINT_TEXT_BIDI,    /* a bidirectional formatting character (U+202A-E, U+2066-9) */
  COMPLAINT_TEXT_TOO_SHORT,
  COMPLAINT_TEXT_TOO_LONG,
  COMPLAINT_TEXT_NOMEM,
};

/* Checks and tidies len bytes of free text for a complaint's field: well-formed UTF-8,
 * "\r\n" and "\r" become "\n", no other control character but tab, no bidirectional
 * formatting character, leading and trailing white space trimmed; then between min_chars and
 * max_chars code points (min_chars 0: empty allowed). On COMPLAINT_TEXT_OK *out is the tidied
 * text (malloc'd, NUL-terminated; free()); otherwise *out is NULL (in may be NULL when len
 * is 0).
 * Control characters are C0 (but tab and line feed), DEL, C1 (U+0080..U+009F) and the line
 * and paragraph separators U+2028, U+2029. The bidirectional marks (U+200E, U+200F, U+061C)
 * and the zero-width characters (U+200B..U+200D, U+2060, U+FEFF) are kept: they reorder
 * nothing beyond themselves, and writers of some scripts and of emoji need them. White space
 * trimmed: tab, line feed and the space separators (Unicode Zs, e.g. U+00A0, U+3000). */
enum complaint_text_status complaint_text_tidy(char **out, const char *in, size_t len,
                                               size_t min_chars, size_t max_chars);

/* The reference people quote on the phone and in letters: "ADU-" and the id in at least six
 * digits ("ADU-000042"). out needs COMPLAINT_REF_SIZE bytes. */
#define COMPLAINT_REF_SIZE 32
void complaint_ref(char out[COMPLAINT_REF_SIZE], int64_t id);
/* The id a reference (any letter case, the "ADU-" prefix optional) or a bare number names;
 * false when text is neither (no spaces around it, no sign; 0 and numbers past INT64_MAX
 * name no complaint). */
bool complaint_ref_parse(const char *text, int64_t *out_id);

#endif
