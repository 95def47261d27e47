/*
 * Tests of the form index: every item of a cached form is found (the very item of the exam
 * version), an item outside the form is "not in the form", another attempt or version is "not
 * cached", the cached form comes back as drawn (items and option order) for every exam, its
 * spliced view (from the form or straight from the index) is the candidate view, a full set
 * replaces its oldest entry, and threads share it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/catalog.h"
#include "common/form_index.h"

struct fixture {
  struct catalog *catalog;
  const struct exam *exam;
  struct exam_form *form;
};

static int setup(void **state) {
  struct fixture *f = calloc(1, sizeof *f);
  char dir[1024], err[512];
  const struct exam **list = NULL;
  size_t n = 0;
  const char *src = getenv("UJIKOM_SOURCE_DIR");
  snprintf(dir, sizeof dir, "%s/exams", NULL != src ? src : ".");
  if (NULL == f || 0 != catalog_open(&f->catalog, dir, err, sizeof err) ||
      0 != catalog_list(f->catalog, &list, &n) || 0 == n) {
    fprintf(stderr, "cannot load the exams in %s: %s\n", dir, err);
    return -1;
  }
  f->exam = list[0];
  free(list);
  if (0 != exam_form_assemble(&f->form, f->exam, 42)) {
    return -1;
  }
  *state = f;
  return 0;
}

static int teardown(void **state) {
  struct fixture *f = *state;
  exam_form_free(f->form);
  catalog_free(f->catalog);
  free(f);
  return 0;
}

static void test_finds_every_item_and_nothing_else(void **state) {
  struct fixture *f = *state;
  struct form_index *fx = NULL;
  const struct exam_item *item = NULL;
  const char *v = f->exam->version;
  assert_int_equal(0, form_index_new(&fx, 64));
  assert_int_equal(-1, form_index_find(fx, &item, 7, v, "x")); /* not cached yet */
  assert_false(form_index_has(fx, 7));
  assert_int_equal(0, form_index_put(fx, 7, v, f->form));
  assert_true(form_index_has(fx, 7)); /* whatever the version asked for later */
  assert_false(form_index_has(fx, 8));
  assert_false(form_index_has(NULL, 7));
  size_t seen = 0;
  for (size_t u = 0; u < f->form->nunits; u++) {
    for (size_t i = 0; i < f->form->units[u].nitems; i++) {
      const struct exam_item *want = f->form->units[u].items[i].item;
      assert_int_equal(1, form_index_find(fx, &item, 7, v, want->id));
      assert_ptr_equal(want, item);
      seen++;
    }
  }
  assert_int_equal(exam_form_item_count(f->form), seen);
  assert_int_equal(0, form_index_find(fx, &item, 7, v, "BUKAN-ITEM-INI"));
  assert_null(item);
  /* Another attempt, or the same id with another exam version: not cached. */
  assert_int_equal(-1, form_index_find(fx, &item, 8, v, f->form->units[0].items[0].item->id));
  assert_int_equal(-1, form_index_find(fx, &item, 7, "0000", f->form->units[0].items[0].item->id));
  /* Without a cache nothing is ever found, and putting is refused. */
  assert_int_equal(-1, form_index_find(NULL, &item, 7, v, "x"));
  assert_int_equal(-1, form_index_put(NULL, 7, v, f->form));
  form_index_free(fx);
  form_index_free(NULL);
  assert_int_equal(-1, form_index_new(&fx, 0));
}

static void test_full_set_replaces_its_oldest(void **state) {
  struct fixture *f = *state;
  struct form_index *fx = NULL;
  const struct exam_item *item = NULL;
  const char *v = f->exam->version;
  const char *id = f->form->units[0].items[0].item->id;
  assert_int_equal(0, form_index_new(&fx, 1)); /* one set of 8: every attempt shares it */
  for (int64_t a = 1; a <= 8; a++) {
    assert_int_equal(0, form_index_put(fx, a, v, f->form));
  }
  for (int64_t a = 1; a <= 8; a++) {
    assert_int_equal(1, form_index_find(fx, &item, a, v, id));
  }
  assert_int_equal(0, form_index_put(fx, 3, v, f->form)); /* again: replaces its own entry */
  assert_int_equal(0, form_index_put(fx, 9, v, f->form)); /* full: the oldest (1) goes */
  assert_int_equal(-1, form_index_find(fx, &item, 1, v, id));
  assert_false(form_index_has(fx, 1));
  assert_true(form_index_has(fx, 9));
  for (int64_t a = 2; a <= 9; a++) {
    assert_int_equal(1, form_index_find(fx, &item, a, v, id));
  }
  assert_int_equal(0, form_index_put(fx, 10, v, f->form)); /* then 2 */
  assert_int_equal(-1, form_index_find(fx, &item, 2, v, id));
  assert_int_equal(1, form_index_find(fx, &item, 10, v, id));
  uint64_t hits = 0, misses = 0;
  form_index_stats(fx, &hits, &misses);
  assert_int_equal(8 + 8 + 1, hits);
  assert_int_equal(2, misses);
  /* A form of another version than the one named is refused. */
  assert_int_equal(-1, form_index_put(fx, 11, "0000", f->form));
  form_index_free(fx);
}

