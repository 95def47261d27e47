/*
 * What a candidate's application for a scheme (FR.APL.01) and self-assessment (FR.APL.02)
 * must be, as pure checks of outside input: the personal data the LSP needs (the national
 * identity number NIK among them), and per element of every unit of the exam the candidate's
 * own judgement, dapat / belum dapat, with the evidence that supports it. No I/O: sealing the
 * NIK and storing the application are the application layer's.
 */
#ifndef UJIKOM_APPLICANT_H
#define UJIKOM_APPLICANT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "ujikom/exam.h"

#define APPLICANT_NIK_LEN      16   /* digits of a NIK */
#define APPLICANT_MAX_TEXT     200  /* bytes of a short personal field (place, education, ...) */
#define APPLICANT_MAX_ADDRESS  500  /* bytes of the address */
#define APPLICANT_MAX_EVIDENCE 1000 /* bytes of the evidence named for one element */
#define APPLICANT_MAX_REASON   2000 /* bytes of an eligibility decision's reason */

/* True when s is a NIK as the civil registry (Dukcapil) writes it: exactly 16 ASCII digits;
 * digits 1-2 a province code (11..94); digits 7-8 the day of birth, 01..31 (plus 40 for
 * women: 41..71); digits 9-10 the month, 01..12; the serial (13-16) not 0000. */
bool applicant_nik_valid(const char *s);

/* Checks the body's "personal" object: full_name (a person's name, ujikom/person_name.h),
 * birth_place, birth_date ("YYYY-MM-DD", a real day in 1900..2100), address, phone (7..20 of
 * digits, spaces, '-', and one leading '+', at least 7 digits), education, occupation (each
 * text 1..APPLICANT_MAX_TEXT bytes, APPLICANT_MAX_ADDRESS for the address, valid UTF-8
 * without control characters) and nik (applicant_nik_valid); no other key. On 0 *out is the
 * caller's new object of the same fields WITHOUT the NIK (the name normalised, texts trimmed)
 * and nik_out holds the NIK. On -1 *out is NULL, nik_out is wiped and err names the field
 * ("personal.nik: must be 16 digits ..."). */
int applicant_personal_check(json_t **out, char nik_out[APPLICANT_NIK_LEN + 1], const json_t *in,
                             char *err, size_t errlen);

/* Checks a self-assessment against exam: an object {unit code: {element id: {"answer":
 * "dapat" | "belum_dapat", "evidence": text}}} naming every element of every unit and
 * nothing else; evidence is 0..APPLICANT_MAX_EVIDENCE bytes of text as above (required, 1
 * byte at least, for "dapat": what shows it). On 0 *out is the caller's copy as kept; on -1
 * *out is NULL and err names the place ("self_assessment.C.1.2: ..."). */
int applicant_self_check(json_t **out, const struct exam *exam, const json_t *in, char *err,
                         size_t errlen);

/* True when text (len bytes) is valid UTF-8 of 1..max bytes with no control character (C0,
 * DEL, C1), after surrounding spaces are removed. */
bool applicant_text_ok(const char *text, size_t len, size_t max);

#endif
