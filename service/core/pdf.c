/*
 * The printable certificate: one A4 page (more only when the transcript is long), bilingual
 * Indonesian/English, with the holder's name, scheme, subsector, the transcript of
 * competency units, dates, serial, issuer, and the verification QR code drawn as vector
 * squares. Text is set in embedded DejaVu Sans with UTF-8 encoding, so every name is
 * rendered literally as text (never interpreted), and the holder's name is the stored one:
 * pdftotext gives it back, and a character the PDF cannot show as it is, is marked
 * [U+XXXX] rather than drawn as something else (see printable_name, embed_all_components).
 */
#include <hpdf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "pdf_doc.h"
#include "ujikom/cert_render.h"
#include "ujikom/timefmt.h"
#include "ujikom/utf8.h"

#define DEFAULT_FONT      "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define DEFAULT_FONT_BOLD "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
#define MM                (72.0f / 25.4f)
#define PAGE_W            595.276f
#define PAGE_H            841.89f
#define MARGIN            (20.0f * MM)
#define QR_MM             40.0f /* printed width of the symbol itself, quiet zone excluded */
#define QR_MODULE_MM      0.4f  /* smallest printed module: larger symbols print larger */
#define QR_MAX_MM         60.0f /* up to this width (150 modules at 0.4 mm: version 33) */

static void on_error(HPDF_STATUS code, HPDF_STATUS detail, void *data) {
  struct pdf *p = data;
  if (!p->failed) {
    p->code = (unsigned long)code;
    p->detail = (unsigned long)detail;
  }
  p->failed = 1;
}

void pdf_text_at(struct pdf *p, HPDF_Font f, float size, float x, float y, const char *s) {
  HPDF_Page_BeginText(p->page);
  HPDF_Page_SetFontAndSize(p->page, f, size);
  HPDF_Page_TextOut(p->page, x, y, s);
  HPDF_Page_EndText(p->page);
}

float pdf_text_width(struct pdf *p, HPDF_Font f, float size, const char *s) {
  HPDF_Page_SetFontAndSize(p->page, f, size);
  return HPDF_Page_TextWidth(p->page, s);
}

static void text_centered(struct pdf *p, HPDF_Font f, float size, float y, const char *s) {
  float w = pdf_text_width(p, f, size, s);
  pdf_text_at(p, f, size, (PAGE_W - w) / 2, y, s);
}

/* Draws s wrapped (at spaces where it can) into lines of at most width points starting at
 * baseline y, each line from x or centred in the width; returns the baseline below the last
 * line. Never loops forever: each line consumes at least a byte. */
float pdf_wrap_lines(struct pdf *p, HPDF_Font f, float size, float x, float y, float width,
                     float leading, const char *s, bool center) {
  size_t len = strlen(s);
  char *line = malloc(len + 1);
  if (NULL == line) {
    p->failed = 1;
    return y - leading;
  }
  size_t pos = 0;
  while (pos < len && !p->failed) {
    HPDF_REAL real = 0;
    HPDF_UINT n = HPDF_Font_MeasureText(f, (const HPDF_BYTE *)s + pos, (HPDF_UINT)(len - pos),
                                        width, size, 0, 0, HPDF_TRUE, &real);
    if (0 == n) {
      n = HPDF_Font_MeasureText(f, (const HPDF_BYTE *)s + pos, (HPDF_UINT)(len - pos), width, size,
                                0, 0, HPDF_FALSE, &real);
    }
    if (0 == n) {
      n = 1;
    }
    /* Never split a UTF-8 sequence. */
    while (pos + n < len && 0x80 == ((unsigned char)s[pos + n] & 0xc0)) {
      n++;
    }
    memcpy(line, s + pos, n);
    line[n] = '\0';
    float lx = x;
    if (center) {
      size_t end = n;
      while (end > 0 && ' ' == line[end - 1]) {
        line[--end] = '\0';
      }
      lx = x + (width - pdf_text_width(p, f, size, line)) / 2;
    }
    pdf_text_at(p, f, size, lx, y, line);
    y -= leading;
    pos += n;
    while (pos < len && ' ' == s[pos]) {
      pos++;
    }
  }
  free(line);
  return y;
}

float pdf_text_wrapped(struct pdf *p, HPDF_Font f, float size, float x, float y, float width,
                       float leading, const char *s) {
  return pdf_wrap_lines(p, f, size, x, y, width, leading, s, false);
}

/* True when the PDF can show cp as it is: libharu's UTF-8 encoder carries only the Basic
 * Multilingual Plane (it turns any other character into a space), a character the embedded
 * font has no glyph for prints as an empty box, and text is drawn left to right without
 * shaping (a right-to-left name would read reversed). */
