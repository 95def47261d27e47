/*
 * Rendering a certificate for people: the QR code as PNG or SVG, and the printable PDF
 * (A4, bilingual Indonesian/English, with the QR drawn as vector squares).
 * Pure computation into memory buffers; nothing touches the disk except reading the font.
 */
#ifndef UJIKOM_CERT_RENDER_H
#define UJIKOM_CERT_RENDER_H

#include <stddef.h>

#include "ujikom/cert.h"

/* A QR symbol: width x width modules, row-major, 1 = dark. */
struct cert_qr {
  int version;
  int width;
  unsigned char *modules;
};

/* Encodes text (upper-case URL) at error-correction level Q in alphanumeric mode where
 * possible. Returns 0 with *out filled (free with cert_qr_free), or -1 (text too long for a
 * QR code, or allocation failure). */
int cert_qr_encode(struct cert_qr *out, const char *text);
void cert_qr_free(struct cert_qr *qr);
/* How many dark modules run from row y, column x rightwards (0 when that one is light): the
 * renderings draw each run as one rectangle. */
int cert_qr_dark_run(const struct cert_qr *qr, int y, int x);

/* PNG, 8-bit greyscale, `scale` pixels per module (1..64) and a 4-module quiet zone.
 * *out is malloc'd (free()), *out_len its size. Returns 0 or -1. */
int cert_qr_png(unsigned char **out, size_t *out_len, const struct cert_qr *qr, int scale);
/* SVG text (one path, quiet zone included, viewBox in modules). *out is malloc'd (free()),
 * NUL-terminated, *out_len excludes the NUL. title is escaped (may be NULL). Returns 0, or -1
 * when memory runs out or the text would pass 16 MiB (a title of megabytes). */
int cert_qr_svg(char **out, size_t *out_len, const struct cert_qr *qr, const char *title);

/* What the PDF needs besides the claims. */
struct cert_pdf_options {
  const char *font_path;      /* DejaVu Sans TTF (NULL: the Debian fonts-dejavu-core path) */
  const char *font_bold_path; /* NULL: derived default; falls back to font_path */
  const char *qr_url;         /* text of the QR code (from cert_qr_url) */
  const char *verify_url;     /* printed under the QR, e.g. <public>/verify */
};

/* Renders the certificate. *out is malloc'd (free()), *out_len its size. Returns 0, or -1
 * with a one-line message in err (font missing, QR too large, libharu failure). */
int cert_pdf_render(unsigned char **out, size_t *out_len, const struct cert_claims *claims,
                    const struct cert_pdf_options *opt, char *err, size_t errlen);

#endif
