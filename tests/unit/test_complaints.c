/*
 * The complaints' rules (common/complaints.h) against a real store: each field of a lodging
 * is refused by its own rule and named in the reason, and a refused complaint stores and
 * audits nothing; an accepted one is stored tidied with a fresh status token and audited
 * (complaint.lodge, by the account or the system) without the complainant's words or
 * contact; an administrator never takes, notes or closes a complaint they lodged; a
 * complaint is taken once, noted and closed only in review, by any administrator, who then
 * is its handler of record; every step is audited as it happened and a refused step writes
 * nothing; the status token opens the complaint with the shown notes only, staff read every
 * note, a malformed token is no complaint; the complainant replies by the token while the
 * complaint is open (audited as theirs, refused when closed) and staff see that the reply
 * waits for them until they write; lodgings and replies count in a quota's bucket as they
 * are stored, and one over it writes nothing; lists page newest first; the JSON of each view
 * carries what that reader may see; and the complainant is mailed (through the real mailer
 * and a local SMTP sink) the acknowledgement, each shown note and the outcome, in lines SMTP
 * carries, and nothing else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "common/complaints.h"
#include "common/config.h"
#include "common/mailer.h"
#include "store/store.h"
#include "test_smtp_sink.h"
#include "test_store_fixture.h"

#define BODY "Asesor datang terlambat satu jam dan ujian praktik dipersingkat."

struct fixture {
  struct temp_store t;
  struct config cfg;
  struct svc svc;
  int64_t cand, other, admin, admin2;
};

static int seed(struct store_tx *tx, void *arg) {
  struct fixture *f = arg;
  int rc =
      store_user_create(tx, &f->cand, "bagus@contoh.id", "Bagus Pratama", ROLE_CANDIDATE, "$x");
  if (STORE_OK == rc) {
    rc = store_user_create(tx, &f->other, "lain@contoh.id", "Orang Lain", ROLE_CANDIDATE, "$x");
  }
  if (STORE_OK == rc) {
    rc = store_user_create(tx, &f->admin, "admin@contoh.id", "Admin Satu", ROLE_ADMIN, "$x");
  }
  if (STORE_OK == rc) {
    rc = store_user_create(tx, &f->admin2, "admin2@contoh.id", "Admin Dua", ROLE_ADMIN, "$x");
  }
  return rc;
}

static int setup(void **state) {
  int rc = temp_store_setup_with(state, sizeof(struct fixture), "complaints", NULL, seed);
  if (0 == rc) {
    struct fixture *f = *state;
    snprintf(f->cfg.public_url, sizeof f->cfg.public_url, "https://lsp.contoh.id");
    snprintf(f->cfg.cert_issuer, sizeof f->cfg.cert_issuer, "LSP Ekonomi Kreatif");
    f->svc.cfg = &f->cfg;
    f->svc.store = f->t.s;
  }
  return rc;
}

/* A lodging everything of which passes; tests change one field. */
static struct complaints_lodging good(int64_t user) {
  return (struct complaints_lodging){.user_id = user,
                                     .name = "Dewi Anggraini",
                                     .email = "dewi@contoh.id",
                                     .category = "assessor",
                                     .about = "Jadwal uji 12 Mei 2026, TUK Bandung",
                                     .body = BODY};
}

/* Lodges in, which must pass: the complaint's id (*out filled when not NULL). */
static int64_t lodge(struct fixture *f, const struct complaints_lodging *in,
                     struct store_complaint *out) {
  struct store_complaint c;
  char why[256];
  int rc = STORE_OK;
  enum complaints_rc res = complaints_lodge(&c, &f->svc, in, NULL, why, sizeof why, &rc);
  if (COMPLAINTS_OK != res) {
    fail_msg("lodging refused (%d, store %d): %s", (int)res, rc, why);
  }
  int64_t id = c.id;
  if (NULL != out) {
    *out = c;
  } else {
    store_complaint_clear(&c);
  }
  return id;
}

/* The audit entries about complaint id, oldest first (the caller frees them). */
static size_t audit_of(struct fixture *f, struct store_audit_entry **out, int64_t id) {
  struct store_rd *rd = NULL;
  char subject[48];
  size_t n = 0;
  snprintf(subject, sizeof subject, "complaint:%lld", (long long)id);
  const struct store_audit_filter filter = {.subject = subject};
  assert_int_equal(STORE_OK, store_rd_begin(f->svc.store, &rd));
  assert_int_equal(STORE_OK, store_audit_search(rd, out, &n, &filter, 0, 100, NULL));
  store_rd_end(rd);
  for (size_t i = 0; i < n / 2; i++) {
    struct store_audit_entry e = (*out)[i];
    (*out)[i] = (*out)[n - 1 - i];
    (*out)[n - 1 - i] = e;
  }
  return n;
}

/* Every entry of the audit log: how many. */
static size_t audit_count(struct fixture *f) {
  struct store_rd *rd = NULL;
  struct store_audit_entry *list = NULL;
  size_t n = 0;
  assert_int_equal(STORE_OK, store_rd_begin(f->svc.store, &rd));
  assert_int_equal(STORE_OK, store_audit_list(rd, &list, &n, NULL, 0, 1000));
  store_rd_end(rd);
  store_audit_list_free(list, n);
  return n;
}

static void counts_are(struct fixture *f, int64_t received, int64_t in_review, int64_t closed) {
  int64_t counts[3];
  int rc = STORE_OK;
  assert_int_equal(COMPLAINTS_OK, complaints_counts(counts, &f->svc, &rc));
  assert_int_equal(received, counts[COMPLAINT_RECEIVED]);
  assert_int_equal(in_review, counts[COMPLAINT_IN_REVIEW]);
  assert_int_equal(closed, counts[COMPLAINT_CLOSED]);
}

/* ------------------------------------------------------------------------------------ */

/* A lodging with one field changed is refused, naming that field. */
static void refused_lodging(struct fixture *f, const struct complaints_lodging *in,
                            const char *why_starts) {
  struct store_complaint c;
  char why[512] = "";
  int rc = STORE_OK;
  enum complaints_rc res = complaints_lodge(&c, &f->svc, in, NULL, why, sizeof why, &rc);
  if (COMPLAINTS_INVALID_FIELD != res) {
    fail_msg("accepted (%d) what should be refused with \"%s\"", (int)res, why_starts);
  }
  assert_int_equal(STORE_OK, rc);
  assert_null(c.name);
  if (0 != strncmp(why, why_starts, strlen(why_starts))) {
    fail_msg("reason \"%s\" does not start with \"%s\"", why, why_starts);
  }
}

static char *repeated(const char *unit, size_t n) {
  size_t k = strlen(unit);
  char *s = malloc(n * k + 1);
  assert_non_null(s);
  for (size_t i = 0; i < n; i++) {
    memcpy(s + i * k, unit, k);
  }
  s[n * k] = '\0';
  return s;
}

