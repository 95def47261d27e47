/*
 * RDF Dataset Canonicalization (RDFC-1.0): every applicable case of the W3C RDF
 * canonicalization test suite (tests/data/rdfc, SHA-256 cases; the poison clique must be
 * refused), byte for byte, plus the strict N-Quads parser's refusals with their positions and
 * the canonical escapes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ujikom/rdfc.h"

static const char *src_dir(void) {
  const char *d = getenv("UJIKOM_SOURCE_DIR");
  return d ? d : ".";
}

/* The whole file, NUL-terminated, or NULL. */
static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (NULL == f) {
    return NULL;
  }
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  while (NULL != buf) {
    size_t got = fread(buf + n, 1, cap - n - 1, f);
    n += got;
    if (n + 1 < cap) {
      break;
    }
    char *p = realloc(buf, cap * 2);
    if (NULL == p) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = p;
    cap *= 2;
  }
  fclose(f);
  if (NULL != buf) {
    buf[n] = '\0';
    *len = n;
  }
  return buf;
}

static int canonicalize_text(char **out, size_t *outlen, const char *text, size_t len, char *err,
                             size_t errlen) {
  struct rdf_dataset *d = NULL;
  if (0 != rdf_nquads_parse(&d, text, len, err, errlen)) {
    return RDFC_ERR_INVALID;
  }
  int rc = rdfc_canonicalize(out, outlen, d, err, errlen);
  rdf_dataset_free(d);
  return rc;
}

static void test_w3c_suite(void **state) {
  (void)state;
  char path[1024];
  snprintf(path, sizeof path, "%s/tests/data/rdfc/manifest.txt", src_dir());
  size_t mlen = 0;
  char *manifest = slurp(path, &mlen);
  assert_non_null(manifest);
  size_t cases = 0, passed = 0;
  for (char *line = manifest; '\0' != *line;) {
    char *eol = strchr(line, '\n');
    if (NULL != eol) {
      *eol = '\0';
    }
    char id[16] = {0}, kind[16] = {0};
    const char *sp = strchr(line, ' ');
    const char *sp2 = NULL == sp ? NULL : strchr(sp + 1, ' ');
    if (NULL != sp && NULL != sp2 && (size_t)(sp - line) < sizeof id &&
        (size_t)(sp2 - sp - 1) < sizeof kind) {
      memcpy(id, line, (size_t)(sp - line));
      memcpy(kind, sp + 1, (size_t)(sp2 - sp - 1));
      cases++;
      size_t inlen = 0, explen = 0, outlen = 0;
      snprintf(path, sizeof path, "%s/tests/data/rdfc/%s-in.nq", src_dir(), id);
      char *in = slurp(path, &inlen);
      assert_non_null(in);
      char *out = NULL, err[200] = "";
      int rc = canonicalize_text(&out, &outlen, in, inlen, err, sizeof err);
      bool ok = false;
      if (0 == strcmp(kind, "refuse")) {
        ok = RDFC_ERR_LIMIT == rc && NULL == out;
        if (!ok) {
          print_error("%s: expected a refusal, got %d\n", id, rc);
        }
      } else {
        snprintf(path, sizeof path, "%s/tests/data/rdfc/%s-rdfc10.nq", src_dir(), id);
        char *expected = slurp(path, &explen);
        assert_non_null(expected);
        ok = 0 == rc && outlen == explen && 0 == memcmp(out, expected, explen);
        if (!ok) {
          print_error("%s (%s): rc %d %s\n--- got\n%s--- expected\n%s", id, sp2 + 1, rc, err,
                      NULL == out ? "" : out, expected);
        }
        /* The canonical form parses back and is its own canonical form. */
        if (ok) {
          char *again = NULL;
          size_t againlen = 0;
          ok = 0 == canonicalize_text(&again, &againlen, out, outlen, err, sizeof err) &&
               againlen == outlen && 0 == memcmp(again, out, outlen);
          if (!ok) {
            print_error("%s: canonical form is not stable\n", id);
          }
          free(again);
        }
        free(expected);
      }
      passed += ok;
      free(out);
      free(in);
    }
    if (NULL == eol) {
      break;
    }
    line = eol + 1;
  }
  free(manifest);
  print_message("W3C RDFC-1.0 cases: %zu of %zu pass\n", passed, cases);
  assert_true(cases >= 60);
  assert_int_equal(cases, passed);
}

