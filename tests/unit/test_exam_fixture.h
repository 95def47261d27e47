/*
 * A small exam for unit tests of the attempt rules: one subsector (FSN), one unit with a
 * pool that draws both of its two true/false items, 30 minutes, two attempts a day apart.
 * Each test file gives it its own id and titles.
 */
#ifndef UJIKOM_TEST_EXAM_FIXTURE_H
#define UJIKOM_TEST_EXAM_FIXTURE_H

#define TEST_SUBSECTORS_FSN                                                                        \
  "format: 1\nsubsectors:\n"                                                                       \
  "  - {code: FSN, name_id: Fesyen, name_en: Fashion}\n"

/* The head of a small exam file, up to (not including) its units. */
#define TEST_EXAM_HEADER(id, title, title_en)                                                      \
  "format: 1\n"                                                                                    \
  "id: " id "\n"                                                                                   \
  "subsector: FSN\n"                                                                               \
  "title: " title "\n"                                                                             \
  "title_en: " title_en "\n"                                                                       \
  "scheme: S\n"                                                                                    \
  "standard: SKKNI\n"                                                                              \
  "duration_minutes: 30\n"                                                                         \
  "validity_years: 3\n"                                                                            \
  "retake: {max_attempts: 2, cooldown_days: 1}\n"

#define TEST_EXAM_TWO_TRUEFALSE(id, title, title_en)                                               \
  TEST_EXAM_HEADER(id, title, title_en)                                                            \
  "units:\n"                                                                                       \
  "  - code: U.001\n"                                                                              \
  "    title: U\n"                                                                                 \
  "    cut_score: 50\n"                                                                            \
  "    elements:\n"                                                                                \
  "      - {id: 1, title: E, kuk: [{id: \"1.1\", text: K}]}\n"                                     \
  "    pools:\n"                                                                                   \
  "      - id: P\n"                                                                                \
  "        draw: 2\n"                                                                              \
  "        items:\n"                                                                               \
  "          - {id: Q1, type: truefalse, kuk: [\"1.1\"], prompt: p, answer: true}\n"               \
  "          - {id: Q2, type: truefalse, kuk: [\"1.1\"], prompt: p, answer: false}\n"

/* An exam that requires an application, with a written unit (U.001: one true/false item,
 * Q1, answer true) and an observation unit (U.OBS: element 1 with KUK 1.1 and 1.2, element 2
 * with KUK 2.1). */
#define TEST_EXAM_OBSERVED(id)                                                                     \
  TEST_EXAM_HEADER(id, "Observasi", "Observation")                                                 \
  "requires_application: true\n"                                                                   \
  "units:\n"                                                                                       \
  "  - code: U.001\n"                                                                              \
  "    title: Tertulis\n"                                                                          \
  "    cut_score: 50\n"                                                                            \
  "    elements: [{id: 1, title: E, kuk: [{id: \"1.1\", text: K}]}]\n"                             \
  "    pools:\n"                                                                                   \
  "      - id: P\n"                                                                                \
  "        draw: 1\n"                                                                              \
  "        items: [{id: Q1, type: truefalse, kuk: [\"1.1\"], prompt: p, answer: true}]\n"          \
  "  - code: U.OBS\n"                                                                              \
  "    title: Observasi\n"                                                                         \
  "    title_en: Observation\n"                                                                    \
  "    assessment: observation\n"                                                                  \
  "    elements:\n"                                                                                \
  "      - {id: 1, title: A, kuk: [{id: \"1.1\", text: Canting diuji.}, {id: \"1.2\", text: "      \
  "L}]}\n"                                                                                         \
  "      - {id: 2, title: B, kuk: [{id: \"2.1\", text: Klowongan rata.}]}\n"

#endif
