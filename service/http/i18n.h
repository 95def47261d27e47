/*
 * The message catalogue: every UI string lives in service/web/i18n/<lang>.json (a flat
 * object of "key": "text"), compiled into the binary; C code names keys, never text.
 * Indonesian ("id") is the default language, English ("en") the second.
 */
#ifndef UJIKOM_I18N_H
#define UJIKOM_I18N_H

#include <jansson.h>
#include <stdbool.h>

/* Parses the catalogues once, at start-up (http_init), before any thread looks a text up;
 * before it every look-up falls back to the key. */
void i18n_init(void);

/* "en" when lang is "en", otherwise "id" (the default); lang may be NULL. */
const char *i18n_lang(const char *lang);

/* The text for key in lang; falls back to Indonesian, then to the key itself, so it never
 * returns NULL. The string is static (lives as long as the process). Thread-safe. */
const char *i18n(const char *lang, const char *key);

/* The text for key in lang when it is about n things: the catalogue's "<key>_one" when n is
 * 1 and lang has one (English: "{n} point" beside "{n} points"; Indonesian needs none),
 * else i18n's. */
const char *i18n_count(const char *lang, const char *key, long long n);

/* True when the catalogue of lang defines key. */
bool i18n_has(const char *lang, const char *key);

/* A new JSON object with every key of lang starting with prefix (e.g. "exam.") mapped to
 * its text, for handing strings to JavaScript. NULL when out of memory; caller decrefs. */
json_t *i18n_subset(const char *lang, const char *prefix);

/* The whole catalogue of lang as parsed (borrowed, never NULL: an empty object when the
 * embedded file is missing or invalid). For tests that compare catalogues. */
const json_t *i18n_catalogue(const char *lang);

#endif