static void test_lodge_refusals(void **state) {
  struct fixture *f = *state;
  char *long_about = repeated("x", COMPLAINT_ABOUT_MAX_CHARS + 1);
  char *long_body = repeated("a", COMPLAINT_TEXT_MAX_CHARS + 1);
  const struct {
    struct complaints_lodging in;
    const char *why;
  } cases[] = {
      {{.name = "", .category = "other", .body = BODY}, "name: "},
      {{.name = NULL, .category = "other", .body = BODY}, "name: "},
      {{.name = "Rina\xE2\x80\xAEWulandari", .category = "other", .body = BODY}, "name: "},
      {{.name = "Dewi", .email = "bukan-alamat", .category = "other", .body = BODY}, "email: "},
      {{.name = "Dewi", .email = " dewi@contoh.id", .category = "other", .body = BODY}, "email: "},
      {{.name = "Dewi", .category = "lainnya", .body = BODY},
       "category: one of assessment, assessor, certificate, exam_system, service, other."},
      {{.name = "Dewi", .category = NULL, .body = BODY}, "category: "},
      {{.name = "Dewi", .category = "other", .about = "baris satu\nbaris dua", .body = BODY},
       "about: one line"},
      {{.name = "Dewi", .category = "other", .about = long_about, .body = BODY},
       "about: at most 200 characters."},
      {{.name = "Dewi", .category = "other", .about = "a\xE2\x80\xAE", .body = BODY},
       "about: bidirectional"},
      {{.name = "Dewi", .category = "other", .body = "Terlalu pendek."},
       "body: at least 20 characters."},
      {{.name = "Dewi", .category = "other", .body = NULL}, "body: at least 20 characters."},
      {{.name = "Dewi", .category = "other", .body = long_body}, "body: at most 5000 characters."},
      {{.name = "Dewi",
        .category = "other",
        .body = "Teks dengan karakter \xC2\x85 kendali, panjang."},
       "body: control characters"},
      {{.name = "Dewi",
        .category = "other",
        .body = "Teks dengan penanda \xE2\x80\xAE arah, panjang."},
       "body: bidirectional"},
      {{.name = "Dewi", .category = "other", .body = "Teks yang rusak \xC3 di tengahnya, panjang."},
       "body: not valid UTF-8."},
  };
  size_t before = audit_count(f);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    refused_lodging(f, &cases[i].in, cases[i].why);
  }
  free(long_about);
  free(long_body);
  /* Nothing was stored or audited. */
  counts_are(f, 0, 0, 0);
  assert_int_equal(before, audit_count(f));
}

static void test_lodge_anonymous(void **state) {
  struct fixture *f = *state;
  struct store_complaint c;
  struct store_audit_entry *audit = NULL;
  struct complaints_lodging in = good(0);
  in.name = "  Dewi   Anggraini ";
  in.email = NULL;
  in.about = NULL;
  in.body = "  Baris pertama keluhan saya.\r\nBaris kedua keluhan.  ";
  int64_t id = lodge(f, &in, &c);
  assert_true(id > 0);
  assert_true(session_token_well_formed(c.token));
  assert_string_equal("Dewi Anggraini", c.name);
  assert_string_equal("", c.email);
  assert_string_equal("", c.about);
  assert_string_equal("Baris pertama keluhan saya.\nBaris kedua keluhan.", c.body);
  assert_int_equal(COMPLAINT_ASSESSOR, c.category);
  assert_int_equal(COMPLAINT_RECEIVED, c.status);
  assert_int_equal(0, c.user_id);
  assert_true(c.created_ms > 0);

  /* A second one gets another token. */
  struct store_complaint d;
  int64_t id2 = lodge(f, &in, &d);
  assert_true(id2 > id);
  assert_string_not_equal(c.token, d.token);
  store_complaint_clear(&d);

  /* Audited by the system, with the category and no personal data. */
  size_t n = audit_of(f, &audit, id);
  assert_int_equal(1, n);
  assert_string_equal("complaint.lodge", audit[0].action);
  assert_int_equal(STORE_AUDIT_SYSTEM, audit[0].actor);
  assert_null(audit[0].before);
  assert_string_equal("{\"category\":\"assessor\",\"signed_in\":false}", audit[0].after);
  store_audit_list_free(audit, n);
  store_complaint_clear(&c);
  counts_are(f, 2, 0, 0);
}

static void test_lodge_signed_in(void **state) {
  struct fixture *f = *state;
  struct store_audit_entry *audit = NULL;
  struct store_complaint *list = NULL;
  size_t n = 0;
  int rc = STORE_OK;
  struct complaints_lodging in = good(f->cand);
  in.category = "exam_system";
  int64_t id = lodge(f, &in, NULL);
  lodge(f, &(struct complaints_lodging){.name = "X", .category = "other", .body = BODY}, NULL);

  n = audit_of(f, &audit, id);
  assert_int_equal(1, n);
  assert_int_equal(f->cand, audit[0].actor);
  assert_string_equal("{\"category\":\"exam_system\",\"signed_in\":true}", audit[0].after);
  store_audit_list_free(audit, n);

  assert_int_equal(COMPLAINTS_OK, complaints_of_user(&list, &n, &f->svc, f->cand, &rc));
  assert_int_equal(1, n);
  assert_int_equal(id, list[0].id);
  assert_int_equal(f->cand, list[0].user_id);
  store_complaint_list_free(list, n);
  assert_int_equal(COMPLAINTS_OK, complaints_of_user(&list, &n, &f->svc, f->other, &rc));
  assert_int_equal(0, n);
  store_complaint_list_free(list, n);
}

/* ------------------------------------------------------------------------------------ */

/* Takes id as admin, declaring no involvement. */
static enum complaints_rc take(struct fixture *f, int64_t id, int64_t admin) {
  struct store_complaint c;
  char why[256];
  int rc = STORE_OK;
  enum complaints_rc res = complaints_take(&c, &f->svc, id, admin, true, why, sizeof why, &rc);
  assert_int_equal(STORE_OK, rc);
  if (COMPLAINTS_OK == res) {
    assert_int_equal(COMPLAINT_IN_REVIEW, c.status);
    assert_int_equal(admin, c.handler_id);
  } else {
    assert_null(c.name);
  }
  store_complaint_clear(&c);
  return res;
}

static enum complaints_rc note(struct fixture *f, int64_t id, int64_t admin, bool shown,
                               const char *text, char *why, size_t whylen) {
  struct store_complaint c;
  int rc = STORE_OK;
  enum complaints_rc res = complaints_note(&c, &f->svc, id, admin, shown, text, why, whylen, &rc);
  assert_int_equal(STORE_OK, rc);
  store_complaint_clear(&c);
  return res;
}

static enum complaints_rc close_with(struct fixture *f, int64_t id, int64_t admin,
                                     const char *outcome, const char *text, char *why,
                                     size_t whylen) {
  struct store_complaint c;
  int rc = STORE_OK;
  enum complaints_rc res =
      complaints_close(&c, &f->svc, id, admin, true, outcome, text, why, whylen, &rc);
  assert_int_equal(STORE_OK, rc);
  if (COMPLAINTS_OK == res) {
    assert_int_equal(COMPLAINT_CLOSED, c.status);
    assert_int_equal(admin, c.handler_id);
  }
  store_complaint_clear(&c);
  return res;
}

static void test_own_complaint(void **state) {
  struct fixture *f = *state;
  char why[256];
  int64_t id =
      lodge(f,
            &(struct complaints_lodging){
                .user_id = f->admin2, .name = "Admin Dua", .category = "service", .body = BODY},
            NULL);
  size_t before = audit_count(f);
  assert_int_equal(COMPLAINTS_OWN, take(f, id, f->admin2));
  assert_int_equal(COMPLAINTS_OK, take(f, id, f->admin));
  assert_int_equal(COMPLAINTS_OWN, note(f, id, f->admin2, true, "Saya tangani.", why, sizeof why));
  assert_int_equal(COMPLAINTS_OWN,
                   close_with(f, id, f->admin2, "not_upheld", "Tidak.", why, sizeof why));
  assert_int_equal(before + 1, audit_count(f)); /* only the take */
  assert_int_equal(COMPLAINTS_OK,
                   close_with(f, id, f->admin, "not_upheld", "Tidak terbukti.", why, sizeof why));
}

/* Taking and closing need the handler's declaration that they were not involved: without
 * it nothing is written, and the refusal names the field. */
static void test_not_involved_declared(void **state) {
  struct fixture *f = *state;
  char why[256] = "";
  struct store_complaint c;
  int rc = STORE_OK;
  struct complaints_lodging in = good(0);
  int64_t id = lodge(f, &in, NULL);
  size_t audited = audit_count(f);
  assert_int_equal(COMPLAINTS_INVALID_FIELD,
                   complaints_take(&c, &f->svc, id, f->admin, false, why, sizeof why, &rc));
  assert_int_equal(0, strncmp(why, "not_involved: ", 14));
  store_complaint_clear(&c);
  assert_int_equal(audited, audit_count(f));
  counts_are(f, 1, 0, 0);
  assert_int_equal(COMPLAINTS_OK, take(f, id, f->admin));
  why[0] = '\0';
  assert_int_equal(COMPLAINTS_INVALID_FIELD,
                   complaints_close(&c, &f->svc, id, f->admin2, false, "upheld", "Diterima.", why,
                                    sizeof why, &rc));
  assert_int_equal(0, strncmp(why, "not_involved: ", 14));
  store_complaint_clear(&c);
  assert_int_equal(STORE_OK, rc);
  counts_are(f, 0, 1, 0);
}