static void expect_parse_error(const char *text, const char *where) {
  struct rdf_dataset *d = NULL;
  char err[200] = "";
  int rc = rdf_nquads_parse(&d, text, strlen(text), err, sizeof err);
  if (0 == rc) {
    print_error("accepted: %s\n", text);
  }
  assert_int_equal(-1, rc);
  assert_null(d);
  if (0 != strncmp(err, where, strlen(where))) {
    print_error("input %s: error \"%s\", expected it to start with \"%s\"\n", text, err, where);
  }
  assert_int_equal(0, strncmp(err, where, strlen(where)));
}

static void test_parse_refuses(void **state) {
  (void)state;
  expect_parse_error("<a:b> <a:c> <d> .\n", "1:13: IRI is not absolute");
  expect_parse_error("<a:b> <a:c> <a:d>\n", "1:18: expected graph name or '.'");
  expect_parse_error("\n\n<a:b> _:x <a:d> .\n", "3:7: expected predicate");
  expect_parse_error("\"lit\" <a:c> <a:d> .\n", "1:1: expected subject");
  expect_parse_error("<a:b> <a:c> \"x\" \"g\" .\n", "1:17: expected graph name");
  expect_parse_error("<a:b> <a:c> \"x\n\" .\n", "1:13: unterminated string");
  expect_parse_error("<a:b> <a:c> \"\\q\" .\n", "1:14: unknown escape");
  expect_parse_error("<a:b> <a:c> \"\\uD800\" .\n", "1:14: escape is not a Unicode scalar");
  expect_parse_error("<a:b> <a:c> \"\\u12\" .\n", "1:14: bad hex digit");
  expect_parse_error("<a:b> <a:c> \"\xff\" .\n", "1:14: invalid UTF-8");
  expect_parse_error("<a:b> <a:c> \"\xc0\x80\" .\n", "1:14: invalid UTF-8");
  expect_parse_error("<a:b c> <a:c> <a:d> .\n", "1:5: character not allowed in an IRI");
  expect_parse_error("<a:b\\u0020> <a:c> <a:d> .\n", "1:1: escape stands for");
  expect_parse_error("<a:b> <a:c> \"x\"@ .\n", "1:17: language tag must start");
  expect_parse_error("<a:b> <a:c> \"x\"@en- .\n", "1:17: empty language subtag");
  expect_parse_error("<a:b> <a:c> \"x\"^<a:t> .\n", "1:16: expected ^^");
  expect_parse_error("_: <a:c> <a:d> .\n", "1:1: empty blank node label");
  expect_parse_error("_:-x <a:c> <a:d> .\n", "1:1: empty blank node label");
  expect_parse_error("<a:b> <a:c> <a:d> . junk\n", "1:21: expected end of line");
  expect_parse_error("<a:b> <a:c> <a:d> <a:g> <a:h> .\n", "1:25: expected '.'");
  expect_parse_error("<a:\xe2\x88\x9e\x01> <a:c> <a:d> .\n", "1:5: character not allowed");
  expect_parse_error("# fine\r\n<a:b> <a:c> <a:d> .\r\n<a:b>\r\n", "3:6: expected predicate");
}

