/*
 * Item bank import tests: the Aiken and GIFT samples in tests/data/itembank import with every
 * question accounted for (mapped or reported with its line and reason), and the produced
 * YAML, nested in a minimal exam, loads with the real exam loader with the expected items,
 * keys and options. Hostile input gives file:line:column errors, never a crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/exam.h"
#include "ujikom/itembank.h"

#include "itembank_exam_head.h"

static const char *const KUK[] = {"1.1"};

static char *read_sample(const char *name, size_t *len) {
  const char *dir = getenv("UJIKOM_SOURCE_DIR");
  char path[1024];
  snprintf(path, sizeof(path), "%s/tests/data/itembank/%s", dir ? dir : ".", name);
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  char *buf = malloc(1 << 20);
  assert_non_null(buf);
  *len = fread(buf, 1, (1 << 20) - 1, f);
  buf[*len] = '\0';
  fclose(f);
  return buf;
}

static struct itembank_options opts_for(const char *file) {
  struct itembank_options o = {
      .file = file, .id_prefix = "IMP", .kuk = KUK, .nkuk = 1, .indent = 8};
  return o;
}

/* Imports buf and loads the fragment inside ITEMBANK_EXAM_HEAD; the exam is the caller's. */
static struct exam *import_and_load(enum itembank_format fmt, const char *buf, size_t len,
                                    struct itembank_report *rep) {
  struct exam_errors errs = {0};
  char *yaml = NULL;
  struct itembank_options o = opts_for("sample");
  int rc = itembank_import(&yaml, rep, &errs, fmt, buf, len, &o);
  for (size_t i = 0; i < errs.n; i++) {
    fprintf(stderr, "import error: %s\n", errs.lines[i]);
  }
  assert_int_equal(rc, 0);
  assert_non_null(yaml);
  size_t dl = strlen(ITEMBANK_EXAM_HEAD) + strlen(yaml);
  char *doc = malloc(dl + 1);
  assert_non_null(doc);
  memcpy(doc, ITEMBANK_EXAM_HEAD, strlen(ITEMBANK_EXAM_HEAD));
  memcpy(doc + strlen(ITEMBANK_EXAM_HEAD), yaml, strlen(yaml) + 1);
  struct exam *exam = NULL;
  rc = exam_parse(&exam, &errs, doc, dl, "wrapped", NULL);
  if (rc != 0) {
    fprintf(stderr, "%s\n", doc);
    for (size_t i = 0; i < errs.n; i++) {
      fprintf(stderr, "load error: %s\n", errs.lines[i]);
    }
  }
  assert_int_equal(rc, 0);
  free(doc);
  free(yaml);
  exam_errors_clear(&errs);
  return exam;
}

static const struct exam_item *item(const struct exam *exam, const char *id,
                                    enum exam_item_type type) {
  const struct exam_item *it = exam_find_item(exam, id, NULL);
  if (it == NULL) {
    fprintf(stderr, "item %s missing\n", id);
  }
  assert_non_null(it);
  assert_int_equal(it->type, type);
  assert_int_equal(it->nkuk, 1);
  assert_string_equal(it->kuk[0], "1.1");
  return it;
}

static void expect_key(const struct exam_item *it, const char *ids) {
  size_t n = strlen(ids);
  assert_int_equal(it->nkey_ids, n);
  for (size_t i = 0; i < n; i++) {
    char want[2] = {ids[i], '\0'};
    assert_string_equal(it->key_ids[i], want);
  }
}

/* Every entry is either mapped (id and type) or unmapped (reason), and the counts add up. */
static void assert_accounted(const struct itembank_report *rep, size_t total) {
  assert_int_equal(rep->n, total);
  assert_int_equal(rep->nmapped + rep->nunmapped, total);
  for (size_t i = 0; i < rep->n; i++) {
    const struct itembank_entry *e = &rep->entries[i];
    assert_true(e->line > 0);
    if (e->item_id != NULL) {
      assert_non_null(e->type);
    } else {
      assert_null(e->type);
      assert_non_null(e->note);
    }
  }
}