static void test_handling(void **state) {
  struct fixture *f = *state;
  char why[256] = "";
  struct store_complaint c, *list = NULL;
  struct store_complaint_note *notes = NULL;
  struct store_audit_entry *audit = NULL;
  size_t n = 0;
  int rc = STORE_OK;
  struct complaints_lodging in = good(f->cand);
  int64_t id = lodge(f, &in, &c);
  char token[SESSION_TOKEN_LEN + 1];
  memcpy(token, c.token, sizeof token);
  store_complaint_clear(&c);
  int64_t nowhere = id + 1000;
  size_t audited = audit_count(f);

  /* Not taken yet: no note, no close; nothing for a complaint not there. */
  assert_int_equal(COMPLAINTS_NOT_IN_REVIEW,
                   note(f, id, f->admin, false, "Catatan.", why, sizeof why));
  assert_int_equal(COMPLAINTS_NOT_IN_REVIEW,
                   close_with(f, id, f->admin, "upheld", "Diterima.", why, sizeof why));
  assert_int_equal(COMPLAINTS_NOT_FOUND, take(f, nowhere, f->admin));
  assert_int_equal(COMPLAINTS_NOT_FOUND, note(f, nowhere, f->admin, true, "x", why, sizeof why));
  assert_int_equal(COMPLAINTS_NOT_FOUND,
                   close_with(f, nowhere, f->admin, "upheld", "x", why, sizeof why));
  assert_int_equal(audited, audit_count(f));

  assert_int_equal(COMPLAINTS_OK, take(f, id, f->admin));
  assert_int_equal(COMPLAINTS_NOT_RECEIVED, take(f, id, f->admin));
  assert_int_equal(COMPLAINTS_NOT_RECEIVED, take(f, id, f->admin2));
  counts_are(f, 0, 1, 0);

  /* Notes: the text's rule, then one for staff and one shown (by another administrator). */
  assert_int_equal(COMPLAINTS_INVALID_FIELD,
                   note(f, id, f->admin, true, "  \r\n ", why, sizeof why));
  assert_string_equal("text: missing.", why);
  assert_int_equal(COMPLAINTS_INVALID_FIELD, note(f, id, f->admin, true, NULL, why, sizeof why));
  assert_int_equal(COMPLAINTS_INVALID_FIELD, note(f, id, f->admin, true,
                                                  "a\xE2\x80\xAE"
                                                  "b",
                                                  why, sizeof why));
  assert_string_equal("text: bidirectional formatting characters are not allowed.", why);
  assert_int_equal(COMPLAINTS_OK,
                   note(f, id, f->admin, false, "Cek log penerbitan, rahasia.", why, sizeof why));
  assert_int_equal(COMPLAINTS_OK, note(f, id, f->admin2, true,
                                       "Kami sedang memeriksa data Anda.\r\n", why, sizeof why));

  /* The complainant's link shows the shown note; staff read both. */
  assert_int_equal(COMPLAINTS_OK, complaints_open(&c, &notes, &n, &f->svc, token, &rc));
  assert_int_equal(id, c.id);
  assert_int_equal(1, n);
  assert_int_equal(2, notes[0].seq);
  assert_string_equal("Kami sedang memeriksa data Anda.", notes[0].body);
  store_complaint_notes_free(notes, n);
  store_complaint_clear(&c);
  assert_int_equal(COMPLAINTS_OK, complaints_get(&c, &notes, &n, &f->svc, id, &rc));
  assert_int_equal(2, n);
  assert_false(notes[0].shown);
  assert_string_equal("Admin Satu", notes[0].author_name);
  assert_string_equal("Admin Dua", notes[1].author_name);
  assert_string_equal("Admin Satu", c.handler_name);
  store_complaint_notes_free(notes, n);
  store_complaint_clear(&c);
  assert_int_equal(COMPLAINTS_NOT_FOUND, complaints_get(&c, &notes, &n, &f->svc, nowhere, &rc));
  assert_int_equal(COMPLAINTS_NOT_FOUND, complaints_get(&c, &notes, &n, &f->svc, 0, &rc));

  /* Closing: the outcome's and the text's rules; then by another administrator, once. */
  assert_int_equal(COMPLAINTS_INVALID_FIELD,
                   close_with(f, id, f->admin, "maybe", "Tidak jelas.", why, sizeof why));
  assert_string_equal("outcome: upheld or not_upheld.", why);
  assert_int_equal(COMPLAINTS_INVALID_FIELD,
                   close_with(f, id, f->admin, NULL, "Tidak jelas.", why, sizeof why));
  assert_int_equal(COMPLAINTS_INVALID_FIELD,
                   close_with(f, id, f->admin, "upheld", "", why, sizeof why));
  assert_string_equal("text: missing.", why);
  assert_int_equal(COMPLAINTS_OK,
                   close_with(f, id, f->admin2, "upheld",
                              "Nama salah ketik; sertifikat diterbitkan ulang.", why, sizeof why));
  assert_int_equal(COMPLAINTS_NOT_IN_REVIEW,
                   close_with(f, id, f->admin, "not_upheld", "Lagi.", why, sizeof why));
  assert_int_equal(COMPLAINTS_NOT_IN_REVIEW,
                   note(f, id, f->admin, true, "Terlambat.", why, sizeof why));
  assert_int_equal(COMPLAINTS_NOT_RECEIVED, take(f, id, f->admin));
  counts_are(f, 0, 0, 1);

  assert_int_equal(COMPLAINTS_OK, complaints_open(&c, &notes, &n, &f->svc, token, &rc));
  assert_int_equal(COMPLAINT_CLOSED, c.status);
  assert_int_equal(COMPLAINT_UPHELD, c.outcome);
  assert_string_equal("Nama salah ketik; sertifikat diterbitkan ulang.", c.outcome_text);
  assert_int_equal(f->admin2, c.handler_id);
  assert_true(c.closed_ms >= c.taken_ms && c.taken_ms >= c.created_ms);
  store_complaint_notes_free(notes, n);
  store_complaint_clear(&c);

  /* The audit, step by step, by who acted, without words or contact. */
  n = audit_of(f, &audit, id);
  const struct {
    const char *action, *after;
    int64_t actor;
  } want[] = {
      {"complaint.lodge", "{\"category\":\"assessor\",\"signed_in\":true}", f->cand},
      {"complaint.take", "{\"not_involved\":true,\"status\":\"in_review\"}", f->admin},
      {"complaint.note", "{\"seq\":1,\"shown\":false}", f->admin},
      {"complaint.note", "{\"seq\":2,\"shown\":true}", f->admin2},
      {"complaint.close", "{\"not_involved\":true,\"outcome\":\"upheld\"}", f->admin2},
  };
  assert_int_equal(sizeof want / sizeof want[0], n);
  for (size_t i = 0; i < n; i++) {
    assert_string_equal(want[i].action, audit[i].action);
    assert_string_equal(want[i].after, audit[i].after);
    assert_int_equal(want[i].actor, audit[i].actor);
    for (const char *const *secret =
             (const char *const[]){in.name, in.email, BODY, token, "rahasia", "memeriksa", NULL};
         NULL != *secret; secret++) {
      assert_null(strstr(audit[i].after, *secret));
      assert_null(strstr(audit[i].subject, *secret));
    }
  }
  store_audit_list_free(audit, n);
  int64_t bad = 0, count = 0;
  assert_int_equal(STORE_OK, store_audit_verify(f->svc.store, &bad, &count, NULL, 0));

  assert_int_equal(COMPLAINTS_OK, complaints_of_user(&list, &n, &f->svc, f->cand, &rc));
  assert_int_equal(1, n);
  assert_int_equal(COMPLAINT_CLOSED, list[0].status);
  store_complaint_list_free(list, n);
}

