/*
 * `ujikom seed`: fills a fresh data directory with the volume of a province's exam season,
 * for benchmarks: candidates with real scrypt password hashes, attempts with drawn forms,
 * saved answers and scored results, and certificates signed with the data directory's key,
 * all written through the store and core APIs (never raw SQL), many rows per transaction.
 *
 * Seeded passwords use the cheapest scrypt cost the password module accepts (N = 2^10,
 * about 1 MiB and ~1 ms per hash) instead of the production N = 2^15 (~32 MiB, 50-250 ms):
 * 100,000 production-cost hashes would take hours. The hashes are real (random salt each),
 * so log-in works; run the daemon with --kdf-log2n equal to the seed's cost, or every
 * seeded log-in upgrades its hash to the production cost and measures that instead.
 * --kdf-log2n N seeds at another cost (15: production's), to measure log-ins as they are;
 * with --login-candidates only those accounts and the one shared hash pay it.
 *
 * With --manifest DIR it also writes the lists the load scripts need (tokens, ids, QR
 * tokens); those files hold bearer tokens of seeded sessions, so they are benchmark data,
 * never to be made from a real database.
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli/commands.h"
#include "common/catalog.h"
#include "common/certlog.h"
#include "common/config.h"
#include "common/issue.h"
#include "common/keystore.h"
#include "store/store.h"
#include "ujikom/cert.h"
#include "ujikom/exam.h"
#include "ujikom/exam_form.h"
#include "ujikom/password.h"
#include "ujikom/score.h"
#include "ujikom/clock.h"
#include "ujikom/session_token.h"

/* The password of every seeded account (documented in docs/performance.md). */
#define SEED_PASSWORD    "Uji-Kompetensi-2026!"
#define SEED_KDF_LOG2N   PASSWORD_LOG2N_MIN
#define USERS_PER_TXN    2000
#define ATTEMPTS_PER_TXN 1000
/* Items per open attempt listed for the answer-save scenario. */
#define SAVE_ITEMS_PER_ATTEMPT 3

struct seed_opts {
  char data_dir[PATH_MAX];
  char exams_dir[PATH_MAX];
  char manifest[PATH_MAX];
  char public_url[256];
  long candidates, attempts, certificates, issuable, open, threads;
  long login_candidates; /* -1: every candidate can log in with a hash of its own */
  long kdf_log2n;        /* scrypt cost of the seeded hashes (log2 N) */
};

/* What one attempt will be, decided before anything is written. */
enum attempt_kind { KIND_CERTIFIED, KIND_ISSUABLE, KIND_OPEN, KIND_BK };

struct seed {
  struct seed_opts o;
  struct config cfg;
  struct store *store;
  struct keystore *keys;
  struct catalog *catalog;
  const struct exam **exams;
  size_t nexams;
  int64_t *user_ids; /* candidates, index = candidate number */
  int64_t admin_id;
  char **hashes; /* password hashes, index = candidate number; [candidates] = admin; NULL:
                    the account uses shared_hash */
  char *shared_hash;
  size_t pick; /* the exam-day exam: exams[pick] */
  int64_t now_ms;
};

static void seed_usage(FILE *out) {
  fprintf(out,
          "usage: ujikom seed --data-dir DIR --candidates N --attempts N --certificates N\n"
          "                   [--open N] [--issuable N] [--exams-dir DIR] [--manifest DIR]\n"
          "                   [--public-url URL] [--threads N] [--login-candidates N]\n"
          "                   [--kdf-log2n N]\n"
          "  Fills a FRESH data directory (no database yet) with benchmark volume:\n"
          "  N candidates (password '%s', scrypt N=2^%d), attempts spread over the exams\n"
          "  (certificates of them passed and certified, --issuable passed without a\n"
          "  certificate yet, --open still open with half their answers saved, the rest\n"
          "  'belum kompeten'), and certificates signed with the data directory's key.\n"
          "  --manifest DIR writes the load scripts' inputs (bearer tokens, ids, QR tokens).\n"
          "  --login-candidates N: only the first N candidates free for the exam-day exam\n"
          "  get a password hash of their own (and are listed in examday.tsv); every other\n"
          "  account shares one hash of the same password, which saves seeding time.\n"
          "  --kdf-log2n N: the scrypt cost of the hashes instead (%d-%d; %d is production's).\n",
          SEED_PASSWORD, SEED_KDF_LOG2N, PASSWORD_LOG2N_MIN, PASSWORD_LOG2N_MAX,
          PASSWORD_LOG2N_DEFAULT);
}

/* The form seed of attempt n (splitmix64): reproducible volume, not secrets, and the same
 * whichever thread builds the attempt. */
