/*
 * Rendering: the QR as PNG and SVG, and the certificate PDF. Where poppler-utils and zbar are
 * installed, the PNG and the PDF are decoded back (zbarimg, pdftoppm, pdftotext) so the test
 * proves the code scans to the exact URL and that hostile names appear literally as text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_cert_fixture.h"
#include "test_tmpdir.h"
#include "ujikom/cert.h"
#include "ujikom/cert_render.h"
#include "ujikom/person_name.h"

static bool have_tool(const char *name) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
  return 0 == system(cmd);
}

static void write_file(const char *path, const void *data, size_t len) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(len, fwrite(data, 1, len, f));
  assert_int_equal(0, fclose(f));
}

/* Runs a shell command and returns its stdout (malloc'd, NUL-terminated; *out_len its length
 * when out_len is not NULL). */
static char *run_n(const char *cmd, size_t *out_len) {
  FILE *p = popen(cmd, "r");
  assert_non_null(p);
  size_t cap = 1 << 16, len = 0;
  char *out = malloc(cap);
  size_t n;
  while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
    len += n;
    if (len + 1 >= cap) {
      cap *= 2;
      out = realloc(out, cap);
    }
  }
  out[len] = '\0';
  pclose(p);
  if (NULL != out_len) {
    *out_len = len;
  }
  return out;
}

static char *run(const char *cmd) {
  return run_n(cmd, NULL);
}

/* Renders the certificate of c with the QR code of qr_url into dir/cert.pdf (path), dir a
 * new temporary directory made from its template. */
static void render_into(char *dir, char *path, size_t pathlen, const struct cert_claims *c,
                        const char *qr_url) {
  struct cert_pdf_options opt = {.qr_url = qr_url, .verify_url = FIX_PUBLIC_URL "/verify"};
  unsigned char *pdf = NULL;
  size_t pdf_len = 0;
  char err[200];
  if (0 != cert_pdf_render(&pdf, &pdf_len, c, &opt, err, sizeof err)) {
    fail_msg("render failed: %s", err);
  }
  assert_true(pdf_len > 5);
  assert_memory_equal("%PDF-", pdf, 5);
  assert_non_null(mkdtemp(dir));
  snprintf(path, pathlen, "%s/cert.pdf", dir);
  write_file(path, pdf, pdf_len);
  free(pdf);
}

static char *make_url(const struct cert_claims *c, const struct token_key *k) {
  char *token = NULL;
  assert_int_equal(0, cert_qr_token_sign(&token, c, k));
  char *url = cert_qr_url(FIX_PUBLIC_URL, token);
  free(token);
  assert_non_null(url);
  return url;
}

/* Runs a decoding command (zbarimg) and checks that it prints exactly url. */
static void assert_decodes_to(const char *cmd, const char *url) {
  char *decoded = run(cmd);
  size_t dl = strlen(decoded);
  while (dl > 0 && '\n' == decoded[dl - 1]) {
    decoded[--dl] = '\0';
  }
  assert_string_equal(url, decoded);
  free(decoded);
}

/* Where poppler-utils and zbar are installed: page one of the PDF at path, rendered at dpi
 * into dir, shows a QR code that decodes to exactly url. */
static void assert_page_qr(const char *path, const char *dir, int dpi, const char *url) {
  char cmd[768];
  if (!have_tool("pdftoppm") || !have_tool("zbarimg")) {
    return;
  }
  snprintf(cmd, sizeof cmd,
           "pdftoppm -r %d -png -f 1 -l 1 %s %s/page 2>/dev/null && "
           "zbarimg --raw -q -Sdisable -Sqrcode.enable %s/page*.png 2>/dev/null",
           dpi, path, dir, dir);
  assert_decodes_to(cmd, url);
}

