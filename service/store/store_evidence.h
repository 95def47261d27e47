/*
 * Evidence files in the store: resumable uploads as chunk rows, files by content (SHA-256),
 * their previews, and the files attached to an item of an attempt. What may be uploaded,
 * by whom, and what a file must be is the evidence module's rule (service/common/evidence.c);
 * this is only what is kept. The bytes live in the database (chunk rows), so a committed
 * chunk survives a crash and every backup holds them.
 */
#ifndef UJIKOM_STORE_EVIDENCE_H
#define UJIKOM_STORE_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

struct store_tx;
struct store_rd;

enum store_upload_state { STORE_UPLOAD_OPEN, STORE_UPLOAD_COMPLETE, STORE_UPLOAD_REFUSED };

/* The item id of an application's uploads (they have no item). */
#define STORE_UPLOAD_APPLICATION_ITEM "application"

/* The item id of an observation photo's uploads (a colon: no exam item has it); the KUK it is
 * for is kept beside the upload (store_observation_upload_create). */
#define STORE_UPLOAD_OBSERVATION_ITEM ":observation"

/* An upload's owner is an evidence item of an attempt (attempt_id, item_id), an application
 * (application_id; attempt_id 0, item_id STORE_UPLOAD_APPLICATION_ITEM), or a KUK on the
 * observation sheet of an attempt (attempt_id, item_id STORE_UPLOAD_OBSERVATION_ITEM). */
struct store_upload {
  char id[33];            /* 32 lower-case hex digits, random */
  int64_t attempt_id;     /* 0 for an application's */
  int64_t application_id; /* 0 for an item's */
  char item_id[65];
  int64_t user_id;
  char name[256];
  int64_t size;         /* declared, bytes */
  char sha256_hint[65]; /* the client's SHA-256 when given, else "" */
  int64_t received;     /* bytes durably stored, in order from 0 */
  enum store_upload_state state;
  char sha256[65]; /* once complete */
  char reason[64]; /* once refused: why (a stable code) */
  int64_t created_ms;
  int64_t updated_ms;
};

/* Stores a new open upload (id, attempt_id or application_id, item_id, user_id, name, size,
 * sha256_hint, created_ms). STORE_OK, STORE_EXISTS (id taken: make another) or negative. */
int store_upload_create(struct store_tx *tx, const struct store_upload *u);

/* The upload with this id: STORE_OK with *out, STORE_NONE, or negative. */
int store_upload_get(struct store_rd *rd, struct store_upload *out, const char *id);

/* How many uploads of attempt_id's item_id are open: STORE_OK with *out, or negative. */
int store_upload_count_open(struct store_rd *rd, int64_t attempt_id, const char *item_id,
                            int64_t *out);

/* How many uploads of application_id are open: STORE_OK with *out, or negative. */
int store_upload_count_open_application(struct store_rd *rd, int64_t application_id, int64_t *out);

/* Appends len bytes (len > 0) at byte position pos of open upload id and advances its
 * received count, in the caller's transaction: STORE_OK; STORE_CONFLICT when the upload is
 * not open, pos is not its received count, or the bytes would pass its declared size
 * (nothing written); or negative. */
int store_upload_append(struct store_tx *tx, const char *id, int64_t pos, const void *data,
                        size_t len, int64_t now_ms);

/* The chunk that starts at pos in upload id: STORE_OK with *out (malloc'd, the caller frees)
 * of *out_len bytes, STORE_NONE, or negative. */
int store_upload_chunk_get(struct store_rd *rd, const char *id, int64_t pos, void **out,
                           size_t *out_len);

/* The chunk of upload id that holds byte pos (the last one starting at or before it):
 * STORE_OK with *out (malloc'd, the caller frees) of *out_len bytes starting at *out_pos,
 * STORE_NONE (no chunk there), or negative. The caller checks that it reaches pos. */
int store_upload_chunk_at(struct store_rd *rd, const char *id, int64_t pos, int64_t *out_pos,
                          void **out, size_t *out_len);

