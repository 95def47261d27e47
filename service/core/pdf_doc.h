/*
 * The PDF documents' common ground (libharu): a document with embedded DejaVu Sans (regular
 * and bold) in UTF-8, text placed, measured and wrapped, names printed as stored or marked,
 * and the finished bytes. Used by the certificate and the berita acara; private to the core.
 */
#ifndef UJIKOM_PDF_DOC_H
#define UJIKOM_PDF_DOC_H

#include <hpdf.h>
#include <stdbool.h>
#include <stddef.h>

struct pdf {
  HPDF_Doc doc;
  HPDF_Page page;
  HPDF_Font font, bold;
  const char *fname, *bname; /* the loaded fonts' names */
  int failed;
  unsigned long code, detail;
};

/* Opens a document titled title with the fonts (NULL: DejaVu Sans from the system). 0, or -1
 * with err set (close it with pdf_doc_close either way). */
int pdf_doc_open(struct pdf *p, const char *font_path, const char *bold_path, const char *title,
                 char *err, size_t errlen);
/* The document's bytes (*out malloc'd, the caller's): 0, or -1. */
int pdf_doc_save(struct pdf *p, unsigned char **out, size_t *out_len);
/* Frees the document; with rc != 0 and a libharu error, says it in err. */
void pdf_doc_close(struct pdf *p, int rc, char *err, size_t errlen);

void pdf_text_at(struct pdf *p, HPDF_Font f, float size, float x, float y, const char *s);
float pdf_text_width(struct pdf *p, HPDF_Font f, float size, const char *s);
/* s wrapped into lines of at most width points from baseline y (from x, or centred): the
 * baseline below the last line. */
float pdf_wrap_lines(struct pdf *p, HPDF_Font f, float size, float x, float y, float width,
                     float leading, const char *s, bool center);
float pdf_text_wrapped(struct pdf *p, HPDF_Font f, float size, float x, float y, float width,
                       float leading, const char *s);
/* name as the PDF can print it: a character it cannot show is written [U+XXXX] and
 * *out_marked set. malloc'd, or NULL when out of memory. */
char *pdf_printable_name(const char *name, HPDF_FontDef def, bool *out_marked);

#endif