static void test_png_and_svg(void **state) {
  (void)state;
  struct token_key k;
  struct cert_claims *c = malloc(sizeof *c);
  fixture_signer_key(&k);
  fixture_claims(c);
  char *url = make_url(c, &k);
  struct cert_qr qr;
  assert_int_equal(0, cert_qr_encode(&qr, url));
  unsigned char *png = NULL;
  size_t png_len = 0;
  assert_int_equal(-1, cert_qr_png(&png, &png_len, &qr, 0));
  assert_int_equal(-1, cert_qr_png(&png, &png_len, &qr, 65));
  assert_int_equal(0, cert_qr_png(&png, &png_len, &qr, 4));
  assert_memory_equal("\x89PNG\r\n\x1a\n", png, 8);
  /* IHDR width = (modules + 8 quiet) * scale */
  unsigned w = (unsigned)png[16] << 24 | (unsigned)png[17] << 16 | (unsigned)png[18] << 8 | png[19];
  assert_int_equal((unsigned)(qr.width + 8) * 4, w);
  char dir[] = "/tmp/ujikom-render-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[256], cmd[512];
  snprintf(path, sizeof path, "%s/qr.png", dir);
  write_file(path, png, png_len);
  if (have_tool("zbarimg")) {
    snprintf(cmd, sizeof cmd, "zbarimg --raw -q -Sdisable -Sqrcode.enable %s 2>/dev/null", path);
    assert_decodes_to(cmd, url);
  } else {
    print_message("zbarimg not installed: PNG not decoded\n");
  }
  unlink(path);
  char *svg = NULL;
  size_t svg_len = 0;
  assert_int_equal(0, cert_qr_svg(&svg, &svg_len, &qr, "<b>\"Ayu\" & 'Sari'</b>"));
  assert_int_equal(strlen(svg), svg_len);
  assert_non_null(
      strstr(svg, "<title>&lt;b&gt;&quot;Ayu&quot; &amp; &#39;Sari&#39;&lt;/b&gt;</title>"));
  assert_null(strstr(svg, "<b>"));
  char vb[64];
  snprintf(vb, sizeof vb, "viewBox=\"0 0 %d %d\"", qr.width + 8, qr.width + 8);
  assert_non_null(strstr(svg, vb));
  assert_non_null(strstr(svg, "<path d=\"M"));
  free(svg);
  free(png);
  cert_qr_free(&qr);
  rmdir(dir);
  free(url);
  free(c);
  token_key_wipe(&k);
}

static void test_pdf(void **state) {
  (void)state;
  struct token_key k;
  struct cert_claims *c = malloc(sizeof *c);
  fixture_signer_key(&k);
  fixture_claims(c);
  snprintf(c->holder, sizeof c->holder, "<img src=x onerror=alert(1)> Ayu Ñandini");
  memcpy(c->kid, k.pub.kid, sizeof c->kid);
  /* a long transcript forces a second page */
  c->nunits = 40;
  for (size_t i = 3; i < c->nunits; i++) {
    snprintf(c->units[i].code, sizeof c->units[i].code, "M.74100.%03zu.02", i + 1);
    snprintf(c->units[i].title, sizeof c->units[i].title,
             "Unit kompetensi nomor %zu dengan judul yang cukup panjang sehingga harus dibungkus "
             "menjadi dua baris pada tabel transkrip",
             i + 1);
  }
  char *url = make_url(c, &k);
  /* a missing font is a clear error, not a crash */
  struct cert_pdf_options bad = {.qr_url = url, .font_path = "/nonexistent/font.ttf"};
  unsigned char *none = NULL;
  size_t none_len = 0;
  char err[200];
  assert_int_equal(-1, cert_pdf_render(&none, &none_len, c, &bad, err, sizeof err));
  assert_non_null(strstr(err, "font"));
  assert_null(none);

  char dir[] = "/tmp/ujikom-pdf-XXXXXX", path[256], cmd[768];
  render_into(dir, path, sizeof path, c, url);
  if (have_tool("pdftotext")) {
    snprintf(cmd, sizeof cmd, "pdftotext -layout %s - 2>/dev/null", path);
    char *text = run(cmd);
    assert_non_null(strstr(text, "SERTIFIKAT KOMPETENSI"));
    assert_non_null(strstr(text, "CERTIFICATE OF COMPETENCE"));
    assert_non_null(strstr(text, "<img src=x onerror=alert(1)> Ayu Ñandini"));
    assert_non_null(strstr(text, c->serial));
    assert_non_null(strstr(text, "M.74100.040.02"));
    assert_non_null(strstr(text, "Desainer Konten Visual Junior"));
    free(text);
    snprintf(cmd, sizeof cmd, "pdfinfo %s", path);
    char *info = run(cmd);
    if (NULL == strstr(info, "Pages:           2")) {
      fail_msg("expected 2 pages:\n%s", info);
    }
    assert_non_null(strstr(info, "595.276 x 841.89 pts (A4)"));
    free(info);
  }
  assert_page_qr(path, dir, 150, url);
  assert_int_equal(0, test_tmpdir_remove(dir));
  free(url);
  free(c);
  token_key_wipe(&k);
}

