/*
 * Complaints in the store (store_complaints.h, migration 0039), on both backends: a complaint
 * is stored with a new id (anonymous or an account's; no e-mail address or reference as "")
 * and read back by id and by token with every field; taking moves it from received to
 * in_review once, with the handler's name read with the row; notes are numbered 1, 2, ...
 * per complaint and read in order, all or only the shown ones, with their authors' names;
 * the complainant's reply is stored without an author, always shown, and marks the complaint
 * as awaiting staff until an administrator writes again or closes it (the table's checks
 * refuse a reply with an author or hidden, and a staff note without one); closing needs
 * in_review, records the outcome and makes the closer the handler; the states
 * the table's checks keep out are refused; lists come newest first, by status, in pages
 * that say whether more follow, and per account; the counts per status.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/store.h"
#include "store/store_complaints.h"
#include "test_store_fixture.h"

struct fixture {
  struct temp_store t;
  int64_t cand, admin, admin2;
};

static int seed(struct store_tx *tx, void *arg) {
  struct fixture *f = arg;
  int rc =
      store_user_create(tx, &f->cand, "dewi@contoh.id", "Dewi Anggraini", ROLE_CANDIDATE, "$x");
  if (STORE_OK == rc) {
    rc = store_user_create(tx, &f->admin, "admin@contoh.id", "Admin Satu", ROLE_ADMIN, "$x");
  }
  if (STORE_OK == rc) {
    rc = store_user_create(tx, &f->admin2, "admin2@contoh.id", "Admin Dua", ROLE_ADMIN, "$x");
  }
  return rc;
}

static int setup(void **state) {
  return temp_store_setup_with(state, sizeof(struct fixture), "complaints", NULL, seed);
}

/* One store call in a transaction of its own. */
enum call_kind { CALL_CREATE, CALL_TAKE, CALL_NOTE, CALL_CLOSE };
struct call {
  enum call_kind kind;
  const struct store_complaint *c; /* create */
  int64_t id, who, now;
  bool shown;
  const char *text;
  enum complaint_outcome outcome;
  int64_t out; /* create: the id; note: the seq */
};

static int tx_call(struct store_tx *tx, void *arg) {
  struct call *k = arg;
  switch (k->kind) {
  case CALL_CREATE:
    return store_complaint_create(tx, &k->out, k->c);
  case CALL_TAKE:
    return store_complaint_take(tx, k->id, k->who, k->now);
  case CALL_NOTE:
    return store_complaint_note_add(tx, &k->out, k->id, k->who, k->shown, k->text, k->now);
  case CALL_CLOSE:
    return store_complaint_close(tx, k->id, k->who, k->outcome, k->text, k->now);
  }
  return STORE_HARD;
}

static int run(struct fixture *f, struct call *k) {
  return store_txn(f->t.s, tx_call, k);
}

/* A token of the table's length, different for each n. */
static void token_of(char out[SESSION_TOKEN_LEN + 1], int n) {
  memset(out, 'A', SESSION_TOKEN_LEN);
  out[SESSION_TOKEN_LEN] = '\0';
  char digits[16];
  int k = snprintf(digits, sizeof digits, "%d", n);
  memcpy(out, digits, (size_t)k);
}

/* Stores a complaint by user (0: anonymous) with token number n: its id. */
static int64_t lodge(struct fixture *f, int64_t user, int n, const char *email, const char *about,
                     enum complaint_category cat) {
  static char name[] = "Dewi Anggraini",
              body[] = "Asesor datang terlambat satu jam.\nUjian dipersingkat.";
  char email_copy[64], about_copy[64];
  struct store_complaint c;
  memset(&c, 0, sizeof c);
  token_of(c.token, n);
  c.created_ms = 1000 + n;
  c.user_id = user;
  c.name = name;
  c.category = cat;
  c.body = body;
  if (NULL != email) {
    snprintf(email_copy, sizeof email_copy, "%s", email);
    c.email = email_copy;
  }
  if (NULL != about) {
    snprintf(about_copy, sizeof about_copy, "%s", about);
    c.about = about_copy;
  }
  struct call k = {.kind = CALL_CREATE, .c = &c};
  assert_int_equal(STORE_OK, run(f, &k));
  assert_true(k.out > 0);
  return k.out;
}