static uint64_t form_seed(long n) {
  uint64_t z = (uint64_t)n + 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static int parse_count(const char *name, const char *v, long min, long max, long *out) {
  char *end = NULL;
  errno = 0;
  long x = strtol(v, &end, 10);
  if (0 != errno || end == v || '\0' != *end || x < min || x > max) {
    fprintf(stderr, "ujikom seed: %s must be a whole number between %ld and %ld\n", name, min, max);
    return -1;
  }
  *out = x;
  return 0;
}

static int copy_arg(char *dst, size_t size, const char *name, const char *v) {
  size_t n = strlen(v);
  if (n >= size) {
    fprintf(stderr, "ujikom seed: %s is too long\n", name);
    return -1;
  }
  memcpy(dst, v, n + 1);
  return 0;
}

static int parse_args(struct seed_opts *o, int argc, char **argv) {
  long *counts[] = {&o->candidates, &o->attempts, &o->certificates,     &o->issuable,
                    &o->open,       &o->threads,  &o->login_candidates, &o->kdf_log2n};
  const char *count_names[] = {"--candidates", "--attempts", "--certificates",     "--issuable",
                               "--open",       "--threads",  "--login-candidates", "--kdf-log2n"};
  o->issuable = o->open = o->login_candidates = -1;
  o->threads = 2;
  o->kdf_log2n = SEED_KDF_LOG2N;
  for (int i = 1; i < argc; i++) {
    if (cli_is_help(argv[i])) {
      seed_usage(stdout);
      exit(0);
    }
    if (i + 1 >= argc) {
      fprintf(stderr, "ujikom seed: %s needs a value\n", argv[i]);
      return -1;
    }
    const char *k = argv[i], *v = argv[++i];
    int rc = 1;
    for (size_t j = 0; j < sizeof counts / sizeof counts[0]; j++) {
      if (0 == strcmp(k, count_names[j])) {
        long min = 0 == strcmp(k, "--threads") ? 1 : 0, max = 10000000;
        if (0 == strcmp(k, "--kdf-log2n")) {
          min = PASSWORD_LOG2N_MIN;
          max = PASSWORD_LOG2N_MAX;
        }
        rc = parse_count(k, v, min, max, counts[j]);
      }
    }
    if (1 == rc && 0 == strcmp(k, "--data-dir")) {
      rc = copy_arg(o->data_dir, sizeof o->data_dir, k, v);
    } else if (1 == rc && 0 == strcmp(k, "--exams-dir")) {
      rc = copy_arg(o->exams_dir, sizeof o->exams_dir, k, v);
    } else if (1 == rc && 0 == strcmp(k, "--manifest")) {
      rc = copy_arg(o->manifest, sizeof o->manifest, k, v);
    } else if (1 == rc && 0 == strcmp(k, "--public-url")) {
      rc = copy_arg(o->public_url, sizeof o->public_url, k, v);
    }
    if (1 == rc) {
      fprintf(stderr, "ujikom seed: unknown option %s\n", k);
      return -1;
    }
    if (0 != rc) {
      return -1;
    }
  }
  if ('\0' == o->data_dir[0] || o->candidates < 1) {
    fprintf(stderr, "ujikom seed: --data-dir and --candidates (at least 1) are required\n");
    return -1;
  }
  if (o->certificates > o->attempts) {
    fprintf(stderr, "ujikom seed: --certificates cannot exceed --attempts\n");
    return -1;
  }
  long rest = o->attempts - o->certificates;
  if (o->issuable < 0) {
    o->issuable = rest / 5;
  }
  if (o->open < 0) {
    o->open = (rest - (o->issuable < rest ? o->issuable : rest)) / 2;
  }
  if (o->issuable + o->open > rest) {
    fprintf(stderr, "ujikom seed: --certificates + --issuable + --open exceed --attempts\n");
    return -1;
  }
  if ('\0' == o->exams_dir[0]) {
    memcpy(o->exams_dir, "exams", 6);
  }
  return 0;
}

/* ------------------------------------------------------------------ names */

static const char *const given[] = {
    "Siti",  "Budi",   "Dewi",  "Agus",    "Rina",  "Andi",  "Putri",   "Joko",
    "Ayu",   "Rizky",  "Wayan", "Made",    "Nur",   "Fajar", "Lestari", "Hendra",
    "Indah", "Yohana", "Bagus", "Intan",   "Dimas", "Ratna", "Teguh",   "Maria",
    "Ketut", "Sri",    "Arif",  "Kartika", "Yusuf", "Lina",  "Eko",     "Novita"};
static const char *const family[] = {
    "Santoso",   "Wijaya",  "Rahmawati", "Saputra",     "Hidayat",  "Pratama", "Susanto",
    "Kurniawan", "Siregar", "Nasution",  "Lubis",       "Sitompul", "Wibowo",  "Setiawan",
    "Purnomo",   "Halim",   "Manurung",  "Simanjuntak", "Tanjung",  "Gunawan", "Utami",
    "Permata",   "Harahap", "Sembiring", "Pangaribuan", "Suryadi",  "Nugroho", "Lestari"};

static void holder_name(char *out, size_t size, long i) {
  size_t g = (size_t)i % (sizeof given / sizeof given[0]);
  size_t f = ((size_t)i / (sizeof given / sizeof given[0])) % (sizeof family / sizeof family[0]);
  snprintf(out, size, "%s %s", given[g], family[f]);
}

static void candidate_email(char *out, size_t size, long i) {
  snprintf(out, size, "asesi%07ld@bench.ujikom.test", i);
}

/* ------------------------------------------------------------------ password hashes */

/* Whether candidate c has no attempt at exams[pick], so that it can start that exam on exam
 * day (candidate c's k-th attempt is attempt c + k * candidates, at exam (c + k) mod nexams). */
static bool free_for_exam(const struct seed *s, long c, size_t pick) {
  long per = (s->o.attempts + s->o.candidates - 1) / s->o.candidates;
  for (long k = 0; k < per; k++) {
    long n = c + k * s->o.candidates;
    if (n < s->o.attempts && ((size_t)c + (size_t)k) % s->nexams == pick) {
      return false;
    }
  }
  return true;
}

/* Whether account i (a candidate number, or candidates for the admin) gets a hash of its own:
 * the admin, and the candidates who may log in during a benchmark (the first
 * --login-candidates of those free for the exam-day exam; all of them without the option). */
static bool *own_hash_plan(const struct seed *s) {
  long n = s->o.candidates + 1, listed = 0;
  bool *own = calloc((size_t)n, sizeof *own);
  if (NULL == own) {
    return NULL;
  }
  for (long c = 0; c < s->o.candidates; c++) {
    if (s->o.login_candidates < 0) {
      own[c] = true;
    } else if (listed < s->o.login_candidates && free_for_exam(s, c, s->pick)) {
      own[c] = true;
      listed++;
    }
  }
  own[s->o.candidates] = true;
  return own;
}

struct hash_job {
  struct seed *s;
  const bool *own;
  long from, to; /* account numbers [from, to) */
  int failed;
};

static void *hash_worker(void *arg) {
  struct hash_job *j = arg;
  for (long i = j->from; i < j->to; i++) {
    char *h = NULL;
    if (!j->own[i]) {
      continue;
    }
    if (PASSWORD_OK != password_hash(&h, SEED_PASSWORD, (unsigned)j->s->o.kdf_log2n)) {
      j->failed = 1;
      return NULL;
    }
    j->s->hashes[i] = h;
  }
  return NULL;
}

/* Hashes the password of every account that gets its own hash (own_hash_plan) on o.threads
 * threads, and one shared hash for all the others. The accounts with a hash of their own are
 * spread evenly over the threads, so each thread gets about the same number of them. */
static int hash_passwords(struct seed *s) {
  long n = s->o.candidates + 1;
  long nt = s->o.threads;
  struct hash_job jobs[64];
  pthread_t tids[64];
  int ok = 0;
  bool *own = own_hash_plan(s);
  long nown = 0;
  if (NULL == own) {
    return -1;
  }
  if (nt > 64) {
    nt = 64;
  }
  s->hashes = calloc((size_t)n, sizeof *s->hashes);
  if (NULL == s->hashes ||
      PASSWORD_OK != password_hash(&s->shared_hash, SEED_PASSWORD, (unsigned)s->o.kdf_log2n)) {
    free(own);
    return -1;
  }
  for (long i = 0; i < n; i++) {
    nown += own[i];
  }
  /* Thread t hashes the accounts from its first own-hash account to the next thread's. */
  long bound[65], seen = 0, t = 0;
  bound[0] = 0;
  for (long i = 0; i < n && t + 1 < nt; i++) {
    if (own[i] && seen++ == nown * (t + 1) / nt) {
      bound[++t] = i;
    }
  }
  while (t + 1 <= nt) {
    bound[++t] = n;
  }
  for (t = 0; t < nt; t++) {
    jobs[t] = (struct hash_job){.s = s, .own = own, .from = bound[t], .to = bound[t + 1]};
    if (0 != pthread_create(&tids[t], NULL, hash_worker, &jobs[t])) {
      nt = t;
      ok = -1;
      break;
    }
  }
  for (t = 0; t < nt; t++) {
    pthread_join(tids[t], NULL);
    if (jobs[t].failed) {
      ok = -1;
    }
  }
  free(own);
  return ok;
}

/* The stored hash of account i. */
static const char *hash_of(const struct seed *s, long i) {
  return NULL != s->hashes[i] ? s->hashes[i] : s->shared_hash;
}

/* ------------------------------------------------------------------ users */

struct users_batch {
  struct seed *s;
  long from, to;
};

static int users_txn(struct store_tx *tx, void *arg) {
  struct users_batch *b = arg;
  struct seed *s = b->s;
  char email[64], name[128];
  for (long i = b->from; i < b->to; i++) {
    int rc;
    if (i == s->o.candidates) {
      rc = store_user_create(tx, &s->admin_id, "admin@bench.ujikom.test", "Admin Bench", ROLE_ADMIN,
                             hash_of(s, i));
    } else {
      candidate_email(email, sizeof email, i);
      holder_name(name, sizeof name, i);
      rc = store_user_create(tx, &s->user_ids[i], email, name, ROLE_CANDIDATE, hash_of(s, i));
    }
    if (STORE_OK != rc) {
      return rc;
    }
  }
  return STORE_OK;
}

static int seed_users(struct seed *s) {
  long n = s->o.candidates + 1;
  s->user_ids = calloc((size_t)s->o.candidates, sizeof *s->user_ids);
  if (NULL == s->user_ids) {
    return STORE_UNAVAILABLE;
  }
  for (long from = 0; from < n; from += USERS_PER_TXN) {
    struct users_batch b = {s, from, from + USERS_PER_TXN < n ? from + USERS_PER_TXN : n};
    int rc = store_txn(s->store, users_txn, &b);
    if (STORE_OK != rc) {
      return rc;
    }
  }
  return STORE_OK;
}

/* ------------------------------------------------------------------ answers */

/* A correct (or, when wrong, an incorrect but well-shaped) answer to item. */
static json_t *answer_value(const struct exam_item *it, bool right) {
  json_t *v = NULL;
  switch (it->type) {
  case EXAM_ITEM_SINGLE:
    if (right || it->noptions < 2) {
      return json_string(it->nkey_ids > 0 ? it->key_ids[0] : it->options[0].id);
    }
    for (size_t i = 0; i < it->noptions; i++) {
      if (it->nkey_ids == 0 || 0 != strcmp(it->options[i].id, it->key_ids[0])) {
        return json_string(it->options[i].id);
      }
    }
    return json_string(it->options[0].id);
  case EXAM_ITEM_MULTIPLE:
  case EXAM_ITEM_ORDERING:
    v = json_array();
    for (size_t i = 0; NULL != v && i < it->nkey_ids; i++) {
      size_t k = (right || EXAM_ITEM_MULTIPLE == it->type) ? i : it->nkey_ids - 1 - i;
      json_array_append_new(v, json_string(it->key_ids[k]));
    }
    if (!right && EXAM_ITEM_MULTIPLE == it->type && NULL != v) {
      json_array_clear(v); /* the options that are not in the key */
      for (size_t i = 0; i < it->noptions; i++) {
        bool key = false;
        for (size_t k = 0; k < it->nkey_ids; k++) {
          key = key || 0 == strcmp(it->options[i].id, it->key_ids[k]);
        }
        if (!key) {
          json_array_append_new(v, json_string(it->options[i].id));
        }
      }
    }
    return v;
  case EXAM_ITEM_TRUEFALSE:
    return json_boolean(right ? it->key_bool : !it->key_bool);
  case EXAM_ITEM_NUMERIC:
    return json_real(right ? it->key_value : it->key_value + it->key_tolerance + 1000.0);
  case EXAM_ITEM_SHORT:
    return json_string(right && it->naccepted > 0 ? it->accepted[0] : "tidak tahu");
  case EXAM_ITEM_OPEN:
    return json_string("Langkah kerja saya: menyiapkan alat dan bahan sesuai SOP, mengerjakan "
                       "tahap demi tahap, memeriksa hasil, lalu mendokumentasikannya.");
  case EXAM_ITEM_EVIDENCE: /* seeded attempts hand in no files: marked on what is there */
    return json_array();
  }
  return json_null();
}

/* Full marks (right) or zero for every rubric criterion of an open item. */
static json_t *open_marks(const struct exam_item *it, bool right) {
  json_t *m = json_object();
  for (size_t r = 0; NULL != m && r < it->nrubric; r++) {
    json_object_set_new(m, it->rubric[r].id, json_integer(right ? it->rubric[r].max_points : 0));
  }
  return m;
}

/* ------------------------------------------------------------------ attempts */

struct seed_answer {
  char item[65];
  char *value;
};

struct seed_attempt {
  long number; /* 0 .. attempts-1 */
  enum attempt_kind kind;
  long candidate;
  const struct exam *exam;
  char *form;
  char *result;
  enum verdict verdict;
  struct seed_answer *answers;
  size_t nanswers;
  int64_t started_ms, deadline_ms, finished_ms;
  int64_t id; /* out */
  /* A certified attempt's certificate, signed while building (its attempt_id is filled in
   * once the attempt is written). */
  struct store_cert cert;
  bool has_cert;
  /* An open attempt's unanswered items, with well-shaped values, for the save scenario. */
  struct seed_answer save[SAVE_ITEMS_PER_ATTEMPT];
  size_t nsave;
};

static int build_cert(struct seed *s, struct store_cert *out, const struct seed_attempt *a);

static void attempt_free(struct seed_attempt *a) {
  free(a->form);
  free(a->result);
  for (size_t i = 0; i < a->nanswers; i++) {
    free(a->answers[i].value);
  }
  free(a->answers);
  for (size_t i = 0; i < a->nsave; i++) {
    free(a->save[i].value);
  }
  if (a->has_cert) {
    store_cert_clear(&a->cert);
  }
  memset(a, 0, sizeof *a);
}

static enum attempt_kind kind_of(const struct seed_opts *o, long n) {
  if (n < o->certificates) {
    return KIND_CERTIFIED;
  }
  if (n < o->certificates + o->issuable) {
    return KIND_ISSUABLE;
  }
  if (n < o->certificates + o->issuable + o->open) {
    return KIND_OPEN;
  }
  return KIND_BK;
}

/* Builds attempt n in memory: its candidate and exam, drawn form, answers and score. */
/* What an assessor recorded for the exam's observation units on a finished seeded attempt:
 * every KUK observed when the attempt is to be K, none when BK ({unit: {kuk: observed}}, as
 * score_form_observed takes it). NULL when memory runs out. */
static json_t *seed_observations(const struct exam *x, bool observed) {
  json_t *all = json_object();
  for (size_t u = 0; NULL != all && u < x->nunits; u++) {
    const struct exam_unit *unit = &x->units[u];
    json_t *kuks = exam_unit_is_observed(unit) ? json_object() : NULL;
    for (size_t e = 0; NULL != kuks && e < unit->nelements; e++) {
      for (size_t k = 0; k < unit->elements[e].nkuk; k++) {
        json_object_set_new(kuks, unit->elements[e].kuk[k].id, json_boolean(observed));
      }
    }
    if (exam_unit_is_observed(unit) &&
        (NULL == kuks || 0 != json_object_set_new(all, unit->code, kuks))) {
      json_decref(all);
      return NULL;
    }
  }
  return all;
}

/* The records seed_observations describes, written for attempt a by the seed's admin. */
static int put_observations(struct store_tx *tx, const struct seed *s,
                            const struct seed_attempt *a) {
  bool observed = KIND_BK != a->kind;
  for (size_t u = 0; u < a->exam->nunits; u++) {
    const struct exam_unit *unit = &a->exam->units[u];
    for (size_t e = 0; exam_unit_is_observed(unit) && e < unit->nelements; e++) {
      for (size_t k = 0; k < unit->elements[e].nkuk; k++) {
        struct store_observation o = {.attempt_id = a->id,
                                      .observed = observed,
                                      .assessor_id = s->admin_id,
                                      .recorded_ms = a->finished_ms,
                                      .saved_ms = a->finished_ms};
        bool applied = false;
        snprintf(o.unit_code, sizeof o.unit_code, "%s", unit->code);
        snprintf(o.kuk_id, sizeof o.kuk_id, "%s", unit->elements[e].kuk[k].id);
        snprintf(o.op, sizeof o.op, "seed-attempt-%lld", (long long)a->id);
        int rc = store_observation_put(tx, &o, &applied);
        if (STORE_OK != rc) {
          return rc;
        }
      }
    }
  }
  return STORE_OK;
}

static int build_attempt(struct seed *s, struct seed_attempt *a, long n) {
  struct exam_form *form = NULL;
  json_t *fj = NULL, *answers = NULL, *marks = NULL, *rj = NULL, *obs = NULL;
  struct score_result *res = NULL;
  int rc = -1;
  memset(a, 0, sizeof *a);
  a->number = n;
  a->kind = kind_of(&s->o, n);
  /* Candidate c's k-th attempt is at exam (c + k) mod nexams, so (candidate, exam) pairs
   * are distinct while attempts <= candidates * exams. */
  a->candidate = n % s->o.candidates;
  a->exam = s->exams[((size_t)a->candidate + (size_t)(n / s->o.candidates)) % s->nexams];
  bool right = KIND_BK != a->kind;
  if (0 != exam_form_assemble(&form, a->exam, form_seed(n)) ||
      NULL == (fj = exam_form_to_json(form)) || NULL == (a->form = json_dumps(fj, JSON_COMPACT))) {
    goto cleanup;
  }
  size_t total = exam_form_item_count(form);
  size_t answered = KIND_OPEN == a->kind ? total / 2 : total;
  a->answers = calloc(total > 0 ? total : 1, sizeof *a->answers);
  answers = json_object();
  marks = json_object();
  if (NULL == a->answers || NULL == answers || NULL == marks) {
    goto cleanup;
  }
  for (size_t u = 0; u < form->nunits; u++) {
    for (size_t i = 0; i < form->units[u].nitems; i++) {
      const struct exam_item *it = form->units[u].items[i].item;
      if (a->nanswers >= answered) {
        break;
      }
      json_t *v = answer_value(it, right);
      char *text = NULL == v ? NULL : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
      if (NULL == text || strlen(it->id) >= sizeof a->answers[0].item) {
        json_decref(v);
        free(text);
        goto cleanup;
      }
      json_object_set_new(answers, it->id, v);
      if (exam_item_is_open(it)) {
        json_object_set_new(marks, it->id, open_marks(it, right));
      }
      memcpy(a->answers[a->nanswers].item, it->id, strlen(it->id) + 1);
      a->answers[a->nanswers++].value = text;
    }
  }
  /* The store stamps an attempt's start with the transaction's clock (no back-dating), so
   * every seeded attempt starts now; finished ones are finished at once. */
  a->started_ms = clock_wall_ms();
  a->deadline_ms = a->started_ms + (int64_t)a->exam->duration_minutes * 60000 + 60000;
  a->finished_ms = a->started_ms;
  if (KIND_OPEN != a->kind) {
    if (NULL == (obs = seed_observations(a->exam, right)) ||
        0 != score_form_observed(&res, form, answers, marks, obs) ||
        NULL == (rj = score_result_json(res, form))) {
      goto cleanup;
    }
    json_object_set_new(rj, "finished", json_string(attempt_status_name(ATTEMPT_SUBMITTED)));
    a->result = json_dumps(rj, JSON_COMPACT);
    a->verdict = res->overall;
    if (NULL == a->result || (right != (VERDICT_K == res->overall))) {
      fprintf(stderr, "ujikom seed: exam %s: seeded answers scored %s, expected %s\n", a->exam->id,
              verdict_name(a->verdict), verdict_name(right ? VERDICT_K : VERDICT_BK));
      goto cleanup;
    }
  }
  if (KIND_OPEN == a->kind) {
    /* Items of the unanswered half (from the end of each unit), for the save scenario. */
    for (size_t u = 0; u < form->nunits && a->nsave < SAVE_ITEMS_PER_ATTEMPT; u++) {
      for (size_t i = form->units[u].nitems; i-- > 0 && a->nsave < SAVE_ITEMS_PER_ATTEMPT;) {
        const struct exam_item *item = form->units[u].items[i].item;
        json_t *v = answer_value(item, true);
        struct seed_answer *sa = &a->save[a->nsave];
        sa->value = NULL == v ? NULL : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        json_decref(v);
        if (NULL == sa->value || strlen(item->id) >= sizeof sa->item) {
          free(sa->value);
          sa->value = NULL;
          goto cleanup;
        }
        memcpy(sa->item, item->id, strlen(item->id) + 1);
        a->nsave++;
      }
    }
  }
  if (KIND_CERTIFIED == a->kind) {
    if (0 != build_cert(s, &a->cert, a)) {
      goto cleanup;
    }
    a->has_cert = true;
  }
  rc = 0;
cleanup:
  json_decref(rj);
  json_decref(obs);
  score_result_free(res);
  json_decref(marks);
  json_decref(answers);
  json_decref(fj);
  exam_form_free(form);
  return rc;
}

struct build_job {
  struct seed *s;
  struct seed_attempt *batch;
  size_t n, first, step;
  long from;
  int failed;
};

static void *build_worker(void *arg) {
  struct build_job *j = arg;
  for (size_t i = j->first; i < j->n; i += j->step) {
    if (0 != build_attempt(j->s, &j->batch[i], j->from + (long)i)) {
      j->failed = 1;
    }
  }
  return NULL;
}

/* Attempts being built on o.threads threads (forms, answers, scores and certificate
 * signatures are pure computations), while the caller writes the previous batch. */
struct builder {
  struct build_job jobs[64];
  pthread_t tids[64];
  size_t started, wanted;
};

static void build_start(struct seed *s, struct builder *b, struct seed_attempt *batch, size_t n,
                        long from) {
  b->wanted = s->o.threads > 64 ? 64 : (size_t)s->o.threads;
  b->started = 0;
  memset(batch, 0, n * sizeof *batch);
  for (size_t t = 0; t < b->wanted; t++) {
    b->jobs[t] = (struct build_job){s, batch, n, t, b->wanted, from, 0};
    if (0 != pthread_create(&b->tids[t], NULL, build_worker, &b->jobs[t])) {
      break;
    }
    b->started++;
  }
}

/* Returns 0, or -1 when any attempt failed (all entries are then safe to attempt_free). */
static int build_join(struct builder *b) {
  int failed = 0;
  for (size_t t = 0; t < b->started; t++) {
    pthread_join(b->tids[t], NULL);
    failed |= b->jobs[t].failed;
  }
  return failed || b->started < b->wanted ? -1 : 0;
}

struct attempts_batch {
  struct seed *s;
  struct seed_attempt *list;
  size_t n;
};

static int attempts_txn(struct store_tx *tx, void *arg) {
  struct attempts_batch *b = arg;
  for (size_t i = 0; i < b->n; i++) {
    struct seed_attempt *a = &b->list[i];
    int rc = store_attempt_create(tx, &a->id, b->s->user_ids[a->candidate], a->exam->id,
                                  a->exam->version, a->form, a->deadline_ms);
    for (size_t k = 0; STORE_OK == rc && k < a->nanswers; k++) {
      rc = store_answer_put(tx, a->id, a->answers[k].item, a->answers[k].value, a->started_ms);
    }
    if (STORE_OK == rc && KIND_OPEN != a->kind) {
      rc =
          store_attempt_finish(tx, a->id, ATTEMPT_SUBMITTED, a->finished_ms, a->verdict, a->result);
    }
    if (STORE_OK == rc && KIND_OPEN != a->kind) {
      rc = put_observations(tx, b->s, a);
    }
    if (STORE_OK != rc) {
      return rc;
    }
  }
  return STORE_OK;
}

static int sources_txn(struct store_tx *tx, void *arg) {
  struct seed *s = arg;
  for (size_t i = 0; i < s->nexams; i++) {
    const char *src = NULL, *file = NULL;
    size_t len = 0;
    if (0 != catalog_source(s->catalog, s->exams[i]->version, &src, &len, &file)) {
      return STORE_HARD;
    }
    int rc = store_exam_source_put(tx, s->exams[i]->version, s->exams[i]->id, file, src, len);
    if (STORE_OK != rc) {
      return rc;
    }
  }
  return STORE_OK;
}

/* ------------------------------------------------------------------ certificates */

/* The claims of a certificate for attempt a, built and signed by the issuing code's own
 * functions (the seed differs only in its holder, its clock and its audit transaction). */
static int build_cert(struct seed *s, struct store_cert *out, const struct seed_attempt *a) {
  struct cert_claims *cl = calloc(1, sizeof *cl);
  int rc = -1;
  if (NULL == cl) {
    return -1;
  }
  memset(out, 0, sizeof *out);
  holder_name(cl->holder, sizeof cl->holder, a->candidate);
  /* issued: the seed's start, certainly not in the future */
  if (0 != issue_claims_from_exam(cl, a->exam, catalog_subsectors(s->catalog),
                                  s->cfg.cert_validity_years, s->now_ms / 1000, s->cfg.cert_issuer,
                                  s->o.public_url)) {
    goto cleanup;
  }
  if (0 != issue_cert_sign(out, cl, keystore_active(s->keys))) {
    store_cert_clear(out);
    goto cleanup;
  }
  out->user_id = s->user_ids[a->candidate];
  rc = 0;
cleanup:
  free(cl);
  return rc;
}

struct certs_batch {
  struct seed_attempt *list;
  size_t n;
};

static int certs_txn(struct store_tx *tx, void *arg) {
  struct certs_batch *b = arg;
  for (size_t i = 0; i < b->n; i++) {
    const struct store_cert *c = &b->list[i].cert;
    char subject[48], after[256];
    if (!b->list[i].has_cert) {
      continue;
    }
    int rc = store_cert_insert(tx, c);
    if (STORE_OK == rc) {
      rc = certlog_append_tx(tx, CERTLOG_ISSUE, c, NULL);
    }
    if (STORE_OK != rc) {
      return rc;
    }
    snprintf(subject, sizeof subject, "certificate:%s", c->serial);
    snprintf(after, sizeof after, "{\"attempt\":%" PRId64 ",\"serial\":\"%s\",\"kid\":\"%s\"}",
             c->attempt_id, c->serial, c->kid);
    rc =
        store_audit_append(tx, NULL, STORE_AUDIT_SYSTEM, "certificate.issue", subject, NULL, after);
    if (STORE_OK != rc) {
      return rc;
    }
  }
  return STORE_OK;
}

/* ------------------------------------------------------------------ sessions */

struct sessions_batch {
  const int64_t *user_ids;
  char (*tokens)[SESSION_TOKEN_LEN + 1];
  size_t n;
  int64_t now_ms;
  int64_t idle_ms, max_ms; /* the lifetimes a log-in gives (config's session-idle, -max) */
};

/* Sessions as a log-in to ujikomd at its default settings makes them: idle expiry and
 * absolute expiry from the same config. A longer idle expiry than the daemon's would be
 * shortened by its first touch, and a shortened session moves the session state generation
 * (migration 0035), which makes every process read all its sessions again. */
static int sessions_txn(struct store_tx *tx, void *arg) {
  struct sessions_batch *b = arg;
  for (size_t i = 0; i < b->n; i++) {
    struct store_session ss = {.user_id = b->user_ids[i],
                               .created_ms = b->now_ms,
                               .last_seen_ms = b->now_ms,
                               .expires_ms =
                                   b->now_ms + (b->idle_ms < b->max_ms ? b->idle_ms : b->max_ms),
                               .absolute_expires_ms = b->now_ms + b->max_ms};
    if (0 != session_token_hash(ss.token_hash, b->tokens[i])) {
      return STORE_HARD;
    }
    int rc = store_session_create(tx, &ss);
    if (STORE_OK != rc) {
      return rc;
    }
  }
  return STORE_OK;
}

/* Creates one session per user in ids and writes their bearer tokens into tokens. */
static int make_sessions(struct seed *s, const int64_t *ids, size_t n,
                         char (*tokens)[SESSION_TOKEN_LEN + 1]) {
  for (size_t i = 0; i < n; i++) {
    if (0 != session_token_new(tokens[i])) {
      return STORE_HARD;
    }
  }
  for (size_t from = 0; from < n; from += USERS_PER_TXN) {
    size_t k = n - from < USERS_PER_TXN ? n - from : USERS_PER_TXN;
    struct sessions_batch b = {ids + from,
                               tokens + from,
                               k,
                               s->now_ms,
                               (int64_t)s->cfg.session_idle_s * 1000,
                               (int64_t)s->cfg.session_max_s * 1000};
    int rc = store_txn(s->store, sessions_txn, &b);
    if (STORE_OK != rc) {
      return rc;
    }
  }
  return STORE_OK;
}

/* ------------------------------------------------------------------ manifest */

static FILE *manifest_open(const struct seed *s, const char *name) {
  char path[PATH_MAX + 64];
  snprintf(path, sizeof path, "%s/%s", s->o.manifest, name);
  FILE *f = fopen(path, "w");
  if (NULL == f) {
    fprintf(stderr, "ujikom seed: %s: %s\n", path, strerror(errno));
  }
  return f;
}

static int manifest_close(FILE *f) {
  return (NULL == f || 0 != fclose(f)) ? -1 : 0;
}

/* ------------------------------------------------------------------ the run */

static double seconds_since(int64_t t0_ms) {
  return (double)(clock_mono_ms() - t0_ms) / 1e3;
}

static void seed_log(void *ctx, enum store_log_level level, const char *msg) {
  (void)ctx;
  if (level <= STORE_LOG_WARN) {
    fprintf(stderr, "ujikom seed: store: %s\n", msg);
  }
}

/* Writes one built batch: the attempts, then the certificates of the certified ones, and
 * the manifest lines; takes the open attempts' save items into open_items. */
static int write_batch(struct seed *s, struct seed_attempt *batch, size_t n, FILE *verify,
                       FILE *issuable, int64_t *open_owner, int64_t *open_ids,
                       struct seed_answer *open_items, size_t *nopen) {
  struct attempts_batch ab = {s, batch, n};
  size_t ncerts = 0;
  int rc = store_txn(s->store, attempts_txn, &ab);
  for (size_t i = 0; STORE_OK == rc && i < n; i++) {
    struct seed_attempt *a = &batch[i];
    if (a->has_cert) {
      a->cert.attempt_id = a->id;
      if (NULL != verify) {
        fprintf(verify, "%s\n", a->cert.qr_token);
      }
      ncerts++;
    } else if (KIND_ISSUABLE == a->kind && NULL != issuable) {
      fprintf(issuable, "%" PRId64 "\n", a->id);
    } else if (KIND_OPEN == a->kind && *nopen < (size_t)s->o.open) {
      open_owner[*nopen] = s->user_ids[a->candidate];
      open_ids[*nopen] = a->id;
      for (size_t k = 0; k < a->nsave; k++) {
        open_items[*nopen * SAVE_ITEMS_PER_ATTEMPT + k] = a->save[k];
        a->save[k].value = NULL;
      }
      a->nsave = 0;
      ++*nopen;
    }
  }
  if (STORE_OK == rc && ncerts > 0) {
    struct certs_batch cb = {batch, n};
    rc = store_txn(s->store, certs_txn, &cb);
  }
  return rc;
}

/* Writes every attempt, the certificates of the certified ones and (with --manifest) the
 * lists for the load scripts. Batches are built on threads while the previous one is
 * written, so the single writer and the builders overlap. */
static int seed_attempts_and_certs(struct seed *s) {
  struct seed_attempt *bufs[2] = {calloc(ATTEMPTS_PER_TXN, sizeof *bufs[0]),
                                  calloc(ATTEMPTS_PER_TXN, sizeof *bufs[1])};
  struct builder *builder = calloc(1, sizeof *builder);
  int64_t *open_owner = calloc((size_t)s->o.open + 1, sizeof *open_owner);
  int64_t *open_ids = calloc((size_t)s->o.open + 1, sizeof *open_ids);
  struct seed_answer *open_items =
      calloc((size_t)s->o.open * SAVE_ITEMS_PER_ATTEMPT + 1, sizeof *open_items);
  size_t nopen = 0;
  FILE *verify = NULL, *issuable = NULL;
  int rc = STORE_UNAVAILABLE;
  if (NULL == bufs[0] || NULL == bufs[1] || NULL == builder || NULL == open_owner ||
      NULL == open_ids || NULL == open_items) {
    goto cleanup;
  }
  if (s->o.manifest[0] && (NULL == (verify = manifest_open(s, "verify.txt")) ||
                           NULL == (issuable = manifest_open(s, "issuable.txt")))) {
    goto cleanup;
  }
  rc = STORE_OK;
  int cur = 0;
  size_t n = (size_t)(s->o.attempts < ATTEMPTS_PER_TXN ? s->o.attempts : ATTEMPTS_PER_TXN);
  if (n > 0) {
    build_start(s, builder, bufs[cur], n, 0);
  }
  for (long from = 0, next = 0; from < s->o.attempts; from = next) {
    size_t built = n;
    if (0 != build_join(builder)) {
      rc = STORE_HARD;
    }
    next = from + (long)built;
    n = (size_t)(s->o.attempts - next < ATTEMPTS_PER_TXN ? s->o.attempts - next : ATTEMPTS_PER_TXN);
    bool building = STORE_OK == rc && next < s->o.attempts;
    if (building) {
      build_start(s, builder, bufs[1 - cur], n, next);
    }
    if (STORE_OK == rc) {
      rc = write_batch(s, bufs[cur], built, verify, issuable, open_owner, open_ids, open_items,
                       &nopen);
    }
    for (size_t i = 0; i < built; i++) {
      attempt_free(&bufs[cur][i]);
    }
    if (STORE_OK != rc) {
      if (building) {
        (void)build_join(builder);
        for (size_t i = 0; i < n; i++) {
          attempt_free(&bufs[1 - cur][i]);
        }
      }
      fprintf(stderr, "ujikom seed: attempts %ld-%ld: %s\n", from, next - 1,
              STORE_HARD == rc ? "failed" : store_rc_name(rc));
      goto cleanup;
    }
    if (0 == (next / ATTEMPTS_PER_TXN) % 20 || next == s->o.attempts) {
      fprintf(stderr, "ujikom seed: %ld/%ld attempts\n", next, s->o.attempts);
    }
    cur = 1 - cur;
  }
  if (s->o.manifest[0]) {
    /* Bearer sessions of the open attempts' owners (form, save and submit scenarios). */
    char(*tokens)[SESSION_TOKEN_LEN + 1] = calloc(nopen + 1, sizeof *tokens);
    FILE *open_f = manifest_open(s, "open.tsv"), *save_f = manifest_open(s, "save.tsv");
    if (NULL == tokens || NULL == open_f || NULL == save_f) {
      rc = STORE_UNAVAILABLE;
    }
    if (STORE_OK == rc) {
      rc = make_sessions(s, open_owner, nopen, tokens);
    }
    for (size_t i = 0; STORE_OK == rc && i < nopen; i++) {
      fprintf(open_f, "%s\t%" PRId64 "\n", tokens[i], open_ids[i]);
      for (size_t k = 0; k < SAVE_ITEMS_PER_ATTEMPT; k++) {
        const struct seed_answer *sa = &open_items[i * SAVE_ITEMS_PER_ATTEMPT + k];
        if (NULL != sa->value) {
          fprintf(save_f, "%s\t%" PRId64 "\t%s\t%s\n", tokens[i], open_ids[i], sa->item, sa->value);
        }
      }
    }
    if (NULL != tokens) {
      OPENSSL_cleanse(tokens, (nopen + 1) * sizeof *tokens);
    }
    free(tokens);
    if (0 != manifest_close(open_f) || 0 != manifest_close(save_f)) {
      rc = STORE_OK == rc ? STORE_UNAVAILABLE : rc;
    }
  }
cleanup:
  for (size_t i = 0; NULL != open_items && i < (size_t)s->o.open * SAVE_ITEMS_PER_ATTEMPT; i++) {
    free(open_items[i].value);
  }
  free(open_items);
  free(open_ids);
  free(open_owner);
  free(builder);
  free(bufs[0]);
  free(bufs[1]);
  if ((NULL != verify && 0 != manifest_close(verify)) ||
      (NULL != issuable && 0 != manifest_close(issuable))) {
    rc = STORE_OK == rc ? STORE_UNAVAILABLE : rc;
  }
  return rc;
}

/* Candidates with no attempt at exams[pick]: they can start it on exam day. Also the admin
 * session for issuance and the log-in list. */
static int write_people(struct seed *s, size_t pick) {
  FILE *day = manifest_open(s, "examday.tsv"), *exam = manifest_open(s, "examday_exam.txt");
  FILE *admin = manifest_open(s, "admin.token");
  char email[64];
  char token[1][SESSION_TOKEN_LEN + 1];
  int rc = STORE_OK;
  if (NULL == day || NULL == exam || NULL == admin) {
    rc = STORE_UNAVAILABLE;
  }
  /* Only candidates with a hash of their own are listed: they are the ones who log in. */
  for (long c = 0; STORE_OK == rc && c < s->o.candidates; c++) {
    if (NULL != s->hashes[c] && free_for_exam(s, c, pick)) {
      candidate_email(email, sizeof email, c);
      fprintf(day, "%s\t%s\n", email, SEED_PASSWORD);
    }
  }
  if (NULL != exam) {
    fprintf(exam, "%s\n", s->exams[pick]->id);
  }
  if (STORE_OK == rc) {
    rc = make_sessions(s, &s->admin_id, 1, token);
  }
  if (STORE_OK == rc) {
    fprintf(admin, "%s\n", token[0]);
  }
  OPENSSL_cleanse(token, sizeof token);
  if (0 != manifest_close(day) || 0 != manifest_close(exam) || 0 != manifest_close(admin)) {
    rc = STORE_OK == rc ? STORE_UNAVAILABLE : rc;
  }
  return rc;
}

int cmd_seed(int argc, char **argv) {
  struct seed s;
  char err[1024] = "", db[PATH_MAX + 16];
  struct stat st;
  int status = 1;
  memset(&s, 0, sizeof s);
  int64_t t0 = clock_mono_ms();
  if (0 != parse_args(&s.o, argc, argv)) {
    seed_usage(stderr);
    return 2;
  }
  {
    char *cfg_argv[] = {argv[0], NULL};
    bool help = false;
    if (0 != config_load(&s.cfg, 1, cfg_argv, &help, err, sizeof err)) {
      fprintf(stderr, "ujikom seed: %s\n", err);
      return 2;
    }
  }
  if ('\0' == s.o.public_url[0]) {
    snprintf(s.o.public_url, sizeof s.o.public_url, "%s", s.cfg.public_url);
  }
  if (0 != stat(s.o.data_dir, &st) && (ENOENT != errno || 0 != mkdir(s.o.data_dir, 0700))) {
    fprintf(stderr, "ujikom seed: %s: %s\n", s.o.data_dir, strerror(errno));
    return 1;
  }
  config_db_path(db, sizeof db, s.o.data_dir);
  if (0 == stat(db, &st)) {
    fprintf(stderr, "ujikom seed: %s exists; seed only fills a fresh data directory\n", db);
    return 1;
  }
  if (s.o.manifest[0] && 0 != stat(s.o.manifest, &st) && 0 != mkdir(s.o.manifest, 0700)) {
    fprintf(stderr, "ujikom seed: %s: %s\n", s.o.manifest, strerror(errno));
    return 1;
  }
  /* Bulk load: the data directory is fresh and made again by running seed again, so its
   * commits need not survive a power loss (the daemon opens it with synchronous=FULL). */
  struct store_opts so = {
      .busy_timeout_ms = 5000, .txn_retries = 3, .log = seed_log, .bulk_load = true};
  if (STORE_OK != store_open(&s.store, db, &so, err, sizeof err) ||
      0 != keystore_open(&s.keys, s.o.data_dir, true, err, sizeof err) ||
      0 != catalog_open(&s.catalog, s.o.exams_dir, err, sizeof err)) {
    fprintf(stderr, "ujikom seed: %s\n", err);
    goto cleanup;
  }
  if (0 != catalog_list(s.catalog, &s.exams, &s.nexams) || 0 == s.nexams) {
    fprintf(stderr, "ujikom seed: no valid exam in %s\n", s.o.exams_dir);
    goto cleanup;
  }
  if (s.o.attempts > s.o.candidates * (long)s.nexams) {
    fprintf(stderr, "ujikom seed: at most %zu attempts per candidate (one per exam)\n", s.nexams);
    goto cleanup;
  }
  s.now_ms = clock_wall_s() * 1000;
  s.pick = s.nexams / 2;
  if (0 != hash_passwords(&s)) {
    fprintf(stderr, "ujikom seed: hashing passwords failed\n");
    goto cleanup;
  }
  fprintf(stderr, "ujikom seed: password hashes in %.1f s\n", seconds_since(t0));
  int rc = seed_users(&s);
  if (STORE_OK == rc) {
    rc = store_txn(s.store, sources_txn, &s);
  }
  if (STORE_OK != rc) {
    fprintf(stderr, "ujikom seed: users: store %s\n", store_rc_name(rc));
    goto cleanup;
  }
  fprintf(stderr, "ujikom seed: %ld users in %.1f s\n", s.o.candidates + 1, seconds_since(t0));
  rc = seed_attempts_and_certs(&s);
  if (STORE_OK == rc && s.o.manifest[0]) {
    rc = write_people(&s, s.pick);
  }
  if (STORE_OK != rc) {
    fprintf(stderr, "ujikom seed: store %s\n", store_rc_name(rc));
    goto cleanup;
  }
  printf("seeded %s: %ld candidates, %ld attempts (%ld certified, %ld passed without a "
         "certificate, %ld open, %ld belum kompeten), %ld certificates in %.1f s\n",
         s.o.data_dir, s.o.candidates, s.o.attempts, s.o.certificates, s.o.issuable, s.o.open,
         s.o.attempts - s.o.certificates - s.o.issuable - s.o.open, s.o.certificates,
         seconds_since(t0));
  status = 0;
cleanup:
  if (NULL != s.hashes) {
    for (long i = 0; i <= s.o.candidates; i++) {
      password_free(s.hashes[i]);
    }
    free(s.hashes);
  }
  password_free(s.shared_hash);
  free(s.user_ids);
  free(s.exams);
  catalog_free(s.catalog);
  keystore_free(s.keys);
  store_close(s.store);
  return status;
}
