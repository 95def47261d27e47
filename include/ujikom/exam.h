/*
 * The exam model: competency units with elements, performance criteria (KUK), item pools and
 * items, loaded from the YAML exam format (format 1) and validated. Every error is reported as
 * "file:line:column: message"; the loader collects all errors it finds instead of stopping at
 * the first. Pure computation: no file or network I/O happens here.
 */
#ifndef UJIKOM_EXAM_H
#define UJIKOM_EXAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ujikom/timefmt.h"

enum exam_item_type {
  EXAM_ITEM_SINGLE,
  EXAM_ITEM_MULTIPLE,
  EXAM_ITEM_TRUEFALSE,
  EXAM_ITEM_NUMERIC,
  EXAM_ITEM_SHORT,
  EXAM_ITEM_ORDERING,
  EXAM_ITEM_OPEN,
  EXAM_ITEM_EVIDENCE, /* the candidate hands in files; marked by an assessor with a rubric */
};

/* The kinds of file an evidence item accepts (a mask in exam_item.accept), decided by the
 * file's content, never by its name. */
enum exam_accept {
  EXAM_ACCEPT_IMAGE = 1u << 0, /* JPEG, PNG, WebP */
  EXAM_ACCEPT_PDF = 1u << 1,
  EXAM_ACCEPT_AUDIO = 1u << 2, /* MP3, Ogg, WAV, M4A/AAC, WebM audio */
  EXAM_ACCEPT_VIDEO = 1u << 3, /* MP4, WebM, QuickTime */
};

/* Limits of an evidence item. */
#define EXAM_EVIDENCE_MAX_FILES 20
#define EXAM_EVIDENCE_MAX_MB    200

struct exam_option {
  const char *id;
  const char *text;
};

/* One level of a rubric criterion: the points an assessor gives for it and what an answer at
 * that level looks like (the level descriptor). */
struct exam_level {
  long points; /* 0..the criterion's max_points, unique within the criterion */
  const char *text;
};

struct exam_criterion {
  const char *id;
  const char *text;
  long max_points;
  const struct exam_level *levels; /* optional descriptors, as listed in the file */
  size_t nlevels;
};

struct exam_item {
  const char *id;
  enum exam_item_type type;
  const char **kuk; /* KUK ids of the item's unit */
  size_t nkuk;
  long points; /* for open items: the rubric's total */
  const char *prompt;
  const struct exam_option *options; /* single, multiple, ordering */
  size_t noptions;
  /* The key. single: 1 id; multiple: the correct ids; ordering: every id in order. */
  const char **key_ids;
  size_t nkey_ids;
  bool key_bool;              /* truefalse */
  double key_value;           /* numeric */
  double key_tolerance;       /* numeric, >= 0 */
  const char *key_unit;       /* numeric, may be NULL */
  const char **accepted;      /* short: accepted answers as written */
  const char **accepted_norm; /* short: the same, normalised for matching */
  size_t naccepted;
  const struct exam_criterion *rubric; /* open, evidence */
  size_t nrubric;
  unsigned accept;         /* evidence: mask of enum exam_accept */
  long max_files;          /* evidence: 1..EXAM_EVIDENCE_MAX_FILES */
  long max_mb;             /* evidence: per file, 1..EXAM_EVIDENCE_MAX_MB (MiB) */
  const char *explanation; /* may be NULL */
  unsigned line;           /* where the item starts in its file (1-based) */
};

struct exam_pool {
  const char *id;
  long draw;
  const struct exam_item *items;
  size_t nitems;
};

struct exam_kuk {
  const char *id; /* "element.criterion", e.g. "1.2" */
  const char *text;
};

struct exam_element {
  long id;
  const char *title;
  const struct exam_kuk *kuk;
  size_t nkuk;
};

/* How a unit's KUKs are evidenced. */
enum exam_assessment {
  EXAM_ASSESS_WRITTEN = 0, /* items the candidate answers (pools) */
  EXAM_ASSESS_OBSERVATION, /* observed by the assessor at the TUK (FR.IA.01): no pools; K when
                              every KUK is observed (cut_score is 100) */
};

struct exam_unit {
  const char *code;
  const char *title;
  const char *title_en; /* may be NULL */
  long cut_score;       /* percent, 1..100 */
  const struct exam_element *elements;
  size_t nelements;
  const struct exam_pool *pools; /* none for an observation unit */
  size_t npools;
  enum exam_assessment assessment;
};

struct exam_mem; /* private allocations of one loaded exam */