/* The complainant replies with text by token: the outcome (the complaint after a reply
 * always awaits staff). */
static enum complaints_rc reply(struct fixture *f, const char *token, const char *text, char *why,
                                size_t whylen) {
  struct store_complaint c;
  int rc = STORE_OK;
  enum complaints_rc res = complaints_reply(&c, &f->svc, token, text, NULL, why, whylen, &rc);
  assert_int_equal(STORE_OK, rc);
  if (COMPLAINTS_OK == res) {
    assert_true(c.awaiting_staff);
    assert_true(c.id > 0);
  } else {
    assert_null(c.name);
  }
  store_complaint_clear(&c);
  return res;
}

/* Whether complaint id awaits staff, as staff read it (and as the queue lists it). */
static bool awaiting(struct fixture *f, int64_t id) {
  struct store_complaint c, *list = NULL;
  struct store_complaint_note *notes = NULL;
  size_t n = 0;
  int64_t next = 0;
  int rc = STORE_OK;
  assert_int_equal(COMPLAINTS_OK, complaints_get(&c, &notes, &n, &f->svc, id, &rc));
  bool got = c.awaiting_staff;
  store_complaint_notes_free(notes, n);
  store_complaint_clear(&c);
  assert_int_equal(COMPLAINTS_OK, complaints_list(&list, &n, &next, NULL, &f->svc, NULL, 0, &rc));
  bool listed = false;
  for (size_t i = 0; i < n; i++) {
    if (id == list[i].id) {
      listed = true;
      assert_int_equal(got, list[i].awaiting_staff);
    }
  }
  assert_true(listed);
  store_complaint_list_free(list, n);
  return got;
}

/* The complainant's reply, by the status token, while the complaint is received or in
 * review: stored tidied as theirs, shown to them and to staff, audited (complaint.reply, by
 * their account or the system) without the words; a malformed or unknown token, a text
 * breaking its rule and a closed complaint are refused, writing nothing. Staff see that a
 * reply waits for them until they write again or close the complaint. */
/* The quota: lodgings and replies count in one bucket, in the transaction that stores them;
 * one over it is refused with when to retry, and stores, audits and counts nothing; a refused
 * text costs nothing; another bucket is apart. */
static void test_quota(void **state) {
  struct fixture *f = *state;
  struct complaints_quota q = {.key = "complaint:ip:192.0.2.7", .per_hour = 2};
  struct complaints_quota other = {.key = "complaint:user:9", .per_hour = 2};
  struct complaints_lodging in = good(0), bad = good(0);
  struct store_complaint c;
  char why[256] = "";
  int rc = STORE_OK;
  bad.body = "pendek";

  assert_int_equal(COMPLAINTS_INVALID_FIELD,
                   complaints_lodge(&c, &f->svc, &bad, &q, why, sizeof why, &rc));
  assert_int_equal(COMPLAINTS_OK, complaints_lodge(&c, &f->svc, &in, &q, why, sizeof why, &rc));
  char token[SESSION_TOKEN_LEN + 1];
  memcpy(token, c.token, sizeof token);
  store_complaint_clear(&c);
  /* a reply refused for its text costs nothing; a stored one counts */
  assert_int_equal(COMPLAINTS_INVALID_FIELD,
                   complaints_reply(&c, &f->svc, token, " ", &q, why, sizeof why, &rc));
  assert_int_equal(COMPLAINTS_OK,
                   complaints_reply(&c, &f->svc, token, "Tambahan.", &q, why, sizeof why, &rc));
  store_complaint_clear(&c);
  size_t audited = audit_count(f);
  struct store_complaint *list = NULL;
  size_t n = 0;
  int64_t next = 0, counts[3] = {0};
  assert_int_equal(COMPLAINTS_OK, complaints_list(&list, &n, &next, counts, &f->svc, NULL, 0, &rc));
  store_complaint_list_free(list, n);
  const int64_t stored = counts[0] + counts[1] + counts[2];

  /* full: a lodging and a reply are refused, with when to retry, and nothing is written */
  for (int i = 0; i < 3; i++) {
    q.retry_after_s = 0;
    assert_int_equal(COMPLAINTS_LIMITED,
                     complaints_lodge(&c, &f->svc, &in, &q, why, sizeof why, &rc));
    assert_null(c.name);
    assert_true(q.retry_after_s >= 1 && q.retry_after_s <= 3600);
    q.retry_after_s = 0;
    assert_int_equal(COMPLAINTS_LIMITED,
                     complaints_reply(&c, &f->svc, token, "Lagi.", &q, why, sizeof why, &rc));
    assert_true(q.retry_after_s >= 1 && q.retry_after_s <= 3600);
  }
  assert_int_equal(audited, audit_count(f));
  assert_int_equal(COMPLAINTS_OK, complaints_list(&list, &n, &next, counts, &f->svc, NULL, 0, &rc));
  store_complaint_list_free(list, n);
  assert_int_equal(stored, counts[0] + counts[1] + counts[2]);
  /* the refused ones were not counted: the bucket holds the two that went through */
  struct store_rd *rd = NULL;
  struct store_ratelimit st;
  assert_int_equal(STORE_OK, store_rd_begin(f->svc.store, &rd));
  assert_int_equal(STORE_OK, store_ratelimit_get(rd, &st, q.key));
  store_rd_end(rd);
  assert_int_equal(2, st.count);

  /* another bucket, and no quota at all, are not held by this one */
  assert_int_equal(COMPLAINTS_OK, complaints_lodge(&c, &f->svc, &in, &other, why, sizeof why, &rc));
  store_complaint_clear(&c);
  assert_int_equal(COMPLAINTS_OK, complaints_lodge(&c, &f->svc, &in, NULL, why, sizeof why, &rc));
  store_complaint_clear(&c);
}

