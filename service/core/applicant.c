/*
 * The application (FR.APL.01) and self-assessment (FR.APL.02) checks: outside input in,
 * a clean copy or a reason out.
 */
#include "ujikom/applicant.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ujikom/person_name.h"
#include "ujikom/utf8.h"

static bool digits(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') {
      return false;
    }
  }
  return true;
}

static int two(const char *s) {
  return (s[0] - '0') * 10 + (s[1] - '0');
}

bool applicant_nik_valid(const char *s) {
  if (s == NULL || strlen(s) != APPLICANT_NIK_LEN || !digits(s, APPLICANT_NIK_LEN)) {
    return false;
  }
  int province = two(s), day = two(s + 6), month = two(s + 8);
  if (day > 40) {
    day -= 40; /* women's NIKs add 40 to the day of birth */
  }
  return province >= 11 && province <= 94 && day >= 1 && day <= 31 && month >= 1 && month <= 12 &&
         strncmp(s + 12, "0000", 4) != 0;
}

bool applicant_text_ok(const char *text, size_t len, size_t max) {
  if (text == NULL || len == 0 || len > max || !utf8_well_formed(text, len)) {
    return false;
  }
  size_t lead = 0, trail = len;
  while (lead < len && text[lead] == ' ') {
    lead++;
  }
  while (trail > lead && text[trail - 1] == ' ') {
    trail--;
  }
  if (trail == lead) {
    return false;
  }
  for (size_t i = 0; i < len;) {
    uint32_t cp = 0;
    size_t n = utf8_decode(text + i, len - i, &cp);
    if (n == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f)) {
      return false;
    }
    i += n;
  }
  return true;
}

static bool leap(long y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* "YYYY-MM-DD" of a real day in 1900..2100. */
static bool birth_date_ok(const char *s) {
  static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4) || !digits(s + 5, 2) ||
      !digits(s + 8, 2)) {
    return false;
  }
  long y = two(s) * 100L + two(s + 2);
  int m = two(s + 5), d = two(s + 8);
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) {
    return false;
  }
  return d <= mdays[m - 1] + (m == 2 && leap(y) ? 1 : 0);
}

static bool phone_ok(const char *s) {
  size_t len = strlen(s), ndigits = 0;
  if (len < 7 || len > 20) {
    return false;
  }
  for (size_t i = 0; i < len; i++) {
    if (s[i] >= '0' && s[i] <= '9') {
      ndigits++;
    } else if (!(s[i] == ' ' || s[i] == '-' || (s[i] == '+' && i == 0))) {
      return false;
    }
  }
  return ndigits >= 7;
}

/* A copy of text without surrounding spaces, as a new JSON string; NULL on no memory. */
static json_t *trimmed(const char *text) {
  size_t len = strlen(text), lead = 0;
  while (lead < len && text[lead] == ' ') {
    lead++;
  }
  while (len > lead && text[len - 1] == ' ') {
    len--;
  }
  return json_stringn(text + lead, len - lead);
}

enum field_kind { F_NAME, F_TEXT, F_ADDRESS, F_DATE, F_PHONE, F_NIK };

static const struct {
  const char *name;
  enum field_kind kind;
} personal_fields[] = {
    {"full_name", F_NAME}, {"birth_place", F_TEXT}, {"birth_date", F_DATE}, {"address", F_ADDRESS},
    {"phone", F_PHONE},    {"education", F_TEXT},   {"occupation", F_TEXT}, {"nik", F_NIK},
};
#define NPERSONAL (sizeof personal_fields / sizeof personal_fields[0])

/* Checks one field's text; on success adds its clean form to out (the NIK goes to nik_out).
 * Returns 0, or -1 with err set. */
static int personal_field(json_t *out, char nik_out[APPLICANT_NIK_LEN + 1], size_t i, const char *v,
                          size_t len, char *err, size_t errlen) {
  const char *name = personal_fields[i].name;
  json_t *clean = NULL;
  switch (personal_fields[i].kind) {
  case F_NAME: {
    char *norm = NULL;
    char why[160];
    if (PERSON_NAME_OK != person_name_for_record(&norm, v, len, why, sizeof why)) {
      snprintf(err, errlen, "personal.%s: %s", name, why);
      return -1;
    }
    clean = json_string(norm);
    free(norm);
    break;
  }
  case F_TEXT:
  case F_ADDRESS:
    if (!applicant_text_ok(v, len,
                           F_ADDRESS == personal_fields[i].kind ? APPLICANT_MAX_ADDRESS
                                                                : APPLICANT_MAX_TEXT)) {
      snprintf(err, errlen, "personal.%s: must be 1 to %d bytes of text without control characters",
               name,
               F_ADDRESS == personal_fields[i].kind ? APPLICANT_MAX_ADDRESS : APPLICANT_MAX_TEXT);
      return -1;
    }
    clean = trimmed(v);
    break;
  case F_DATE:
    if (!birth_date_ok(v)) {
      snprintf(err, errlen, "personal.%s: must be a date YYYY-MM-DD between 1900 and 2100", name);
      return -1;
    }
    clean = json_string(v);
    break;
  case F_PHONE:
    if (!phone_ok(v)) {
      snprintf(err, errlen, "personal.%s: must be 7 to 20 digits, spaces or '-', '+' first", name);
      return -1;
    }
    clean = json_string(v);
    break;
  case F_NIK:
    if (!applicant_nik_valid(v)) {
      snprintf(err, errlen,
               "personal.%s: must be the 16 digits of a national identity number (NIK)", name);
      return -1;
    }
    memcpy(nik_out, v, APPLICANT_NIK_LEN + 1);
    return 0;
  }
  if (clean == NULL || json_object_set_new(out, name, clean) != 0) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  return 0;
}

