/*
 * Evidence files, the pure part: reading an upload request and a chunk's offset, the kind of
 * a content type, an image's dimensions from its header (before anything is decoded, so a
 * decompression bomb is refused unopened), markup hidden in an image (a polyglot), and the
 * re-encoded preview of an image for phone screens. No I/O happens here.
 */
#ifndef UJIKOM_EVIDENCE_H
#define UJIKOM_EVIDENCE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Images larger than this are refused before decoding (a decompression bomb: a small file
 * that claims huge dimensions). */
#define EVIDENCE_MAX_SIDE   12000
#define EVIDENCE_MAX_PIXELS (48L * 1000L * 1000L)
/* The preview's largest side, in pixels. */
#define EVIDENCE_PREVIEW_SIDE 1024
/* The longest file name kept, in bytes. */
#define EVIDENCE_MAX_NAME 255

/* A new upload as the client asks for it. */
struct evidence_create {
  char item[65];
  char name[EVIDENCE_MAX_NAME + 1]; /* made safe: no control characters, no path separators */
  int64_t size;                     /* bytes, > 0 */
  char sha256[65];                  /* lower-case hex, or "" when not given */
};

/* Reads {"item": id, "name": text, "size": n, "sha256": hex?} into *out. 0, or -1 with a
 * message in err (what is wrong, for the client). Unknown members are refused. */
int evidence_create_parse(struct evidence_create *out, const json_t *body, char *err,
                          size_t errlen);

/* As evidence_create_parse, for an owner without items when with_item is false: the body is
 * {"name", "size", "sha256"?} (an "item" member is refused) and out->item is "". */
int evidence_create_parse_for(struct evidence_create *out, const json_t *body, bool with_item,
                              char *err, size_t errlen);

/* The byte offset of a chunk as sent in the Upload-Offset header: decimal digits only (at
 * most 15), no sign, no spaces. False for anything else. */
bool evidence_parse_offset(const char *s, int64_t *out);

/* What a Range header asks of a file of a known size (RFC 9110 section 14): the whole file
 * (no header, another unit, a malformed value, or several ranges: answered with the whole
 * file, as the RFC allows), one range of it, or nothing it has. */
enum evidence_range_kind { EVIDENCE_RANGE_WHOLE, EVIDENCE_RANGE_ONE, EVIDENCE_RANGE_UNSATISFIABLE };

/* Reads header (NULL: none) against a file of size bytes (> 0): "bytes=a-b" (b clipped to
 * the last byte), "bytes=a-" and "bytes=-n" (the last n bytes). With EVIDENCE_RANGE_ONE,
 * *first and *last (inclusive) lie in [0, size). A first byte at or past the end, or a
 * suffix of length 0, is unsatisfiable. Numbers are decimal digits, at most 15 of them. */
enum evidence_range_kind evidence_parse_range(const char *header, int64_t size, int64_t *first,
                                              int64_t *last);

/* True when s is 64 lower-case hex digits. */
bool evidence_sha256_ok(const char *s);

/* The accept kind (enum exam_accept) of a content type as libmagic names it, 0 for a type
 * that is never accepted (HTML, SVG, scripts, executables, archives, ...). */
unsigned evidence_mime_kind(const char *mime);

/* The pixel dimensions of a JPEG, PNG or WebP image read from its header alone. 0, or -1
 * when the header is not one of these or is malformed or truncated. */
int evidence_image_size(const unsigned char *buf, size_t len, uint32_t *out_w, uint32_t *out_h);

/* Whether w x h is small enough to decode (see EVIDENCE_MAX_SIDE, EVIDENCE_MAX_PIXELS). */
bool evidence_image_size_ok(uint32_t w, uint32_t h);

/* True when the bytes carry HTML, SVG or script markup (case-insensitive "<html", "<script",
 * "<svg", "<iframe", "<body", "<?xml", "javascript:"): an image that is also a page. */
bool evidence_has_markup(const unsigned char *buf, size_t len);

/* A JPEG preview of the image (mime image/jpeg, image/png or image/webp) whose largest side is
 * at most EVIDENCE_PREVIEW_SIDE: decoded and re-encoded, so nothing of the original but its
 * pixels survives. The caller has checked the size with evidence_image_size. 0 with *out
 * (malloc'd, the caller frees) of *out_len bytes, or -1 (not decodable, out of memory). */
int evidence_preview_jpeg(void **out, size_t *out_len, const char *mime, const void *buf,
                          size_t len);

#endif