static void test_aiken_sample(void **state) {
  (void)state;
  size_t len = 0;
  char *buf = read_sample("sample.aiken.txt", &len);
  struct itembank_report rep = {0};
  struct exam *exam = import_and_load(ITEMBANK_AIKEN, buf, len, &rep);
  assert_accounted(&rep, 4);
  assert_int_equal(rep.nmapped, 4);
  assert_int_equal(rep.entries[0].line, 1);
  assert_int_equal(rep.entries[1].line, 8);
  assert_int_equal(rep.entries[2].line, 14);
  assert_int_equal(rep.entries[3].line, 19);

  const struct exam_item *it = item(exam, "IMP-001", EXAM_ITEM_SINGLE);
  assert_string_equal(it->prompt,
                      "Alat yang dipakai untuk mengukur lingkar pinggang pelanggan adalah");
  assert_int_equal(it->noptions, 4);
  assert_string_equal(it->options[1].id, "b");
  assert_string_equal(it->options[1].text, "Pita ukur");
  expect_key(it, "b");
  it = item(exam, "IMP-002", EXAM_ITEM_SINGLE);
  assert_int_equal(it->noptions, 3);
  assert_string_equal(it->options[0].text, "Linen");
  expect_key(it, "a");
  it = item(exam, "IMP-003", EXAM_ITEM_SINGLE);
  assert_string_equal(
      it->prompt, "Sebelum memotong kain, pola disematkan dengan \"jarum pentul\": apa gunanya?");
  assert_string_equal(it->options[0].text, "Agar pola tidak bergeser: [tetap] & {rapi}");
  assert_string_equal(it->options[1].text, "Agar kain # berwarna");
  expect_key(it, "a");
  it = item(exam, "IMP-004", EXAM_ITEM_SINGLE);
  expect_key(it, "b");
  exam_free(exam);
  itembank_report_clear(&rep);
  free(buf);
}

static const struct itembank_entry *entry_titled(const struct itembank_report *rep,
                                                 const char *title) {
  for (size_t i = 0; i < rep->n; i++) {
    if (rep->entries[i].title != NULL && strcmp(rep->entries[i].title, title) == 0) {
      return &rep->entries[i];
    }
  }
  fprintf(stderr, "no report entry titled %s\n", title);
  fail();
  return NULL;
}

