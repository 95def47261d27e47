/*
 * Message catalogue lookup. The catalogues are embedded assets, parsed once at start-up
 * (i18n_init) into read-only objects that are never modified afterwards (constant data
 * built at start, not mutable state), so lookups from many request threads need no locking.
 */
#include "http/i18n.h"

#include <string.h>

#include "http/assets.h"

enum { LANG_ID, LANG_EN, LANG__MAX };

static const char *const lang_files[LANG__MAX] = {"i18n/id.json", "i18n/en.json"};
static json_t *catalogues[LANG__MAX];
void i18n_init(void) {
  if (NULL != catalogues[LANG_ID]) {
    return;
  }
  for (int i = 0; i < LANG__MAX; i++) {
    const struct asset *a = asset_find(lang_files[i]);
    json_t *cat = NULL;
    if (NULL != a) {
      cat = json_loadb((const char *)a->data, a->size, JSON_REJECT_DUPLICATES, NULL);
    }
    if (NULL == cat || !json_is_object(cat)) {
      json_decref(cat);
      cat = json_object(); /* a broken catalogue shows keys, never crashes */
    }
    catalogues[i] = cat;
  }
}

static int lang_index(const char *lang) {
  return (NULL != lang && 0 == strcmp(lang, "en")) ? LANG_EN : LANG_ID;
}

const char *i18n_lang(const char *lang) {
  return LANG_EN == lang_index(lang) ? "en" : "id";
}

static const char *lookup(int idx, const char *key) {
  if (NULL == catalogues[idx]) {
    return NULL;
  }
  return json_string_value(json_object_get(catalogues[idx], key));
}

const char *i18n(const char *lang, const char *key) {
  if (NULL == key) {
    return "";
  }
  const char *s = lookup(lang_index(lang), key);
  if (NULL == s) {
    s = lookup(LANG_ID, key);
  }
  return NULL != s ? s : key;
}

const char *i18n_count(const char *lang, const char *key, long long n) {
  char one[128];
  if (1 == n && NULL != key && (size_t)snprintf(one, sizeof one, "%s_one", key) < sizeof one) {
    const char *s = lookup(lang_index(lang), one);
    if (NULL != s) {
      return s;
    }
  }
  return i18n(lang, key);
}

bool i18n_has(const char *lang, const char *key) {
  return NULL != key && NULL != lookup(lang_index(lang), key);
}

json_t *i18n_subset(const char *lang, const char *prefix) {
  json_t *cat = catalogues[lang_index(lang)]; /* read only: iteration needs a non-const */
  if (NULL == cat || NULL == prefix) {
    return NULL;
  }
  json_t *out = json_object();
  if (NULL == out) {
    return NULL;
  }
  size_t plen = strlen(prefix);
  const char *key;
  json_t *value;
  json_object_foreach(cat, key, value) {
    if (0 != strncmp(key, prefix, plen)) {
      continue;
    }
    /* A copy: the shared catalogue's reference counts are never touched by requests. */
    if (0 != json_object_set_new(out, key, json_string(json_string_value(value)))) {
      json_decref(out);
      return NULL;
    }
  }
  return out;
}

const json_t *i18n_catalogue(const char *lang) {
  return catalogues[lang_index(lang)];
}
