/*
 * Evidence uploads, the one home of their rules for every owner of a file: an evidence item
 * of an attempt or an application's supporting documents. Who may upload into which owner and how
 * much (the item's accept kinds, max_files and max_mb; only while the attempt takes answers),
 * resumable chunks (each acknowledged chunk committed before the caller answers; a chunk
 * out of order is refused, a replayed one is idempotent when its bytes are the same),
 * completion (SHA-256 over the stored bytes, the type decided by content with libmagic,
 * hostile files refused with nothing kept, the file attached by its hash and written into
 * the answer), and who may read a file (the attempt's candidate, an administrator, and the
 * assessor who holds the attempt's claim, decided it or was assigned its appeal; anyone else
 * learns nothing: EVIDENCE_NOT_FOUND).
 *
 * Protocol (docs/api.md "Evidence uploads"): create -> PUT chunks at the durable offset ->
 * complete. The bytes live in the store as chunk rows (store/store_evidence.h).
 */
#ifndef UJIKOM_COMMON_EVIDENCE_H
#define UJIKOM_COMMON_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/svc.h"
#include "store/store.h"
#include "ujikom/evidence.h"
#include "ujikom/states.h"

/* What an application (FR.APL.01) takes as supporting documents: images and PDFs (an ijazah,
 * a portfolio, training certificates), at most this many, each at most this large. */
#define EVIDENCE_APPLICATION_ACCEPT    (EXAM_ACCEPT_IMAGE | EXAM_ACCEPT_PDF)
#define EVIDENCE_APPLICATION_MAX_FILES 5
#define EVIDENCE_APPLICATION_MAX_MB    10

/* What an assessor's photos of a demonstration on the observation sheet may be: images (a
 * tablet's camera), at most this many per KUK, each at most this large. */
#define EVIDENCE_OBSERVATION_ACCEPT    EXAM_ACCEPT_IMAGE
#define EVIDENCE_OBSERVATION_MAX_FILES 5
#define EVIDENCE_OBSERVATION_MAX_MB    10

/* The largest chunk a client may send in one request (the upload routes' body limit). */
#define EVIDENCE_CHUNK_MAX ((size_t)1024 * 1024)

enum evidence_rc {
  EVIDENCE_OK = 0,
  EVIDENCE_NOT_FOUND,       /* no such upload/attempt/file, or not the caller's to see */
  EVIDENCE_CLOSED,          /* the attempt no longer takes answers (deadline or submitted) */
  EVIDENCE_NOT_EVIDENCE,    /* create: the item is not in the form or not an evidence item */
  EVIDENCE_TOO_LARGE,       /* create: over the item's max_mb; put: past the declared size */
  EVIDENCE_TOO_MANY,        /* create/complete: the item has its max_files already */
  EVIDENCE_OFFSET_MISMATCH, /* put: not at the durable offset (out of order, or a different
                               replay); the caller answers with the durable offset */
  EVIDENCE_UPLOAD_DONE,     /* put: the upload is complete or refused already */
  EVIDENCE_INCOMPLETE,      /* complete: not every byte has arrived */
  EVIDENCE_REFUSED,         /* complete: the file was refused (reason says why); nothing kept */
  EVIDENCE_BUSY,
  EVIDENCE_UNAVAILABLE,
  EVIDENCE_INTERNAL,
};

/* Every reason a file is refused for, NULL-terminated: the stable codes of the API, each with
 * its text reason.evidence_refused.<code> in both catalogues (checked by the tests). */
extern const char *const evidence_refusal_reasons[];

/* Why a file was refused: one of evidence_refusal_reasons ("type_not_allowed",
 * "type_not_accepted", "image_too_large", "image_unreadable", "active_content",
 * "checksum_mismatch"). */
struct evidence_refusal {
  const char *reason;
  char mime[64]; /* the type libmagic found, when it matters */
};

/* Opens a new upload for user_id into item req->item of their attempt_id. EVIDENCE_OK with
 * *out (the new upload), EVIDENCE_NOT_FOUND, EVIDENCE_CLOSED, EVIDENCE_NOT_EVIDENCE,
 * EVIDENCE_TOO_LARGE, EVIDENCE_TOO_MANY, or an error outcome. */
enum evidence_rc evidence_upload_create(struct store_upload *out, struct svc *svc, int64_t user_id,
                                        int64_t attempt_id, const struct evidence_create *req,
                                        int64_t now_ms);