/* Renders the PDF of c with its QR code and returns pdftotext's text of page one
 * (malloc'd), or NULL when poppler-utils is not installed. */
static char *pdf_text(const struct cert_claims *c, const struct token_key *k) {
  char *url = make_url(c, k);
  char dir[] = "/tmp/ujikom-pdf-XXXXXX", path[256], cmd[768];
  char *text = NULL;
  render_into(dir, path, sizeof path, c, url);
  if (have_tool("pdftotext")) {
    snprintf(cmd, sizeof cmd, "pdftotext -f 1 -l 1 %s - 2>/dev/null", path);
    text = run(cmd);
  }
  assert_page_qr(path, dir, 300, url); /* still scans with the longest names, as printed */
  assert_int_equal(0, test_tmpdir_remove(dir));
  free(url);
  return text;
}

/* The holder's line(s) as pdftotext reads them: between the two sentences around the name,
 * lines joined by one space (a long name wraps at its spaces). malloc'd. */
static char *holder_from_text(const char *text) {
  static const char before[] = "Diberikan kepada / This is to certify that";
  const char *a = strstr(text, before), *b = strstr(text, "telah dinyatakan KOMPETEN");
  assert_non_null(a);
  assert_non_null(b);
  a += strlen(before);
  assert_true(a < b);
  char *out = malloc((size_t)(b - a) + 1);
  size_t o = 0;
  for (const char *p = a; p < b; p++) {
    bool space = '\n' == *p || ' ' == *p || '\f' == *p;
    if (space && (0 == o || ' ' == out[o - 1])) {
      continue;
    }
    out[o++] = space ? ' ' : *p;
  }
  while (o > 0 && ' ' == out[o - 1]) {
    o--;
  }
  out[o] = '\0';
  return out;
}

/* What the PDF prints as the holder is exactly the stored (NFC) name, read back as text:
 * Latin letters with diacritics, and 200 characters of two-byte letters (wrapped, every
 * glyph embedded); the QR code of each scans at 300 dpi. */
