/*
 * QTI 3.0 tests: every exam in exams/ is exported to a QTI package and imported back, and the
 * items compare equal one by one (type, KUK ids, points, prompt, options, key, tolerance,
 * unit, accepted answers, rubric with levels, explanation), each in the section of its unit
 * and pool; evidence items are reported as not exported. The package is checked to be what
 * QTI tools expect (the manifest, the namespaces). Malformed and hostile packages (not a zip,
 * no manifest, a DOCTYPE in an item, a path leaving the package, a zip bomb) are refused
 * with a clear error, and a foreign item keeps its text without markup.
 */
#include "test_itembank_fixture.h"

#include <dirent.h>
#include <math.h>
#include <zip.h>

#include "ujikom/qti.h"

/* ------------------------------------------------------------------ building packages */

/* The text of one entry of a package (the caller frees), or NULL. */
static char *zip_entry_text(const unsigned char *pkg, size_t len, const char *name) {
  zip_error_t ze;
  zip_error_init(&ze);
  zip_source_t *src = zip_source_buffer_create(pkg, len, 0, &ze);
  zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
  assert_non_null(z);
  zip_stat_t st;
  char *out = NULL;
  if (zip_stat(z, name, 0, &st) == 0) {
    out = malloc((size_t)st.size + 1);
    zip_file_t *f = zip_fopen(z, name, 0);
    assert_int_equal(zip_fread(f, out, st.size), (zip_int64_t)st.size);
    out[st.size] = '\0';
    zip_fclose(f);
  }
  zip_discard(z);
  zip_error_fini(&ze);
  return out;
}

static const char MANIFEST[] =
    "<?xml version=\"1.0\"?><manifest xmlns=\"" QTI_NS_MANIFEST "\"><resources>"
    "<resource identifier=\"I1\" type=\"imsqti_item_xmlv3p0\" href=\"items/one.xml\"/>"
    "</resources></manifest>";

/* ------------------------------------------------------------------ comparing */

static void same_text(const char *a, const char *b, const char *what, const char *id) {
  if ((a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0)) {
    fprintf(stderr, "%s: %s differs\n  exam: %s\n  back: %s\n", id, what, a ? a : "(null)",
            b ? b : "(null)");
    fail();
  }
}

static void same_item(const struct exam_item *a, const struct exam_item *b) {
  const char *id = a->id;
  assert_int_equal(a->type, b->type);
  assert_int_equal(a->points, b->points);
  assert_int_equal(a->nkuk, b->nkuk);
  for (size_t k = 0; k < a->nkuk; k++) {
    same_text(a->kuk[k], b->kuk[k], "KUK", id);
  }
  same_text(a->prompt, b->prompt, "prompt", id);
  assert_int_equal(a->noptions, b->noptions);
  for (size_t k = 0; k < a->noptions; k++) {
    same_text(a->options[k].id, b->options[k].id, "option id", id);
    same_text(a->options[k].text, b->options[k].text, "option text", id);
  }
  assert_int_equal(a->nkey_ids, b->nkey_ids);
  for (size_t k = 0; k < a->nkey_ids; k++) {
    same_text(a->key_ids[k], b->key_ids[k], "key", id);
  }
  assert_int_equal(a->key_bool, b->key_bool);
  assert_true(a->key_value == b->key_value);
  assert_true(a->key_tolerance == b->key_tolerance);
  same_text(a->key_unit, b->key_unit, "unit", id);
  assert_int_equal(a->naccepted, b->naccepted);
  for (size_t k = 0; k < a->naccepted; k++) {
    same_text(a->accepted[k], b->accepted[k], "accepted answer", id);
  }
  assert_int_equal(a->nrubric, b->nrubric);
  for (size_t c = 0; c < a->nrubric; c++) {
    const struct exam_criterion *x = &a->rubric[c], *y = &b->rubric[c];
    same_text(x->id, y->id, "criterion id", id);
    same_text(x->text, y->text, "criterion text", id);
    assert_int_equal(x->max_points, y->max_points);
    assert_int_equal(x->nlevels, y->nlevels);
    for (size_t l = 0; l < x->nlevels; l++) {
      assert_int_equal(x->levels[l].points, y->levels[l].points);
      same_text(x->levels[l].text, y->levels[l].text, "level text", id);
    }
  }
  same_text(a->explanation, b->explanation, "explanation", id);
}