int applicant_personal_check(json_t **out, char nik_out[APPLICANT_NIK_LEN + 1], const json_t *in,
                             char *err, size_t errlen) {
  *out = NULL;
  OPENSSL_cleanse(nik_out, APPLICANT_NIK_LEN + 1);
  if (!json_is_object(in)) {
    snprintf(err, errlen, "personal: must be an object of the applicant's data");
    return -1;
  }
  json_t *clean = json_object();
  if (clean == NULL) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (size_t i = 0; i < NPERSONAL; i++) {
    const json_t *v = json_object_get(in, personal_fields[i].name);
    if (!json_is_string(v)) {
      snprintf(err, errlen, "personal.%s: required text", personal_fields[i].name);
      goto fail;
    }
    if (0 != personal_field(clean, nik_out, i, json_string_value(v), json_string_length(v), err,
                            errlen)) {
      goto fail;
    }
  }
  if (json_object_size(in) != NPERSONAL) {
    snprintf(err, errlen, "personal: has a field that is not asked for");
    goto fail;
  }
  *out = clean;
  return 0;
fail:
  json_decref(clean);
  OPENSSL_cleanse(nik_out, APPLICANT_NIK_LEN + 1);
  return -1;
}

/* One element's entry {"answer", "evidence"}: 0 and its copy in *out, or -1 with err. */
static int self_entry(json_t **out, const char *unit, long element, const json_t *e, char *err,
                      size_t errlen) {
  *out = NULL;
  const json_t *answer = json_object_get(e, "answer");
  const json_t *evidence = json_object_get(e, "evidence");
  const char *a = json_string_value(answer);
  if (!json_is_object(e) || a == NULL ||
      (strcmp(a, "dapat") != 0 && strcmp(a, "belum_dapat") != 0)) {
    snprintf(err, errlen, "self_assessment.%s.%ld.answer: must be dapat or belum_dapat", unit,
             element);
    return -1;
  }
  bool can = strcmp(a, "dapat") == 0;
  const char *ev = evidence == NULL ? "" : json_string_value(evidence);
  size_t evlen = ev == NULL ? 0 : strlen(ev);
  bool ev_ok = ev != NULL && json_object_size(e) == (evidence == NULL ? 1u : 2u) &&
               (evlen == 0 ? !can : applicant_text_ok(ev, evlen, APPLICANT_MAX_EVIDENCE));
  if (!ev_ok) {
    snprintf(err, errlen,
             "self_assessment.%s.%ld.evidence: %s 1 to %d bytes of text (no other key)", unit,
             element, can ? "dapat needs the evidence that shows it," : "may be",
             APPLICANT_MAX_EVIDENCE);
    return -1;
  }
  *out = json_pack("{s:s, s:s%}", "answer", a, "evidence", ev, evlen);
  if (*out == NULL) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  return 0;
}

int applicant_self_check(json_t **out, const struct exam *exam, const json_t *in, char *err,
                         size_t errlen) {
  *out = NULL;
  if (!json_is_object(in) || json_object_size(in) != exam->nunits) {
    snprintf(err, errlen, "self_assessment: must name each of the %zu units of the exam",
             exam->nunits);
    return -1;
  }
  json_t *copy = json_object();
  if (copy == NULL) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (size_t u = 0; u < exam->nunits; u++) {
    const struct exam_unit *unit = &exam->units[u];
    const json_t *els = json_object_get(in, unit->code);
    json_t *ucopy = json_object();
    if (json_object_set_new(copy, unit->code, ucopy) != 0) {
      snprintf(err, errlen, "out of memory");
      goto fail;
    }
    if (!json_is_object(els) || json_object_size(els) != unit->nelements) {
      snprintf(err, errlen, "self_assessment.%s: must name each of the unit's %zu elements",
               unit->code, unit->nelements);
      goto fail;
    }
    for (size_t e = 0; e < unit->nelements; e++) {
      char key[24];
      snprintf(key, sizeof key, "%ld", unit->elements[e].id);
      json_t *entry = NULL;
      const json_t *given = json_object_get(els, key);
      if (given == NULL) {
        snprintf(err, errlen, "self_assessment.%s.%s: missing", unit->code, key);
        goto fail;
      }
      if (0 != self_entry(&entry, unit->code, unit->elements[e].id, given, err, errlen)) {
        goto fail;
      }
      if (json_object_set_new(ucopy, key, entry) != 0) {
        snprintf(err, errlen, "out of memory");
        goto fail;
      }
    }
  }
  *out = copy;
  return 0;
fail:
  json_decref(copy);
  return -1;
}