/* Reads complaint id (by its token when by_token). */
static int get(struct fixture *f, struct store_complaint *out, int64_t id, const char *token) {
  struct store_rd *rd = NULL;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  int rc =
      NULL != token ? store_complaint_by_token(rd, out, token) : store_complaint_get(rd, out, id);
  store_rd_end(rd);
  return rc;
}

static void test_create_and_read(void **state) {
  struct fixture *f = *state;
  struct store_complaint c;
  char token[SESSION_TOKEN_LEN + 1];
  int64_t anon = lodge(f, 0, 1, NULL, NULL, COMPLAINT_CERTIFICATE);
  int64_t mine = lodge(f, f->cand, 2, "dewi@contoh.id", "UJK-2026-0001", COMPLAINT_ASSESSOR);
  assert_true(mine > anon);

  assert_int_equal(STORE_OK, get(f, &c, anon, NULL));
  assert_int_equal(anon, c.id);
  token_of(token, 1);
  assert_string_equal(token, c.token);
  assert_int_equal(1001, c.created_ms);
  assert_int_equal(0, c.user_id);
  assert_string_equal("Dewi Anggraini", c.name);
  assert_string_equal("", c.email);
  assert_string_equal("", c.about);
  assert_int_equal(COMPLAINT_CERTIFICATE, c.category);
  assert_string_equal("Asesor datang terlambat satu jam.\nUjian dipersingkat.", c.body);
  assert_int_equal(COMPLAINT_RECEIVED, c.status);
  assert_int_equal(0, c.handler_id);
  assert_int_equal(0, c.taken_ms);
  assert_null(c.outcome_text);
  assert_int_equal(0, c.closed_ms);
  assert_null(c.handler_name);
  store_complaint_clear(&c);

  token_of(token, 2);
  assert_int_equal(STORE_OK, get(f, &c, 0, token));
  assert_int_equal(mine, c.id);
  assert_int_equal(f->cand, c.user_id);
  assert_string_equal("dewi@contoh.id", c.email);
  assert_string_equal("UJK-2026-0001", c.about);
  assert_int_equal(COMPLAINT_ASSESSOR, c.category);
  store_complaint_clear(&c);

  token_of(token, 3);
  assert_int_equal(STORE_NONE, get(f, &c, 0, token));
  assert_int_equal(STORE_NONE, get(f, &c, mine + 100, NULL));
  struct store_rd *rd = NULL;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_NONE, store_complaint_by_token(rd, &c, NULL));
  store_rd_end(rd);
}

static void test_refused_values(void **state) {
  struct fixture *f = *state;
  static char name[] = "Dewi", body[] = "Isi.", empty[] = "";
  struct store_complaint c;
  memset(&c, 0, sizeof c);
  token_of(c.token, 9);
  c.name = name;
  c.body = body;
  c.category = COMPLAINT_CATEGORY__MAX; /* no name */
  struct call k = {.kind = CALL_CREATE, .c = &c};
  assert_int_equal(STORE_HARD, run(f, &k));
  c.category = COMPLAINT_OTHER;
  c.token[10] = '\0'; /* shorter than a token: the table's check */
  assert_int_equal(STORE_HARD, run(f, &k));
  token_of(c.token, 9);
  c.body = empty; /* a body is never empty */
  assert_int_equal(STORE_HARD, run(f, &k));
  c.body = NULL;
  assert_int_equal(STORE_HARD, run(f, &k));
  c.body = body;
  assert_int_equal(STORE_OK, run(f, &k));
  const int64_t id = k.out;
  assert_int_equal(STORE_HARD, run(f, &k)); /* the same token again */

  /* A step needs an administrator, a note a text; the complainant's note (author 0) is
   * shown, and no author is negative. */
  struct call bad[] = {
      {.kind = CALL_TAKE, .id = id, .who = 0, .now = 5},
      {.kind = CALL_NOTE, .id = id, .who = 0, .text = "catatan", .now = 5},
      {.kind = CALL_NOTE, .id = id, .who = -1, .shown = true, .text = "catatan", .now = 5},
      {.kind = CALL_NOTE, .id = id, .who = 0, .shown = true, .text = NULL, .now = 5},
      {.kind = CALL_NOTE, .id = id, .who = f->admin, .text = NULL, .now = 5},
      {.kind = CALL_NOTE, .id = id, .who = f->admin, .text = "", .now = 5},
      {.kind = CALL_CLOSE, .id = id, .who = 0, .text = "t", .now = 5},
      {.kind = CALL_CLOSE, .id = id, .who = f->admin, .text = NULL, .now = 5},
      {.kind = CALL_CLOSE,
       .id = id,
       .who = f->admin,
       .text = "t",
       .outcome = (enum complaint_outcome)7,
       .now = 5},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (STORE_HARD != run(f, &bad[i])) {
      fail_msg("call %zu was not refused", i);
    }
  }
  struct store_complaint after;
  assert_int_equal(STORE_OK, get(f, &after, id, NULL));
  assert_int_equal(COMPLAINT_RECEIVED, after.status);
  store_complaint_clear(&after);
}