/* Every KUK id the exam's items name, once. */
static size_t collect_kuk(const struct exam *exam, const char **out, size_t max) {
  size_t n = 0;
  for (size_t u = 0; u < exam->nunits; u++) {
    for (size_t p = 0; p < exam->units[u].npools; p++) {
      const struct exam_pool *pool = &exam->units[u].pools[p];
      for (size_t i = 0; i < pool->nitems; i++) {
        for (size_t k = 0; k < pool->items[i].nkuk; k++) {
          const char *id = pool->items[i].kuk[k];
          bool seen = false;
          for (size_t j = 0; j < n; j++) {
            seen = seen || strcmp(out[j], id) == 0;
          }
          if (!seen && n < max) {
            out[n++] = id;
          }
        }
      }
    }
  }
  return n;
}

static void round_trip(const char *rel) {
  size_t len = 0;
  char *src = ibf_read(rel, &len);
  struct exam_errors errs = {0};
  struct exam *exam = NULL;
  assert_int_equal(exam_parse(&exam, &errs, src, len, rel, NULL), 0);

  unsigned char *pkg = NULL;
  size_t plen = 0;
  struct itembank_report out = {0};
  assert_int_equal(qti_export(&pkg, &plen, &out, &errs, exam), 0);
  assert_int_equal(errs.n, 0);

  struct itembank_report back = {0};
  char *yaml = ibf_import(ITEMBANK_QTI, (const char *)pkg, plen, &back, rel);
  assert_int_equal(back.nunmapped, 0);
  assert_int_equal(back.nmapped, out.nmapped);

  const char *kuk[256];
  size_t nkuk = collect_kuk(exam, kuk, 256);
  struct exam *again = ibf_load(yaml, kuk, nkuk);
  size_t compared = 0, skipped = 0, k = 0;
  for (size_t u = 0; u < exam->nunits; u++) {
    for (size_t p = 0; p < exam->units[u].npools; p++) {
      const struct exam_pool *pool = &exam->units[u].pools[p];
      for (size_t i = 0; i < pool->nitems; i++) {
        const struct exam_item *a = &pool->items[i];
        if (a->type == EXAM_ITEM_EVIDENCE) {
          skipped++;
          continue;
        }
        const struct exam_item *b = exam_find_item(again, a->id, NULL);
        if (b == NULL) {
          fprintf(stderr, "%s: item %s did not come back\n", rel, a->id);
          fail();
        }
        same_item(a, b);
        /* in the section of its unit and pool, in the exam's order */
        char where[256];
        snprintf(where, sizeof(where), "%s / %s", exam->units[u].code, pool->id);
        assert_string_equal(back.entries[k].item_id, a->id);
        assert_string_equal(back.entries[k].category, where);
        k++;
        compared++;
      }
    }
  }
  assert_int_equal(compared, back.nmapped);
  assert_int_equal(skipped, out.nunmapped);
  for (size_t i = 0; i < out.n; i++) {
    const struct itembank_entry *e = &out.entries[i];
    if (e->item_id == NULL) {
      assert_non_null(strstr(e->note, "evidence item: not exported"));
    }
  }
  /* the package is what QTI tools expect */
  char *man = zip_entry_text(pkg, plen, "imsmanifest.xml");
  assert_non_null(man);
  assert_non_null(strstr(man, "xmlns=\"" QTI_NS_MANIFEST "\""));
  assert_non_null(strstr(man, "type=\"imsqti_test_xmlv3p0\""));
  assert_non_null(strstr(man, "type=\"imsqti_item_xmlv3p0\" identifier=\"R1\" "
                              "href=\"items/item-0001.xml\""));
  char *item = zip_entry_text(pkg, plen, "items/item-0001.xml");
  assert_non_null(item);
  assert_non_null(strstr(item, "<qti-assessment-item xmlns=\"" QTI_NS_ITEM "\""));
  char *test = zip_entry_text(pkg, plen, "test.xml");
  assert_non_null(strstr(test, "<qti-selection select=\""));
  /* the same exam gives the same bytes */
  unsigned char *pkg2 = NULL;
  size_t plen2 = 0;
  struct itembank_report out2 = {0};
  assert_int_equal(qti_export(&pkg2, &plen2, &out2, &errs, exam), 0);
  assert_int_equal(plen, plen2);
  assert_memory_equal(pkg, pkg2, plen);
  free(pkg2);
  itembank_report_clear(&out2);
  fprintf(stderr, "%s: %zu items equal after QTI and back, %zu evidence items reported\n", rel,
          compared, skipped);
  free(man);
  free(item);
  free(test);
  exam_free(again);
  free(yaml);
  itembank_report_clear(&back);
  itembank_report_clear(&out);
  free(pkg);
  exam_free(exam);
  exam_errors_clear(&errs);
  free(src);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void test_round_trip_every_exam(void **state) {
  (void)state;
  const char *dir = getenv("UJIKOM_SOURCE_DIR");
  char path[1024];
  snprintf(path, sizeof(path), "%s/exams", dir != NULL ? dir : ".");
  DIR *d = opendir(path);
  assert_non_null(d);
  char *names[64];
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < 64) {
    size_t l = strlen(e->d_name);
    if (l > 10 && strcmp(e->d_name + l - 10, ".exam.yaml") == 0) {
      names[n] = malloc(l + 8);
      snprintf(names[n++], l + 8, "exams/%s", e->d_name);
    }
  }
  closedir(d);
  assert_true(n >= 10);
  qsort(names, n, sizeof(names[0]), cmp_str);
  for (size_t i = 0; i < n; i++) {
    round_trip(names[i]);
    free(names[i]);
  }
}

