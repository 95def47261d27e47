/*
 * Evidence uploads and files over HTTP (docs/api.md, "Evidence uploads"): create an upload,
 * send its chunks at the durable offset (PUT, Upload-Offset), ask where it stands (GET/HEAD),
 * complete it; read a file or its preview. Files are never served as active content: the
 * type is the one decided by content, with nosniff and a sandboxing CSP, and anything not
 * an image, audio, video or PDF leaves as an attachment.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/evidence.h"
#include "http/handlers.h"
#include "ujikom/clock.h"

static const struct {
  enum err code;
  const char *message; /* NULL: the registry's */
} outcome_errors[] = {
    [EVIDENCE_OK] = {ERR_INTERNAL, NULL},
    [EVIDENCE_NOT_FOUND] = {ERR_NOT_FOUND, NULL},
    [EVIDENCE_CLOSED] = {ERR_ATTEMPT_CLOSED, NULL},
    [EVIDENCE_NOT_EVIDENCE] = {ERR_EVIDENCE_ITEM, NULL},
    [EVIDENCE_TOO_LARGE] = {ERR_EVIDENCE_TOO_LARGE, NULL},
    [EVIDENCE_TOO_MANY] = {ERR_EVIDENCE_TOO_MANY, NULL},
    [EVIDENCE_OFFSET_MISMATCH] = {ERR_UPLOAD_OFFSET, NULL},
    [EVIDENCE_UPLOAD_DONE] = {ERR_UPLOAD_DONE, NULL},
    [EVIDENCE_INCOMPLETE] = {ERR_UPLOAD_INCOMPLETE, NULL},
    [EVIDENCE_REFUSED] = {ERR_EVIDENCE_REFUSED, NULL},
    [EVIDENCE_BUSY] = {ERR_BUSY, NULL},
    [EVIDENCE_UNAVAILABLE] = {ERR_UNAVAILABLE, NULL},
    [EVIDENCE_INTERNAL] = {ERR_INTERNAL, NULL},
};

static int reply_evidence_error(struct req *r, enum evidence_rc rc, const char *reason) {
  if ((size_t)rc >= sizeof outcome_errors / sizeof outcome_errors[0]) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  return reply_error_reason(r, outcome_errors[rc].code, reason, outcome_errors[rc].message);
}

/* Whose files an upload or a route is about. */
enum file_owner_kind { FILE_OF_ITEM, FILE_OF_APPLICATION, FILE_OF_OBSERVATION };

static enum file_owner_kind owner_of(const struct store_upload *u) {
  if (0 != u->application_id) {
    return FILE_OF_APPLICATION;
  }
  return 0 == strcmp(u->item_id, STORE_UPLOAD_OBSERVATION_ITEM) ? FILE_OF_OBSERVATION
                                                                : FILE_OF_ITEM;
}

const char *const h_evidence_owner_reasons[] = {
    [FILE_OF_APPLICATION] = "application", [FILE_OF_OBSERVATION] = "observation", NULL};

/* The error of an outcome about an upload: an application's or the observation sheet's
 * limits and lock in their words (reason "application" / "observation", whose catalogue
 * texts say so in both languages). */
static int reply_owner_error(struct req *r, enum evidence_rc rc, const char *reason,
                             enum file_owner_kind kind) {
  bool app = FILE_OF_APPLICATION == kind;
  if (FILE_OF_ITEM == kind || (EVIDENCE_TOO_LARGE != rc && EVIDENCE_TOO_MANY != rc &&
                               EVIDENCE_CLOSED != rc && EVIDENCE_NOT_EVIDENCE != rc)) {
    return reply_evidence_error(r, rc, reason);
  }
  switch (rc) {
  case EVIDENCE_CLOSED:
    return reply_error(r, app ? ERR_APPLICATION_LOCKED : ERR_CLAIM_HELD, NULL);
  case EVIDENCE_NOT_EVIDENCE:
    return reply_error(r, ERR_NOT_OBSERVED_UNIT, NULL);
  case EVIDENCE_TOO_LARGE:
    return reply_error_reason(r, ERR_EVIDENCE_TOO_LARGE, h_evidence_owner_reasons[kind],
                              app ? "The file is larger than an application allows (10 MB)."
                                  : "The photo is larger than the observation sheet allows "
                                    "(10 MB).");
  default:
    return reply_error_reason(r, ERR_EVIDENCE_TOO_MANY, h_evidence_owner_reasons[kind],
                              app ? "This application already has as many files as it allows "
                                    "(5)."
                                  : "This KUK already has as many photos as it allows (5).");
  }
}