/* Calls fn(ctx, data, len) for each chunk of upload id in byte order, stopping at the first
 * non-zero return of fn (returned as STORE_HARD). STORE_OK, or negative. */
typedef int (*store_chunk_fn)(void *ctx, const void *data, size_t len);
int store_upload_read(struct store_rd *rd, const char *id, store_chunk_fn fn, void *ctx);

/* Marks open upload id complete with its content's sha256 (and drops its chunks when
 * drop_chunks: the same content is held by another upload). STORE_OK, STORE_CONFLICT (not
 * open), or negative. */
int store_upload_finish(struct store_tx *tx, const char *id, const char *sha256, int drop_chunks,
                        int64_t now_ms);

/* Marks open upload id refused for reason and drops its chunks: nothing of it is kept.
 * STORE_OK, STORE_CONFLICT (not open), or negative. */
int store_upload_refuse(struct store_tx *tx, const char *id, const char *reason, int64_t now_ms);

struct store_evidence_file {
  char sha256[65];
  int64_t size;
  char mime[64];
  int64_t width; /* images: pixels; else 0 */
  int64_t height;
  char holder[33]; /* the upload whose chunks hold the bytes */
  int64_t created_ms;
};

/* Stores a file unless one with its hash is stored: STORE_OK (stored), STORE_EXISTS (it was
 * there already; nothing changed), or negative. */
int store_evidence_file_put(struct store_tx *tx, const struct store_evidence_file *f);

/* The file with this hash: STORE_OK with *out, STORE_NONE, or negative. */
int store_evidence_file_get(struct store_rd *rd, struct store_evidence_file *out,
                            const char *sha256);

/* Stores the preview of file sha256 unless it has one. STORE_OK or negative. */
int store_evidence_preview_put(struct store_tx *tx, const char *sha256, const char *mime,
                               const void *data, size_t len);

/* The preview of file sha256: STORE_OK with *out (malloc'd) of *out_len bytes and its type in
 * mime (at least 64 bytes), STORE_NONE, or negative. */
int store_evidence_preview_get(struct store_rd *rd, const char *sha256, char *mime, void **out,
                               size_t *out_len);

/* Attaches file sha256 to item_id of attempt_id under name. STORE_OK, STORE_EXISTS (the same
 * content is attached to that item already), or negative. */
int store_evidence_attach(struct store_tx *tx, int64_t attempt_id, const char *item_id,
                          const char *sha256, const char *name, int64_t now_ms);

/* A file attached to an item, with the file's facts. */
struct store_attachment {
  char item_id[65];
  char sha256[65];
  char name[256];
  int64_t size;
  char mime[64];
  int64_t attached_ms;
};

/* The files attached to attempt_id (to its item_id only, unless item_id is NULL), by item,
 * then in the order they arrived. STORE_OK with *out of *out_n (free with
 * store_attachment_list_free; NULL when none), or negative. */
int store_evidence_attachments(struct store_rd *rd, int64_t attempt_id, const char *item_id,
                               struct store_attachment **out, size_t *out_n);
void store_attachment_list_free(struct store_attachment *list, size_t n);

/* Whether file sha256 is attached to some item of attempt_id: STORE_OK with *out (the first
 * such attachment), STORE_NONE, or negative. */
int store_evidence_attachment_get(struct store_rd *rd, struct store_attachment *out,
                                  int64_t attempt_id, const char *sha256);

/* Attaches file sha256 to application_id under name. STORE_OK, STORE_EXISTS (the same
 * content is attached already), or negative. */
int store_application_attach(struct store_tx *tx, int64_t application_id, const char *sha256,
                             const char *name, int64_t now_ms);

/* The files attached to application_id (item_id STORE_UPLOAD_APPLICATION_ITEM), in the order
 * they arrived: as store_evidence_attachments. */
int store_application_attachments(struct store_rd *rd, int64_t application_id,
                                  struct store_attachment **out, size_t *out_n);