static bool pdf_can_show(HPDF_FontDef def, uint32_t cp) {
  if (cp > 0xFFFF) {
    return false;
  }
  int bidi = utf8proc_get_property((utf8proc_int32_t)cp)->bidi_class;
  return UTF8PROC_BIDI_CLASS_R != bidi && UTF8PROC_BIDI_CLASS_AL != bidi &&
         0 != HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)cp);
}

/* The holder's name as this PDF can print it: a character it cannot show as it is
 * (pdf_can_show) would show a name other than the one stored, so it is written as
 * "[U+XXXX]" instead, never dropped, and *out_marked says so (the page then says what the
 * brackets mean). malloc'd, or NULL when memory runs out. */
char *pdf_printable_name(const char *name, HPDF_FontDef def, bool *out_marked) {
  static const size_t mark_max = sizeof "[U+10FFFF]" - 1;
  size_t len = strlen(name), o = 0;
  char *out = malloc(len * mark_max + 1);
  *out_marked = false;
  if (NULL == out) {
    return NULL;
  }
  for (size_t i = 0; i < len;) {
    uint32_t cp = 0xFFFD;
    size_t n = utf8_decode(name + i, len - i, &cp);
    if (0 == n) {
      n = 1; /* not reached: names are validated UTF-8 */
    }
    if (pdf_can_show(def, cp)) {
      memcpy(out + o, name + i, n);
      o += n;
    } else {
      o += (size_t)snprintf(out + o, mark_max + 1, "[U+%04X]", (unsigned)cp);
      *out_marked = true;
    }
    i += n;
  }
  out[o] = '\0';
  return out;
}

/* Reads a big-endian 16-bit value at p. */
static unsigned be16(const unsigned char *p) {
  return (unsigned)p[0] << 8 | p[1];
}

/* Marks the components of glyph gid (when it is composite) as used; true when it marked one
 * that was not. Glyph data per the TrueType 'glyf' table: int16 numberOfContours (negative:
 * composite), a 8-byte box, then components of uint16 flags, uint16 glyphIndex, arguments
 * (2 or 4 bytes) and a transform (0, 2, 4 or 8 bytes) while flags has MORE_COMPONENTS. */
static bool mark_components(HPDF_TTFontDefAttr a, unsigned gid) {
  enum { WORDS = 0x1, SCALE = 0x8, MORE = 0x20, XY_SCALE = 0x40, TWO_BY_TWO = 0x80 };
  unsigned char buf[1024];
  HPDF_UINT32 unit = 0 == a->header.index_to_loc_format ? 2 : 1;
  HPDF_UINT32 from = a->glyph_tbl.offsets[gid] * unit, to = a->glyph_tbl.offsets[gid + 1] * unit;
  HPDF_UINT n = to > from ? (HPDF_UINT)(to - from) : 0;
  n = n > sizeof buf ? (HPDF_UINT)sizeof buf : n; /* components come before instructions */
  if (n < 10 ||
      HPDF_OK !=
          HPDF_Stream_Seek(a->stream, (HPDF_INT)(a->glyph_tbl.base_offset + from), HPDF_SEEK_SET) ||
      HPDF_OK != HPDF_Stream_Read(a->stream, buf, &n) || n < 10 || 0 == (buf[0] & 0x80)) {
    return false; /* empty, unreadable, or a simple glyph */
  }
  bool marked = false;
  for (size_t i = 10; i + 4 <= n;) {
    unsigned flags = be16(buf + i), component = be16(buf + i + 2);
    if (component < a->num_glyphs && !a->glyph_tbl.flgs[component]) {
      a->glyph_tbl.flgs[component] = 1;
      marked = true;
    }
    i += 4 + ((flags & WORDS) ? 4 : 2) +
         ((flags & SCALE)        ? 2
          : (flags & XY_SCALE)   ? 4
          : (flags & TWO_BY_TWO) ? 8
                                 : 0);
    if (0 == (flags & MORE)) {
      break;
    }
  }
  return marked;
}

/* libharu 2.3 embeds a subset of a TrueType font: the glyphs it measured and the components
 * of those that are composite, but neither the components of a component (a letter with two
 * marks: U+1EC5 "ễ" in DejaVu Sans is ê and a tilde, and ê is e and a circumflex) nor any
 * glyph id above 32767. Such a letter would print without its marks while the PDF's text
 * keeps them: a name other than the one stored. This marks every component of every glyph
 * in use, to any depth, before the font is written. */