/* Every one-character string escape (ECHAR) stands for its character; IRIs take only \u. */
static void test_parse_string_escapes(void **state) {
  (void)state;
  const char *text = "<a:s> <a:p> \"\\t\\b\\n\\r\\f\\\"\\'\\\\x\" .\n"
                     "<a:s\\u0041> <a:p> \"\" .\n";
  struct rdf_dataset *d = NULL;
  char err[200] = "";
  assert_int_equal(0, rdf_nquads_parse(&d, text, strlen(text), err, sizeof err));
  assert_int_equal(2, d->nquads);
  assert_string_equal("\t\b\n\r\f\"'\\x", d->quads[0].object.value);
  assert_string_equal("a:sA", d->quads[1].subject.value);
  assert_string_equal("", d->quads[1].object.value);
  rdf_dataset_free(d);
  expect_parse_error("<a:b\\n> <a:c> <a:d> .\n", "1:5: only \\u and \\U escapes");
  expect_parse_error("<a:b <a:c> <a:d> .\n", "1:5: character not allowed");
  expect_parse_error("<a:b\n", "1:1: unterminated IRI");
}

static void test_parse_accepts(void **state) {
  (void)state;
  const char *text = "# comment\n"
                     "<a:s> <a:p> \"x\"^^<http://www.w3.org/2001/XMLSchema#string> .\n"
                     "  _:b1.x\t<a:p>_:b2 <a:g>.# trailing comment\r\n"
                     "<a:s><a:p>\"\\u00E9\\U0001F303\"@en-US . \n"
                     "<a:s> <a:p> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> _:g .";
  struct rdf_dataset *d = NULL;
  char err[200] = "";
  assert_int_equal(0, rdf_nquads_parse(&d, text, strlen(text), err, sizeof err));
  assert_int_equal(4, d->nquads);
  assert_null(d->quads[0].object.datatype); /* xsd:string is implied */
  assert_int_equal(RDF_TERM_BLANK, d->quads[1].subject.kind);
  assert_string_equal("b1.x", d->quads[1].subject.value);
  assert_string_equal("b2", d->quads[1].object.value);
  assert_string_equal("a:g", d->quads[1].graph.value);
  assert_string_equal("\xc3\xa9\xf0\x9f\x8c\x83", d->quads[2].object.value);
  assert_string_equal("en-US", d->quads[2].object.language);
  assert_int_equal(RDF_TERM_DEFAULT_GRAPH, d->quads[2].graph.kind);
  char *out = NULL;
  size_t outlen = 0;
  assert_int_equal(0, rdf_nquads_serialize(&out, &outlen, d));
  assert_string_equal("<a:s> <a:p> \"x\" .\n"
                      "_:b1.x <a:p> _:b2 <a:g> .\n"
                      "<a:s> <a:p> \"\xc3\xa9\xf0\x9f\x8c\x83\"@en-US .\n"
                      "<a:s> <a:p> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> _:g .\n",
                      out);
  free(out);
  rdf_dataset_free(d);
  /* Empty input is the empty dataset, whose canonical form is empty. */
  assert_int_equal(0, rdf_nquads_parse(&d, "", 0, err, sizeof err));
  assert_int_equal(0, rdfc_canonicalize(&out, &outlen, d, err, sizeof err));
  assert_int_equal(0, outlen);
  assert_string_equal("", out);
  free(out);
  rdf_dataset_free(d);
}

static void test_escapes(void **state) {
  (void)state;
  char value[] = "a\0\x01\b\t\n\x0b\f\r\x1f\"\\\x7f\xc2\x80z";
  struct rdf_term t = {.kind = RDF_TERM_LITERAL, .value = value, .len = sizeof value - 1};
  char *s = rdf_term_to_nquads(&t);
  assert_non_null(s);
  assert_string_equal("\"a\\u0000\\u0001\\b\\t\\n\\u000B\\f\\r\\u001F\\\"\\\\\\u007F\xc2\x80z\"",
                      s);
  free(s);
}

