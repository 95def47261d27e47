/*
 * The guessability-based password policy: normalise as an attacker would (NFKC, no white
 * space, no invisible characters), refuse what the older list-and-pattern rules refuse and
 * what contains the person's own words, then ask zxcvbn how many guesses the rest would
 * take with the person's, the service's and common Indonesian words as its user dictionary.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <utf8proc.h>
#include <zxcvbn.h>

#include "ujikom/password.h"
#include "ujikom/password_policy.h"

/* Words of the service itself: a password built from them is among the first guesses
 * against this site. */
static const char *const service_words[] = {
    "ujikom",      "kompetensi", "kompeten", "ujian",      "uji",     "sertifikat",
    "sertifikasi", "asesor",     "asesmen",  "assessment", "peserta", "kandidat",
    "lsp",         "bnsp",       "skema",    "lulus",      "nilai",   "kelulusan",
};

/* Common Indonesian password words, most frequent first (zxcvbn charges a word by its rank).
 * The compiled-in common-password list (common_passwords.c) has no accessor to iterate it,
 * so this short list stands in for it in the estimator; the full list is still applied
 * through password_check_strength. */
static const char *const indonesian_words[] = {
    "sayang",        "cinta",     "rahasia",   "bismillah",  "indonesia",    "sayangku", "cintaku",
    "merdeka",       "jakarta",   "garuda",    "merahputih", "merah",        "putih",    "allah",
    "alhamdulillah", "bandung",   "surabaya",  "persib",     "persija",      "arema",    "bonek",
    "kasih",         "rindu",     "manis",     "cantik",     "ganteng",      "bunda",    "mama",
    "papa",          "ayah",      "ibu",       "anak",       "keluarga",     "sahabat",  "teman",
    "kekasih",       "bidadari",  "bintang",   "bulan",      "matahari",     "langit",   "pelangi",
    "semangat",      "sukses",    "berhasil",  "mantap",     "rumah",        "kucing",   "anjing",
    "selamat",       "pagi",      "malam",     "harapan",    "impian",       "masuk",    "kunci",
    "sandi",         "katasandi", "rahasiaku", "sayangkamu", "akucintakamu", "doraemon", "naruto",
    "nusantara",     "pancasila", "bangsa",    "negara",     "jawa",         "bali",
};

#define N_SERVICE    (sizeof service_words / sizeof service_words[0])
#define N_INDONESIAN (sizeof indonesian_words / sizeof indonesian_words[0])
/* Personal words taken from the e-mail and the name. */
#define MAX_PERSONAL 32
/* Shortest personal word given to zxcvbn, and shortest that refuses the password outright
 * (four, as password_check_strength does for names). */
#define PERSONAL_DICT_MIN   3
#define PERSONAL_REFUSE_MIN 4

static void wipe_free(char *s) {
  if (NULL == s) {
    return;
  }
  OPENSSL_cleanse(s, strlen(s));
  free(s);
}

void password_policy_free(char *s) {
  wipe_free(s);
}

static bool is_space_cp(utf8proc_int32_t cp) {
  if ((cp >= 0x09 && cp <= 0x0d) || 0x85 == cp) {
    return true;
  }
  utf8proc_category_t cat = utf8proc_category(cp);
  return UTF8PROC_CATEGORY_ZS == cat || UTF8PROC_CATEGORY_ZL == cat || UTF8PROC_CATEGORY_ZP == cat;
}

/* NFKC (and case folding when asked) with default ignorables dropped, then white space
 * removed (or made one ASCII space each when keep_spaces); counts the remaining code points
 * into *chars. */