static void embed_all_components(HPDF_FontDef def) {
  HPDF_TTFontDefAttr a = (HPDF_TTFontDefAttr)def->attr;
  if (NULL == a || !a->embedding || NULL == a->glyph_tbl.flgs || NULL == a->glyph_tbl.offsets) {
    return;
  }
  bool again = true;
  for (int depth = 0; again && depth < 16; depth++) { /* fonts nest a few levels at most */
    again = false;
    for (unsigned gid = 0; gid < a->num_glyphs; gid++) {
      if (a->glyph_tbl.flgs[gid] && mark_components(a, gid)) {
        again = true;
      }
    }
  }
}

int pdf_doc_open(struct pdf *p, const char *font_path, const char *bold_path, const char *title,
                 char *err, size_t errlen) {
  font_path = NULL != font_path ? font_path : DEFAULT_FONT;
  bold_path = NULL != bold_path ? bold_path : DEFAULT_FONT_BOLD;
  FILE *probe = fopen(font_path, "rb");
  if (NULL == probe) {
    snprintf(err, errlen, "font not found: %s", font_path);
    return -1;
  }
  fclose(probe);
  probe = fopen(bold_path, "rb");
  if (NULL == probe) {
    bold_path = font_path;
  } else {
    fclose(probe);
  }
  p->doc = HPDF_New(on_error, p);
  if (NULL == p->doc) {
    return -1;
  }
  HPDF_SetCompressionMode(p->doc, HPDF_COMP_ALL);
  HPDF_UseUTFEncodings(p->doc);
  HPDF_SetCurrentEncoder(p->doc, "UTF-8");
  p->fname = HPDF_LoadTTFontFromFile(p->doc, font_path, HPDF_TRUE);
  p->bname = HPDF_LoadTTFontFromFile(p->doc, bold_path, HPDF_TRUE);
  if (p->failed || NULL == p->fname || NULL == p->bname) {
    snprintf(err, errlen, "cannot load font %s", font_path);
    return -1;
  }
  p->font = HPDF_GetFont(p->doc, p->fname, "UTF-8");
  p->bold = HPDF_GetFont(p->doc, p->bname, "UTF-8");
  if (p->failed) {
    return -1;
  }
  HPDF_SetInfoAttr(p->doc, HPDF_INFO_TITLE, title);
  HPDF_SetInfoAttr(p->doc, HPDF_INFO_CREATOR, "ujikom");
  return 0;
}

int pdf_doc_save(struct pdf *p, unsigned char **out, size_t *out_len) {
  embed_all_components(HPDF_GetFontDef(p->doc, p->fname));
  embed_all_components(HPDF_GetFontDef(p->doc, p->bname));
  if (p->failed || HPDF_OK != HPDF_SaveToStream(p->doc)) {
    return -1;
  }
  HPDF_UINT32 size_out = HPDF_GetStreamSize(p->doc);
  unsigned char *buf = 0 == size_out ? NULL : malloc(size_out);
  if (NULL == buf) {
    return -1;
  }
  HPDF_UINT32 got = size_out;
  HPDF_STATUS st = HPDF_ReadFromStream(p->doc, buf, &got);
  if ((HPDF_OK != st && HPDF_STREAM_EOF != st) || got != size_out) {
    free(buf);
    return -1;
  }
  *out = buf;
  *out_len = got;
  return 0;
}

void pdf_doc_close(struct pdf *p, int rc, char *err, size_t errlen) {
  if (0 != rc && p->failed) {
    snprintf(err, errlen, "PDF rendering failed (libharu error 0x%04lx, detail %lu)", p->code,
             p->detail);
  }
  if (NULL != p->doc) {
    HPDF_Free(p->doc);
  }
  p->doc = NULL;
}

static void date_text(char *out, size_t size, int64_t t) {
  if (0 == time_format(out, size, t, TIME_DATE)) {
    snprintf(out, size, "?");
  }
}