static const char *const state_names[] = {[STORE_UPLOAD_OPEN] = "open",
                                          [STORE_UPLOAD_COMPLETE] = "complete",
                                          [STORE_UPLOAD_REFUSED] = "refused"};

/* Upload-Offset and Upload-Length (tus-style) on every answer about an upload, so a client
 * resumes from the headers alone (HEAD). */
static void offset_headers(struct req *r, const struct store_upload *u) {
  char num[32];
  snprintf(num, sizeof num, "%" PRId64, u->received);
  reply_header(r, "Upload-Offset", num);
  snprintf(num, sizeof num, "%" PRId64, u->size);
  reply_header(r, "Upload-Length", num);
}

/* {"id","attempt_id"|"application_id","item","name","size","offset","state","chunk_max",
 * "sha256"?,"reason"?} */
static int reply_upload(struct req *r, unsigned status, const struct store_upload *u) {
  offset_headers(r, u);
  bool app = 0 != u->application_id;
  json_t *o =
      json_pack("{s:s, s:I, s:s, s:s, s:I, s:I, s:s, s:I}", "id", u->id,
                app ? "application_id" : "attempt_id",
                (json_int_t)(app ? u->application_id : u->attempt_id), "item", u->item_id, "name",
                u->name, "size", (json_int_t)u->size, "offset", (json_int_t)u->received, "state",
                state_names[u->state], "chunk_max", (json_int_t)EVIDENCE_CHUNK_MAX);
  if (NULL != o && '\0' != u->sha256[0]) {
    json_object_set_new(o, "sha256", json_string(u->sha256));
  }
  if (NULL != o && '\0' != u->reason[0]) {
    json_object_set_new(o, "reason", json_string(u->reason));
  }
  return NULL == o ? reply_error(r, ERR_INTERNAL, NULL) : reply_json(r, status, o);
}

/* The answer to a create: 201 with the upload and its Location, or the outcome's error. */
static int reply_created(struct req *r, enum evidence_rc rc, const struct store_upload *u,
                         enum file_owner_kind kind) {
  if (EVIDENCE_OK != rc) {
    return reply_owner_error(r, rc, NULL, kind);
  }
  char where[96];
  snprintf(where, sizeof where, "/api/uploads/%s", u->id);
  reply_header(r, "Location", where);
  return reply_upload(r, 201, u);
}

/* POST /api/attempts/:id/uploads {"item","name","size","sha256"?} */
int h_evidence_create(struct req *r) {
  struct evidence_create req;
  struct store_upload u;
  char err[160];
  int64_t attempt_id = 0;
  if (!parse_id(r->params[0], &attempt_id)) {
    return reply_error(r, ERR_NOT_FOUND, NULL);
  }
  if (0 != evidence_create_parse(&req, r->json, err, sizeof err)) {
    return reply_error(r, ERR_INVALID_FIELD, err);
  }
  enum evidence_rc rc =
      evidence_upload_create(&u, r->svc, r->user->id, attempt_id, &req, clock_wall_ms());
  return reply_created(r, rc, &u, FILE_OF_ITEM);
}

/* POST /api/exams/:id/application/uploads {"name","size","sha256"?} */
int h_evidence_application_create(struct req *r) {
  struct evidence_create req;
  struct store_upload u;
  char err[160];
  if (0 != evidence_create_parse_for(&req, r->json, false, err, sizeof err)) {
    return reply_error(r, ERR_INVALID_FIELD, err);
  }
  enum evidence_rc rc = evidence_application_upload_create(&u, r->svc, r->user->id, r->params[0],
                                                           &req, clock_wall_ms());
  return reply_created(r, rc, &u, FILE_OF_APPLICATION);
}

