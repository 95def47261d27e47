/*
 * Evidence images: dimensions from the header alone (JPEG, PNG, WebP), markup hidden in the
 * bytes, and the re-encoded preview (libgd). The header is read before anything is decoded,
 * so a decompression bomb is refused without allocating its pixels.
 */
#include <ctype.h>
#include <gd.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/evidence.h"

static uint32_t be16(const unsigned char *p) {
  return (uint32_t)p[0] << 8 | p[1];
}
static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint32_t le16(const unsigned char *p) {
  return (uint32_t)p[1] << 8 | p[0];
}
static uint32_t le24(const unsigned char *p) {
  return (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* JPEG: walk the marker segments up to the first start-of-frame (SOF0..SOF15 but DHT, JPG
 * and DAC), which holds the height and width. */
static int jpeg_size(const unsigned char *b, size_t len, uint32_t *w, uint32_t *h) {
  size_t i = 2;
  while (i + 4 <= len) {
    if (0xFF != b[i]) {
      return -1;
    }
    unsigned char m = b[i + 1];
    if (0xFF == m) { /* fill byte */
      i++;
      continue;
    }
    if (0xD8 == m || (m >= 0xD0 && m <= 0xD7) || 0x01 == m) { /* no length */
      i += 2;
      continue;
    }
    if (0xD9 == m || 0xDA == m) { /* end of image, start of scan: no frame header before */
      return -1;
    }
    uint32_t seg = be16(b + i + 2);
    if (seg < 2) {
      return -1;
    }
    if (m >= 0xC0 && m <= 0xCF && 0xC4 != m && 0xC8 != m && 0xCC != m) {
      if (seg < 7 || i + 9 > len) {
        return -1;
      }
      *h = be16(b + i + 5);
      *w = be16(b + i + 7);
      return 0;
    }
    i += 2 + (size_t)seg;
  }
  return -1;
}

/* PNG: the signature, then IHDR first with width and height. */
static int png_size(const unsigned char *b, size_t len, uint32_t *w, uint32_t *h) {
  if (len < 24 || 0 != memcmp(b + 12, "IHDR", 4)) {
    return -1;
  }
  *w = be32(b + 16);
  *h = be32(b + 20);
  return 0;
}

/* WebP: RIFF....WEBP, then a VP8 (lossy), VP8L (lossless) or VP8X (extended) chunk. */
static int webp_size(const unsigned char *b, size_t len, uint32_t *w, uint32_t *h) {
  if (len < 30) {
    return -1;
  }
  if (0 == memcmp(b + 12, "VP8 ", 4)) {
    if (0x9d != b[23] || 0x01 != b[24] || 0x2a != b[25]) {
      return -1;
    }
    *w = le16(b + 26) & 0x3fff;
    *h = le16(b + 28) & 0x3fff;
    return 0;
  }
  if (0 == memcmp(b + 12, "VP8L", 4)) {
    if (0x2f != b[20]) {
      return -1;
    }
    uint32_t bits =
        (uint32_t)b[21] | (uint32_t)b[22] << 8 | (uint32_t)b[23] << 16 | (uint32_t)b[24] << 24;
    *w = (bits & 0x3fff) + 1;
    *h = ((bits >> 14) & 0x3fff) + 1;
    return 0;
  }
  if (0 == memcmp(b + 12, "VP8X", 4)) {
    *w = le24(b + 24) + 1;
    *h = le24(b + 27) + 1;
    return 0;
  }
  return -1;
}

int evidence_image_size(const unsigned char *buf, size_t len, uint32_t *out_w, uint32_t *out_h) {
  uint32_t w = 0, h = 0;
  int rc = -1;
  if (NULL == buf) {
    return -1;
  }
  if (len >= 4 && 0xFF == buf[0] && 0xD8 == buf[1] && 0xFF == buf[2]) {
    rc = jpeg_size(buf, len, &w, &h);
  } else if (len >= 8 && 0 == memcmp(buf, "\x89PNG\r\n\x1a\n", 8)) {
    rc = png_size(buf, len, &w, &h);
  } else if (len >= 12 && 0 == memcmp(buf, "RIFF", 4) && 0 == memcmp(buf + 8, "WEBP", 4)) {
    rc = webp_size(buf, len, &w, &h);
  }
  if (0 != rc || 0 == w || 0 == h) {
    return -1;
  }
  *out_w = w;
  *out_h = h;
  return 0;
}

bool evidence_image_size_ok(uint32_t w, uint32_t h) {
  return w > 0 && h > 0 && w <= EVIDENCE_MAX_SIDE && h <= EVIDENCE_MAX_SIDE &&
         (uint64_t)w * h <= (uint64_t)EVIDENCE_MAX_PIXELS;
}

bool evidence_has_markup(const unsigned char *buf, size_t len) {
  static const char *const needles[] = {"<html", "<script", "<svg",       "<iframe",
                                        "<body", "<?xml",   "javascript:"};
  for (size_t i = 0; i < len; i++) {
    if ('<' != buf[i] && 'j' != buf[i] && 'J' != buf[i]) {
      continue;
    }
    for (size_t k = 0; k < sizeof needles / sizeof needles[0]; k++) {
      size_t n = strlen(needles[k]);
      size_t j = 0;
      while (j < n && i + j < len && tolower(buf[i + j]) == needles[k][j]) {
        j++;
      }
      if (j == n) {
        return true;
      }
    }
  }
  return false;
}

/* libgd reports a broken image on stderr; a refused upload is answered to its sender and
 * logged by the caller, so the decoder stays quiet. */
static void gd_quiet(int priority, const char *fmt, va_list ap) {
  (void)priority;
  (void)fmt;
  (void)ap;
}
static void gd_quiet_once(void) {
  gdSetErrorMethod(gd_quiet);
}

int evidence_preview_jpeg(void **out, size_t *out_len, const char *mime, const void *buf,
                          size_t len) {
  static pthread_once_t quiet = PTHREAD_ONCE_INIT;
  pthread_once(&quiet, gd_quiet_once);
  *out = NULL;
  *out_len = 0;
  if (len > (size_t)INT32_MAX) {
    return -1;
  }
  gdImagePtr im = NULL;
  void *data = (void *)(uintptr_t)buf; /* libgd's readers take a non-const pointer */
  if (0 == strcmp(mime, "image/jpeg")) {
    im = gdImageCreateFromJpegPtrEx((int)len, data, 1);
  } else if (0 == strcmp(mime, "image/png")) {
    im = gdImageCreateFromPngPtr((int)len, data);
  } else if (0 == strcmp(mime, "image/webp")) {
    im = gdImageCreateFromWebpPtr((int)len, data);
  }
  if (NULL == im) {
    return -1;
  }
  int w = gdImageSX(im), h = gdImageSY(im);
  gdImagePtr small = im;
  if (w > EVIDENCE_PREVIEW_SIDE || h > EVIDENCE_PREVIEW_SIDE) {
    int nw = w >= h ? EVIDENCE_PREVIEW_SIDE : (int)((long)w * EVIDENCE_PREVIEW_SIDE / h);
    int nh = h > w ? EVIDENCE_PREVIEW_SIDE : (int)((long)h * EVIDENCE_PREVIEW_SIDE / w);
    gdImageSetInterpolationMethod(im, GD_BILINEAR_FIXED);
    small = gdImageScale(im, (unsigned)(nw > 0 ? nw : 1), (unsigned)(nh > 0 ? nh : 1));
  }
  int size = 0;
  void *jpeg = NULL == small ? NULL : gdImageJpegPtr(small, &size, 80);
  if (small != im && NULL != small) {
    gdImageDestroy(small);
  }
  gdImageDestroy(im);
  if (NULL == jpeg || size <= 0) {
    gdFree(jpeg);
    return -1;
  }
  *out = malloc((size_t)size);
  if (NULL != *out) {
    memcpy(*out, jpeg, (size_t)size);
    *out_len = (size_t)size;
  }
  gdFree(jpeg);
  return NULL == *out ? -1 : 0;
}