static void test_reply(void **state) {
  struct fixture *f = *state;
  char why[256] = "";
  struct store_complaint c;
  struct store_complaint_note *notes = NULL;
  struct store_audit_entry *audit = NULL;
  size_t n = 0;
  int rc = STORE_OK;
  char token[SESSION_TOKEN_LEN + 1], mine_token[SESSION_TOKEN_LEN + 1];
  struct complaints_lodging in = good(0), mine_in = good(f->cand);
  int64_t id = lodge(f, &in, &c);
  memcpy(token, c.token, sizeof token);
  store_complaint_clear(&c);
  int64_t mine = lodge(f, &mine_in, &c);
  memcpy(mine_token, c.token, sizeof mine_token);
  store_complaint_clear(&c);
  size_t audited = audit_count(f);
  assert_false(awaiting(f, id));

  /* Refused, and nothing written: no token, an unknown one, a text breaking its rule. */
  const char *no_token[] = {NULL, "", "x", "' OR 1=1 --",
                            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}; /* the last unknown */
  for (size_t i = 0; i < sizeof no_token / sizeof no_token[0]; i++) {
    assert_int_equal(COMPLAINTS_NOT_FOUND, reply(f, no_token[i], "Tambahan.", why, sizeof why));
  }
  /* a malformed token is no complaint whatever the text: not looked up, nor the text read */
  assert_int_equal(COMPLAINTS_NOT_FOUND, reply(f, "x", NULL, why, sizeof why));
  assert_int_equal(COMPLAINTS_INVALID_FIELD, reply(f, token, "  \r\n ", why, sizeof why));
  assert_string_equal("text: missing.", why);
  assert_int_equal(COMPLAINTS_INVALID_FIELD, reply(f, token, NULL, why, sizeof why));
  assert_int_equal(COMPLAINTS_INVALID_FIELD, reply(f, token,
                                                   "a\xE2\x80\xAE"
                                                   "b",
                                                   why, sizeof why));
  assert_string_equal("text: bidirectional formatting characters are not allowed.", why);
  char *long_text = repeated("x", COMPLAINT_TEXT_MAX_CHARS + 1);
  assert_int_equal(COMPLAINTS_INVALID_FIELD, reply(f, token, long_text, why, sizeof why));
  assert_string_equal("text: at most 5000 characters.", why);
  free(long_text);
  assert_int_equal(audited, audit_count(f));
  assert_int_equal(COMPLAINTS_OK, complaints_get(&c, &notes, &n, &f->svc, id, &rc));
  assert_int_equal(0, n);
  store_complaint_notes_free(notes, n);
  store_complaint_clear(&c);

  /* Received: the reply, tidied, is the complainant's and shown; staff see it waits. */
  assert_int_equal(
      COMPLAINTS_OK,
      reply(f, token, "  Jadwalnya 12 Mei, pukul 08.00.\r\nTUK Bandung.  ", why, sizeof why));
  assert_string_equal("", why);
  assert_true(awaiting(f, id));
  assert_false(awaiting(f, mine));
  assert_int_equal(COMPLAINTS_OK, complaints_open(&c, &notes, &n, &f->svc, token, &rc));
  assert_int_equal(COMPLAINT_RECEIVED, c.status);
  assert_int_equal(1, n);
  assert_int_equal(1, notes[0].seq);
  assert_true(notes[0].from_complainant);
  assert_true(notes[0].shown);
  assert_int_equal(0, notes[0].author_id);
  assert_null(notes[0].author_name);
  assert_string_equal("Jadwalnya 12 Mei, pukul 08.00.\nTUK Bandung.", notes[0].body);
  json_t *j = complaints_json(&c, notes, n, false);
  json_t *first = json_array_get(json_object_get(j, "notes"), 0);
  assert_true(json_is_true(json_object_get(first, "from_complainant")));
  assert_null(json_object_get(first, "author"));
  assert_null(json_object_get(j, "awaiting_staff"));
  json_decref(j);
  store_complaint_notes_free(notes, n);
  store_complaint_clear(&c);
  assert_int_equal(COMPLAINTS_OK, complaints_get(&c, &notes, &n, &f->svc, id, &rc));
  j = complaints_json(&c, notes, n, true);
  assert_true(json_is_true(json_object_get(j, "awaiting_staff")));
  first = json_array_get(json_object_get(j, "notes"), 0);
  assert_true(json_is_true(json_object_get(first, "from_complainant")));
  assert_true(json_is_true(json_object_get(first, "shown")));
  assert_true(json_is_null(json_object_get(first, "author")));
  assert_true(json_is_null(json_object_get(first, "author_id")));
  json_decref(j);
  store_complaint_notes_free(notes, n);
  store_complaint_clear(&c);

  /* In review: any note of staff's answers it, internal or shown; a new reply waits again. */
  assert_int_equal(COMPLAINTS_OK, take(f, id, f->admin));
  assert_true(awaiting(f, id)); /* taking it is no answer */
  assert_int_equal(COMPLAINTS_OK, note(f, id, f->admin, false, "Cek jadwal TUK.", why, sizeof why));
  assert_false(awaiting(f, id));
  assert_int_equal(COMPLAINTS_OK, reply(f, token, "Ada saksi juga.", why, sizeof why));
  assert_true(awaiting(f, id));
  assert_int_equal(COMPLAINTS_OK,
                   note(f, id, f->admin, true, "Terima kasih, kami hubungi.", why, sizeof why));
  assert_false(awaiting(f, id));
  assert_int_equal(COMPLAINTS_OK, reply(f, token, "Baik, saya tunggu.", why, sizeof why));
  assert_true(awaiting(f, id));

  /* A signed-in complainant's reply is audited as their account's. */
  assert_int_equal(COMPLAINTS_OK, reply(f, mine_token, "Tambahan dari saya.", why, sizeof why));

  /* Closed: closing answers the last reply; no reply after it, nothing written. */
  assert_int_equal(COMPLAINTS_OK,
                   close_with(f, id, f->admin, "upheld", "Diperbaiki.", why, sizeof why));
  assert_false(awaiting(f, id));
  audited = audit_count(f);
  assert_int_equal(COMPLAINTS_CLOSED, reply(f, token, "Satu lagi.", why, sizeof why));
  assert_int_equal(audited, audit_count(f));
  assert_int_equal(COMPLAINTS_OK, complaints_get(&c, &notes, &n, &f->svc, id, &rc));
  assert_int_equal(5, n);
  assert_string_equal("Baik, saya tunggu.", notes[4].body);
  store_complaint_notes_free(notes, n);
  store_complaint_clear(&c);

  /* The audit: the replies by the system (lodged without an account) or by the account, the
   * note's number only. */
  n = audit_of(f, &audit, id);
  const struct {
    const char *action, *after;
  } want[] = {
      {"complaint.lodge", "{\"category\":\"assessor\",\"signed_in\":false}"},
      {"complaint.reply", "{\"seq\":1}"},
      {"complaint.take", "{\"not_involved\":true,\"status\":\"in_review\"}"},
      {"complaint.note", "{\"seq\":2,\"shown\":false}"},
      {"complaint.reply", "{\"seq\":3}"},
      {"complaint.note", "{\"seq\":4,\"shown\":true}"},
      {"complaint.reply", "{\"seq\":5}"},
      {"complaint.close", "{\"not_involved\":true,\"outcome\":\"upheld\"}"},
  };
  assert_int_equal(sizeof want / sizeof want[0], n);
  for (size_t i = 0; i < n; i++) {
    assert_string_equal(want[i].action, audit[i].action);
    assert_string_equal(want[i].after, audit[i].after);
    if (0 == strcmp("complaint.reply", audit[i].action)) {
      assert_int_equal(STORE_AUDIT_SYSTEM, audit[i].actor);
    }
    for (const char *const *secret =
             (const char *const[]){token, "Jadwalnya", "saksi", "tunggu", in.name, in.email, NULL};
         NULL != *secret; secret++) {
      assert_null(strstr(audit[i].after, *secret));
    }
  }
  store_audit_list_free(audit, n);
  n = audit_of(f, &audit, mine);
  assert_int_equal(2, n);
  assert_string_equal("complaint.reply", audit[1].action);
  assert_int_equal(f->cand, audit[1].actor);
  store_audit_list_free(audit, n);
  int64_t bad = 0, count = 0;
  assert_int_equal(STORE_OK, store_audit_verify(f->svc.store, &bad, &count, NULL, 0));
}

static void test_open_tokens(void **state) {
  struct fixture *f = *state;
  struct store_complaint c;
  struct store_complaint_note *notes = NULL;
  size_t n = 0;
  int rc = STORE_OK;
  struct complaints_lodging in = good(0);
  lodge(f, &in, &c);
  char longer[SESSION_TOKEN_LEN + 2];
  snprintf(longer, sizeof longer, "%sA", c.token);
  store_complaint_clear(&c);
  const char *bad[] = {NULL,
                       "",
                       "x",
                       "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                       "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                       "' OR 1=1 --",
                       longer,
                       "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}; /* well-formed, unknown */
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(COMPLAINTS_NOT_FOUND, complaints_open(&c, &notes, &n, &f->svc, bad[i], &rc));
    assert_int_equal(STORE_OK, rc);
    assert_null(notes);
    assert_int_equal(0, n);
    assert_null(c.name);
  }
}