static void test_gift_sample(void **state) {
  (void)state;
  size_t len = 0;
  char *buf = read_sample("sample.gift.txt", &len);
  struct itembank_report rep = {0};
  struct exam *exam = import_and_load(ITEMBANK_GIFT, buf, len, &rep);
  assert_accounted(&rep, 16);
  assert_int_equal(rep.nmapped, 12);
  assert_int_equal(rep.nunmapped, 4);

  /* The report: lines, titles, categories and reasons. */
  const struct itembank_entry *e = entry_titled(&rep, "Q1 pilihan tunggal");
  assert_int_equal(e->line, 5);
  assert_string_equal(e->item_id, "IMP-001");
  assert_string_equal(e->category, "$course$/Menjahit/Dasar");
  assert_string_equal(e->note, "answer feedback dropped");
  e = entry_titled(&rep, "Q10 menjodohkan");
  assert_null(e->item_id);
  assert_int_equal(e->line, 35);
  assert_non_null(strstr(e->note, "matching"));
  e = entry_titled(&rep, "Catatan");
  assert_null(e->item_id);
  assert_string_equal(e->category, "$course$/Menjahit/Lanjut");
  assert_non_null(strstr(e->note, "description"));
  e = entry_titled(&rep, "Q15 terlalu banyak");
  assert_null(e->item_id);
  assert_non_null(strstr(e->note, "more than 8 options"));
  e = entry_titled(&rep, "Q16 tanpa kunci");
  assert_null(e->item_id);
  assert_non_null(strstr(e->note, "no answer is marked correct"));
  e = entry_titled(&rep, "Q5 isian");
  assert_string_equal(e->note, "partial-credit short answers dropped");
  e = entry_titled(&rep, "Q11 esai");
  assert_string_equal(e->type, "open");

  /* The loaded items. */
  const struct exam_item *it = item(exam, "IMP-001", EXAM_ITEM_SINGLE);
  assert_string_equal(it->prompt, "Alat untuk mengukur lingkar badan adalah");
  assert_int_equal(it->noptions, 3);
  assert_string_equal(it->options[0].text, "pita ukur");
  assert_string_equal(it->options[2].text, "rader");
  expect_key(it, "a");
  it = item(exam, "IMP-002", EXAM_ITEM_MULTIPLE);
  assert_int_equal(it->noptions, 3);
  assert_string_equal(it->options[2].text, "poliester");
  expect_key(it, "ab");
  it = item(exam, "IMP-003", EXAM_ITEM_TRUEFALSE);
  assert_true(it->key_bool);
  it = item(exam, "IMP-004", EXAM_ITEM_TRUEFALSE);
  assert_false(it->key_bool);
  it = item(exam, "IMP-005", EXAM_ITEM_SHORT);
  assert_int_equal(it->naccepted, 2);
  assert_string_equal(it->accepted[0], "sentimeter");
  assert_string_equal(it->accepted[1], "cm");
  it = item(exam, "IMP-006", EXAM_ITEM_NUMERIC);
  assert_true(it->key_value == 1.5 && it->key_tolerance == 0.5);
  it = item(exam, "IMP-007", EXAM_ITEM_NUMERIC);
  assert_true(it->key_value == 130 && it->key_tolerance == 20);
  it = item(exam, "IMP-008", EXAM_ITEM_NUMERIC);
  assert_true(it->key_value == 2009 && it->key_tolerance == 0);
  it = item(exam, "IMP-009", EXAM_ITEM_SINGLE);
  assert_string_equal(it->prompt, "Menjahit busana wanita memerlukan _____ dalam setiap langkah.");
  expect_key(it, "b");
  it = item(exam, "IMP-010", EXAM_ITEM_OPEN);
  assert_string_equal(it->prompt, "Jelaskan langkah mengukur lingkar pinggang pelanggan.");
  assert_int_equal(it->nrubric, 1);
  assert_int_equal(it->points, 1);
  it = item(exam, "IMP-011", EXAM_ITEM_SINGLE);
  assert_string_equal(it->prompt, "Tanda { dan } serta ~, = dan # ditulis: apa adanya?");
  assert_string_equal(it->options[0].text, "Ya: = ~ # { } tetap");
  assert_string_equal(it->options[1].text, "Tidak");
  expect_key(it, "a");
  it = item(exam, "IMP-012", EXAM_ITEM_SINGLE);
  assert_string_equal(it->prompt, "Teks: \"kutip\" 'tunggal' - [daftar] {a: 1} &jangkar *alias "
                                  "!tag | > % @ ` \\\\ baris\nbaru");
  assert_string_equal(it->options[0].text, "aman: \"ya\" - [x]");
  assert_string_equal(it->options[1].text, "tidak: &a *a");
  assert_string_equal(it->explanation, "Penjelasan: \"umum\" #1");
  assert_null(exam_find_item(exam, "IMP-013", NULL));
  exam_free(exam);
  itembank_report_clear(&rep);
  free(buf);
}

/* Every byte a text may hold (controls, quotes, YAML indicators, odd code points) comes back
 * from the loader exactly as written. */
static void test_yaml_escaping_round_trip(void **state) {
  (void)state;
  char text[512];
  size_t n = 0;
  text[n++] = 'X';
  for (int c = 1; c < 0x80; c++) {
    if (c != '\n' && c != '\r') {
      text[n++] = (char)c;
    }
  }
  static const char odd[] = "\xC2\x85 \xC2\xA0 \xE2\x80\xA8 \xE2\x80\xA9 \xEF\xBB\xBF \xEF\xBF\xBE "
                            "\xF0\x9F\x98\x80 \xC3\xA9 ---  ... X";
  memcpy(text + n, odd, sizeof(odd));
  n += sizeof(odd) - 1;
  char input[1024];
  int k = snprintf(input, sizeof(input), "%s\nA. %s\nB. b\nANSWER: A\n", text, text);
  assert_true(k > 0 && (size_t)k < sizeof(input));
  struct itembank_report rep = {0};
  struct exam *exam = import_and_load(ITEMBANK_AIKEN, input, (size_t)k, &rep);
  const struct exam_item *it = item(exam, "IMP-001", EXAM_ITEM_SINGLE);
  assert_string_equal(it->prompt, text);
  assert_string_equal(it->options[0].text, text);
  exam_free(exam);
  itembank_report_clear(&rep);
}

/* Imports text that must fail; the first error line must contain `want`. */
static void expect_error(enum itembank_format fmt, const char *buf, size_t len, const char *want) {
  struct itembank_report rep = {0};
  struct exam_errors errs = {0};
  char *yaml = NULL;
  struct itembank_options o = opts_for("bank.txt");
  assert_int_equal(itembank_import(&yaml, &rep, &errs, fmt, buf, len, &o), -1);
  assert_null(yaml);
  assert_true(errs.n >= 1);
  if (strstr(errs.lines[0], want) == NULL) {
    fprintf(stderr, "got '%s', want '%s'\n", errs.lines[0], want);
    fail();
  }
  exam_errors_clear(&errs);
  itembank_report_clear(&rep);
}

