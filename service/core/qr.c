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

#include "growbuf.h"

#define QUIET 4
/* Caps of the renderings: a version-40 symbol (177 modules a side) at the largest scale as
 * 8-bit PNG is under 150 MB before compression; as SVG, under 1 MB plus the title. */
#define QR_PNG_MAX ((size_t)256 * 1024 * 1024)
#define QR_SVG_MAX ((size_t)16 * 1024 * 1024)

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

int cert_qr_dark_run(const struct cert_qr *qr, int y, int x) {
  const unsigned char *row = qr->modules + (size_t)y * (size_t)qr->width;
  int run = 0;
  while (x + run < qr->width && row[x + run]) {
    run++;
  }
  return run;
}

static void membuf_write(png_structp png, png_bytep data, png_size_t len) {
  growbuf_add(png_get_io_ptr(png), data, len);
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
  struct growbuf buf = {.max = QR_PNG_MAX};
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
  *out = (unsigned char *)growbuf_take(&buf, out_len);
  return NULL != *out ? 0 : -1;
fail:
  png_destroy_write_struct(&png, &info);
  free(row);
  free(buf.p);
  return -1;
}

/* What a character special to XML becomes in the SVG's text (NULL: itself). */
static const char *const xml_entities[256] = {
    ['<'] = "&lt;", ['>'] = "&gt;", ['&'] = "&amp;", ['"'] = "&quot;", ['\''] = "&#39;"};

static void svg_escaped(struct growbuf *b, const char *s) {
  for (; *s; s++) {
    const char *entity = xml_entities[(unsigned char)*s];
    if (NULL != entity) {
      growbuf_str(b, entity);
    } else {
      growbuf_add(b, s, 1);
    }
  }
}

int cert_qr_svg(char **out, size_t *out_len, const struct cert_qr *qr, const char *title) {
  struct growbuf b = {.max = QR_SVG_MAX};
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
  growbuf_str(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  growbuf_str(&b, tmp);
  if (NULL != title) {
    growbuf_str(&b, "<title>");
    svg_escaped(&b, title);
    growbuf_str(&b, "</title>");
  }
  snprintf(tmp, sizeof tmp, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path d=\"", side,
           side);
  growbuf_str(&b, tmp);
  for (int y = 0; y < qr->width; y++) {
    for (int x = 0; x < qr->width; x++) {
      int run = cert_qr_dark_run(qr, y, x); /* one rectangle per run */
      if (0 == run) {
        continue;
      }
      snprintf(tmp, sizeof tmp, "M%d %dh%dv1h-%dz", x + QUIET, y + QUIET, run, run);
      growbuf_str(&b, tmp);
      x += run - 1;
    }
  }
  growbuf_str(&b, "\" fill=\"#000\"/></svg>\n");
  *out = growbuf_take(&b, out_len);
  return NULL != *out ? 0 : -1;
}