static void test_list_pages(void **state) {
  struct fixture *f = *state;
  struct store_complaint *list = NULL;
  int64_t next = -1, first = 0, last = 0;
  size_t n = 0;
  int64_t counts[3] = {0, 0, 0};
  int rc = STORE_OK;
  struct complaints_lodging in = good(0);
  in.email = "";
  for (int i = 0; i < COMPLAINTS_LIST_MAX + 5; i++) {
    last = lodge(f, &in, NULL);
    first = 0 == first ? last : first;
  }
  assert_int_equal(COMPLAINTS_OK, take(f, first, f->admin));

  assert_int_equal(COMPLAINTS_OK, complaints_list(&list, &n, &next, counts, &f->svc, NULL, 0, &rc));
  assert_int_equal(COMPLAINTS_LIST_MAX, n);
  assert_int_equal(COMPLAINTS_LIST_MAX + 4, counts[COMPLAINT_RECEIVED]);
  assert_int_equal(1, counts[COMPLAINT_IN_REVIEW]);
  assert_int_equal(0, counts[COMPLAINT_CLOSED]);
  assert_int_equal(last, list[0].id);
  assert_int_equal(list[n - 1].id, next);
  store_complaint_list_free(list, n);
  assert_int_equal(COMPLAINTS_OK,
                   complaints_list(&list, &n, &next, NULL, &f->svc, NULL, next, &rc));
  assert_int_equal(5, n);
  assert_int_equal(first, list[4].id);
  assert_int_equal(0, next);
  store_complaint_list_free(list, n);

  const enum complaint_status in_review = COMPLAINT_IN_REVIEW;
  assert_int_equal(COMPLAINTS_OK,
                   complaints_list(&list, &n, &next, NULL, &f->svc, &in_review, 0, &rc));
  assert_int_equal(1, n);
  assert_int_equal(first, list[0].id);
  assert_int_equal(0, next);
  store_complaint_list_free(list, n);
  counts_are(f, COMPLAINTS_LIST_MAX + 4, 1, 0);
}

/* ------------------------------------------------------------------------------------ */

static void test_json_views(void **state) {
  struct fixture *f = *state;
  struct store_complaint c;
  struct store_complaint_note *notes = NULL;
  size_t n = 0;
  int rc = STORE_OK;
  char why[256], ref[COMPLAINT_REF_SIZE];
  struct complaints_lodging in = good(0);
  int64_t id = lodge(f, &in, &c);
  char token[SESSION_TOKEN_LEN + 1];
  memcpy(token, c.token, sizeof token);
  complaint_ref(ref, id);

  /* Received: the complainant's view. */
  json_t *j = complaints_json(&c, NULL, 0, false);
  assert_non_null(j);
  assert_string_equal(ref, json_string_value(json_object_get(j, "reference")));
  assert_string_equal("received", json_string_value(json_object_get(j, "status")));
  assert_string_equal("assessor", json_string_value(json_object_get(j, "category")));
  assert_string_equal("Dewi Anggraini", json_string_value(json_object_get(j, "name")));
  assert_string_equal(in.about, json_string_value(json_object_get(j, "about")));
  assert_string_equal(BODY, json_string_value(json_object_get(j, "body")));
  assert_true(json_is_null(json_object_get(j, "outcome")));
  assert_true(json_is_null(json_object_get(j, "outcome_text")));
  assert_true(json_is_string(json_object_get(j, "created_at")));
  assert_true(json_is_null(json_object_get(j, "taken_at")));
  assert_true(json_is_null(json_object_get(j, "closed_at")));
  assert_int_equal(0, json_array_size(json_object_get(j, "notes")));
  assert_true(json_is_array(json_object_get(j, "notes")));
  const char *staff_only[] = {"id",      "email", "user_id",       "handler_id",
                              "handler", "token", "awaiting_staff"};
  for (size_t i = 0; i < sizeof staff_only / sizeof staff_only[0]; i++) {
    assert_null(json_object_get(j, staff_only[i]));
  }
  json_decref(j);
  store_complaint_clear(&c);

  assert_int_equal(COMPLAINTS_OK, take(f, id, f->admin));
  assert_int_equal(COMPLAINTS_OK, note(f, id, f->admin, false, "Internal.", why, sizeof why));
  assert_int_equal(COMPLAINTS_OK, note(f, id, f->admin, true, "Untuk Anda.", why, sizeof why));
  assert_int_equal(COMPLAINTS_OK,
                   close_with(f, id, f->admin, "not_upheld", "Tidak terbukti.", why, sizeof why));

  /* Closed, as staff read it: every note with its author, the contact, never the token. */
  assert_int_equal(COMPLAINTS_OK, complaints_get(&c, &notes, &n, &f->svc, id, &rc));
  j = complaints_json(&c, notes, n, true);
  assert_non_null(j);
  assert_int_equal(id, json_integer_value(json_object_get(j, "id")));
  assert_string_equal("dewi@contoh.id", json_string_value(json_object_get(j, "email")));
  assert_true(json_is_null(json_object_get(j, "user_id")));
  assert_int_equal(f->admin, json_integer_value(json_object_get(j, "handler_id")));
  assert_string_equal("Admin Satu", json_string_value(json_object_get(j, "handler")));
  assert_string_equal("not_upheld", json_string_value(json_object_get(j, "outcome")));
  assert_string_equal("Tidak terbukti.", json_string_value(json_object_get(j, "outcome_text")));
  assert_true(json_is_string(json_object_get(j, "closed_at")));
  json_t *list = json_object_get(j, "notes");
  assert_int_equal(2, json_array_size(list));
  json_t *first = json_array_get(list, 0);
  assert_int_equal(1, json_integer_value(json_object_get(first, "seq")));
  assert_true(json_is_false(json_object_get(first, "shown")));
  assert_string_equal("Internal.", json_string_value(json_object_get(first, "text")));
  assert_string_equal("Admin Satu", json_string_value(json_object_get(first, "author")));
  assert_true(json_is_false(json_object_get(first, "from_complainant")));
  assert_true(json_is_false(json_object_get(j, "awaiting_staff")));
  assert_true(json_is_string(json_object_get(first, "at")));
  char *text = json_dumps(j, 0);
  assert_null(strstr(text, token));
  free(text);
  json_decref(j);
  store_complaint_notes_free(notes, n);
  store_complaint_clear(&c);

  /* As the complainant reads it: the shown note without staff fields. */
  assert_int_equal(COMPLAINTS_OK, complaints_open(&c, &notes, &n, &f->svc, token, &rc));
  j = complaints_json(&c, notes, n, false);
  assert_non_null(j);
  list = json_object_get(j, "notes");
  assert_int_equal(1, json_array_size(list));
  first = json_array_get(list, 0);
  assert_string_equal("Untuk Anda.", json_string_value(json_object_get(first, "text")));
  assert_true(json_is_false(json_object_get(first, "from_complainant")));
  assert_null(json_object_get(first, "shown"));
  assert_null(json_object_get(first, "author"));
  assert_null(json_object_get(first, "author_id"));
  assert_string_equal("not_upheld", json_string_value(json_object_get(j, "outcome")));
  text = json_dumps(j, 0);
  assert_null(strstr(text, token));
  assert_null(strstr(text, "dewi@contoh.id"));
  assert_null(strstr(text, "Admin Satu"));
  assert_null(strstr(text, "Internal."));
  free(text);
  json_decref(j);
  store_complaint_notes_free(notes, n);
  store_complaint_clear(&c);

  char url[COMPLAINTS_URL_MAX];
  assert_true(complaints_url(url, "https://lsp.contoh.id", token));
  assert_int_equal(0, strncmp(url, "https://lsp.contoh.id/pengaduan/", 32));
  assert_string_equal(token, url + 32);
  char huge[300];
  memset(huge, 'h', sizeof huge - 1);
  huge[sizeof huge - 1] = '\0';
  assert_false(complaints_url(url, huge, token));
}

/* ------------------------------------------------------------------------------------ */
/* mail */

struct mail_fixture {
  struct fixture f; /* first: the store's fixture */
  struct smtp_sink sink;
  struct mailer *mailer;
};

