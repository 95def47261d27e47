/*
 * QR codes for certificates: encoding (libqrencode, level Q so a scuffed print still scans)
 * and rendering as PNG (libpng, into memory) or SVG text. The quiet zone of four modules is
 * part of every rendering because scanners need it.
 */
#include <png.h>
#include <qrencode.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/cert_render.h"

#define QUIET 4

int cert_qr_encode(struct cert_qr *out, const char *text) {
  memset(out, 0, sizeof *out);
  QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_Q, QR_MODE_8, 1);
  if (NULL == q) {
    return -1;
  }
  size_t n = (size_t)q->width * (size_t)q->width;
  out->modules = malloc(n);
  if (NULL == out->modules) {
    QRcode_free(q);
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    out->modules[i] = q->data[i] & 1u;
  }
  out->version = q->version;
  out->width = q->width;
  QRcode_free(q);
  return 0;
}

void cert_qr_free(struct cert_qr *qr) {
  if (NULL == qr) {
    return;
  }
  free(qr->modules);
  qr->modules = NULL;
  qr->width = 0;
}

struct membuf {
  unsigned char *data;
  size_t len, cap;
  int failed;
};

static void membuf_write(png_structp png, png_bytep data, png_size_t len) {
  struct membuf *b = png_get_io_ptr(png);
  if (b->failed) {
    return;
  }
  if (b->len + len > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + len) {
      cap *= 2;
    }
    unsigned char *p = realloc(b->data, cap);
    if (NULL == p) {
      b->failed = 1;
      return;
    }
    b->data = p;
    b->cap = cap;
  }
  memcpy(b->data + b->len, data, len);
  b->len += len;
}

static void membuf_flush(png_structp png) {
  (void)png;
}

int cert_qr_png(unsigned char **out, size_t *out_len, const struct cert_qr *qr, int scale) {
  *out = NULL;
  *out_len = 0;
  if (NULL == qr->modules || scale < 1 || scale > 64) {
    return -1;
  }
  size_t side = ((size_t)qr->width + 2 * (size_t)QUIET) * (size_t)scale;
  struct membuf buf = {0};
  unsigned char *row = malloc(side);
  png_structp png = NULL;
  png_infop info = NULL;
  if (NULL == row) {
    return -1;
  }
  png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  if (NULL != png) {
    info = png_create_info_struct(png);
  }
  if (NULL == png || NULL == info) {
    goto fail;
  }
  if (setjmp(png_jmpbuf(png))) {
    goto fail;
  }
  png_set_write_fn(png, &buf, membuf_write, membuf_flush);
  png_set_IHDR(png, info, (png_uint_32)side, (png_uint_32)side, 8, PNG_COLOR_TYPE_GRAY,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (size_t y = 0; y < side; y++) {
    long my = (long)(y / (size_t)scale) - QUIET;
    for (size_t x = 0; x < side; x++) {
      long mx = (long)(x / (size_t)scale) - QUIET;
      int dark = my >= 0 && mx >= 0 && my < qr->width && mx < qr->width &&
                 qr->modules[(size_t)my * (size_t)qr->width + (size_t)mx];
      row[x] = dark ? 0 : 255;
    }
    png_write_row(png, row);
  }
  png_write_end(png, NULL);
  png_destroy_write_struct(&png, &info);
  free(row);
  if (buf.failed) {
    free(buf.data);
    return -1;
  }
  *out = buf.data;
  *out_len = buf.len;
  return 0;
fail:
  png_destroy_write_struct(&png, &info);
  free(row);
  free(buf.data);
  return -1;
}

/* Appends to a growing string; sets *failed on allocation failure. */
struct sbuf {
  char *s;
  size_t len, cap;
  int failed;
};

static void sbuf_add(struct sbuf *b, const char *s, size_t n) {
  if (b->failed) {
    return;
  }
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->len + n + 1) {
      cap *= 2;
    }
    char *p = realloc(b->s, cap);
    if (NULL == p) {
      b->failed = 1;
      return;
    }
    b->s = p;
    b->cap = cap;
  }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

static void sbuf_str(struct sbuf *b, const char *s) {
  sbuf_add(b, s, strlen(s));
}

static void sbuf_escaped(struct sbuf *b, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '<':
      sbuf_str(b, "&lt;");
      break;
    case '>':
      sbuf_str(b, "&gt;");
      break;
    case '&':
      sbuf_str(b, "&amp;");
      break;
    case '"':
      sbuf_str(b, "&quot;");
      break;
    case '\'':
      sbuf_str(b, "&#39;");
      break;
    default:
      sbuf_add(b, s, 1);
    }
  }
}

int cert_qr_svg(char **out, size_t *out_len, const struct cert_qr *qr, const char *title) {
  struct sbuf b = {0};
  char tmp[160];
  int side = qr->width + 2 * QUIET;
  *out = NULL;
  *out_len = 0;
  if (NULL == qr->modules) {
    return -1;
  }
  snprintf(tmp, sizeof tmp,
           "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
           "shape-rendering=\"crispEdges\" role=\"img\">",
           side, side);
  sbuf_str(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  sbuf_str(&b, tmp);
  if (NULL != title) {
    sbuf_str(&b, "<title>");
    sbuf_escaped(&b, title);
    sbuf_str(&b, "</title>");
  }
  snprintf(tmp, sizeof tmp, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path d=\"", side,
           side);
  sbuf_str(&b, tmp);
  for (int y = 0; y < qr->width; y++) {
    for (int x = 0; x < qr->width; x++) {
      if (!qr->modules[(size_t)y * (size_t)qr->width + (size_t)x]) {
        continue;
      }
      /* Merge horizontal runs of dark modules into one rectangle. */
      int run = 1;
      while (x + run < qr->width &&
             qr->modules[(size_t)y * (size_t)qr->width + (size_t)(x + run)]) {
        run++;
      }
      snprintf(tmp, sizeof tmp, "M%d %dh%dv1h-%dz", x + QUIET, y + QUIET, run, run);
      sbuf_str(&b, tmp);
      x += run - 1;
    }
  }
  sbuf_str(&b, "\" fill=\"#000\"/></svg>\n");
  if (b.failed) {
    free(b.s);
    return -1;
  }
  *out = b.s;
  *out_len = b.len;
  return 0;
}