/* The notes of complaint id (only the shown ones when shown_only). */
static size_t notes_of(struct fixture *f, struct store_complaint_note **out, int64_t id,
                       bool shown_only) {
  struct store_rd *rd = NULL;
  size_t n = 99;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_complaint_notes(rd, out, &n, id, shown_only));
  store_rd_end(rd);
  return n;
}

static void test_take_note_close(void **state) {
  struct fixture *f = *state;
  struct store_complaint c;
  struct store_complaint_note *notes = NULL;
  int64_t id = lodge(f, f->cand, 1, "dewi@contoh.id", "", COMPLAINT_ASSESSMENT);
  int64_t other = lodge(f, 0, 2, "", "", COMPLAINT_OTHER);

  /* Nothing is closed before it is taken, and nothing is noted for a complaint not there. */
  struct call close1 = {.kind = CALL_CLOSE,
                        .id = id,
                        .who = f->admin,
                        .outcome = COMPLAINT_UPHELD,
                        .text = "Diterima.",
                        .now = 3000};
  assert_int_equal(STORE_CONFLICT, run(f, &close1));
  struct call take = {.kind = CALL_TAKE, .id = id, .who = f->admin, .now = 2000};
  assert_int_equal(STORE_OK, run(f, &take));
  assert_int_equal(STORE_CONFLICT, run(f, &take));
  take.who = f->admin2;
  assert_int_equal(STORE_CONFLICT, run(f, &take)); /* nor by anyone else */
  struct call nowhere = {.kind = CALL_TAKE, .id = other + 100, .who = f->admin, .now = 2000};
  assert_int_equal(STORE_NONE, run(f, &nowhere));

  assert_int_equal(STORE_OK, get(f, &c, id, NULL));
  assert_int_equal(COMPLAINT_IN_REVIEW, c.status);
  assert_int_equal(f->admin, c.handler_id);
  assert_int_equal(2000, c.taken_ms);
  assert_string_equal("Admin Satu", c.handler_name);
  store_complaint_clear(&c);

  /* Notes: numbered per complaint, shown or for staff. */
  assert_int_equal(0, notes_of(f, &notes, id, false));
  store_complaint_notes_free(notes, 0);
  const struct {
    int64_t complaint, who;
    bool shown;
    const char *text;
    int64_t seq;
  } add[] = {
      {id, f->admin, false, "Cek log, rahasia.", 1},
      {id, f->admin2, true, "Kami sedang memeriksa.", 2},
      {other, f->admin, true, "Catatan lain.", 1},
      {id, f->admin, true, "Baris satu.\nBaris dua.", 3},
  };
  for (size_t i = 0; i < sizeof add / sizeof add[0]; i++) {
    struct call k = {.kind = CALL_NOTE,
                     .id = add[i].complaint,
                     .who = add[i].who,
                     .shown = add[i].shown,
                     .text = add[i].text,
                     .now = 2100 + (int64_t)i};
    assert_int_equal(STORE_OK, run(f, &k));
    assert_int_equal(add[i].seq, k.out);
  }
  size_t n = notes_of(f, &notes, id, false);
  assert_int_equal(3, n);
  assert_int_equal(1, notes[0].seq);
  assert_false(notes[0].shown);
  assert_string_equal("Cek log, rahasia.", notes[0].body);
  assert_string_equal("Admin Satu", notes[0].author_name);
  assert_int_equal(f->admin, notes[0].author_id);
  assert_int_equal(2100, notes[0].created_ms);
  assert_int_equal(id, notes[0].complaint_id);
  assert_int_equal(2, notes[1].seq);
  assert_true(notes[1].shown);
  assert_string_equal("Admin Dua", notes[1].author_name);
  assert_string_equal("Baris satu.\nBaris dua.", notes[2].body);
  store_complaint_notes_free(notes, n);
  n = notes_of(f, &notes, id, true);
  assert_int_equal(2, n);
  assert_int_equal(2, notes[0].seq);
  assert_int_equal(3, notes[1].seq);
  assert_false(notes[0].from_complainant);
  store_complaint_notes_free(notes, n);
  assert_int_equal(STORE_OK, get(f, &c, id, NULL));
  assert_false(c.awaiting_staff); /* staff wrote last */
  store_complaint_clear(&c);

  /* The complainant's reply: stored without an author, read back as theirs and shown; the
   * complaint awaits staff until an administrator writes again. */
  struct call reply = {.kind = CALL_NOTE,
                       .id = id,
                       .who = 0,
                       .shown = true,
                       .text = "Jadwalnya saya lampirkan.",
                       .now = 2200};
  assert_int_equal(STORE_OK, run(f, &reply));
  assert_int_equal(4, reply.out);
  n = notes_of(f, &notes, id, true);
  assert_int_equal(3, n);
  assert_int_equal(4, notes[2].seq);
  assert_true(notes[2].from_complainant);
  assert_true(notes[2].shown);
  assert_int_equal(0, notes[2].author_id);
  assert_null(notes[2].author_name);
  assert_string_equal("Jadwalnya saya lampirkan.", notes[2].body);
  assert_int_equal(2200, notes[2].created_ms);
  assert_false(notes[1].from_complainant);
  store_complaint_notes_free(notes, n);
  assert_int_equal(STORE_OK, get(f, &c, id, NULL));
  assert_true(c.awaiting_staff);
  store_complaint_clear(&c);
  assert_int_equal(STORE_OK, get(f, &c, other, NULL));
  assert_false(c.awaiting_staff); /* its last note is an administrator's */
  store_complaint_clear(&c);
  struct call answer = {.kind = CALL_NOTE,
                        .id = id,
                        .who = f->admin,
                        .shown = true,
                        .text = "Terima kasih, sudah kami terima.",
                        .now = 2300};
  assert_int_equal(STORE_OK, run(f, &answer));
  assert_int_equal(5, answer.out);
  assert_int_equal(STORE_OK, get(f, &c, id, NULL));
  assert_false(c.awaiting_staff);
  store_complaint_clear(&c);
  reply.now = 2400;
  assert_int_equal(STORE_OK, run(f, &reply));
  assert_int_equal(6, reply.out);
  assert_int_equal(STORE_OK, get(f, &c, id, NULL));
  assert_true(c.awaiting_staff);
  store_complaint_clear(&c);

  /* Closed by another administrator, who becomes the handler of record; once only. */
  close1.who = f->admin2;
  assert_int_equal(STORE_OK, run(f, &close1));
  assert_int_equal(STORE_CONFLICT, run(f, &close1));
  assert_int_equal(STORE_CONFLICT, run(f, &take));
  close1.id = other + 100;
  assert_int_equal(STORE_NONE, run(f, &close1));
  assert_int_equal(STORE_OK, get(f, &c, id, NULL));
  assert_int_equal(COMPLAINT_CLOSED, c.status);
  assert_int_equal(COMPLAINT_UPHELD, c.outcome);
  assert_string_equal("Diterima.", c.outcome_text);
  assert_int_equal(3000, c.closed_ms);
  assert_int_equal(2000, c.taken_ms);
  assert_int_equal(f->admin2, c.handler_id);
  assert_string_equal("Admin Dua", c.handler_name);
  assert_false(c.awaiting_staff); /* closing answers the last reply */
  store_complaint_clear(&c);

  struct call take_other = {.kind = CALL_TAKE, .id = other, .who = f->admin, .now = 4000};
  assert_int_equal(STORE_OK, run(f, &take_other));
  struct call close_other = {.kind = CALL_CLOSE,
                             .id = other,
                             .who = f->admin,
                             .outcome = COMPLAINT_NOT_UPHELD,
                             .text = "Tidak terbukti.",
                             .now = 5000};
  assert_int_equal(STORE_OK, run(f, &close_other));
  assert_int_equal(STORE_OK, get(f, &c, other, NULL));
  assert_int_equal(COMPLAINT_NOT_UPHELD, c.outcome);
  store_complaint_clear(&c);
}

