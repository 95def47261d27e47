/*
 * Form assembly: reproducible from (exam version, seed), draws the configured number of items
 * per pool, varies between seeds, shuffles options only where it should, survives a storage
 * round trip, refuses stored forms that do not match the exam, and its candidate view never
 * carries keys, tolerances, accepted answers, rubric points or explanations; the view spliced
 * from an exam's pre-serialised pieces is the same text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/exam.h"
#include "ujikom/exam_form.h"

static const char exam_src[] =
    "format: 1\n"
    "id: TST-FORM\n"
    "subsector: FSN\n"
    "title: Uji Form\n"
    "title_en: Form Test\n"
    "scheme: Skema\n"
    "standard: SKKNI\n"
    "duration_minutes: 30\n"
    "validity_years: 3\n"
    "retake: {max_attempts: 3, cooldown_days: 0}\n"
    "shuffle_options: %s\n"
    "units:\n"
    "  - code: U.001\n"
    "    title: Unit Satu\n"
    "    cut_score: 70\n"
    "    elements:\n"
    "      - id: 1\n"
    "        title: E\n"
    "        kuk: [{id: \"1.1\", text: K}]\n"
    "    pools:\n"
    "      - id: PA\n"
    "        draw: 2\n"
    "        items:\n"
    "          - {id: A1, type: truefalse, kuk: [\"1.1\"], prompt: pa1, answer: true,\n"
    "             explanation: RAHASIA-PENJELASAN}\n"
    "          - {id: A2, type: truefalse, kuk: [\"1.1\"], prompt: pa2, answer: false}\n"
    "          - {id: A3, type: numeric, kuk: [\"1.1\"], prompt: pa3,\n"
    "             answer: {value: 98.25, tolerance: 0.75, unit: cm}}\n"
    "          - {id: A4, type: short, kuk: [\"1.1\"], prompt: pa4, answer: [RAHASIA-KUNCI]}\n"
    "      - id: PB\n"
    "        draw: 1\n"
    "        items:\n"
    "          - {id: B1, type: single, kuk: [\"1.1\"], prompt: pb1, answer: d,\n"
    "             options: [{id: a, text: A}, {id: b, text: B}, {id: c, text: C}, {id: d, "
    "text: D}]}\n"
    "          - {id: B2, type: ordering, kuk: [\"1.1\"], prompt: pb2, answer: [a, b, c, d],\n"
    "             options: [{id: a, text: A}, {id: b, text: B}, {id: c, text: C}, {id: d, "
    "text: D}]}\n"
    "  - code: U.002\n"
    "    title: Unit Dua\n"
    "    cut_score: 60\n"
    "    elements:\n"
    "      - id: 1\n"
    "        title: E\n"
    "        kuk: [{id: \"1.1\", text: K}]\n"
    "    pools:\n"
    "      - id: P\n"
    "        draw: 1\n"
    "        items:\n"
    "          - {id: C1, type: open, kuk: [\"1.1\"], prompt: pc1,\n"
    "             rubric: [{id: R1, text: kriteria satu, max_points: 7}]}\n";

static struct exam *load(const char *shuffle) {
  char src[sizeof(exam_src) + 16];
  snprintf(src, sizeof(src), exam_src, shuffle);
  struct exam_errors errs = {0};
  struct exam *exam = NULL;
  int rc = exam_parse(&exam, &errs, src, strlen(src), "t", NULL);
  for (size_t i = 0; i < errs.n; i++) {
    print_error("%s\n", errs.lines[i]);
  }
  exam_errors_clear(&errs);
  assert_int_equal(rc, 0);
  return exam;
}

static char *form_text(const struct exam *exam, uint64_t seed) {
  struct exam_form *form = NULL;
  assert_int_equal(exam_form_assemble(&form, exam, seed), 0);
  json_t *j = exam_form_to_json(form);
  assert_non_null(j);
  char *s = json_dumps(j, JSON_COMPACT);
  json_decref(j);
  exam_form_free(form);
  return s;
}

static void test_same_seed_same_form(void **state) {
  (void)state;
  struct exam *exam = load("true");
  for (uint64_t seed = 0; seed < 20; seed++) {
    char *a = form_text(exam, seed * 7919u);
    char *b = form_text(exam, seed * 7919u);
    assert_string_equal(a, b);
    free(a);
    free(b);
  }
  /* Different seeds give different forms (some of them, at least). */
  char *first = form_text(exam, 1);
  size_t differ = 0;
  for (uint64_t seed = 2; seed < 30; seed++) {
    char *s = form_text(exam, seed);
    differ += strcmp(first, s) != 0;
    free(s);
  }
  assert_true(differ >= 20);
  free(first);
  exam_free(exam);
}