struct exam {
  const char *id;
  const char *subsector;
  const char *title;
  const char *title_en;
  const char *scheme;
  const char *standard;
  const char *description; /* may be NULL */
  long duration_minutes;
  long validity_years;
  long max_attempts;
  long cooldown_days;
  bool shuffle_options;
  bool blind_marking;        /* assessors do not see who the candidate is until a decision */
  bool requires_application; /* an eligible application (FR.APL.01) comes before a start */
  bool has_time_zone;        /* the test site's zone is given (time_zone) */
  enum time_zone time_zone;  /* the test site's zone: the exam's times are shown in it */
  const struct exam_unit *units;
  size_t nunits;
  char version[65]; /* hex SHA-256 of the source bytes: the exam version */
  struct exam_mem *mem;
};

struct exam_subsector {
  const char *code;
  const char *name_id;
  const char *name_en;
};

struct exam_subsectors {
  const struct exam_subsector *items;
  size_t n;
  struct exam_mem *mem;
};

/* A growing list of "file:line:column: message" lines. Zero-initialise before use. */
struct exam_errors {
  char **lines;
  size_t n;
  size_t cap;
};

/* Appends one formatted line; silently drops it when memory runs out (the caller still sees
 * a non-zero count from whatever was added before, and loading fails anyway). */
void exam_errors_add(struct exam_errors *errs, const char *file, unsigned line, unsigned col,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Frees every line and resets the list to empty. */
void exam_errors_clear(struct exam_errors *errs);

/* Parses and validates one exam from buf (len bytes, need not be NUL-terminated). `file` is
 * the name used in error lines. `subs` is the subsector catalogue the exam's subsector must
 * belong to; NULL skips that check. On success returns 0 and *out is the caller's, to free
 * with exam_free. On failure returns -1, *out is NULL and every error found is appended to
 * errs (at least one). */
int exam_parse(struct exam **out, struct exam_errors *errs, const char *buf, size_t len,
               const char *file, const struct exam_subsectors *subs);
void exam_free(struct exam *exam);

/* Parses the subsector catalogue (format 1: `subsectors:` list of code/name_id/name_en).
 * Same error and ownership rules as exam_parse; free with exam_subsectors_free. */
int exam_subsectors_parse(struct exam_subsectors **out, struct exam_errors *errs, const char *buf,
                          size_t len, const char *file);
void exam_subsectors_free(struct exam_subsectors *subs);
/* The subsector with this code, or NULL. */
const struct exam_subsector *exam_subsector_find(const struct exam_subsectors *subs,
                                                 const char *code);

/* Look-ups; all return NULL when absent. The unit index is written to *unit_index when
 * that pointer is not NULL. */
const struct exam_item *exam_find_item(const struct exam *exam, const char *item_id,
                                       size_t *unit_index);
const struct exam_option *exam_item_option(const struct exam_item *item, const char *option_id);
/* "single", "multiple", ... */
const char *exam_item_type_name(enum exam_item_type type);
/* True when the item is scored by an assessor with its rubric (types open and evidence). */
bool exam_item_is_open(const struct exam_item *item);
/* Whether s is an identifier as exam files write them: 1..max characters of [A-Za-z0-9._-]
 * (item ids: max 64). */
bool exam_id_ok(const char *s, size_t max);
/* The name of one accept kind ("image", "pdf", "audio", "video"), or NULL for a mask that is
 * not exactly one kind. */
const char *exam_accept_name(unsigned kind);
/* The level of criterion c worth exactly points, or NULL (no such level, or none listed). */
const struct exam_level *exam_criterion_level(const struct exam_criterion *c, long points);
/* Total points a unit's drawn form is worth is computed by the form; this is the number of
 * items a form draws from the unit (sum of its pools' draws). */
size_t exam_unit_draw_count(const struct exam_unit *unit);
/* True when the unit's KUKs are observed by an assessor (assessment: observation). */
bool exam_unit_is_observed(const struct exam_unit *unit);
/* Number of KUKs of a unit (over all its elements). */
size_t exam_unit_kuk_count(const struct exam_unit *unit);
/* The KUK kuk_id of unit, or NULL. */
const struct exam_kuk *exam_unit_kuk(const struct exam_unit *unit, const char *kuk_id);
/* The unit with this code, or NULL; its index into exam->units goes to *out_index (may be
 * NULL). */
const struct exam_unit *exam_find_unit(const struct exam *exam, const char *code,
                                       size_t *out_index);

#endif