/* Opens a new upload for user_id into their application for exam_id (req->item unused),
 * while it is not found eligible: the same protocol and checks as an item's, with the
 * application's limits (EVIDENCE_APPLICATION_*). Outcomes as evidence_upload_create
 * (EVIDENCE_NOT_FOUND: no application; EVIDENCE_CLOSED: found eligible already). */
enum evidence_rc evidence_application_upload_create(struct store_upload *out, struct svc *svc,
                                                    int64_t user_id, const char *exam_id,
                                                    const struct evidence_create *req,
                                                    int64_t now_ms);

/* Opens a new upload for assessor user_id: a photo for KUK kuk_id of observation unit
 * unit_code on attempt_id's observation sheet, while they may record on it
 * (observation_may_record; EVIDENCE_OBSERVATION_* limits, images only). Outcomes as
 * evidence_upload_create (EVIDENCE_NOT_FOUND: no such sheet for them; EVIDENCE_NOT_EVIDENCE:
 * no such KUK; EVIDENCE_CLOSED: another assessor holds it, or it is decided). Completing it
 * attaches the photo to the KUK, audited ("observation.photo", with its hash). */
enum evidence_rc evidence_observation_upload_create(struct store_upload *out, struct svc *svc,
                                                    int64_t user_id, int64_t attempt_id,
                                                    const char *unit_code, const char *kuk_id,
                                                    const struct evidence_create *req,
                                                    int64_t now_ms);

/* user_id's upload id: EVIDENCE_OK with *out, EVIDENCE_NOT_FOUND, or an error outcome. */
enum evidence_rc evidence_upload_get(struct store_upload *out, struct svc *svc, int64_t user_id,
                                     const char *upload_id);

/* Stores len bytes (1..EVIDENCE_CHUNK_MAX) at offset of user_id's upload id, durable on
 * EVIDENCE_OK; *out is the upload afterwards (its received count the durable offset), also
 * with EVIDENCE_OFFSET_MISMATCH, EVIDENCE_TOO_LARGE and EVIDENCE_UPLOAD_DONE. A chunk sent
 * again at an offset already stored with the same bytes is EVIDENCE_OK and changes nothing.
 */
enum evidence_rc evidence_upload_put(struct store_upload *out, struct svc *svc, int64_t user_id,
                                     const char *upload_id, int64_t offset, const void *data,
                                     size_t len, int64_t now_ms);

/* Completes user_id's upload id: every byte arrived, then the checks; the file is attached to
 * the item and the answer lists the item's files. EVIDENCE_OK with *out (the attachment),
 * EVIDENCE_REFUSED with *why (the upload's chunks are dropped), EVIDENCE_INCOMPLETE,
 * EVIDENCE_NOT_FOUND, EVIDENCE_CLOSED, EVIDENCE_TOO_MANY, or an error outcome. Completing a
 * completed upload again answers its file (idempotent). */
enum evidence_rc evidence_upload_complete(struct store_attachment *out,
                                          struct evidence_refusal *why, struct svc *svc,
                                          int64_t user_id, const char *upload_id, int64_t now_ms);

/* Candidate user_id removes file sha256 from evidence item item_id of their attempt_id while
 * the attempt takes answers: the answer lists the files left; audited ("evidence.remove").
 * EVIDENCE_OK, EVIDENCE_NOT_FOUND (no such attempt of theirs, or the file is not attached
 * there), EVIDENCE_CLOSED (submitted, or past its time), EVIDENCE_NOT_EVIDENCE, or an error
 * outcome. The file's bytes stay until the sweep finds no owner referencing them. */
enum evidence_rc evidence_remove(struct svc *svc, int64_t user_id, int64_t attempt_id,
                                 const char *item_id, const char *sha256, int64_t now_ms);

/* Candidate user_id removes file sha256 from their application for exam_id while it takes
 * files (until it is found eligible); audited ("application.file_remove"). EVIDENCE_OK,
 * EVIDENCE_NOT_FOUND, EVIDENCE_CLOSED (found eligible), or an error outcome. */
enum evidence_rc evidence_application_remove(struct svc *svc, int64_t user_id, const char *exam_id,
                                             const char *sha256);