static enum password_policy_verdict fold_once(char **out, size_t *chars, bool *removed,
                                              const char *in, bool casefold, bool keep_spaces) {
  *out = NULL;
  *removed = false;
  utf8proc_uint8_t *mapped = NULL;
  int opts = UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
             UTF8PROC_IGNORE | (casefold ? UTF8PROC_CASEFOLD : 0);
  utf8proc_ssize_t n =
      utf8proc_map((const utf8proc_uint8_t *)in, 0, &mapped, (utf8proc_option_t)opts);
  if (n < 0) {
    return UTF8PROC_ERROR_NOMEM == n ? PASSWORD_POLICY_ERROR : PASSWORD_POLICY_INVALID;
  }
  size_t w = 0, count = 0;
  for (utf8proc_ssize_t i = 0; i < n;) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t step = utf8proc_iterate(mapped + i, n - i, &cp);
    if (step <= 0) {
      wipe_free((char *)mapped);
      return PASSWORD_POLICY_INVALID;
    }
    if (keep_spaces && is_space_cp(cp)) {
      mapped[w++] = ' ';
    } else if (is_space_cp(cp)) {
      *removed = true;
    } else {
      if (UTF8PROC_CATEGORY_CC == utf8proc_category(cp)) {
        wipe_free((char *)mapped);
        return PASSWORD_POLICY_INVALID;
      }
      memmove(mapped + w, mapped + i, (size_t)step);
      w += (size_t)step;
      count++;
    }
    i += step;
  }
  OPENSSL_cleanse(mapped + w, (size_t)n - w);
  mapped[w] = '\0';
  *out = (char *)mapped;
  if (NULL != chars) {
    *chars = count;
  }
  return PASSWORD_POLICY_OK;
}

/* Removing a space can leave a combining mark next to a letter it composes with (U+00B8
 * is NFKC " " U+0327, so "k" U+00B8 folds to "k" U+0327): then one more pass composes them,
 * so that folding is idempotent. A second pass removes nothing: the text is already NFKC and
 * composition makes no space. */
static enum password_policy_verdict fold(char **out, size_t *chars, const char *in, bool casefold,
                                         bool keep_spaces) {
  bool removed = false;
  enum password_policy_verdict v = fold_once(out, chars, &removed, in, casefold, keep_spaces);
  if (PASSWORD_POLICY_OK != v || !removed) {
    return v;
  }
  char *first = *out;
  v = fold_once(out, chars, &removed, first, casefold, keep_spaces);
  wipe_free(first);
  return v;
}

enum password_policy_verdict password_policy_normalize(char **out, const char *password) {
  if (NULL == out) {
    return PASSWORD_POLICY_ERROR;
  }
  *out = NULL;
  if (NULL == password) {
    return PASSWORD_POLICY_INVALID;
  }
  if (strnlen(password, PASSWORD_MAX_LEN + 1) > PASSWORD_MAX_LEN) {
    return PASSWORD_POLICY_TOO_LONG;
  }
  return fold(out, NULL, password, false, false);
}

struct personal {
  char *words[MAX_PERSONAL];
  size_t n;
};

static bool personal_add(struct personal *p, const char *s, size_t len) {
  if (len < PERSONAL_DICT_MIN || len > PASSWORD_POLICY_MAX_WORD || p->n == MAX_PERSONAL) {
    return true;
  }
  for (size_t i = 0; i < p->n; i++) {
    if (strlen(p->words[i]) == len && 0 == memcmp(p->words[i], s, len)) {
      return true;
    }
  }
  char *w = malloc(len + 1);
  if (NULL == w) {
    return false;
  }
  memcpy(w, s, len);
  w[len] = '\0';
  p->words[p->n++] = w;
  return true;
}

/* Adds the case-folded text and each run of letters in it (bytes of non-ASCII characters
 * count as letters). */
static enum password_policy_verdict personal_add_text(struct personal *p, const char *text,
                                                      size_t len) {
  if (0 == len) {
    return PASSWORD_POLICY_OK;
  }
  char *copy = malloc(len + 1), *cf = NULL;
  if (NULL == copy) {
    return PASSWORD_POLICY_ERROR;
  }
  memcpy(copy, text, len);
  copy[len] = '\0';
  enum password_policy_verdict v = fold(&cf, NULL, copy, true, true);
  free(copy);
  if (PASSWORD_POLICY_ERROR == v) {
    return v;
  }
  if (PASSWORD_POLICY_OK != v) {
    return PASSWORD_POLICY_OK; /* an unreadable name or address adds no words */
  }
  size_t n = strlen(cf);
  bool ok = personal_add(p, cf, n);
  for (size_t i = 0; ok && i < n;) {
    size_t j = i;
    while (j < n && ((cf[j] >= 'a' && cf[j] <= 'z') || (unsigned char)cf[j] >= 0x80)) {
      j++;
    }
    if (j > i) {
      ok = personal_add(p, cf + i, j - i);
    }
    i = j + 1;
  }
  free(cf);
  return ok ? PASSWORD_POLICY_OK : PASSWORD_POLICY_ERROR;
}