static void test_draws_per_pool_and_coverage(void **state) {
  (void)state;
  struct exam *exam = load("true");
  int seen[8] = {0}; /* A1..A4, B1, B2 */
  const char *ids[] = {"A1", "A2", "A3", "A4", "B1", "B2"};
  for (uint64_t seed = 0; seed < 300; seed++) {
    struct exam_form *form = NULL;
    assert_int_equal(exam_form_assemble(&form, exam, seed), 0);
    assert_int_equal(form->nunits, 2);
    assert_int_equal(form->units[0].nitems, 3);
    assert_int_equal(form->units[1].nitems, 1);
    assert_string_equal(form->units[1].items[0].item->id, "C1");
    size_t from_a = 0, from_b = 0;
    for (size_t i = 0; i < 3; i++) {
      const char *id = form->units[0].items[i].item->id;
      from_a += id[0] == 'A';
      from_b += id[0] == 'B';
      for (size_t k = 0; k < 6; k++) {
        seen[k] += strcmp(ids[k], id) == 0;
      }
      for (size_t k = 0; k < i; k++) {
        assert_string_not_equal(form->units[0].items[k].item->id, id);
      }
    }
    assert_int_equal(from_a, 2);
    assert_int_equal(from_b, 1);
    assert_int_equal(exam_form_item_count(form), 4);
    assert_int_equal(exam_form_open_count(form), 1);
    assert_non_null(exam_form_find_item(form, "C1"));
    exam_form_free(form);
  }
  for (size_t k = 0; k < 6; k++) {
    assert_true(seen[k] > 50); /* every item gets drawn, roughly uniformly */
  }
  exam_free(exam);
}

static bool options_in_written_order(const struct form_item *fi) {
  for (size_t o = 0; o < fi->noptions; o++) {
    if (fi->options[o] != &fi->item->options[o]) {
      return false;
    }
  }
  return true;
}

static void test_option_shuffling(void **state) {
  (void)state;
  struct exam *plain = load("false");
  struct exam *shuf = load("true");
  size_t single_moved = 0, ordering_moved = 0, ordering_seen = 0;
  for (uint64_t seed = 0; seed < 100; seed++) {
    struct exam_form *a = NULL, *b = NULL;
    assert_int_equal(exam_form_assemble(&a, plain, seed), 0);
    assert_int_equal(exam_form_assemble(&b, shuf, seed), 0);
    const struct form_item *s = exam_form_find_item(a, "B1");
    if (s != NULL) {
      assert_true(options_in_written_order(s)); /* shuffle_options: false */
    }
    const struct form_item *o = exam_form_find_item(a, "B2");
    if (o != NULL) {
      ordering_seen++;
      ordering_moved += !options_in_written_order(o); /* ordering always shuffled */
    }
    s = exam_form_find_item(b, "B1");
    if (s != NULL) {
      single_moved += !options_in_written_order(s);
      for (size_t i = 0; i < s->noptions; i++) { /* a permutation */
        for (size_t k = 0; k < i; k++) {
          assert_ptr_not_equal(s->options[i], s->options[k]);
        }
      }
    }
    exam_form_free(a);
    exam_form_free(b);
  }
  assert_true(ordering_seen > 10);
  assert_true(ordering_moved >= ordering_seen * 3 / 4);
  assert_true(single_moved > 10);
  exam_free(plain);
  exam_free(shuf);
}

