/*
 * The head of a minimal one-unit exam (KUK 1.1, pool P1 drawing 1) whose pool's items an
 * imported fragment (indented 8) completes: the item bank tests and fuzz targets load
 * fragments with the real exam loader through it.
 */
#ifndef UJIKOM_TEST_ITEMBANK_EXAM_HEAD_H
#define UJIKOM_TEST_ITEMBANK_EXAM_HEAD_H

static const char ITEMBANK_EXAM_HEAD[] = "format: 1\n"
                                         "id: IMPORT-TEST\n"
                                         "subsector: FSN\n"
                                         "title: Uji Impor\n"
                                         "title_en: Import Test\n"
                                         "scheme: Skema Uji\n"
                                         "standard: SKKNI Uji\n"
                                         "duration_minutes: 60\n"
                                         "validity_years: 3\n"
                                         "retake:\n"
                                         "  max_attempts: 3\n"
                                         "  cooldown_days: 0\n"
                                         "units:\n"
                                         "  - code: U.IMPORT.01\n"
                                         "    title: Unit Impor\n"
                                         "    cut_score: 70\n"
                                         "    elements:\n"
                                         "      - id: 1\n"
                                         "        title: Elemen\n"
                                         "        kuk:\n"
                                         "          - id: \"1.1\"\n"
                                         "            text: Kriteria.\n"
                                         "    pools:\n"
                                         "      - id: P1\n"
                                         "        draw: 1\n";

#endif