static void test_hostile_input(void **state) {
  (void)state;
  static const char no_answer[] = "Soal satu?\nA. ya\nB. tidak\n\nSoal dua?\nA. ya\nB. tidak\n"
                                  "ANSWER: B\n";
  expect_error(ITEMBANK_AIKEN, no_answer, sizeof(no_answer) - 1,
               "bank.txt:4:1: missing ANSWER line for the question at line 1");
  static const char no_answer_eof[] = "Soal?\nA. ya\nB. tidak";
  expect_error(ITEMBANK_AIKEN, no_answer_eof, sizeof(no_answer_eof) - 1,
               "bank.txt:3:9: missing ANSWER line for the question at line 1 (end of file)");
  static const char twice[] = "Soal?\nA. ya\n  A. tidak\nANSWER: A\n";
  expect_error(ITEMBANK_AIKEN, twice, sizeof(twice) - 1, "bank.txt:3:3: option A appears twice");
  static const char early[] = "Soal?\nANSWER: A\n";
  expect_error(ITEMBANK_AIKEN, early, sizeof(early) - 1,
               "bank.txt:2:1: ANSWER line before any option");
  static const char bad_letter[] = "Soal?\nA. ya\nB. tidak\nANSWER: AB\n";
  expect_error(ITEMBANK_AIKEN, bad_letter, sizeof(bad_letter) - 1,
               "bank.txt:4:8: ANSWER must be one capital letter");
  static const char unterminated[] = "// x\n::T::Soal satu? {\n=a\n~b\n";
  expect_error(ITEMBANK_GIFT, unterminated, sizeof(unterminated) - 1,
               "bank.txt:2:17: unterminated '{'");
  static const char two_blocks[] = "Soal {=a ~b} lagi {=c ~d}\n";
  expect_error(ITEMBANK_GIFT, two_blocks, sizeof(two_blocks) - 1,
               "bank.txt:1:19: more than one answer block");
  static const char title[] = "::judul tanpa akhir {=a ~b}\n";
  expect_error(ITEMBANK_GIFT, title, sizeof(title) - 1,
               "bank.txt:1:1: unterminated question title");
  static const char nul[] = "Soal?\nA. y\0a\nB. tidak\nANSWER: A\n";
  expect_error(ITEMBANK_AIKEN, nul, sizeof(nul) - 1, "bank.txt:2:5: NUL byte");
  static const char utf8[] = "Soal \xC3\x28?{=a ~b}\n";
  expect_error(ITEMBANK_GIFT, utf8, sizeof(utf8) - 1, "bank.txt:1:6: invalid UTF-8");
  static const char overlong[] = "Soal \xC0\xAF?{=a ~b}\n";
  expect_error(ITEMBANK_GIFT, overlong, sizeof(overlong) - 1, "bank.txt:1:6: invalid UTF-8");
  expect_error(ITEMBANK_GIFT, "", 0, "bank.txt:1:1: no questions found");
  expect_error(ITEMBANK_AIKEN, NULL, 0, "bank.txt:1:1: no questions found");

  /* A 1 MB line, in both formats. */
  size_t big = 1u << 20;
  char *huge = malloc(big + 64);
  assert_non_null(huge);
  memset(huge, 'a', big);
  memcpy(huge + big, "?{=a ~b}\n", 10);
  expect_error(ITEMBANK_GIFT, huge, big + 9, "bank.txt:1:1: line is longer than 65536 bytes");
  expect_error(ITEMBANK_AIKEN, huge, big + 9, "bank.txt:1:1: line is longer than 65536 bytes");
  free(huge);

  /* Bad options are refused before any input is read. */
  struct itembank_report rep = {0};
  struct exam_errors errs = {0};
  char *yaml = NULL;
  struct itembank_options o = opts_for("bank.txt");
  o.id_prefix = "bad prefix";
  assert_int_equal(itembank_import(&yaml, &rep, &errs, ITEMBANK_GIFT, "x{}", 3, &o), -1);
  assert_non_null(strstr(errs.lines[0], "import options"));
  exam_errors_clear(&errs);
}

