/*
 * Fuzzes what an evidence upload reads from a client: the image header (dimensions), the
 * markup scan, the preview's decoder behind the dimension check, the Upload-Offset header,
 * a file's Range header and the upload request's JSON. They must never crash or leak; an
 * accepted offset is digits only, an accepted range lies inside the file, an accepted
 * request's name has no control characters or separators, and an image whose size passed the
 * check decodes into a preview no larger than EVIDENCE_PREVIEW_SIDE.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/evidence.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint32_t w = 0, h = 0;
  if (0 == evidence_image_size(data, size, &w, &h)) {
    if (0 == w || 0 == h) {
      abort();
    }
    /* decode only what the service would decode, and small enough to keep the run fast */
    if (evidence_image_size_ok(w, h) && (uint64_t)w * h <= (uint64_t)512 * 512) {
      static const char *const types[] = {"image/jpeg", "image/png", "image/webp"};
      for (size_t i = 0; i < 3; i++) {
        void *out = NULL;
        size_t len = 0;
        if (0 == evidence_preview_jpeg(&out, &len, types[i], data, size)) {
          uint32_t pw = 0, ph = 0;
          if (0 != evidence_image_size(out, len, &pw, &ph) || pw > EVIDENCE_PREVIEW_SIDE ||
              ph > EVIDENCE_PREVIEW_SIDE) {
            abort();
          }
          free(out);
        }
      }
    }
  }
  (void)evidence_has_markup(data, size);

  char *text = malloc(size + 1);
  if (NULL == text) {
    return 0;
  }
  memcpy(text, data, size);
  text[size] = '\0';
  int64_t off = -1;
  if (evidence_parse_offset(text, &off) &&
      (off < 0 || strspn(text, "0123456789") != strlen(text))) {
    abort();
  }
  /* a Range header against a file of a size taken from the input: one range lies in it */
  int64_t fsize = 1 + (int64_t)(size % 4096) * 997, first = -1, last = -1;
  enum evidence_range_kind kind = evidence_parse_range(text, fsize, &first, &last);
  if (EVIDENCE_RANGE_ONE == kind && (first < 0 || last < first || last >= fsize)) {
    abort();
  }
  free(text);

  json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
  if (NULL != j) {
    struct evidence_create c;
    char err[160];
    /* with an item (an evidence item's upload) and without (an application's) */
    for (int with_item = 0; with_item < 2; with_item++) {
      if (0 != evidence_create_parse_for(&c, j, 1 == with_item, err, sizeof err)) {
        continue;
      }
      if (c.size <= 0 || '\0' == c.name[0] || (with_item ? '\0' == c.item[0] : '\0' != c.item[0]) ||
          (!with_item && NULL != json_object_get(j, "item")) ||
          strcspn(c.name, "/\\\"\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
                          "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f") !=
              strlen(c.name) ||
          ('\0' != c.sha256[0] && !evidence_sha256_ok(c.sha256))) {
        abort();
      }
    }
    json_decref(j);
  }
  return 0;
}