static void test_pdf_holder_is_the_name(void **state) {
  (void)state;
  struct token_key k;
  struct cert_claims *c = malloc(sizeof *c);
  fixture_signer_key(&k);
  fixture_claims(c);
  memcpy(c->kid, k.pub.kid, sizeof c->kid);
  char long_name[CERT_HOLDER_MAX];
  size_t o = 0;
  /* 200 characters: words of nine two-byte letters (Latin-1, Latin Extended, Greek,
   * Cyrillic) and one space, 20 words. */
  static const char *const two[] = {"\xC3\x91", "\xC4\x95", "\xC5\xA1", "\xCE\xB1", "\xD0\x96",
                                    "\xC3\xA9", "\xC3\xBC", "\xC4\x8D", "\xD0\xBB"};
  for (int w = 0; w < 20; w++) {
    for (int i = 0; i < (w < 19 ? 9 : 10); i++) {
      memcpy(long_name + o, two[(w + i) % 9], 2);
      o += 2;
    }
    if (w < 19) {
      long_name[o++] = ' ';
    }
  }
  long_name[o] = '\0';
  const char *names[] = {"\xE1\xB9\xA2\xC4\x95kar Ayu \xC3\x91oviant\xC3\xAF", long_name};
  for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
    char *out = NULL;
    assert_int_equal(PERSON_NAME_OK,
                     person_name_for_record(&out, names[n], strlen(names[n]), NULL, 0));
    assert_string_equal(names[n], out); /* already NFC */
    free(out);
    snprintf(c->holder, sizeof c->holder, "%s", names[n]);
    char *text = pdf_text(c, &k);
    if (NULL == text) {
      print_message("pdftotext not installed: PDF text not read back\n");
      continue;
    }
    char *holder = holder_from_text(text);
    assert_string_equal(names[n], holder);
    assert_null(strstr(text, "[U+")); /* nothing marked as unprintable */
    free(holder);
    free(text);
  }
  /* A character the PDF cannot show as it is is printed as [U+XXXX] with a note, never
   * dropped: outside the BMP (libharu turns it into a space), right to left (drawn
   * reversed; the font does have this Hebrew alef), without a glyph (a CJK ideograph). */
  snprintf(c->holder, sizeof c->holder,
           "Ayu \xF0\xA0\x80\x80 \xD7\x90 \xE7\x8E\x8B \xC3\x91oviant\xC3\xAF");
  char *text = pdf_text(c, &k);
  if (NULL != text) {
    if (NULL == strstr(text, "Ayu [U+20000] [U+05D0] [U+738B] \xC3\x91oviant\xC3\xAF\n")) {
      fail_msg("unprintable characters not marked:\n%s", text);
    }
    assert_non_null(strstr(text, "the full name is on the verification page"));
    free(text);
  }
  /* The longest QR token (200 four-byte letters, 1,485 characters here) still scans off the
   * printed page (pdf_text decodes it). */
  for (size_t i = 0; i < 200; i++) {
    memcpy(c->holder + 4 * i, "\xF0\xA0\x80\x80", 4);
  }
  c->holder[800] = '\0';
  free(pdf_text(c, &k));
  free(c);
  token_key_wipe(&k);
}

/* Page one of the certificate of c, with a fixed QR code, rasterised by pdftoppm (72 dpi,
 * grey): its bytes (malloc'd, *out_len), or NULL when poppler-utils is not installed. */
static unsigned char *page_pixels(const struct cert_claims *c, size_t *out_len) {
  char dir[] = "/tmp/ujikom-pdf-XXXXXX", path[256], cmd[768];
  if (!have_tool("pdftoppm")) {
    return NULL;
  }
  render_into(dir, path, sizeof path, c, FIX_PUBLIC_URL "/V/ABCDEFGH");
  snprintf(cmd, sizeof cmd, "pdftoppm -r 72 -gray -f 1 -l 1 %s %s/page 2>/dev/null && cat %s/page*",
           path, dir, dir);
  unsigned char *px = (unsigned char *)run_n(cmd, out_len);
  assert_int_equal(0, test_tmpdir_remove(dir));
  return px;
}

/* A letter with two marks is a composite glyph whose part is composite too (U+1EC5 "ễ" is ê
 * and a tilde, ê is e and a circumflex): every part is embedded, so the page shows the marks
 * (it differs from the page of "Nguyen"; libharu alone draws a bare e), not only the
 * PDF's text. */
static void test_pdf_draws_every_mark(void **state) {
  (void)state;
  struct cert_claims *c = malloc(sizeof *c);
  fixture_claims(c);
  snprintf(c->holder, sizeof c->holder, "Nguy\xE1\xBB\x85n Ho\xC3\xA0ng");
  size_t marked_len = 0, plain_len = 0;
  unsigned char *marked = page_pixels(c, &marked_len);
  snprintf(c->holder, sizeof c->holder, "Nguyen Ho\xC3\xA0ng");
  unsigned char *plain = page_pixels(c, &plain_len);
  if (NULL == marked) {
    print_message("pdftoppm not installed: the page not rasterised\n");
  } else {
    assert_true(marked_len > 1000);
    assert_int_equal(plain_len, marked_len); /* same page size */
    if (0 == memcmp(marked, plain, marked_len)) {
      fail_msg("the page of \"Nguy\xE1\xBB\x85n Ho\xC3\xA0ng\" shows no marks on its e");
    }
  }
  free(marked);
  free(plain);
  free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_png_and_svg),
      cmocka_unit_test(test_pdf),
      cmocka_unit_test(test_pdf_holder_is_the_name),
      cmocka_unit_test(test_pdf_draws_every_mark),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