static void new_page(struct pdf *p) {
  p->page = HPDF_AddPage(p->doc);
  HPDF_Page_SetSize(p->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
  HPDF_Page_SetLineWidth(p->page, 1.5f);
  HPDF_Page_Rectangle(p->page, 12 * MM, 12 * MM, PAGE_W - 24 * MM, PAGE_H - 24 * MM);
  HPDF_Page_Stroke(p->page);
}

/* The printed width of the symbol: QR_MM, more for a symbol of many modules (a long name
 * makes a long token) so that a module stays QR_MODULE_MM wide, up to QR_MAX_MM. */
static float qr_side_mm(const struct cert_qr *qr) {
  float mm = (float)qr->width * QR_MODULE_MM;
  return mm < QR_MM ? QR_MM : (mm > QR_MAX_MM ? QR_MAX_MM : mm);
}

static void draw_qr(struct pdf *p, const struct cert_qr *qr, float x, float y) {
  float m = qr_side_mm(qr) * MM / (float)qr->width;
  HPDF_Page_SetRGBFill(p->page, 0, 0, 0);
  for (int r = 0; r < qr->width; r++) {
    for (int c = 0; c < qr->width; c++) {
      int run = cert_qr_dark_run(qr, r, c);
      if (0 == run) {
        continue;
      }
      /* y grows upwards in PDF; row 0 is the top of the symbol. */
      HPDF_Page_Rectangle(p->page, x + (float)c * m, y + (float)(qr->width - 1 - r) * m,
                          (float)run * m, m);
      c += run - 1;
    }
  }
  HPDF_Page_Fill(p->page);
}

static float draw_transcript(struct pdf *p, const struct cert_claims *c, float y, float bottom) {
  const float x_no = MARGIN, x_code = MARGIN + 10 * MM, x_title = MARGIN + 50 * MM;
  const float title_w = PAGE_W - MARGIN - x_title;
  char no[24];
  pdf_text_at(p, p->bold, 10, MARGIN, y, "Daftar unit kompetensi / Transcript of competency units");
  y -= 16;
  pdf_text_at(p, p->bold, 9, x_no, y, "No");
  pdf_text_at(p, p->bold, 9, x_code, y, "Kode unit / Unit code");
  pdf_text_at(p, p->bold, 9, x_title, y, "Judul unit / Unit title");
  y -= 4;
  HPDF_Page_SetLineWidth(p->page, 0.5f);
  HPDF_Page_MoveTo(p->page, MARGIN, y);
  HPDF_Page_LineTo(p->page, PAGE_W - MARGIN, y);
  HPDF_Page_Stroke(p->page);
  y -= 12;
  for (size_t i = 0; i < c->nunits && !p->failed; i++) {
    if (y < bottom) {
      new_page(p);
      y = PAGE_H - MARGIN - 20;
      pdf_text_at(p, p->bold, 10, MARGIN, y,
                  "Daftar unit kompetensi (lanjutan) / Transcript (continued)");
      y -= 20;
      bottom = MARGIN + 20;
    }
    snprintf(no, sizeof no, "%zu", i + 1);
    pdf_text_at(p, p->font, 9, x_no, y, no);
    pdf_text_at(p, p->font, 9, x_code, y, c->units[i].code);
    y = pdf_text_wrapped(p, p->font, 9, x_title, y, title_w, 11, c->units[i].title) - 3;
  }
  return y;
}

int cert_pdf_render(unsigned char **out, size_t *out_len, const struct cert_claims *c,
                    const struct cert_pdf_options *opt, char *err, size_t errlen) {
  struct pdf p = {0};
  struct cert_qr qr = {0};
  char line[600], d1[32], d2[32], *holder = NULL;
  int rc = -1;
  *out = NULL;
  *out_len = 0;
  snprintf(err, errlen, "PDF rendering failed");
  if (NULL == opt->qr_url || 0 != cert_qr_encode(&qr, opt->qr_url)) {
    snprintf(err, errlen, "QR code cannot be encoded");
    goto cleanup;
  }
  if (0 != pdf_doc_open(&p, opt->font_path, opt->font_bold_path,
                        "Sertifikat Kompetensi / Certificate of Competence", err, errlen)) {
    goto cleanup;
  }
  new_page(&p);

  float y = PAGE_H - MARGIN - 18;
  if (c->issuer_name[0]) {
    text_centered(&p, p.font, 11, y, c->issuer_name);
  }
  y -= 36;
  text_centered(&p, p.bold, 24, y, "SERTIFIKAT KOMPETENSI");
  y -= 22;
  text_centered(&p, p.font, 14, y, "CERTIFICATE OF COMPETENCE");
  y -= 20;
  snprintf(line, sizeof line, "Nomor / Number: %s", c->serial);
  text_centered(&p, p.font, 11, y, line);
  y -= 34;
  text_centered(&p, p.font, 11, y, "Diberikan kepada / This is to certify that");
  y -= 30;
  /* The name: shrink to fit one line, wrap (centred, at spaces) only when even 12 pt is too
   * wide. Every character is drawn as text in the embedded font, so the PDF's text is the
   * stored (NFC) name, which pdftotext gives back; one the font cannot draw is marked. */
  bool marked = false;
  holder = pdf_printable_name(c->holder, HPDF_GetFontDef(p.doc, p.bname), &marked);
  if (NULL == holder) {
    goto cleanup;
  }
  float size = 22, avail = PAGE_W - 2 * MARGIN;
  float w = pdf_text_width(&p, p.bold, size, holder);
  if (w > avail && w > 0) {
    size = size * avail / w;
  }
  if (size < 12) {
    /* At most about four lines: smaller type for the longest names (down to 7 pt). */
    float wsize = 12;
    while (wsize > 7 && pdf_text_width(&p, p.bold, wsize, holder) > 3.5f * avail) {
      wsize -= 1;
    }
    y = pdf_wrap_lines(&p, p.bold, wsize, MARGIN, y, avail, wsize + 3, holder, true) + wsize + 3;
  } else {
    text_centered(&p, p.bold, size, y, holder);
  }
  if (marked) {
    y -= 16;
    y = pdf_wrap_lines(&p, p.font, 8, MARGIN, y, avail, 10,
                       "[U+\xE2\x80\xA6]: aksara yang tidak dapat dicetak pada PDF ini; nama "
                       "lengkapnya ada di halaman verifikasi. / A character this PDF cannot print; "
                       "the full name is on the verification page.",
                       true) +
        10;
  }
  y -= 28;
  text_centered(
      &p, p.font, 11, y,
      "telah dinyatakan KOMPETEN pada skema sertifikasi / has been assessed COMPETENT in");
  y -= 22;
  snprintf(line, sizeof line, "%s (%s)", c->scheme_title[0] ? c->scheme_title : c->scheme_id,
           c->scheme_id);
  y = pdf_text_wrapped(&p, p.bold, 13, MARGIN, y, avail, 16, line);
  y -= 4;
  snprintf(line, sizeof line, "Subsektor / Subsector: %s (%s)",
           c->subsector_name[0] ? c->subsector_name : c->subsector, c->subsector);
  y = pdf_text_wrapped(&p, p.font, 11, MARGIN, y, avail, 14, line);
  y -= 12;
  /* The QR block occupies the bottom of page one; the transcript stops above it. */
  float qr_side = qr_side_mm(&qr) * MM;
  float qr_x = PAGE_W - MARGIN - qr_side, qr_y = MARGIN + 22;
  float bottom = qr_y + qr_side + 20;
  draw_transcript(&p, c, y, bottom);

  p.page = HPDF_GetPageByIndex(p.doc, 0);
  date_text(d1, sizeof d1, c->issued);
  cert_valid_until_text(d2, sizeof d2, c->expires); /* the last valid day, as everywhere */
  /* Beside the QR code, each line wrapped to the room left of it (a larger symbol leaves
   * less). */
  float by = qr_y + qr_side - 10, side = qr_x - MARGIN - 10;
  snprintf(line, sizeof line, "Tanggal terbit / Date of issue: %s", d1);
  by = pdf_text_wrapped(&p, p.font, 10, MARGIN, by, side, 12, line) - 3;
  snprintf(line, sizeof line, "Berlaku sampai / Valid until: %s", d2);
  by = pdf_text_wrapped(&p, p.font, 10, MARGIN, by, side, 12, line) - 3;
  snprintf(line, sizeof line, "Nomor sertifikat / Certificate number: %s", c->serial);
  by = pdf_text_wrapped(&p, p.font, 10, MARGIN, by, side, 12, line) - 3;
  if (c->issuer_name[0]) {
    snprintf(line, sizeof line, "Penerbit / Issuer: %s", c->issuer_name);
    by = pdf_text_wrapped(&p, p.font, 10, MARGIN, by, side, 12, line) - 3;
  }
  snprintf(line, sizeof line, "Ditandatangani secara elektronik (Ed25519), kunci / key %s",
           c->kid[0] ? c->kid : "-");
  pdf_text_wrapped(&p, p.font, 8, MARGIN, by - 12, side, 10, line);
  draw_qr(&p, &qr, qr_x, qr_y);
  const char *scan = "Pindai untuk verifikasi / Scan to verify";
  pdf_text_at(&p, p.font, 8, PAGE_W - MARGIN - pdf_text_width(&p, p.font, 8, scan), qr_y - 10,
              scan);
  if (NULL != opt->verify_url) {
    pdf_text_wrapped(&p, p.font, 7, MARGIN, qr_y - 10, qr_x - MARGIN - 10, 9, opt->verify_url);
  }

  rc = pdf_doc_save(&p, out, out_len);
  if (0 == rc) {
    err[0] = '\0';
  }
cleanup:
  pdf_doc_close(&p, rc, err, errlen);
  cert_qr_free(&qr);
  free(holder);
  return rc;
}
