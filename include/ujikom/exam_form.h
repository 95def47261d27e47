/*
 * Forms: the concrete set of items one candidate sees, drawn from an exam's pools with a
 * seed. The same exam version and seed always give the same form (units in exam order, items
 * drawn per pool then shuffled within the unit, options shuffled when the exam says so and
 * always for ordering items). A form serialises to JSON for storage and has a separate
 * candidate view that never contains keys, tolerances, accepted answers, rubric points or
 * explanations.
 */
#ifndef UJIKOM_EXAM_FORM_H
#define UJIKOM_EXAM_FORM_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "ujikom/exam.h"

struct form_item {
  const struct exam_item *item;
  const struct exam_option **options; /* display order; noptions == item->noptions */
  size_t noptions;
};

struct form_unit {
  size_t unit_index; /* into exam->units */
  const struct exam_unit *unit;
  struct form_item *items;
  size_t nitems;
};

struct exam_form {
  const struct exam *exam; /* borrowed: must outlive the form */
  uint64_t seed;
  struct form_unit *units;
  size_t nunits;
};

/* Draws a form from exam with seed. Returns 0 and *out (free with exam_form_free), or -1 when
 * memory runs out. */
int exam_form_assemble(struct exam_form **out, const struct exam *exam, uint64_t seed);
void exam_form_free(struct exam_form *form);

/* The storage form: {"format":1,"exam":ID,"version":HASH,"seed":"16 hex digits",
 * "units":[{"code":..,"items":[{"id":..,"options":[ids in display order]}]}]}.
 * Returns a new reference or NULL when memory runs out. */
json_t *exam_form_to_json(const struct exam_form *form);
/* Rebuilds a form stored by exam_form_to_json against the same exam version. Returns 0 and
 * *out, or -1 with a reason in err when the JSON does not describe a form of this exam (wrong
 * exam or version, unknown items or options, a shape error). */
int exam_form_from_json(struct exam_form **out, const struct exam *exam, const json_t *json,
                        char *err, size_t errlen);
/* The same from the stored text (NUL-terminated). Redraws the form from the seed the text
 * names and takes it when it writes exactly that text (JSON_COMPACT), which is how every form
 * is stored and costs a fraction of parsing; otherwise parses the text with
 * exam_form_from_json. Returns 0 and *out, or -1 with a reason in err. */
int exam_form_from_text(struct exam_form **out, const struct exam *exam, const char *text,
                        char *err, size_t errlen);
/* The bytes a form's storage text (exam_form_to_json, JSON_COMPACT) holds exactly when
 * item_id is on the form, so that a store can find those forms by text alone: items are the
 * only objects in it with an "id" member, and an item id ([A-Za-z0-9._-]{1,64}) needs no
 * escaping. Writes "id":"<item_id>" (quotes included) into out and returns its length; 0 for
 * an item_id that is not an item id (no form has it) or an out too small. */
size_t exam_form_item_marker(char *out, size_t outlen, const char *item_id);
/* What the candidate sees: exam id and titles, and per unit its code/titles and items with
 * id, type, prompt, points, KUK ids, options (id, text) in display order, the numeric unit
 * and rubric criterion texts. No keys of any kind. NULL when memory runs out. */
json_t *exam_form_candidate_json(const struct exam_form *form);
/* The candidate view of every form of one exam version, serialised once: pieces of JSON text
 * that a form's view is spliced from (items in the form's order, options in its shuffled
 * order). Immutable once made, so any number of threads may use one. */
struct exam_view;
/* Serialises exam's pieces. exam is borrowed: it must outlive the view. Returns 0 and *out
 * (free with exam_view_free), or -1 when memory runs out or the exam lacks a title. */
int exam_view_new(struct exam_view **out, const struct exam *exam);
void exam_view_free(struct exam_view *view);
const struct exam *exam_view_exam(const struct exam_view *view);
/* The length of form's candidate view as text: the same bytes as
 * json_dumps(exam_form_candidate_json(form), JSON_COMPACT), without a NUL. SIZE_MAX when the
 * form was not drawn from the view's exam. */
size_t exam_view_form_size(const struct exam_view *view, const struct exam_form *form);
/* Writes that text to dst (exam_view_form_size bytes, no NUL); returns its length, or
 * SIZE_MAX as above (dst partly written). */
size_t exam_view_form_write(const struct exam_view *view, const struct exam_form *form, char *dst);
/* A drawn form in compact order (how a cache keeps it): the items unit by unit
 * (unit_nitems[u] for each of the exam's units, nitems in all), and for each item its
 * options' indices into item->options in display order (nopts in all). */
struct exam_form_order {
  const struct exam *exam;
  const uint32_t *unit_nitems;
  const struct exam_item *const *items;
  size_t nitems;
  const uint16_t *opts;
  size_t nopts;
};
/* exam_view_form_size/_write for a form in compact order: the same text as for the
 * exam_form it describes; SIZE_MAX when the order does not fit the view's exam. */
size_t exam_view_order_size(const struct exam_view *view, const struct exam_form_order *order);
size_t exam_view_order_write(const struct exam_view *view, const struct exam_form_order *order,
                             char *dst);
/* The form's entry for item_id, or NULL when the item is not in this form. */
const struct form_item *exam_form_find_item(const struct exam_form *form, const char *item_id);
/* Number of items in the form, and how many of them are open (assessor-scored). */
size_t exam_form_item_count(const struct exam_form *form);
size_t exam_form_open_count(const struct exam_form *form);

#endif