/* Text XML cannot hold, markup characters and line breaks survive the trip. */
static void test_hard_text(void **state) {
  (void)state;
  const char *yaml =
      "format: 1\nid: QTI-HARD\nsubsector: FSN\ntitle: \"A & B <c>\"\ntitle_en: T\n"
      "scheme: S\nstandard: S\nduration_minutes: 60\nvalidity_years: 3\nretake:\n"
      "  max_attempts: 3\n  cooldown_days: 0\nunits:\n  - code: U.1\n    title: U\n"
      "    cut_score: 70\n    elements:\n      - id: 1\n        title: E\n        kuk:\n"
      "          - id: \"1.1\"\n            text: K.\n    pools:\n      - id: P1\n"
      "        draw: 2\n        items:\n"
      "          - id: H-1\n            type: short\n            kuk: [\"1.1\"]\n"
      "            prompt: \"  <b>bold</b> &amp; \\\"q\\\"\\n\\n\\tline\\r\\nend  \\n\"\n"
      "            answer: [\"a<b\", \"x & y\", \"]]>\"]\n"
      "          - id: H-2\n            type: single\n            kuk: [\"1.1\"]\n"
      "            points: 3\n            prompt: \"<script>alert(1)</script>\"\n"
      "            options:\n              - id: z9\n                text: \"&lt;\"\n"
      "              - id: a1\n                text: \"\\u2028x\"\n            answer: a1\n";
  struct exam_errors errs = {0};
  struct exam *exam = NULL;
  assert_int_equal(exam_parse(&exam, &errs, yaml, strlen(yaml), "hard", NULL), 0);
  unsigned char *pkg = NULL;
  size_t plen = 0;
  struct itembank_report out = {0};
  assert_int_equal(qti_export(&pkg, &plen, &out, &errs, exam), 0);
  char *item = zip_entry_text(pkg, plen, "items/item-0002.xml");
  assert_non_null(strstr(item, "&lt;script&gt;alert(1)&lt;/script&gt;")); /* never markup */
  free(item);
  struct itembank_report back = {0};
  char *frag = ibf_import(ITEMBANK_QTI, (const char *)pkg, plen, &back, "hard");
  static const char *const kuk[] = {"1.1"};
  struct exam *again = ibf_load(frag, kuk, 1);
  for (size_t i = 0; i < 2; i++) {
    const struct exam_item *a = &exam->units[0].pools[0].items[i];
    same_item(a, exam_find_item(again, a->id, NULL));
  }
  exam_free(again);
  free(frag);
  itembank_report_clear(&back);
  itembank_report_clear(&out);
  free(pkg);
  exam_free(exam);
  exam_errors_clear(&errs);
}