static void test_dataset_add(void **state) {
  (void)state;
  struct rdf_dataset *d = rdf_dataset_new();
  assert_non_null(d);
  char x[] = "x", name[] = "https://schema.org/name", siti[] = "Siti", xsd[] = RDF_XSD_STRING;
  char relative[] = "name", bad_tag[] = "en_US";
  struct rdf_quad q = {
      .subject = {.kind = RDF_TERM_BLANK, .value = x, .len = 1},
      .predicate = {.kind = RDF_TERM_IRI, .value = name, .len = sizeof name - 1},
      .object = {.kind = RDF_TERM_LITERAL, .value = siti, .len = 4, .datatype = xsd},
  };
  assert_int_equal(0, rdf_dataset_add(d, &q));
  assert_null(d->quads[0].object.datatype);
  /* Refused: a literal subject, a relative IRI, a blank predicate, bad language tag. */
  struct rdf_quad bad = q;
  bad.subject = q.object;
  assert_int_equal(-1, rdf_dataset_add(d, &bad));
  bad = q;
  bad.predicate.value = relative;
  bad.predicate.len = 4;
  assert_int_equal(-1, rdf_dataset_add(d, &bad));
  bad = q;
  bad.predicate = q.subject;
  assert_int_equal(-1, rdf_dataset_add(d, &bad));
  bad = q;
  bad.object.datatype = NULL;
  bad.object.language = bad_tag;
  assert_int_equal(-1, rdf_dataset_add(d, &bad));
  assert_int_equal(1, d->nquads);
  /* Duplicates collapse in the canonical form. */
  assert_int_equal(0, rdf_dataset_add(d, &q));
  char *out = NULL, err[200] = "";
  size_t outlen = 0;
  assert_int_equal(0, rdfc_canonicalize(&out, &outlen, d, err, sizeof err));
  assert_string_equal("_:c14n0 <https://schema.org/name> \"Siti\" .\n", out);
  free(out);
  rdf_dataset_free(d);
  rdf_dataset_free(NULL);
}

/* A small deterministic PRNG, so failures reproduce. */
static uint32_t rng_next(uint32_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 17;
  *s ^= *s << 5;
  return *s;
}

/* Random small graphs, written twice: the second time with other blank node labels and the
 * lines in another order. Canonicalization must not see the difference (it is what makes
 * the form canonical), and a dataset and its canonical form have as many distinct quads. */
static void test_relabelling_invariance(void **state) {
  (void)state;
  uint32_t seed = 0x2545F491u;
  size_t compared = 0;
  for (int round = 0; round < 300; round++) {
    size_t nb = 1 + rng_next(&seed) % 7, nq = 1 + rng_next(&seed) % 14;
    size_t rename[8];
    for (size_t i = 0; i < nb; i++) {
      rename[i] = i;
    }
    for (size_t i = nb; i > 1; i--) {
      size_t j = rng_next(&seed) % i, t = rename[i - 1];
      rename[i - 1] = rename[j];
      rename[j] = t;
    }
    char lines[14][128], a[14 * 128 + 1] = "", b[14 * 128 + 1] = "";
    size_t order[14];
    for (size_t q = 0; q < nq; q++) {
      uint32_t r = rng_next(&seed);
      size_t s1 = r % nb, o1 = (r >> 8) % nb;
      int obj_iri = 0 == (r >> 16) % 4, pred = (int)((r >> 18) % 2), graph = (int)((r >> 20) % 4);
      /* %c marks where the blank node labels go: 'S', 'O', 'G'. */
      snprintf(lines[q], sizeof lines[q], "S <p:%d> %s%s .\n", pred, obj_iri ? "<o:x>" : "O",
               0 == graph ? " G" : (1 == graph ? " <g:1>" : ""));
      order[q] = q;
      for (int which = 0; which < 2; which++) {
        char line[128];
        size_t w = 0;
        for (const char *c = lines[q]; '\0' != *c && w + 16 < sizeof line; c++) {
          size_t bn = 'S' == *c ? s1 : ('O' == *c ? o1 : (r >> 24) % nb);
          if ('S' == *c || 'O' == *c || 'G' == *c) {
            w += (size_t)snprintf(line + w, sizeof line - w, which ? "_:x%zu" : "_:n%zu",
                                  which ? rename[bn] : bn);
          } else {
            line[w++] = *c;
          }
        }
        line[w] = '\0';
        if (0 == which) {
          strncat(a, line, sizeof a - strlen(a) - 1);
        } else {
          snprintf(lines[q], sizeof lines[q], "%s", line);
        }
      }
    }
    for (size_t i = nq; i > 1; i--) {
      size_t j = rng_next(&seed) % i, t = order[i - 1];
      order[i - 1] = order[j];
      order[j] = t;
    }
    for (size_t q = 0; q < nq; q++) {
      strncat(b, lines[order[q]], sizeof b - strlen(b) - 1);
    }
    char *ca = NULL, *cb = NULL, err[200] = "";
    size_t la = 0, lb = 0;
    int ra = canonicalize_text(&ca, &la, a, strlen(a), err, sizeof err);
    int rb = canonicalize_text(&cb, &lb, b, strlen(b), err, sizeof err);
    assert_int_equal(ra, rb);
    if (0 == ra) {
      if (la != lb || 0 != memcmp(ca, cb, la)) {
        print_error("round %d differs:\n%s--- vs\n%s--- canonical\n%s--- vs\n%s", round, a, b, ca,
                    cb);
      }
      assert_memory_equal(ca, cb, la);
      assert_int_equal(la, lb);
      compared++;
    }
    free(ca);
    free(cb);
  }
  assert_true(compared > 250);
}