/* POST /api/reviews/:attempt/observations/:unit/:kuk/photos {"name","size","sha256"?} */
int h_evidence_observation_create(struct req *r) {
  struct evidence_create req;
  struct store_upload u;
  char err[160];
  int64_t attempt_id = 0;
  if (!reply_need_id(r, ERR_ATTEMPT_NOT_FOUND, &attempt_id)) {
    return 0; /* answered */
  }
  if (0 != evidence_create_parse_for(&req, r->json, false, err, sizeof err)) {
    return reply_error(r, ERR_INVALID_FIELD, err);
  }
  enum evidence_rc rc = evidence_observation_upload_create(
      &u, r->svc, r->user->id, attempt_id, r->params[1], r->params[2], &req, clock_wall_ms());
  return reply_created(r, rc, &u, FILE_OF_OBSERVATION);
}

/* The answer to a removal: 200 {"removed": sha256}, or the outcome's error. */
static int reply_removed(struct req *r, enum evidence_rc rc, const char *sha256,
                         enum file_owner_kind kind) {
  if (EVIDENCE_OK != rc) {
    return reply_owner_error(r, rc, NULL, kind);
  }
  return reply_json(r, 200, json_pack("{s:s}", "removed", sha256));
}

/* DELETE /api/attempts/:id/answers/:item/files/:sha256 */
int h_evidence_remove(struct req *r) {
  int64_t attempt_id = 0;
  if (!parse_id(r->params[0], &attempt_id)) {
    return reply_error(r, ERR_NOT_FOUND, NULL);
  }
  enum evidence_rc rc =
      evidence_remove(r->svc, r->user->id, attempt_id, r->params[1], r->params[2], clock_wall_ms());
  return reply_removed(r, rc, r->params[2], FILE_OF_ITEM);
}

/* DELETE /api/exams/:id/application/files/:sha256 */
int h_evidence_application_remove(struct req *r) {
  enum evidence_rc rc =
      evidence_application_remove(r->svc, r->user->id, r->params[0], r->params[1]);
  return reply_removed(r, rc, r->params[1], FILE_OF_APPLICATION);
}

/* GET (and HEAD) /api/uploads/:id */
int h_evidence_upload_get(struct req *r) {
  struct store_upload u;
  enum evidence_rc rc = evidence_upload_get(&u, r->svc, r->user->id, r->params[0]);
  return EVIDENCE_OK == rc ? reply_upload(r, 200, &u) : reply_evidence_error(r, rc, NULL);
}

static bool octet_stream(const struct req *r) {
  const char *ct = req_header(r, "Content-Type");
  if (NULL == ct) {
    return false;
  }
  size_t n = strcspn(ct, "; ");
  return (24 == n && 0 == strncasecmp(ct, "application/octet-stream", n)) ||
         (31 == n && 0 == strncasecmp(ct, "application/offset+octet-stream", n));
}

/* PUT /api/uploads/:id, Upload-Offset: n, the chunk as the raw body. */
int h_evidence_upload_put(struct req *r) {
  struct store_upload u;
  int64_t offset = 0;
  if (!octet_stream(r)) {
    return reply_error(r, ERR_UNSUPPORTED_MEDIA_TYPE,
                       "Send the chunk as application/offset+octet-stream.");
  }
  if (!evidence_parse_offset(req_header(r, "Upload-Offset"), &offset)) {
    return reply_error(r, ERR_INVALID_FIELD,
                       "The Upload-Offset header must give the chunk's byte offset in digits.");
  }
  if (0 == r->body_len) {
    return reply_error(r, ERR_INVALID_FIELD, "The chunk is empty.");
  }
  /* judged by when the body completed, as an answer's save is */
  enum evidence_rc rc = evidence_upload_put(&u, r->svc, r->user->id, r->params[0], offset, r->body,
                                            r->body_len, clock_wall_ms());
  if (EVIDENCE_OK == rc) {
    return reply_upload(r, 200, &u);
  }
  if (EVIDENCE_OFFSET_MISMATCH == rc || EVIDENCE_TOO_LARGE == rc || EVIDENCE_UPLOAD_DONE == rc) {
    offset_headers(r, &u); /* where to resume, with the refusal */
  }
  return reply_owner_error(r, rc, NULL, owner_of(&u));
}