static void test_foreign_item(void **state) {
  (void)state;
  const struct zip_build_entry e[] = {
      {"imsmanifest.xml", MANIFEST, 0},
      {"items/one.xml",
       "<qti-assessment-item xmlns=\"" QTI_NS_ITEM "\" identifier=\"q-1\" title=\"Q\">"
       "<qti-response-declaration identifier=\"RESPONSE\" cardinality=\"single\" "
       "base-type=\"identifier\"><qti-correct-response><qti-value>B</qti-value>"
       "</qti-correct-response></qti-response-declaration><qti-item-body>\n"
       "  <p>Which   <em>tool</em>\n measures?</p>\n"
       "  <qti-choice-interaction response-identifier=\"RESPONSE\" max-choices=\"1\">"
       "<qti-prompt>Choose one.</qti-prompt>"
       "<qti-simple-choice identifier=\"A\">Ruler</qti-simple-choice>"
       "<qti-simple-choice identifier=\"B\"><b>Tape</b> measure</qti-simple-choice>"
       "</qti-choice-interaction></qti-item-body></qti-assessment-item>",
       0},
  };
  size_t len = 0;
  unsigned char *pkg = ibf_zip(e, 2, &len);
  struct itembank_report rep = {0};
  char *yaml = ibf_import(ITEMBANK_QTI, (const char *)pkg, len, &rep, "foreign");
  assert_int_equal(rep.nmapped, 1);
  assert_string_equal(rep.entries[0].note, "written by another tool: text kept without markup");
  static const char *const kuk[] = {"1.1"};
  struct exam *exam = ibf_load(yaml, kuk, 1);
  const struct exam_item *it = &exam->units[0].pools[0].items[0];
  /* the identifier is not a ujikom id ([A-Za-z0-9._-]), the option ids are not [a-z0-9]:
   * the prefix and a, b, ... are used instead, the key follows */
  assert_string_equal(it->id, "q-1");
  assert_string_equal(it->prompt, "Which tool measures?\n\nChoose one.");
  assert_string_equal(it->options[1].text, "Tape measure");
  exam_free(exam);
  free(yaml);
  itembank_report_clear(&rep);
  free(pkg);
}

static void refused_pkg(const struct zip_build_entry *e, size_t n, const char *want) {
  size_t len = 0;
  unsigned char *pkg = ibf_zip(e, n, &len);
  ibf_refused(ITEMBANK_QTI, (const char *)pkg, len, want);
  free(pkg);
}

/* An item that cannot be read is reported (the rest is imported); a package that cannot be
 * read fails as a whole. */
