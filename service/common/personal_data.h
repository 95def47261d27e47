/*
 * A person's own data as one document they download: the right of a data subject to see and
 * obtain a copy of the personal data a controller processes about them, in a form a machine
 * reads (UU 27/2022 on personal data protection, articles 7 and 13). The LSP is the
 * controller; this is how an account holder exercises that right without writing to it.
 *
 * The document (PERSONAL_DATA_FORMAT) holds what the service keeps about the account and
 * what its owner gave it: the account (e-mail address, name, role, time zone, bound DID,
 * whether a second factor is on), every attempt with its saved answers, flags, files (the
 * evidence uploaded and the assessor's photos of the demonstration, each with the route
 * that serves it), released result and any appeal, each decision as the candidate is shown
 * it (feedback_view.h: the assessor's text, comments per item and rubric criterion, the
 * observation records), the applications (APL-01/02, the NIK opened, as its owner sees it
 * with ?nik=1), certificates and their status, renewals, extra time planned, test events
 * enrolled in, complaints lodged while signed in, when the account was used (its sessions
 * and log-in devices, without their tokens), and the audit log's entries about the
 * account. It leaves out what would let a copy act as the account or what is another
 * person's: the password hash, session and device tokens, second-factor secrets and
 * recovery codes, staff notes on complaints, other people's names (staff appear by the
 * account ids the API already shows the candidate, as on an appeal).
 *
 * An administrator produces the same document for a person who asks the LSP instead (by
 * letter, or with an account that is disabled and cannot sign in).
 *
 * Each download is one audit entry (account.export, about the account, by whoever asked:
 * its owner or the administrator) written before the document is handed out: a document
 * whose entry could not be written is not given. Downloads are counted per asker and account
 * (PERSONAL_DATA_PER_HOUR in an hour, in the transaction that writes the entry), so that
 * nobody fills the audit log, or keeps a store busy, by asking again and again.
 */
#ifndef UJIKOM_COMMON_PERSONAL_DATA_H
#define UJIKOM_COMMON_PERSONAL_DATA_H

#include <jansson.h>
#include <stdint.h>

#include "common/svc.h"

#define PERSONAL_DATA_FORMAT "ujikom-personal-data/1"
/* Rows of one kind the document holds at most (newest first where the store orders them);
 * a kind cut there says so ("truncated" in the document's "limits"). */
#define PERSONAL_DATA_LIST_MAX 1000
/* Downloads an account may make in an hour. */
#define PERSONAL_DATA_PER_HOUR 6

enum personal_data_rc {
  PERSONAL_DATA_OK = 0,
  PERSONAL_DATA_NOT_FOUND,    /* no such account */
  PERSONAL_DATA_LIMITED,      /* PERSONAL_DATA_PER_HOUR reached: *out_retry_after_s */
  PERSONAL_DATA_NO_MEMORY,    /* the document could not be built */
  PERSONAL_DATA_STORE_FAILED, /* see *out_store_rc */
};

/* Builds user_id's document as of now_ms and records its download by asker (user_id itself,
 * or an administrator: the caller checks the role) as account.export: PERSONAL_DATA_OK with
 * *out (json_decref), or another code with *out NULL; with PERSONAL_DATA_LIMITED,
 * *out_retry_after_s says when the hour's quota has room again (at least 1). */
enum personal_data_rc personal_data_export(json_t **out, struct svc *svc, int64_t user_id,
                                           int64_t asker, int64_t now_ms,
                                           int64_t *out_retry_after_s, int *out_store_rc);

#endif