static int mail_setup(void **state) {
  char url[64], err[256];
  int rc = temp_store_setup_with(state, sizeof(struct mail_fixture), "complaints-mail", NULL, seed);
  if (0 != rc) {
    return rc;
  }
  struct mail_fixture *m = *state;
  snprintf(m->f.cfg.public_url, sizeof m->f.cfg.public_url, "https://lsp.contoh.id");
  snprintf(m->f.cfg.cert_issuer, sizeof m->f.cfg.cert_issuer, "LSP Ekonomi Kreatif");
  m->f.svc.cfg = &m->f.cfg;
  m->f.svc.store = m->f.t.s;
  if (0 != smtp_sink_start(&m->sink)) {
    return -1;
  }
  snprintf(url, sizeof url, "smtp://127.0.0.1:%d", m->sink.port);
  if (0 != mailer_start(&m->mailer, url, "lsp@contoh.test", 0, err, sizeof err)) {
    fprintf(stderr, "mailer_start: %s\n", err);
    smtp_sink_stop(&m->sink);
    return -1;
  }
  m->f.svc.mailer = m->mailer;
  return 0;
}

static int mail_teardown(void **state) {
  struct mail_fixture *m = *state;
  if (NULL != m) {
    mailer_stop(m->mailer, 5);
    smtp_sink_stop(&m->sink);
  }
  return temp_store_teardown(state);
}

/* Mail number i (counting from 0), waited for. */
static const struct smtp_sink_mail *mail(struct mail_fixture *m, size_t i) {
  if (smtp_sink_wait(&m->sink, i + 1, 15000) < i + 1) {
    fail_msg("mail %zu did not come", i);
  }
  return &m->sink.mails[i];
}

static void has(const struct smtp_sink_mail *mail, const char *text) {
  if (NULL == strstr(mail->text, text)) {
    fail_msg("the mail does not say \"%s\":\n%s", text, mail->text);
  }
}

/* No line of the mail is longer than SMTP allows (998 bytes and CR LF). */
static void lines_fit(const struct smtp_sink_mail *mail) {
  for (const char *p = mail->text; '\0' != *p;) {
    const char *end = strstr(p, "\r\n");
    size_t len = NULL != end ? (size_t)(end - p) : strlen(p);
    if (len > 998) {
      fail_msg("a mail line of %zu bytes", len);
    }
    p += len + (NULL != end ? 2 : 0);
  }
}

static void test_mails(void **state) {
  struct mail_fixture *m = *state;
  struct fixture *f = &m->f;
  struct store_complaint c;
  char why[256], ref[COMPLAINT_REF_SIZE], url[COMPLAINTS_URL_MAX];

  /* Without an address nothing is mailed; with one, the acknowledgement. */
  struct complaints_lodging in = good(0);
  in.email = "";
  lodge(f, &in, NULL);
  in.email = "dewi@contoh.id";
  int64_t id = lodge(f, &in, &c);
  complaint_ref(ref, id);
  assert_true(complaints_url(url, f->cfg.public_url, c.token));
  const struct smtp_sink_mail *ack = mail(m, 0);
  assert_string_equal("dewi@contoh.id", ack->to);
  has(ack, ref);
  has(ack, url);
  has(ack, "Yth. Dewi Anggraini,");
  has(ack, "Dear Dewi Anggraini,");
  has(ack, "LSP Ekonomi Kreatif");
  lines_fit(ack);
  store_complaint_clear(&c);

  /* A note for staff is not mailed; a shown one is, and so is the outcome. A long paragraph
   * and a word longer than a mail line arrive in lines SMTP carries. */
  assert_int_equal(COMPLAINTS_OK, take(f, id, f->admin));
  assert_int_equal(COMPLAINTS_OK, note(f, id, f->admin, false, "Rahasia staf.", why, sizeof why));
  char *paragraph = repeated("kata, ", 600);
  char *word = repeated("\xC3\xA9", 1000);
  size_t plen = strlen(paragraph), wlen = strlen(word);
  char *long_note = malloc(plen + wlen + 64);
  assert_non_null(long_note);
  snprintf(long_note, plen + wlen + 64, "Kami sedang memeriksa.\n%s\n%s", paragraph, word);
  assert_int_equal(COMPLAINTS_OK, note(f, id, f->admin, true, long_note, why, sizeof why));
  assert_int_equal(COMPLAINTS_OK, close_with(f, id, f->admin, "upheld",
                                             "Sertifikat diterbitkan ulang.", why, sizeof why));

  const struct smtp_sink_mail *news = mail(m, 1);
  assert_string_equal("dewi@contoh.id", news->to);
  has(news, ref);
  has(news, "Kami sedang memeriksa.");
  has(news, url);
  lines_fit(news);
  /* Every word of the paragraph and every letter of the long word came. */
  size_t words = 0, letters = 0;
  for (const char *p = news->text; NULL != (p = strstr(p, "kata,")); p += 5) {
    words++;
  }
  for (const char *p = news->text; NULL != (p = strstr(p, "\xC3\xA9")); p += 2) {
    letters++;
  }
  assert_int_equal(600, words);
  assert_int_equal(1000, letters);
  assert_null(strstr(news->text, "Rahasia staf."));

  const struct smtp_sink_mail *outcome = mail(m, 2);
  has(outcome, ref);
  has(outcome, "Sertifikat diterbitkan ulang.");
  has(outcome, "Its outcome: upheld.");
  has(outcome, url);
  lines_fit(outcome);
  /* Three mails in all: the note for staff was never mailed (mails come in order). */
  assert_int_equal(3, smtp_sink_wait(&m->sink, 4, 300));
  free(paragraph);
  free(word);
  free(long_note);
}

/* ------------------------------------------------------------------------------------ */
/* the end of the retention period */

#define DAY_MS ((int64_t)86400 * 1000)

/* Erases what is due at now_ms with retention_days: how many. */
static size_t erase_due(struct fixture *f, int64_t now_ms, int64_t retention_days) {
  size_t n = 99;
  int rc = STORE_OK;
  assert_int_equal(COMPLAINTS_OK, complaints_erase_due(&n, &f->svc, now_ms, retention_days, &rc));
  assert_int_equal(STORE_OK, rc);
  return n;
}

/* Lodges, takes and closes a complaint of the candidate's: its id; *closed_ms when it closed. */
static int64_t closed_complaint(struct fixture *f, int64_t *closed_ms) {
  struct complaints_lodging in = good(f->cand);
  struct store_complaint_note *notes = NULL;
  struct store_complaint c;
  char why[256] = "";
  size_t n = 0;
  int rc = STORE_OK;
  int64_t id = lodge(f, &in, NULL);
  assert_int_equal(COMPLAINTS_OK, take(f, id, f->admin));
  assert_int_equal(COMPLAINTS_OK, close_with(f, id, f->admin, "not_upheld",
                                             "Tidak terbukti, Bu Dewi.", why, sizeof why));
  assert_int_equal(COMPLAINTS_OK, complaints_get(&c, &notes, &n, &f->svc, id, &rc));
  *closed_ms = c.closed_ms;
  store_complaint_notes_free(notes, n);
  store_complaint_clear(&c);
  return id;
}

/* A closed complaint past its retention period keeps its record (reference, category, dates,
 * handler, outcome, its notes' number and times) and loses the complainant's personal data
 * and every text: name, text and outcome text and each note become the marker, e-mail and
 * reference empty, the account no longer linked (so the complaint leaves that account's
 * list; the status link still opens the record). It is audited by the system without the
 * words. Nothing is erased a moment before the period ends, with no period (0), nor ever an
 * open complaint; a second sweep finds nothing. */