static void test_hostile(void **state) {
  (void)state;
  ibf_refused(ITEMBANK_QTI, "not a zip", 9, "not a QTI package (the zip archive cannot be opened");
  ibf_refused(ITEMBANK_QTI, "", 0, "the package is empty or cannot be read");
  const struct zip_build_entry none[] = {{"readme.txt", "hello", 0}};
  refused_pkg(none, 1, "the package has no imsmanifest.xml");
  const struct zip_build_entry xxe[] = {
      {"imsmanifest.xml",
       "<!DOCTYPE m [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><manifest>"
       "&x;</manifest>",
       0}};
  refused_pkg(xxe, 1, "imsmanifest.xml: the document declares a document type (DOCTYPE)");
  const struct zip_build_entry escape[] = {
      {"imsmanifest.xml",
       "<manifest><resources><resource type=\"imsqti_item_xmlv3p0\" "
       "href=\"../../etc/passwd\"/></resources></manifest>",
       0}};
  refused_pkg(escape, 1, "a resource's href leaves the package");
  const struct zip_build_entry missing[] = {{"imsmanifest.xml", MANIFEST, 0}};
  refused_pkg(missing, 1, "the package has no items/one.xml");
  const struct zip_build_entry empty[] = {{"imsmanifest.xml", "<manifest/>", 0}};
  refused_pkg(empty, 1, "the package lists no QTI 3.0 item");
  const struct zip_build_entry broken[] = {{"imsmanifest.xml", "<manifest><resources>", 0}};
  refused_pkg(broken, 1, "imsmanifest.xml: malformed XML: no element found");

  /* items that cannot be mapped are reported, with the reason */
  const struct zip_build_entry bad_items[] = {
      {"imsmanifest.xml",
       "<manifest><resources>"
       "<resource type=\"imsqti_item_xmlv3p0\" href=\"a.xml\"/>"
       "<resource type=\"imsqti_item_xmlv3p0\" href=\"b.xml\"/>"
       "<resource type=\"imsqti_item_xmlv3p0\" href=\"c.xml\"/>"
       "<resource type=\"imsqti_item_xmlv3p0\" href=\"d.xml\"/></resources></manifest>",
       0},
      {"a.xml", "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><qti-assessment-item/>", 0},
      {"b.xml", "<assessmentItem xmlns=\"http://www.imsglobal.org/xsd/imsqti_v2p1\"/>", 0},
      {"c.xml",
       "<qti-assessment-item xmlns=\"" QTI_NS_ITEM "\" identifier=\"c\">"
       "<qti-item-body><qti-hotspot-interaction response-identifier=\"R\"/>"
       "</qti-item-body></qti-assessment-item>",
       0},
      {"d.xml",
       "<qti-assessment-item xmlns=\"" QTI_NS_ITEM "\" identifier=\"d\">"
       "<qti-response-declaration identifier=\"RESPONSE\" cardinality=\"single\" "
       "base-type=\"string\"/><qti-item-body><p>Kata?</p><p>"
       "<qti-text-entry-interaction response-identifier=\"RESPONSE\"/></p>"
       "</qti-item-body></qti-assessment-item>",
       0},
  };
  size_t len = 0;
  unsigned char *pkg = ibf_zip(bad_items, 5, &len);
  static const char *const kuk[] = {"1.1"};
  struct itembank_options o = {.file = "bad", .id_prefix = "IMP", .kuk = kuk, .nkuk = 1};
  struct itembank_report rep = {0};
  struct exam_errors errs = {0};
  char *yaml = NULL;
  assert_int_equal(itembank_import(&yaml, &rep, &errs, ITEMBANK_QTI, (const char *)pkg, len, &o),
                   0);
  assert_int_equal(rep.n, 4);
  assert_int_equal(rep.nmapped, 0);
  assert_string_equal(rep.entries[0].note,
                      "a.xml line 1: the document declares a document type (DOCTYPE): refused, "
                      "as entities (external or expanding) are never read");
  assert_non_null(strstr(rep.entries[1].note, "not a QTI 3.0 item"));
  assert_string_equal(rep.entries[2].note, "this interaction has no ujikom item type");
  assert_string_equal(rep.entries[3].note, "no correct response");
  free(yaml);
  itembank_report_clear(&rep);
  exam_errors_clear(&errs);
  free(pkg);

  /* a zip bomb: one entry inflating far beyond its size */
  char *zeros = calloc(1, (size_t)9 * 1024 * 1024);
  assert_non_null(zeros);
  memset(zeros, 'a', (size_t)9 * 1024 * 1024 - 1);
  const struct zip_build_entry bomb[] = {{"imsmanifest.xml", zeros, 0}};
  refused_pkg(bomb, 1, "imsmanifest.xml inflates to 9437183 bytes: too large");
  free(zeros);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip_every_exam),
      cmocka_unit_test(test_hard_text),
      cmocka_unit_test(test_foreign_item),
      cmocka_unit_test(test_hostile),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