static void personal_free(struct personal *p) {
  for (size_t i = 0; i < p->n; i++) {
    free(p->words[i]);
  }
  p->n = 0;
}

/* The policy's verdict for each of password.c's strength checks. */
static const enum password_policy_verdict strength_verdicts[] = {
    [PASSWORD_STRONG] = PASSWORD_POLICY_OK,
    [PASSWORD_TOO_SHORT] = PASSWORD_POLICY_TOO_SHORT,
    [PASSWORD_TOO_LONG] = PASSWORD_POLICY_TOO_LONG,
    [PASSWORD_COMMON] = PASSWORD_POLICY_TOO_COMMON,
    [PASSWORD_TRIVIAL] = PASSWORD_POLICY_TOO_GUESSABLE,
    [PASSWORD_PERSONAL] = PASSWORD_POLICY_CONTAINS_PERSONAL};

static enum password_policy_verdict from_strength(enum password_strength s) {
  if ((unsigned)s < sizeof strength_verdicts / sizeof strength_verdicts[0]) {
    return strength_verdicts[s];
  }
  return PASSWORD_POLICY_ERROR;
}

enum password_policy_verdict password_policy_check(struct password_policy_report *report,
                                                   const char *password, const char *email,
                                                   const char *name,
                                                   const char *const *extra_words) {
  struct password_policy_report r = {PASSWORD_POLICY_ERROR, 0, 0.0};
  struct personal personal = {{NULL}, 0};
  char *folded = NULL, *lower = NULL;
  const char **dict = NULL;
  enum password_policy_verdict v;

  if (NULL == password) {
    v = PASSWORD_POLICY_INVALID;
    goto done;
  }
  if (strnlen(password, PASSWORD_MAX_LEN + 1) > PASSWORD_MAX_LEN) {
    v = PASSWORD_POLICY_TOO_LONG;
    goto done;
  }
  v = fold(&folded, &r.chars, password, false, false);
  if (PASSWORD_POLICY_OK != v) {
    goto done;
  }
  if (r.chars < PASSWORD_POLICY_MIN_CHARS) {
    v = PASSWORD_POLICY_TOO_SHORT;
    goto done;
  }
  /* The older rules (common list with decorations, runs and repeats, ASCII personal words),
   * now applied to the normalised form. */
  v = from_strength(password_check_strength(folded, email, name));
  if (PASSWORD_POLICY_OK != v) {
    goto done;
  }
  v = fold(&lower, NULL, folded, true, false);
  if (PASSWORD_POLICY_OK != v) {
    goto done;
  }
  if (password_is_common(lower)) {
    v = PASSWORD_POLICY_TOO_COMMON;
    goto done;
  }

  if (NULL != email) {
    const char *at = strrchr(email, '@');
    size_t len = NULL != at ? (size_t)(at - email) : strnlen(email, 320);
    if (len <= 320 && PASSWORD_POLICY_OK != (v = personal_add_text(&personal, email, len))) {
      goto done;
    }
  }
  if (NULL != name &&
      PASSWORD_POLICY_OK != (v = personal_add_text(&personal, name, strnlen(name, 1024)))) {
    goto done;
  }
  for (size_t i = 0; i < personal.n; i++) {
    if (strlen(personal.words[i]) >= PERSONAL_REFUSE_MIN &&
        NULL != strstr(lower, personal.words[i])) {
      v = PASSWORD_POLICY_CONTAINS_PERSONAL;
      goto done;
    }
  }

  size_t n_extra = 0;
  while (NULL != extra_words && n_extra < PASSWORD_POLICY_MAX_EXTRA_WORDS &&
         NULL != extra_words[n_extra]) {
    n_extra++;
  }
  dict = calloc(personal.n + N_SERVICE + N_INDONESIAN + n_extra + 1, sizeof *dict);
  if (NULL == dict) {
    v = PASSWORD_POLICY_ERROR;
    goto done;
  }
  size_t k = 0;
  for (size_t i = 0; i < personal.n; i++) {
    dict[k++] = personal.words[i];
  }
  for (size_t i = 0; i < N_SERVICE; i++) {
    dict[k++] = service_words[i];
  }
  for (size_t i = 0; i < N_INDONESIAN; i++) {
    dict[k++] = indonesian_words[i];
  }
  for (size_t i = 0; i < n_extra; i++) {
    size_t len = strnlen(extra_words[i], PASSWORD_POLICY_MAX_WORD + 1);
    if (len > 0 && len <= PASSWORD_POLICY_MAX_WORD) {
      dict[k++] = extra_words[i];
    }
  }
  dict[k] = NULL;
  ZxcMatch_t *info = NULL;
  r.bits = ZxcvbnMatch(folded, dict, &info);
  v = PASSWORD_POLICY_OK;
  if (r.bits < PASSWORD_POLICY_MIN_BITS) {
    /* Name the reason: mostly dictionary words (the built-in ones, the service's, the
     * caller's) is "too common"; anything else (runs, repeats, keyboard patterns, dates,
     * short random parts) is "too guessable". */
    int in_dict = 0, total = 0;
    for (const ZxcMatch_t *m = info; NULL != m; m = m->Next) {
      /* A repeated part (MULTIPLE_MATCH added) is a repeat, whatever is repeated. */
      ZxcTypeMatch_t type = m->Type;
      total += m->Length;
      if (DICTIONARY_MATCH == type || DICT_LEET_MATCH == type || USER_MATCH == type ||
          USER_LEET_MATCH == type) {
        in_dict += m->Length;
      }
    }
    v = total > 0 && 2 * in_dict >= total ? PASSWORD_POLICY_TOO_COMMON
                                          : PASSWORD_POLICY_TOO_GUESSABLE;
  }
  ZxcvbnFreeInfo(info);

done:
  free(dict);
  personal_free(&personal);
  wipe_free(lower);
  wipe_free(folded);
  r.verdict = v;
  if (NULL != report) {
    *report = r;
  }
  return v;
}