/* The table's checks on a note, met by someone writing the database directly: a reply of the
 * complainant's has no author and is shown; an administrator's note has its author. */
static void test_note_checks(void **state) {
  struct fixture *f = *state;
  char sql[256], msg[256], admin[24];
  int64_t id = lodge(f, 0, 1, "", "", COMPLAINT_OTHER);
  snprintf(admin, sizeof admin, "%lld", (long long)f->admin);
  const struct {
    const char *author; /* SQL: NULL or the administrator's id */
    int from_complainant, shown;
    bool stored;
  } rows[] = {
      {"NULL", 1, 0, false}, /* a hidden reply */
      {admin, 1, 1, false},  /* a reply with an author */
      {"NULL", 0, 1, false}, /* a staff note without one */
      {"NULL", 2, 1, false}, /* neither 0 nor 1 */
      {"NULL", 1, 1, true},  /* the complainant's reply */
      {admin, 0, 0, true},   /* an administrator's note for staff */
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    snprintf(sql, sizeof sql,
             "INSERT INTO complaint_notes(complaint_id, seq, created_at, author_id, "
             "from_complainant, shown, body) VALUES(%lld, %zu, 5, %s, %d, %d, 'Teks.')",
             (long long)id, i + 1, rows[i].author, rows[i].from_complainant, rows[i].shown);
    int rc = test_raw_tamper(f->t.db, sql, sql, msg, sizeof msg);
    if (rows[i].stored != (0 == rc)) {
      fail_msg("row %zu %s: %s", i, rows[i].stored ? "refused" : "stored", msg);
    }
  }
  /* An administrator's note written without the column: from_complainant 0. */
  snprintf(sql, sizeof sql,
           "INSERT INTO complaint_notes(complaint_id, seq, created_at, author_id, shown, body) "
           "VALUES(%lld, 7, 7, %s, 1, 'Tanpa kolom baru.')",
           (long long)id, admin);
  assert_int_equal(0, test_raw_tamper(f->t.db, sql, sql, msg, sizeof msg));
  struct store_complaint_note *notes = NULL;
  size_t n = notes_of(f, &notes, id, false);
  assert_int_equal(3, n);
  assert_true(notes[0].from_complainant);
  assert_int_equal(0, notes[0].author_id);
  assert_false(notes[1].from_complainant);
  assert_false(notes[2].from_complainant);
  assert_int_equal(f->admin, notes[2].author_id);
  store_complaint_notes_free(notes, n);
}