/* What one sweep of evidence storage did. */
struct evidence_swept {
  int64_t abandoned; /* open uploads refused as abandoned, their chunks dropped */
  size_t purged;     /* files no owner referenced, deleted with their previews and chunks */
};

/* The periodic sweep (run by the process that leads, store_lead): every open upload not
 * changed since idle_before_ms is refused with reason "abandoned" and its chunks dropped;
 * then every file that no item, application or observation photo references any more (a
 * file removed before its attempt was submitted or its application decided) is deleted
 * with its preview and chunks, up to EVIDENCE_PURGE_MAX per sweep. A file attached anywhere
 * is never touched, so everything a decision's audit entry names stays. EVIDENCE_OK with
 * *out, or an error outcome (the rest waits for the next sweep). */
#define EVIDENCE_PURGE_MAX 64
enum evidence_rc evidence_sweep(struct evidence_swept *out, struct svc *svc,
                                int64_t idle_before_ms);

/* Who asks for a file. */
struct evidence_viewer {
  int64_t id;
  enum role role;
};

/* Whether viewer may see the files of attempt_id at now_ms (the rule of evidence_file_read):
 * EVIDENCE_OK with *out, EVIDENCE_NOT_FOUND (no such attempt), or an error outcome. */
enum evidence_rc evidence_may_view(bool *out, struct svc *svc, const struct evidence_viewer *viewer,
                                   int64_t attempt_id, int64_t now_ms);

/* A file (or its preview) as it is served. A preview is small and read whole (data); a
 * file is read piece by piece from its stored chunks (data NULL; evidence_reader_*). */
struct evidence_blob {
  void *data; /* malloc'd: a preview's bytes; NULL for a file */
  size_t len; /* bytes of the preview or of the file */
  char mime[64];
  char name[256];
  char sha256[65];
  char holder[33]; /* a file: the upload whose chunks hold its bytes */
};
void evidence_blob_clear(struct evidence_blob *b);

/* Reads a file's bytes at any position from its chunks, holding one chunk (at most
 * EVIDENCE_CHUNK_MAX bytes) at a time, each read in a short read transaction of its own. */
struct evidence_reader;
/* A reader of file blob (data NULL); NULL when memory runs out. */
struct evidence_reader *evidence_reader_new(struct svc *svc, const struct evidence_blob *blob);
/* Copies up to max bytes of the file from byte pos into buf: how many (> 0), or -1 (pos at
 * or past the end, the chunks gone, or the store failed; logged). */
long evidence_reader_read(struct evidence_reader *rd, int64_t pos, void *buf, size_t max);
void evidence_reader_free(struct evidence_reader *rd);

/* File sha256 of attempt_id for viewer at now_ms (the preview of an image when preview):
 * EVIDENCE_OK with *out (clear with evidence_blob_clear; a file's bytes through a reader),
 * EVIDENCE_NOT_FOUND (no such file in the attempt, no preview, or not the viewer's to see), or an
 * error outcome. */
enum evidence_rc evidence_file_read(struct evidence_blob *out, struct svc *svc,
                                    const struct evidence_viewer *viewer, int64_t attempt_id,
                                    const char *sha256, bool preview, int64_t now_ms);

/* Photo sha256 of attempt_id's observation sheet for viewer, as evidence_file_read: who may
 * read the attempt's files, and every assessor who sees the sheet (observation_sheet_load). */
enum evidence_rc evidence_observation_file_read(struct evidence_blob *out, struct svc *svc,
                                                const struct evidence_viewer *viewer,
                                                int64_t attempt_id, const char *sha256,
                                                bool preview, int64_t now_ms);

/* File sha256 of application application_id for viewer, as evidence_file_read: its candidate,
 * administrators and assessors (who decide applications) may read it; anyone else learns
 * nothing (EVIDENCE_NOT_FOUND). */
enum evidence_rc evidence_application_file_read(struct evidence_blob *out, struct svc *svc,
                                                const struct evidence_viewer *viewer,
                                                int64_t application_id, const char *sha256,
                                                bool preview);

/* The files attached to attempt_id as the audit trail records them: a new JSON object item id
 * -> [sha256, ...], and "observation:<unit>/<kuk>" -> [sha256, ...] for the photos on its
 * observation sheet (the caller's reference), or NULL (no files, or out of memory). */
json_t *evidence_audit_json(struct store_rd *rd, int64_t attempt_id);

#endif