static void test_storage_round_trip(void **state) {
  (void)state;
  struct exam *exam = load("true");
  struct exam_form *form = NULL, *back = NULL;
  char err[128];
  assert_int_equal(exam_form_assemble(&form, exam, 0xDEADBEEFCAFEull), 0);
  json_t *j = exam_form_to_json(form);
  assert_int_equal(exam_form_from_json(&back, exam, j, err, sizeof(err)), 0);
  json_t *j2 = exam_form_to_json(back);
  assert_true(json_equal(j, j2));
  assert_true(back->seed == 0xDEADBEEFCAFEull);
  json_decref(j2);
  exam_form_free(back);

  /* Tampered copies are refused. */
  const char *bad[] = {
      "{\"exam\":\"TST-FORM\"}",
      "{\"exam\":\"OTHER\",\"version\":\"x\",\"seed\":\"1\",\"units\":[]}",
  };
  for (size_t i = 0; i < 2; i++) {
    json_t *b = json_loads(bad[i], 0, NULL);
    assert_int_equal(exam_form_from_json(&back, exam, b, err, sizeof(err)), -1);
    assert_null(back);
    json_decref(b);
  }
  json_t *c = json_deep_copy(j);
  json_object_set_new(c, "version", json_string("0000"));
  assert_int_equal(exam_form_from_json(&back, exam, c, err, sizeof(err)), -1);
  json_decref(c);
  /* Unknown item. */
  c = json_deep_copy(j);
  json_t *it0 =
      json_array_get(json_object_get(json_array_get(json_object_get(c, "units"), 0), "items"), 0);
  json_object_set_new(it0, "id", json_string("ZZ"));
  assert_int_equal(exam_form_from_json(&back, exam, c, err, sizeof(err)), -1);
  /* An item of another unit. */
  json_object_set_new(it0, "id", json_string("C1"));
  json_object_set_new(it0, "options", json_array());
  assert_int_equal(exam_form_from_json(&back, exam, c, err, sizeof(err)), -1);
  json_decref(c);
  /* The same item twice. */
  c = json_deep_copy(j);
  json_t *items = json_object_get(json_array_get(json_object_get(c, "units"), 0), "items");
  json_array_set(items, 1, json_array_get(items, 0));
  assert_int_equal(exam_form_from_json(&back, exam, c, err, sizeof(err)), -1);
  json_decref(c);
  /* A repeated option in a stored option order. */
  exam_form_free(form);
  uint64_t seed = 0;
  const struct form_item *fi = NULL;
  for (;; seed++) {
    assert_int_equal(exam_form_assemble(&form, exam, seed), 0);
    if ((fi = exam_form_find_item(form, "B1")) != NULL) {
      break;
    }
    exam_form_free(form);
  }
  json_decref(j);
  j = exam_form_to_json(form);
  items = json_object_get(json_array_get(json_object_get(j, "units"), 0), "items");
  for (size_t i = 0; i < json_array_size(items); i++) {
    json_t *e = json_array_get(items, i);
    if (strcmp(json_string_value(json_object_get(e, "id")), "B1") == 0) {
      json_t *opts = json_object_get(e, "options");
      json_array_set_new(opts, 1, json_string(json_string_value(json_array_get(opts, 0))));
    }
  }
  assert_int_equal(exam_form_from_json(&back, exam, j, err, sizeof(err)), -1);
  json_decref(j);
  exam_form_free(form);
  exam_free(exam);
}

/* An item is on a stored form exactly when the form's text holds the item's marker: each
 * drawn item's is there, no other item's of the exam is (an id that starts another one
 * included), and something that is not an item id has no marker. */