/* One page of the list (status NULL: all). */
static size_t page(struct fixture *f, struct store_complaint **out, const enum complaint_status *s,
                   int64_t before, int limit, bool *more) {
  struct store_rd *rd = NULL;
  size_t n = 0;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_complaint_list(rd, out, &n, s, before, limit, more));
  store_rd_end(rd);
  return n;
}

static void test_lists_and_counts(void **state) {
  struct fixture *f = *state;
  int64_t ids[7];
  struct store_complaint *list = NULL;
  bool more = false;
  for (int i = 0; i < 7; i++) {
    ids[i] = lodge(f, 0 == i % 3 ? f->cand : 0, i + 1, "", "", COMPLAINT_SERVICE);
  }
  struct call take = {.kind = CALL_TAKE, .id = ids[1], .who = f->admin, .now = 10};
  assert_int_equal(STORE_OK, run(f, &take));
  take.id = ids[4];
  assert_int_equal(STORE_OK, run(f, &take));
  struct call close = {.kind = CALL_CLOSE,
                       .id = ids[4],
                       .who = f->admin,
                       .outcome = COMPLAINT_UPHELD,
                       .text = "Selesai.",
                       .now = 20};
  assert_int_equal(STORE_OK, run(f, &close));

  /* All, newest first, in pages of three. */
  size_t n = page(f, &list, NULL, 0, 3, &more);
  assert_int_equal(3, n);
  assert_true(more);
  assert_int_equal(ids[6], list[0].id);
  assert_int_equal(ids[4], list[2].id);
  assert_string_equal("Admin Satu", list[2].handler_name);
  int64_t before = list[2].id;
  store_complaint_list_free(list, n);
  n = page(f, &list, NULL, before, 3, &more);
  assert_int_equal(3, n);
  assert_true(more);
  assert_int_equal(ids[3], list[0].id);
  assert_int_equal(ids[1], list[2].id);
  before = list[2].id;
  store_complaint_list_free(list, n);
  n = page(f, &list, NULL, before, 3, &more);
  assert_int_equal(1, n);
  assert_false(more);
  assert_int_equal(ids[0], list[0].id);
  store_complaint_list_free(list, n);

  /* By status. */
  const enum complaint_status received = COMPLAINT_RECEIVED, in_review = COMPLAINT_IN_REVIEW,
                              closed = COMPLAINT_CLOSED;
  n = page(f, &list, &received, 0, 100, &more);
  assert_int_equal(5, n);
  assert_false(more);
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(COMPLAINT_RECEIVED, list[i].status);
    if (i > 0) {
      assert_true(list[i].id < list[i - 1].id);
    }
  }
  store_complaint_list_free(list, n);
  n = page(f, &list, &in_review, 0, 100, &more);
  assert_int_equal(1, n);
  assert_int_equal(ids[1], list[0].id);
  store_complaint_list_free(list, n);
  n = page(f, &list, &closed, ids[4], 100, &more);
  assert_int_equal(0, n); /* before the only closed one: none */
  store_complaint_list_free(list, n);

  /* A page size out of range, and a status out of range, are refused. */
  struct store_rd *rd = NULL;
  const enum complaint_status nonsense = (enum complaint_status)9;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_HARD, store_complaint_list(rd, &list, &n, NULL, 0, 0, &more));
  assert_int_equal(STORE_HARD, store_complaint_list(rd, &list, &n, &nonsense, 0, 10, &more));
  assert_null(list);

  /* The account's own, newest first; nobody else's. */
  assert_int_equal(STORE_OK, store_complaint_list_by_user(rd, &list, &n, f->cand, 100));
  assert_int_equal(3, n);
  assert_int_equal(ids[6], list[0].id);
  assert_int_equal(ids[3], list[1].id);
  assert_int_equal(ids[0], list[2].id);
  store_complaint_list_free(list, n);
  assert_int_equal(STORE_OK, store_complaint_list_by_user(rd, &list, &n, f->cand, 2));
  assert_int_equal(2, n);
  store_complaint_list_free(list, n);
  assert_int_equal(STORE_OK, store_complaint_list_by_user(rd, &list, &n, f->admin, 100));
  assert_int_equal(0, n);
  store_complaint_list_free(list, n);

  int64_t counts[3] = {-1, -1, -1};
  assert_int_equal(STORE_OK, store_complaint_counts(rd, counts));
  assert_int_equal(5, counts[COMPLAINT_RECEIVED]);
  assert_int_equal(1, counts[COMPLAINT_IN_REVIEW]);
  assert_int_equal(1, counts[COMPLAINT_CLOSED]);
  store_rd_end(rd);
}

static void test_counts_of_none(void **state) {
  struct fixture *f = *state;
  struct store_rd *rd = NULL;
  int64_t counts[3] = {-1, -1, -1};
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_complaint_counts(rd, counts));
  store_rd_end(rd);
  for (int i = 0; i < 3; i++) {
    assert_int_equal(0, counts[i]);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_create_and_read, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_refused_values, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_take_note_close, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_note_checks, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_lists_and_counts, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_counts_of_none, setup, temp_store_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