/* Well-formed questions the loader would refuse are reported, not emitted. */
static void test_unmappable_reported(void **state) {
  (void)state;
  static const char gift[] = "::E::{=a ~b}\n\n::S::Isi? {=   }\n\n::N::Berapa? {#abc}\n\n"
                             "::W::Pilih. {~%50a ~b}\n\n::OK::Ya?{TRUE}\n";
  struct itembank_report rep = {0};
  struct exam *exam = import_and_load(ITEMBANK_GIFT, gift, sizeof(gift) - 1, &rep);
  assert_accounted(&rep, 5);
  assert_int_equal(rep.nmapped, 1);
  assert_string_equal(entry_titled(&rep, "E")->note, "the question text is empty");
  assert_string_equal(entry_titled(&rep, "S")->note, "an accepted answer is blank");
  assert_non_null(strstr(entry_titled(&rep, "N")->note, "not a number"));
  assert_non_null(strstr(entry_titled(&rep, "W")->note, "weight"));
  assert_int_equal(entry_titled(&rep, "OK")->line, 9);
  item(exam, "IMP-001", EXAM_ITEM_TRUEFALSE);
  exam_free(exam);
  itembank_report_clear(&rep);

  static const char aiken[] = "Satu pilihan?\nA. ya\nANSWER: A\n\nKunci salah?\nA. ya\nB. tidak\n"
                              "ANSWER: C\n\nBaik?\n  A) ya\n\tB) tidak\n  ANSWER: B\n";
  exam = import_and_load(ITEMBANK_AIKEN, aiken, sizeof(aiken) - 1, &rep);
  assert_accounted(&rep, 3);
  assert_int_equal(rep.nmapped, 1);
  assert_string_equal(rep.entries[0].note, "fewer than 2 options");
  assert_int_equal(rep.entries[1].line, 5);
  assert_non_null(strstr(rep.entries[1].note, "not one of the options"));
  expect_key(item(exam, "IMP-001", EXAM_ITEM_SINGLE), "b");
  exam_free(exam);
  itembank_report_clear(&rep);
}

/* A category line right above a question, and the question limit. */
static void test_categories_and_limits(void **state) {
  (void)state;
  static const char gift[] = "$CATEGORY: A\n::Q1::Satu?{T}\n$CATEGORY: B\n::Q2::Dua?{F}\n";
  struct itembank_report rep = {0};
  struct exam *exam = import_and_load(ITEMBANK_GIFT, gift, sizeof(gift) - 1, &rep);
  assert_accounted(&rep, 2);
  assert_string_equal(entry_titled(&rep, "Q1")->category, "A");
  assert_int_equal(entry_titled(&rep, "Q1")->line, 2);
  assert_string_equal(entry_titled(&rep, "Q2")->category, "B");
  assert_false(item(exam, "IMP-002", EXAM_ITEM_TRUEFALSE)->key_bool);
  exam_free(exam);
  itembank_report_clear(&rep);

  size_t n = ITEMBANK_MAX_ITEMS + 1;
  char *many = malloc(n * 3 + 1);
  assert_non_null(many);
  for (size_t i = 0; i < n; i++) {
    memcpy(many + 3 * i, "x\n\n", 3);
  }
  expect_error(ITEMBANK_GIFT, many, n * 3, "bank.txt:10001:1: more than 5000 questions");
  free(many);
}

static void test_format_names(void **state) {
  (void)state;
  enum itembank_format f = ITEMBANK_GIFT;
  assert_int_equal(itembank_format_parse(&f, "aiken"), 0);
  assert_int_equal(f, ITEMBANK_AIKEN);
  assert_int_equal(itembank_format_parse(&f, "gift"), 0);
  assert_int_equal(f, ITEMBANK_GIFT);
  static const char *const names[] = {"aiken", "gift", "moodle", "xlsx", "qti"};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    assert_int_equal(itembank_format_parse(&f, names[i]), 0);
    assert_string_equal(itembank_format_name(f), names[i]);
  }
  assert_int_equal(itembank_format_parse(&f, "docx"), -1);
  assert_int_equal(itembank_format_parse(&f, "QTI"), -1);
  assert_int_equal(itembank_format_parse(&f, NULL), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_aiken_sample),
      cmocka_unit_test(test_gift_sample),
      cmocka_unit_test(test_yaml_escaping_round_trip),
      cmocka_unit_test(test_hostile_input),
      cmocka_unit_test(test_unmappable_reported),
      cmocka_unit_test(test_categories_and_limits),
      cmocka_unit_test(test_format_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
