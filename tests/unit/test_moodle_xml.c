/*
 * Moodle XML import tests: the sample in tests/data/itembank (every question type Moodle
 * exports) imports with every question accounted for, its report equal line by line to the
 * expected one, and the fragment loads with the exam loader with the expected texts and keys
 * (HTML reduced to its words, scripts dropped). Hostile XML is refused with a clear error:
 * a document type (XXE, billion laughs), undefined entities, deep nesting, malformed XML.
 */
#include "test_itembank_fixture.h"

#include <math.h>

static void test_sample(void **state) {
  (void)state;
  size_t len = 0;
  char *buf = ibf_read("tests/data/itembank/sample.moodle.xml", &len);
  struct itembank_report rep = {0};
  char *yaml = ibf_import(ITEMBANK_MOODLE, buf, len, &rep, "sample.moodle.xml");
  ibf_assert_report(&rep, "tests/data/itembank/sample.moodle.report");
  assert_int_equal(rep.nmapped, 7);
  assert_int_equal(rep.nunmapped, 6);
  static const char *const kuk[] = {"1.1"};
  struct exam *exam = ibf_load(yaml, kuk, 1);

  const struct exam_item *it = exam_find_item(exam, "IMP-001", NULL);
  assert_non_null(it);
  assert_int_equal(it->type, EXAM_ITEM_SINGLE);
  assert_string_equal(it->prompt, "Alat untuk mengukur lingkar pinggang adalah \xE2\x80\xA6");
  assert_int_equal(it->noptions, 3);
  assert_string_equal(it->options[1].text, "Pita ukur");
  assert_int_equal(it->nkey_ids, 1);
  assert_string_equal(it->key_ids[0], "b");
  assert_string_equal(it->explanation, "Pita ukur lentur.");

  it = exam_find_item(exam, "IMP-002", NULL);
  assert_int_equal(it->type, EXAM_ITEM_MULTIPLE);
  assert_int_equal(it->nkey_ids, 2);
  assert_string_equal(it->key_ids[0], "a");
  assert_string_equal(it->key_ids[1], "b");

  it = exam_find_item(exam, "IMP-003", NULL);
  assert_int_equal(it->type, EXAM_ITEM_TRUEFALSE);
  assert_true(it->key_bool);

  it = exam_find_item(exam, "IMP-004", NULL);
  assert_int_equal(it->type, EXAM_ITEM_SHORT);
  assert_int_equal(it->naccepted, 2);
  assert_string_equal(it->accepted[0], "sentimeter");
  assert_string_equal(it->accepted[1], "cm");

  it = exam_find_item(exam, "IMP-005", NULL);
  assert_int_equal(it->type, EXAM_ITEM_NUMERIC);
  assert_string_equal(it->prompt, "Kelonggaran lingkar pinggang (cm)?"); /* the script is gone */
  assert_true(fabs(it->key_value - 2) < 1e-12);
  assert_true(fabs(it->key_tolerance - 0.5) < 1e-12);
  assert_string_equal(it->key_unit, "cm");

  it = exam_find_item(exam, "IMP-006", NULL);
  assert_int_equal(it->type, EXAM_ITEM_OPEN);
  assert_int_equal(it->nrubric, 1);

  it = exam_find_item(exam, "IMP-007", NULL);
  assert_int_equal(it->type, EXAM_ITEM_ORDERING);
  assert_int_equal(it->nkey_ids, 3);
  assert_string_equal(it->options[it->noptions - 1].text, "Menjahit");
  assert_string_equal(it->key_ids[2], "c");
  assert_null(exam_find_item(exam, "IMP-008", NULL));

  exam_free(exam);
  free(yaml);
  itembank_report_clear(&rep);
  free(buf);
}

static void refused(const char *xml, const char *want) {
  ibf_refused(ITEMBANK_MOODLE, xml, strlen(xml), want);
}

static void test_hostile(void **state) {
  (void)state;
  /* XXE: an external entity */
  refused("<?xml version=\"1.0\"?>\n<!DOCTYPE quiz [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
          "<quiz><question type=\"essay\"><questiontext><text>&xxe;</text></questiontext>"
          "</question></quiz>",
          "bad:2:16: the document declares a document type (DOCTYPE): refused");
  /* billion laughs */
  refused("<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;\">"
          "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;\">]><quiz><question type=\"essay\">"
          "<questiontext><text>&lol3;</text></questiontext></question></quiz>",
          "document type (DOCTYPE): refused");
  /* an entity that was never declared */
  refused("<quiz><question type=\"essay\"><questiontext><text>&nbsp;</text></questiontext>"
          "</question></quiz>",
          "malformed XML: undefined entity");
  refused("<quiz><question type=\"essay\"><questiontext><text>x</text></quiz>",
          "bad:1:60: malformed XML: mismatched tag");
  refused("<html><body/></html>", "not a Moodle XML file: the root element is not <quiz>");
  refused("<quiz><item/></quiz>", "<quiz> holds an element other than <question>");
  refused("<quiz></quiz>", "no questions found");
  refused("", "malformed XML: no element found");
  refused("<quiz><question type=\"essay\"><questiontext><text>\xC3\x28</text></questiontext>"
          "</question></quiz>",
          "malformed XML: not well-formed (invalid token)");
  /* elements nested past the limit */
  char deep[2048];
  size_t at = (size_t)snprintf(deep, sizeof(deep), "<quiz><question type=\"essay\">");
  for (int i = 0; i < 60; i++) {
    at += (size_t)snprintf(deep + at, sizeof(deep) - at, "<a>");
  }
  snprintf(deep + at, sizeof(deep) - at, "</quiz>");
  refused(deep, "elements nested more than 48 deep (refused)");
  /* larger than the limit */
  size_t big = ITEMBANK_MAX_INPUT + 1;
  char *huge = malloc(big);
  assert_non_null(huge);
  memset(huge, ' ', big);
  ibf_refused(ITEMBANK_MOODLE, huge, big, "the file is larger than 8388608 bytes");
  free(huge);
}

/* Markup never passes through: tags go, entities are decoded once (so "&amp;lt;" is "&lt;"
 * as text, which the pages escape), and a question of markup only is reported. */
static void test_markup_is_text(void **state) {
  (void)state;
  const char *xml =
      "<quiz><question type=\"essay\"><questiontext format=\"html\"><text><![CDATA["
      "<div onclick=\"x()\"><p>Baris&nbsp;satu &amp;lt;b&amp;gt;</p><p>dua<br>tiga</p>"
      "<style>p{}</style><img src=\"@@PLUGINFILE@@/a.png\"></div>]]></text></questiontext>"
      "</question><question type=\"essay\"><questiontext format=\"html\"><text><![CDATA["
      "<script>x</script><img src=\"a.png\">]]></text></questiontext></question></quiz>";
  struct itembank_report rep = {0};
  char *yaml = ibf_import(ITEMBANK_MOODLE, xml, strlen(xml), &rep, "m");
  assert_int_equal(rep.nmapped, 1);
  assert_string_equal(rep.entries[1].note, "the question text is empty");
  static const char *const kuk[] = {"1.1"};
  struct exam *exam = ibf_load(yaml, kuk, 1);
  assert_string_equal(exam->units[0].pools[0].items[0].prompt, "Baris satu &lt;b&gt;\n\ndua\ntiga");
  exam_free(exam);
  free(yaml);
  itembank_report_clear(&rep);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sample),
      cmocka_unit_test(test_hostile),
      cmocka_unit_test(test_markup_is_text),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