static void test_erasure(void **state) {
  struct fixture *f = *state;
  struct store_complaint c, *list = NULL;
  struct store_complaint_note *notes = NULL;
  struct store_audit_entry *audit = NULL;
  struct complaints_lodging in = good(f->cand);
  char why[256] = "", token[SESSION_TOKEN_LEN + 1];
  size_t n = 0;
  int rc = STORE_OK;
  int64_t id = lodge(f, &in, &c);
  memcpy(token, c.token, sizeof token);
  store_complaint_clear(&c);
  assert_int_equal(COMPLAINTS_OK, take(f, id, f->admin));
  assert_int_equal(COMPLAINTS_OK,
                   note(f, id, f->admin, false, "Cek jadwal, rahasia.", why, sizeof why));
  assert_int_equal(COMPLAINTS_OK, reply(f, token, "Saya punya fotonya.", why, sizeof why));
  assert_int_equal(COMPLAINTS_OK,
                   note(f, id, f->admin, true, "Kami memeriksa foto Anda.", why, sizeof why));
  assert_int_equal(COMPLAINTS_OK, close_with(f, id, f->admin2, "upheld",
                                             "Terbukti, Bu Dewi Anggraini.", why, sizeof why));
  int64_t open = lodge(f, &in, NULL); /* stays received */
  assert_int_equal(COMPLAINTS_OK, complaints_get(&c, &notes, &n, &f->svc, id, &rc));
  const int64_t created = c.created_ms, taken = c.taken_ms, closed = c.closed_ms;
  store_complaint_notes_free(notes, n);
  store_complaint_clear(&c);
  size_t audited = audit_count(f);

  assert_int_equal(0, erase_due(f, closed + 100000 * DAY_MS, 0));
  assert_int_equal(0, erase_due(f, closed + 30 * DAY_MS, 30)); /* due after, not at, the end */
  assert_int_equal(audited, audit_count(f));
  const int64_t now = closed + 30 * DAY_MS + 1;
  assert_int_equal(1, erase_due(f, now, 30));
  assert_int_equal(0, erase_due(f, now, 30));
  assert_int_equal(0, erase_due(f, now + 1000 * DAY_MS, 30)); /* the open one: never */
  assert_int_equal(audited + 1, audit_count(f));

  assert_int_equal(COMPLAINTS_OK, complaints_get(&c, &notes, &n, &f->svc, id, &rc));
  assert_string_equal(COMPLAINTS_ERASED_TEXT, c.name);
  assert_string_equal(COMPLAINTS_ERASED_TEXT, c.body);
  assert_string_equal(COMPLAINTS_ERASED_TEXT, c.outcome_text);
  assert_string_equal("", c.email);
  assert_string_equal("", c.about);
  assert_int_equal(0, c.user_id);
  assert_int_equal(now, c.erased_ms);
  assert_int_equal(COMPLAINT_CLOSED, c.status);
  assert_int_equal(COMPLAINT_UPHELD, c.outcome);
  assert_int_equal(COMPLAINT_ASSESSOR, c.category);
  assert_int_equal(f->admin2, c.handler_id);
  assert_int_equal(created, c.created_ms);
  assert_int_equal(taken, c.taken_ms);
  assert_int_equal(closed, c.closed_ms);
  assert_int_equal(3, n);
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(i + 1, notes[i].seq);
    assert_string_equal(COMPLAINTS_ERASED_TEXT, notes[i].body);
  }
  assert_true(notes[1].from_complainant);
  json_t *j = complaints_json(&c, notes, n, true);
  assert_non_null(j);
  char *text = json_dumps(j, 0);
  assert_non_null(text);
  for (const char *const *gone = (const char *const[]){in.name, in.email, in.about, BODY, "Dewi",
                                                       "rahasia", "fotonya", "memeriksa", NULL};
       NULL != *gone; gone++) {
    if (NULL != strstr(text, *gone)) {
      fail_msg("\"%s\" is still in the erased complaint: %s", *gone, text);
    }
  }
  assert_true(json_is_string(json_object_get(j, "erased_at")));
  assert_string_equal("upheld", json_string_value(json_object_get(j, "outcome")));
  free(text);
  json_decref(j);
  store_complaint_notes_free(notes, n);
  store_complaint_clear(&c);

  /* The status link opens the record; the account's list no longer holds it. */
  assert_int_equal(COMPLAINTS_OK, complaints_open(&c, &notes, &n, &f->svc, token, &rc));
  assert_int_equal(id, c.id);
  assert_int_equal(now, c.erased_ms);
  store_complaint_notes_free(notes, n);
  store_complaint_clear(&c);
  assert_int_equal(COMPLAINTS_OK, complaints_of_user(&list, &n, &f->svc, f->cand, &rc));
  assert_int_equal(1, n);
  assert_int_equal(open, list[0].id);
  assert_int_equal(0, list[0].erased_ms);
  assert_string_equal(in.name, list[0].name);
  assert_string_equal(BODY, list[0].body);
  store_complaint_list_free(list, n);

  /* Audited by the system, with the period and without the words. */
  n = audit_of(f, &audit, id);
  assert_true(n >= 1);
  assert_string_equal("complaint.erase", audit[n - 1].action);
  assert_string_equal("{\"retention_days\":30}", audit[n - 1].after);
  assert_int_equal(STORE_AUDIT_SYSTEM, audit[n - 1].actor);
  store_audit_list_free(audit, n);
  int64_t bad = 0, count = 0;
  assert_int_equal(STORE_OK, store_audit_verify(f->svc.store, &bad, &count, NULL, 0));
}

/* The sweep erases at most COMPLAINTS_ERASE_BATCH complaints a call, oldest closing first,
 * and the next call goes on where it stopped. */
static void test_erasure_batches(void **state) {
  struct fixture *f = *state;
  int64_t ids[COMPLAINTS_ERASE_BATCH + 1], last = 0;
  for (size_t i = 0; i < COMPLAINTS_ERASE_BATCH + 1; i++) {
    ids[i] = closed_complaint(f, &last);
  }
  const int64_t now = last + 365 * DAY_MS + 1;
  assert_int_equal(COMPLAINTS_ERASE_BATCH, erase_due(f, now, 365));
  struct store_complaint c;
  struct store_complaint_note *notes = NULL;
  size_t n = 0;
  int rc = STORE_OK;
  /* oldest closing first (then by id): the last one closed is the one left */
  assert_int_equal(COMPLAINTS_OK,
                   complaints_get(&c, &notes, &n, &f->svc, ids[COMPLAINTS_ERASE_BATCH], &rc));
  assert_int_equal(0, c.erased_ms);
  assert_string_equal("Dewi Anggraini", c.name);
  store_complaint_notes_free(notes, n);
  store_complaint_clear(&c);
  assert_int_equal(COMPLAINTS_OK, complaints_get(&c, &notes, &n, &f->svc, ids[0], &rc));
  assert_true(c.erased_ms > 0);
  store_complaint_notes_free(notes, n);
  store_complaint_clear(&c);
  assert_int_equal(1, erase_due(f, now, 365));
  assert_int_equal(0, erase_due(f, now, 365));
}

/* A sweep that finds nothing due reads only: it answers at once while another process (or
 * node) holds the write lock, which a write transaction would wait for and end BUSY. */
static void test_erasure_nothing_due_reads_only(void **state) {
  struct fixture *f = *state;
  int64_t closed = 0;
  int64_t id = closed_complaint(f, &closed);
  struct test_raw other;
  assert_int_equal(0, test_raw_open(&other, f->t.db));
  assert_int_equal(0, test_raw_hold_write_lock(&other));
  size_t n = 99;
  int rc = STORE_OK;
  enum complaints_rc res = complaints_erase_due(&n, &f->svc, closed + 10 * DAY_MS, 30, &rc);
  assert_int_equal(0, test_raw_release(&other));
  test_raw_close(&other);
  assert_int_equal(COMPLAINTS_OK, res);
  assert_int_equal(STORE_OK, rc);
  assert_int_equal(0, n);
  /* and once due, the same call erases it */
  assert_int_equal(1, erase_due(f, closed + 30 * DAY_MS + 1, 30));
  struct store_complaint c;
  struct store_complaint_note *notes = NULL;
  size_t nn = 0;
  assert_int_equal(COMPLAINTS_OK, complaints_get(&c, &notes, &nn, &f->svc, id, &rc));
  assert_true(c.erased_ms > 0);
  store_complaint_notes_free(notes, nn);
  store_complaint_clear(&c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_lodge_refusals, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_lodge_anonymous, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_lodge_signed_in, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_own_complaint, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_not_involved_declared, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_handling, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_reply, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_quota, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_open_tokens, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_list_pages, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_json_views, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_erasure, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_erasure_batches, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_erasure_nothing_due_reads_only, setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_mails, mail_setup, mail_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