/* Whether file sha256 is attached to application_id: STORE_OK with *out, STORE_NONE, or
 * negative. */
int store_application_attachment_get(struct store_rd *rd, struct store_attachment *out,
                                     int64_t application_id, const char *sha256);

/* Detaches file sha256 from item_id of attempt_id (the file itself stays until the sweep
 * finds it referenced by nobody): STORE_OK, STORE_NONE (not attached there), or negative. */
int store_evidence_detach(struct store_tx *tx, int64_t attempt_id, const char *item_id,
                          const char *sha256);

/* Detaches file sha256 from application_id: as store_evidence_detach. */
int store_application_detach(struct store_tx *tx, int64_t application_id, const char *sha256);

/* ------------------------------------------------------------------ observation photos */

/* Stores a new open upload u (item_id STORE_UPLOAD_OBSERVATION_ITEM) for KUK kuk_id of unit
 * unit_code of its attempt: as store_upload_create. */
int store_observation_upload_create(struct store_tx *tx, const struct store_upload *u,
                                    const char *unit_code, const char *kuk_id);

/* The KUK an observation upload is for: STORE_OK with unit (65 bytes) and kuk (8 bytes),
 * STORE_NONE (not an observation upload), or negative. */
int store_observation_upload_kuk(struct store_rd *rd, const char *upload_id, char *unit, char *kuk);

/* How many observation uploads of attempt_id for the KUK are open: STORE_OK with *out. */
int store_observation_upload_count_open(struct store_rd *rd, int64_t attempt_id,
                                        const char *unit_code, const char *kuk_id, int64_t *out);

/* A photo on the observation sheet, with the file's facts. */
struct store_observation_photo {
  char unit_code[65];
  char kuk_id[8];
  char sha256[65];
  char name[256];
  int64_t size;
  char mime[64];
  int64_t assessor_id;
  int64_t attached_ms;
};

/* Attaches file p->sha256 to the KUK of attempt_id. STORE_OK, STORE_EXISTS (attached there
 * already), or negative. */
int store_observation_photo_attach(struct store_tx *tx, int64_t attempt_id,
                                   const struct store_observation_photo *p);

/* The photos of attempt_id (of one KUK when unit_code is not NULL), by unit, KUK, then in
 * the order they arrived. STORE_OK with *out of *out_n (free with
 * store_observation_photo_list_free), or negative. */
int store_observation_photos(struct store_rd *rd, int64_t attempt_id, const char *unit_code,
                             const char *kuk_id, struct store_observation_photo **out,
                             size_t *out_n);
void store_observation_photo_list_free(struct store_observation_photo *list, size_t n);

/* Whether file sha256 is a photo on attempt_id's sheet: STORE_OK with *out (as an
 * attachment whose item_id is STORE_UPLOAD_OBSERVATION_ITEM), STORE_NONE, or negative. */
int store_observation_photo_get(struct store_rd *rd, struct store_attachment *out,
                                int64_t attempt_id, const char *sha256);

/* ------------------------------------------------------------------ the sweep */

/* Refuses (reason "abandoned") every open upload last changed before idle_before_ms and
 * drops its chunks: STORE_OK with *out_n of them, or negative. */
int store_upload_abandon(struct store_tx *tx, int64_t idle_before_ms, int64_t now_ms,
                         int64_t *out_n);

/* Up to max files no owner references (no item, application or observation photo): their
 * hashes into out (max rows of 65 bytes). STORE_OK with *out_n, or negative. */
int store_evidence_unreferenced(struct store_rd *rd, char (*out)[65], size_t max, size_t *out_n);

/* Deletes file sha256 with its preview and the chunks that hold it, when still no owner
 * references it: STORE_OK, STORE_CONFLICT (referenced again, or gone: nothing deleted, the
 * caller rolls back), or negative. */
int store_evidence_file_purge(struct store_tx *tx, const char *sha256);

#endif