/* POST /api/uploads/:id/complete */
int h_evidence_upload_complete(struct req *r) {
  struct store_attachment a;
  struct evidence_refusal why;
  enum evidence_rc rc =
      evidence_upload_complete(&a, &why, r->svc, r->user->id, r->params[0], clock_wall_ms());
  if (EVIDENCE_OK != rc) {
    struct store_upload u; /* whose outcome it is */
    bool known = EVIDENCE_OK == evidence_upload_get(&u, r->svc, r->user->id, r->params[0]);
    return reply_owner_error(r, rc, why.reason, known ? owner_of(&u) : FILE_OF_ITEM);
  }
  json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:I}", "item", a.item_id, "sha256", a.sha256, "name",
                        a.name, "type", a.mime, "size", (json_int_t)a.size);
  return NULL == o ? reply_error(r, ERR_INTERNAL, NULL) : reply_json(r, 200, o);
}

/* Types a browser may show in place (as an image, a player or its PDF viewer); the rest is
 * downloaded. None of them runs script under the sandbox below. */
static bool shown_inline(const char *mime) {
  return 0 == strncmp(mime, "image/", 6) || 0 == strncmp(mime, "audio/", 6) ||
         0 == strncmp(mime, "video/", 6) || 0 == strcmp(mime, "application/pdf");
}

/* A file's bytes as they are streamed: from its reader, shifted by the range's first byte. */
struct file_stream {
  struct evidence_reader *rd;
  int64_t first;
};

static long file_stream_read(void *ctx, uint64_t pos, char *buf, size_t max) {
  struct file_stream *fs = ctx;
  return evidence_reader_read(fs->rd, fs->first + (int64_t)pos, buf, max);
}

static void file_stream_done(void *ctx) {
  struct file_stream *fs = ctx;
  evidence_reader_free(fs->rd);
  free(fs);
}

/* The bytes of file blob (whose strong ETag is etag): the whole file (200), or the one range
 * a Range header asks for (206 with Content-Range; 416 when the file has none of it), streamed
 * from the stored chunks. An If-Range that is not the file's ETag asks for the whole file. */