static void test_item_marker(void **state) {
  (void)state;
  struct exam *exam = load("true");
  char marker[96];
  size_t absent = 0, drawn = 0;
  for (uint64_t seed = 1; seed <= 40; seed++) {
    struct exam_form *form = NULL;
    assert_int_equal(exam_form_assemble(&form, exam, seed), 0);
    json_t *j = exam_form_to_json(form);
    char *text = json_dumps(j, JSON_COMPACT);
    for (size_t u = 0; u < exam->nunits; u++) {
      for (size_t p = 0; p < exam->units[u].npools; p++) {
        for (size_t k = 0; k < exam->units[u].pools[p].nitems; k++) {
          const char *id = exam->units[u].pools[p].items[k].id;
          bool on = false;
          for (size_t fu = 0; fu < form->nunits; fu++) {
            for (size_t i = 0; i < form->units[fu].nitems; i++) {
              on = on || 0 == strcmp(id, form->units[fu].items[i].item->id);
            }
          }
          size_t len = exam_form_item_marker(marker, sizeof marker, id);
          assert_int_equal(strlen(id) + 7, len);
          assert_int_equal(on, NULL != strstr(text, marker));
          absent += !on;
          drawn += on;
          /* the id without its last character is no item's: its marker is not in the text */
          char shorter[72];
          snprintf(shorter, sizeof shorter, "%.*s", (int)strlen(id) - 1, id);
          if ('\0' != shorter[0] && 0 != exam_form_item_marker(marker, sizeof marker, shorter)) {
            assert_null(strstr(text, marker));
          }
        }
      }
    }
    free(text);
    json_decref(j);
    exam_form_free(form);
  }
  assert_true(drawn > 0);
  assert_true(absent > 0); /* the exam draws from pools: some items are left out */
  assert_int_equal(12, exam_form_item_marker(marker, sizeof marker, "ESS-1"));
  assert_string_equal("\"id\":\"ESS-1\"", marker);
  const char *not_ids[] = {
      "",     "a b",      "x\"y",
      "x\\y", "\xc3\xa9", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"};
  for (size_t i = 0; i < sizeof not_ids / sizeof not_ids[0]; i++) {
    assert_int_equal(0, exam_form_item_marker(marker, sizeof marker, not_ids[i]));
  }
  assert_int_equal(0, exam_form_item_marker(marker, sizeof marker, NULL));
  assert_int_equal(0, exam_form_item_marker(marker, 10, "ESS-1")); /* no room */
  exam_free(exam);
}

static void test_candidate_view_has_no_keys(void **state) {
  (void)state;
  struct exam *exam = load("true");
  const char *forbidden[] = {"answer",      "\"key",      "tolerance",  "accepted",
                             "explanation", "max_points", "RAHASIA",    "98.25",
                             "0.75",        "\"seed\"",   "\"version\""};
  size_t with_unit = 0;
  for (uint64_t seed = 0; seed < 50; seed++) {
    struct exam_form *form = NULL;
    assert_int_equal(exam_form_assemble(&form, exam, seed), 0);
    json_t *j = exam_form_candidate_json(form);
    assert_non_null(j);
    char *s = json_dumps(j, JSON_COMPACT);
    for (size_t k = 0; k < sizeof(forbidden) / sizeof(forbidden[0]); k++) {
      if (strstr(s, forbidden[k]) != NULL) {
        print_error("candidate view contains %s: %s\n", forbidden[k], s);
        fail();
      }
    }
    /* It does carry what the candidate needs. */
    assert_non_null(strstr(s, "\"prompt\":\"pc1\""));
    assert_non_null(strstr(s, "kriteria satu"));
    with_unit += strstr(s, "\"unit\":\"cm\"") != NULL;
    free(s);
    json_decref(j);
    exam_form_free(form);
  }
  assert_true(with_unit > 0);
  exam_free(exam);
}

/* The view spliced from pre-serialised pieces is byte for byte the dumped candidate view, for
 * every form drawn (shuffled or not), and carries no key either. */
static void test_view_text_is_the_candidate_view(void **state) {
  (void)state;
  const char *shuffle[] = {"true", "false"};
  for (size_t k = 0; k < 2; k++) {
    struct exam *exam = load(shuffle[k]);
    struct exam_view *view = NULL;
    assert_int_equal(exam_view_new(&view, exam), 0);
    assert_ptr_equal(exam_view_exam(view), exam);
    for (uint64_t seed = 0; seed < 200; seed++) {
      struct exam_form *form = NULL;
      assert_int_equal(exam_form_assemble(&form, exam, seed), 0);
      json_t *j = exam_form_candidate_json(form);
      char *want = json_dumps(j, JSON_COMPACT);
      assert_non_null(want);
      size_t n = exam_view_form_size(view, form);
      assert_int_equal(n, strlen(want));
      char *got = malloc(n + 1);
      assert_non_null(got);
      assert_int_equal(exam_view_form_write(view, form, got), n);
      got[n] = '\0';
      assert_string_equal(got, want);
      assert_null(strstr(got, "RAHASIA"));
      assert_null(strstr(got, "max_points"));
      free(got);
      free(want);
      json_decref(j);
      exam_form_free(form);
    }
    exam_view_free(view);
    exam_free(exam);
  }
  exam_view_free(NULL);
}

/* From stored text: every drawn form comes back the same (the fast path redraws it from its
 * seed), and a stored text that the seed does not reproduce is still read as stored, never
 * replaced by the redraw; what does not match the exam is refused as from JSON. */
static void test_from_text(void **state) {
  (void)state;
  struct exam *exam = load("true");
  char err[128];
  for (uint64_t seed = 0; seed < 100; seed++) {
    char *text = form_text(exam, seed * 0x9E3779B97F4A7C15ull);
    struct exam_form *back = NULL;
    assert_int_equal(exam_form_from_text(&back, exam, text, err, sizeof(err)), 0);
    json_t *j = exam_form_to_json(back);
    char *again = json_dumps(j, JSON_COMPACT);
    assert_string_equal(text, again);
    free(again);
    json_decref(j);
    exam_form_free(back);
    free(text);
  }
  /* Stored with its first unit's first item moved to the end: the seed no longer reproduces
   * it, and the stored order is the one that counts. */
  struct exam_form *form = NULL, *back = NULL;
  assert_int_equal(exam_form_assemble(&form, exam, 77), 0);
  json_t *j = exam_form_to_json(form);
  json_t *items = json_object_get(json_array_get(json_object_get(j, "units"), 0), "items");
  json_t *first = json_incref(json_array_get(items, 0));
  json_array_remove(items, 0);
  json_array_append_new(items, first);
  char *swapped = json_dumps(j, JSON_COMPACT);
  assert_int_equal(exam_form_from_text(&back, exam, swapped, err, sizeof(err)), 0);
  assert_ptr_equal(back->units[0].items[0].item, form->units[0].items[1].item);
  assert_ptr_equal(back->units[0].items[form->units[0].nitems - 1].item,
                   form->units[0].items[0].item);
  exam_form_free(back);
  /* The same text with spaces (not as this service writes it) is parsed. */
  char *spaced = json_dumps(j, JSON_INDENT(1));
  assert_int_equal(exam_form_from_text(&back, exam, spaced, err, sizeof(err)), 0);
  exam_form_free(back);
  /* Not JSON, another exam, an unknown item: refused. */
  assert_int_equal(exam_form_from_text(&back, exam, "{\"seed\":\"00000000000000", err, sizeof(err)),
                   -1);
  assert_null(back);
  assert_int_equal(exam_form_from_text(&back, exam, "", err, sizeof(err)), -1);
  json_object_set_new(j, "exam", json_string("OTHER"));
  char *other = json_dumps(j, JSON_COMPACT);
  assert_int_equal(exam_form_from_text(&back, exam, other, err, sizeof(err)), -1);
  free(other);
  free(spaced);
  free(swapped);
  json_decref(j);
  exam_form_free(form);
  exam_free(exam);
}

/* A form's compact order (item pointers, items per unit, option indices) writes the same text
 * as the form itself; an order that is short, long or names an option the item lacks is
 * refused. */
static void test_view_order_is_the_form_view(void **state) {
  (void)state;
  struct exam *exam = load("true");
  struct exam_view *view = NULL;
  assert_int_equal(exam_view_new(&view, exam), 0);
  for (uint64_t seed = 0; seed < 50; seed++) {
    struct exam_form *form = NULL;
    assert_int_equal(exam_form_assemble(&form, exam, seed), 0);
    uint32_t unit_nitems[16];
    const struct exam_item *items[64];
    uint16_t opts[257]; /* one spare for the too-long case */
    size_t ni = 0, no = 0;
    assert_true(form->nunits <= 16);
    for (size_t u = 0; u < form->nunits; u++) {
      unit_nitems[u] = (uint32_t)form->units[u].nitems;
      for (size_t i = 0; i < form->units[u].nitems; i++) {
        const struct form_item *fi = &form->units[u].items[i];
        assert_true(ni < 64 && no + fi->noptions <= 256);
        items[ni++] = fi->item;
        for (size_t o = 0; o < fi->noptions; o++) {
          opts[no++] = (uint16_t)(fi->options[o] - fi->item->options);
        }
      }
    }
    struct exam_form_order order = {.exam = exam,
                                    .unit_nitems = unit_nitems,
                                    .items = items,
                                    .nitems = ni,
                                    .opts = opts,
                                    .nopts = no};
    size_t n = exam_view_form_size(view, form);
    assert_true(n != SIZE_MAX);
    assert_int_equal(exam_view_order_size(view, &order), n);
    char *want = malloc(n + 1), *got = malloc(n + 1);
    assert_non_null(want);
    assert_non_null(got);
    assert_int_equal(exam_view_form_write(view, form, want), n);
    assert_int_equal(exam_view_order_write(view, &order, got), n);
    assert_memory_equal(got, want, n);
    /* One option fewer or more than the items have, or an item fewer: refused. */
    if (no > 0) {
      order.nopts = no - 1;
      assert_true(exam_view_order_size(view, &order) == SIZE_MAX);
      order.nopts = no;
      uint16_t keep = opts[no - 1];
      opts[no - 1] = 999;
      assert_true(exam_view_order_size(view, &order) == SIZE_MAX);
      opts[no - 1] = keep;
    }
    opts[no] = 0;
    order.nopts = no + 1;
    assert_true(exam_view_order_size(view, &order) == SIZE_MAX);
    order.nopts = no;
    order.nitems = ni - 1;
    assert_true(exam_view_order_size(view, &order) == SIZE_MAX);
    order.nitems = ni;
    assert_int_equal(exam_view_order_size(view, &order), n);
    free(want);
    free(got);
    exam_form_free(form);
  }
  exam_view_free(view);
  exam_free(exam);
}

/* A form of another exam (or version) is refused rather than spliced from the wrong pieces. */
static void test_view_refuses_another_exams_form(void **state) {
  (void)state;
  struct exam *a = load("true");
  struct exam *b = load("false");
  struct exam_view *view = NULL;
  struct exam_form *form = NULL;
  assert_int_equal(exam_view_new(&view, a), 0);
  assert_int_equal(exam_form_assemble(&form, b, 1), 0);
  assert_true(exam_view_form_size(view, form) == SIZE_MAX);
  exam_form_free(form);
  exam_view_free(view);
  exam_free(a);
  exam_free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_seed_same_form),
      cmocka_unit_test(test_draws_per_pool_and_coverage),
      cmocka_unit_test(test_option_shuffling),
      cmocka_unit_test(test_storage_round_trip),
      cmocka_unit_test(test_item_marker),
      cmocka_unit_test(test_candidate_view_has_no_keys),
      cmocka_unit_test(test_view_text_is_the_candidate_view),
      cmocka_unit_test(test_view_refuses_another_exams_form),
      cmocka_unit_test(test_view_order_is_the_form_view),
      cmocka_unit_test(test_from_text),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