/* Each verdict's code (stable, for clients) and its English message. */
static const struct {
  const char *code, *message;
} verdict_texts[] = {
    [PASSWORD_POLICY_OK] = {"ok", "password accepted"},
    [PASSWORD_POLICY_TOO_SHORT] =
        {"too_short", "password too short: at least 10 characters, spaces not counted"},
    [PASSWORD_POLICY_TOO_LONG] = {"too_long", "password too long: at most 1024 bytes"},
    [PASSWORD_POLICY_INVALID] = {"invalid",
                                 "password is not valid UTF-8 or contains control characters"},
    [PASSWORD_POLICY_TOO_COMMON] = {"too_common", "password is too common"},
    [PASSWORD_POLICY_CONTAINS_PERSONAL] = {"contains_personal",
                                           "password contains your e-mail name or your name"},
    [PASSWORD_POLICY_TOO_GUESSABLE] =
        {"too_guessable",
         "password is too easy to guess: use a longer passphrase of unrelated words"},
    [PASSWORD_POLICY_ERROR] = {"error", "password could not be checked"}};

/* Where v's texts are: PASSWORD_POLICY_ERROR's for a value that is no verdict. */
static size_t verdict_index(enum password_policy_verdict v) {
  if ((unsigned)v < sizeof verdict_texts / sizeof verdict_texts[0]) {
    return (size_t)v;
  }
  return PASSWORD_POLICY_ERROR;
}

const char *password_policy_code(enum password_policy_verdict v) {
  return verdict_texts[verdict_index(v)].code;
}

const char *password_policy_message(enum password_policy_verdict v) {
  return verdict_texts[verdict_index(v)].message;
}