static char *dumped(json_t *j) {
  char *s = json_dumps(j, JSON_COMPACT);
  json_decref(j);
  assert_non_null(s);
  return s;
}

/* For every exam in exams/ and many seeds: the cached form is the drawn form (same storage
 * JSON: items, order, options), and the view spliced for it is the candidate view. */
static void test_cached_form_and_view_are_the_drawn_ones(void **state) {
  struct fixture *f = *state;
  struct form_index *fx = NULL;
  const struct exam **list = NULL;
  size_t n = 0;
  assert_int_equal(0, catalog_list(f->catalog, &list, &n));
  assert_int_equal(0, form_index_new(&fx, 4096));
  int64_t attempt = 1;
  for (size_t e = 0; e < n; e++) {
    const struct exam_view *view = form_index_view(fx, list[e]);
    assert_non_null(view);
    assert_ptr_equal(view, form_index_view(fx, list[e])); /* made once */
    for (uint64_t seed = 1; seed <= 40; seed++, attempt++) {
      struct exam_form *drawn = NULL, *back = NULL;
      assert_int_equal(0, exam_form_assemble(&drawn, list[e], seed * 7919));
      assert_int_equal(-1, form_index_form(fx, &back, attempt, list[e]->version));
      assert_int_equal(0, form_index_put(fx, attempt, list[e]->version, drawn));
      assert_int_equal(1, form_index_form(fx, &back, attempt, list[e]->version));
      char *want = dumped(exam_form_to_json(drawn));
      char *got = dumped(exam_form_to_json(back));
      assert_string_equal(want, got);
      assert_int_equal(drawn->seed, back->seed);
      free(got);
      /* and read from its stored text, it is the same form again */
      struct exam_form *from_text = NULL;
      char err[160];
      assert_int_equal(0, exam_form_from_text(&from_text, list[e], want, err, sizeof err));
      got = dumped(exam_form_to_json(from_text));
      assert_string_equal(want, got);
      exam_form_free(from_text);
      free(want);
      free(got);
      want = dumped(exam_form_candidate_json(drawn));
      size_t len = exam_view_form_size(view, back);
      assert_int_equal(strlen(want), len);
      got = malloc(len + 1);
      assert_non_null(got);
      assert_int_equal(len, exam_view_form_write(view, back, got));
      got[len] = '\0';
      assert_string_equal(want, got);
      free(got);
      /* and written straight from the index, after what the buffer holds */
      size_t blen = 3, bcap = 4;
      char *buf = malloc(bcap);
      assert_non_null(buf);
      memcpy(buf, "{x:", 4);
      assert_int_equal(1, form_index_view_text(fx, attempt, list[e]->version, &buf, &blen, &bcap));
      assert_int_equal(3 + strlen(want), blen);
      assert_memory_equal("{x:", buf, 3);
      assert_string_equal(want, buf + 3);
      assert_int_equal(
          -1, form_index_view_text(fx, attempt + 100000, list[e]->version, &buf, &blen, &bcap));
      assert_int_equal(3 + strlen(want), blen);
      free(buf);
      free(want);
      exam_form_free(back);
      exam_form_free(drawn);
    }
  }
  assert_null(form_index_view(NULL, list[0]));
  free(list);
  form_index_free(fx);
}

struct worker {
  struct form_index *fx;
  const struct fixture *f;
  int64_t base;
  int wrong;
};

static void *work(void *arg) {
  struct worker *w = arg;
  const struct exam_item *item = NULL;
  const char *id = w->f->form->units[0].items[0].item->id;
  for (int64_t k = 0; k < 500; k++) {
    int64_t a = w->base + k % 50;
    int rc = form_index_find(w->fx, &item, a, w->f->exam->version, id);
    if (rc < 0) {
      form_index_put(w->fx, a, w->f->exam->version, w->f->form);
    } else if (1 != rc || item != w->f->form->units[0].items[0].item) {
      w->wrong++;
    }
    struct exam_form *back = NULL;
    rc = form_index_form(w->fx, &back, a, w->f->exam->version);
    if (1 == rc && (back->units[0].items[0].item != w->f->form->units[0].items[0].item ||
                    exam_form_item_count(back) != exam_form_item_count(w->f->form))) {
      w->wrong++;
    }
    exam_form_free(back);
  }
  return NULL;
}

static void test_threads_share_it(void **state) {
  struct fixture *f = *state;
  struct form_index *fx = NULL;
  struct worker w[4];
  pthread_t t[4];
  assert_int_equal(0, form_index_new(&fx, 16)); /* small: constant replacement */
  for (int i = 0; i < 4; i++) {
    w[i] = (struct worker){fx, f, (int64_t)i * 30, 0};
    assert_int_equal(0, pthread_create(&t[i], NULL, work, &w[i]));
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(t[i], NULL);
    assert_int_equal(0, w[i].wrong);
  }
  form_index_free(fx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_finds_every_item_and_nothing_else),
      cmocka_unit_test(test_full_set_replaces_its_oldest),
      cmocka_unit_test(test_cached_form_and_view_are_the_drawn_ones),
      cmocka_unit_test(test_threads_share_it),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
