/*
 * The verification answer as JSON, the one writer of that document (GET /verify with
 * Accept: application/json, POST /api/verify): written as text with the keyed writer
 * (http/jsontext.h), since a verification is answered far more often than anything else.
 * tests/unit/test_verify_json.c holds it byte for byte against jansson's compact output.
 */
#ifndef UJIKOM_VERIFY_JSON_H
#define UJIKOM_VERIFY_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/jsontext.h"
#include "ujikom/cert.h"

/* What the answer says, borrowed from the caller for the length of the call. */
struct verify_answer {
  const struct cert_verification *v; /* verdict, reason (when not empty), claims (when valid) */
  const char *form;                  /* "qr", "credential", "serial" */
  const char *verdict_id;            /* the verdict in Indonesian */
  const char *verdict_en;            /* the verdict in English */
  int64_t revoked_ms;                /* when revoked / suspended (CERT_REVOKED, CERT_SUSPENDED) */
  const char *revoked_reason;        /* likewise: why */
  const char *reason_code;           /* stable code (common/verify.h); NULL or "" for none */
  const char *reason_id;             /* its text in Indonesian (read with reason_code) */
  const char *reason_en;             /* its text in English */
  bool logged;                       /* the issuance is in the transparency log: */
  uint64_t log_index;                /*   at this position */
  int64_t logged_ms;                 /*   and time */
  const char *recertifies;           /* the certificate it renews; NULL or "" for none */
  const char *renewed_by;            /* the certificate that renewed it; NULL or "" for none */
};

/* Appends the answer to b as one document:
 *   {"verdict":..,"form":..,"verdict_text":{"id":..,"en":..},"reason":..?,
 *    "reason_code":..?,"reason_text":{"id":..,"en":..}?,
 *    "certificate":{"serial","holder","subsector","subsector_name","scheme_id",
 *    "scheme_title","units":[{"code","title"}],"issued","expires","valid_until","issued_at",
 *    "expires_at","kid","issuer"}?,"revocation":{"date","at_ms","reason"}?,
 *    "suspension":{"date","at_ms","reason"}?,"log":{"index","logged_at_ms"}?,
 *    "recertifies":..?,"renewed_by":..?}
 * "recertifies" names the certificate this one renews, "renewed_by" the one that renewed it
 * (re-certification, common/recert.h; links of the register, not signed claims).
 * "expires" is the date of the instant the certificate stops being valid, "valid_until" the
 * last day on which it is (cert_valid_until_text): what every surface prints.
 * b fails (see jsontext.h) when memory runs out or a text is not UTF-8. */
void verify_json_write(struct jtext *b, const struct verify_answer *a);

/* A certificate date as the verification answer and page show it: "YYYY-MM-DD" (UTC) of
 * secs, or "?" when that cannot be written. */
void verify_date_text(char *out, size_t size, int64_t secs);

#endif