static int reply_file_bytes(struct req *r, const struct evidence_blob *blob, const char *etag) {
  int64_t size = (int64_t)blob->len, first = 0, last = size - 1;
  const char *if_range = req_header(r, "If-Range");
  const char *range =
      NULL == if_range || 0 == strcmp(if_range, etag) ? req_header(r, "Range") : NULL;
  enum evidence_range_kind kind = evidence_parse_range(range, size, &first, &last);
  char cr[80];
  reply_header(r, "Accept-Ranges", "bytes");
  if (EVIDENCE_RANGE_UNSATISFIABLE == kind) {
    snprintf(cr, sizeof cr, "bytes */%" PRId64, size);
    reply_header(r, "Content-Range", cr);
    return reply_error(r, ERR_RANGE_NOT_SATISFIABLE, NULL);
  }
  if (EVIDENCE_RANGE_ONE == kind) {
    snprintf(cr, sizeof cr, "bytes %" PRId64 "-%" PRId64 "/%" PRId64, first, last, size);
    reply_header(r, "Content-Range", cr);
  }
  struct file_stream *fs = malloc(sizeof *fs);
  if (NULL != fs) {
    fs->first = first;
    fs->rd = evidence_reader_new(r->svc, blob);
  }
  if (NULL == fs || NULL == fs->rd) {
    free(fs);
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  return reply_stream(r, EVIDENCE_RANGE_ONE == kind ? 206 : 200, blob->mime,
                      (uint64_t)(last - first + 1), file_stream_read, fs, file_stream_done);
}

/* A file of an attempt's item, of an application, or of an attempt's observation sheet, whose
 * id is params[0]. */
static int reply_file(struct req *r, bool preview, enum file_owner_kind kind) {
  struct evidence_blob blob;
  int64_t owner_id = 0;
  if (NULL == r->user || !parse_id(r->params[0], &owner_id)) {
    return reply_error(r, ERR_NOT_FOUND, NULL);
  }
  const struct evidence_viewer viewer = {r->user->id, r->user->role};
  enum evidence_rc rc =
      FILE_OF_APPLICATION == kind
          ? evidence_application_file_read(&blob, r->svc, &viewer, owner_id, r->params[1], preview)
      : FILE_OF_OBSERVATION == kind
          ? evidence_observation_file_read(&blob, r->svc, &viewer, owner_id, r->params[1], preview,
                                           r->now_ms)
          : evidence_file_read(&blob, r->svc, &viewer, owner_id, r->params[1], preview, r->now_ms);
  if (EVIDENCE_OK != rc) {
    return reply_evidence_error(r, rc, NULL);
  }
  const char *dl = req_query(r, "download");
  bool attachment = (NULL != dl && 0 == strcmp(dl, "1")) || !shown_inline(blob.mime);
  /* the name as a quoted-string of ASCII; the rest of it (UTF-8) in filename* */
  char disp[400], ascii[256];
  size_t k = 0;
  for (const char *p = blob.name; '\0' != *p && k + 1 < sizeof ascii; p++) {
    unsigned char c = (unsigned char)*p;
    ascii[k++] = (c < 0x20 || c > 0x7e || '"' == c || '\\' == c || '%' == c) ? '_' : (char)c;
  }
  ascii[k] = '\0';
  snprintf(disp, sizeof disp, "%s; filename=\"%s%s\"", attachment ? "attachment" : "inline",
           preview ? "preview-" : "", ascii);
  reply_header(r, "Content-Disposition", disp);
  reply_header(r, "Content-Security-Policy", "sandbox; default-src 'none'");
  reply_header(r, "Cross-Origin-Resource-Policy", "same-origin");
  char etag[72];
  snprintf(etag, sizeof etag, "\"%s%s\"", preview ? "p" : "", blob.sha256);
  reply_header(r, "ETag", etag);
  reply_header(r, "X-Content-SHA256", blob.sha256);
  int ret = 0;
  if (NULL != blob.data) { /* a preview: small, whole */
    void *data = blob.data;
    blob.data = NULL;
    ret = reply_bytes_owned(r, 200, blob.mime, data, blob.len);
  } else {
    ret = reply_file_bytes(r, &blob, etag);
  }
  evidence_blob_clear(&blob);
  return ret;
}

/* GET /api/attempts/:id/evidence/:sha256 */
int h_evidence_file(struct req *r) {
  return reply_file(r, false, FILE_OF_ITEM);
}

/* GET /api/attempts/:id/evidence/:sha256/preview */
int h_evidence_preview(struct req *r) {
  return reply_file(r, true, FILE_OF_ITEM);
}

/* GET /api/applications/:id/files/:sha256 */
int h_evidence_application_file(struct req *r) {
  return reply_file(r, false, FILE_OF_APPLICATION);
}

/* GET /api/applications/:id/files/:sha256/preview */
int h_evidence_application_preview(struct req *r) {
  return reply_file(r, true, FILE_OF_APPLICATION);
}

/* GET /api/attempts/:id/observation/:sha256 */
int h_evidence_observation_file(struct req *r) {
  return reply_file(r, false, FILE_OF_OBSERVATION);
}

/* GET /api/attempts/:id/observation/:sha256/preview */
int h_evidence_observation_preview(struct req *r) {
  return reply_file(r, true, FILE_OF_OBSERVATION);
}