/* A ring of blank nodes makes Hash N-Degree Quads recurse along the ring; a long ring is
 * refused by the limits, not by the stack. */
static void test_rings(void **state) {
  (void)state;
  for (size_t n = 2; n <= 640; n = n < 40 ? n + 19 : n * 4) {
    char *text = malloc(n * 48);
    assert_non_null(text);
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
      w += (size_t)snprintf(text + w, n * 48 - w, "_:r%zu <p:next> _:r%zu .\n", i, (i + 1) % n);
    }
    char *out = NULL, err[200] = "";
    size_t outlen = 0;
    int rc = canonicalize_text(&out, &outlen, text, w, err, sizeof err);
    if (n <= 160) { /* 2, 21, 40, 160 */
      assert_int_equal(0, rc);
      assert_non_null(strstr(out, "_:c14n0 <p:next> _:c14n1 .\n"));
    } else {
      assert_int_equal(RDFC_ERR_LIMIT, rc); /* 640: deeper than RDFC_MAX_DEPTH */
      assert_null(out);
      assert_non_null(strstr(err, "nest deeper"));
    }
    free(out);
    free(text);
  }
  /* A ring of 40 next to 30,000 other blank nodes: the depth allowed shrinks as the dataset
   * grows, so that the issuers each level holds stay small. */
  size_t cap = 40 * 48 + 30000 * 40, w = 0;
  char *text = malloc(cap);
  assert_non_null(text);
  for (size_t i = 0; i < 40; i++) {
    w += (size_t)snprintf(text + w, cap - w, "_:r%zu <p:next> _:r%zu .\n", i, (i + 1) % 40);
  }
  for (size_t i = 0; i < 30000; i++) {
    w += (size_t)snprintf(text + w, cap - w, "_:u%zu <p:v> \"%zu\" .\n", i, i);
  }
  char *out = NULL, err[200] = "";
  size_t outlen = 0;
  assert_int_equal(RDFC_ERR_LIMIT, canonicalize_text(&out, &outlen, text, w, err, sizeof err));
  assert_null(out);
  assert_non_null(strstr(err, "nest deeper"));
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_w3c_suite),
      cmocka_unit_test(test_parse_refuses),
      cmocka_unit_test(test_parse_accepts),
      cmocka_unit_test(test_parse_string_escapes),
      cmocka_unit_test(test_escapes),
      cmocka_unit_test(test_dataset_add),
      cmocka_unit_test(test_relabelling_invariance),
      cmocka_unit_test(test_rings),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
