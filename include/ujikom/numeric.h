/*
 * Numbers as people type them: the one reader of a numeric answer's text, for the API, the
 * no-JavaScript page and the scorer alike. Pure functions.
 *
 * The rule (docs/exam-format.md): digits with optional separators, an optional sign, spaces
 * around. Indonesian writing is the reference (thousands ".", decimal ","), English is read
 * where it cannot be mistaken:
 * - both "." and "," present: the last one is the decimal mark and appears once; the other
 *   groups thousands ("1.234,5" = "1,234.5" = 1234.5);
 * - one kind appearing more than once groups thousands ("1.234.567", "1,234,567");
 * - one separator, appearing once: a decimal mark ("2,5", "2.5", "0,125"), except when it
 *   could be a thousands group (one to three digits, not a lone 0, then exactly three):
 *   "30.000" or "30,000". Such input is read as thousands in a whole-number item (30000)
 *   and refused as ambiguous in an item that allows decimals;
 * - thousands groups are exactly three digits after a first group of one to three;
 * - anything else (words such as "tiga puluh ribu", exponents, two decimal marks) is refused,
 *   never guessed; at most 15 significant digits, so no value is rounded silently.
 */
#ifndef UJIKOM_NUMERIC_H
#define UJIKOM_NUMERIC_H

#include <stdbool.h>
#include <stddef.h>

/* Longest text read, in bytes (the exam page's field allows 40 characters). */
#define NUMERIC_MAX_TEXT 64
/* Most digits a number may have (a double holds 15 exactly). */
#define NUMERIC_MAX_DIGITS 15

enum numeric_rc {
  NUMERIC_OK = 0,
  NUMERIC_EMPTY,      /* nothing but spaces */
  NUMERIC_NOT_DIGITS, /* a character that is not a digit, separator, sign or space */
  NUMERIC_SEPARATORS, /* separators in places no reading allows */
  NUMERIC_AMBIGUOUS,  /* "1.234" where decimals are allowed: thousands or decimals? */
  NUMERIC_TOO_LONG,   /* more than NUMERIC_MAX_DIGITS digits or NUMERIC_MAX_TEXT bytes */
};

/* Reads text[0..len) as a number into *out (untouched unless NUMERIC_OK). whole_item says
 * whether the item's answer is a whole number, which settles "30.000" (see above). */
enum numeric_rc numeric_parse(double *out, const char *text, size_t len, bool whole_item);

/* A short stable name of rc ("ambiguous", ...): the API's error names end with it. */
const char *numeric_rc_name(enum numeric_rc rc);
/* A one-line English reason for rc. */
const char *numeric_rc_message(enum numeric_rc rc);

/* Writes v as text that numeric_parse reads back as v in any item ("2,5" with decimal_comma,
 * "2.5" without; "1,2340" rather than the ambiguous "1,234"). Returns the length, or 0 when
 * v is not finite, needs an exponent (%.15g's) or does not fit outlen. */
size_t numeric_format(char *out, size_t outlen, double v, bool decimal_comma);

#endif
