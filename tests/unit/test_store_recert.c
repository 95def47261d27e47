/*
 * Re-certification in the store (store_recert.h, migration 0031), on both backends: which
 * certificates are due a reminder for a threshold (valid, expiring inside it, the holder's
 * account enabled, no reminder for it or a nearer one, not renewed yet, soonest first, at
 * most the limit); a reminder is recorded once per certificate and threshold, and a nearer
 * threshold's stands for the farther ones; a re-certification is opened once, is pending
 * until the renewing certificate is linked, is linked once, and both certificates then name
 * each other.
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
#include "test_store_fixture.h"

static const char version[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

#define NOW_S 1700000000
#define DAY_S 86400

/* The certificates of the fixture, one holder each. */
enum {
  C_SOON,     /* expires in 20 days */
  C_LATER,    /* in 60 days; its holder re-certifies */
  C_DISABLED, /* in 10 days, holder's account disabled */
  C_REVOKED,  /* in 5 days, revoked */
  C_EXPIRED,  /* a day ago, still marked valid */
  C_FAR,      /* in 200 days */
  C_RENEWAL,  /* the LATER holder's new certificate, in 3 years */
  C__N
};

static const char *const serials[C__N] = {
    "UJK-AAAA-AAAA-AAAA-AAAA-A", "UJK-BBBB-BBBB-BBBB-BBBB-B", "UJK-CCCC-CCCC-CCCC-CCCC-C",
    "UJK-DDDD-DDDD-DDDD-DDDD-D", "UJK-EEEE-EEEE-EEEE-EEEE-E", "UJK-FFFF-FFFF-FFFF-FFFF-F",
    "UJK-GGGG-GGGG-GGGG-GGGG-G",
};

static const int64_t expires_in_days[C__N] = {20, 60, 10, 5, -1, 200, 3 * 365};

struct fixture {
  struct temp_store t;
  int64_t user[C__N];
};

static int put_cert(struct store_tx *tx, struct fixture *f, int i) {
  char email[64], name[32];
  int rc = STORE_OK;
  if (C_RENEWAL == i) {
    f->user[i] = f->user[C_LATER];
  } else {
    snprintf(email, sizeof email, "asesi%d@contoh.test", i);
    snprintf(name, sizeof name, "Asesi %c", 'A' + i);
    rc = store_user_create(tx, &f->user[i], email, name, ROLE_CANDIDATE, "$scrypt$test");
  }
  if (STORE_OK != rc) {
    return rc;
  }
  struct store_cert c;
  memset(&c, 0, sizeof c);
  snprintf(c.serial, sizeof c.serial, "%s", serials[i]);
  snprintf(c.holder, sizeof c.holder, "Asesi %c", 'A' + i);
  c.user_id = f->user[i];
  c.issued_s = NOW_S - 1000 * DAY_S;
  c.expires_s = NOW_S + expires_in_days[i] * DAY_S;
  return temp_store_certified(tx, &c, version);
}

static int seed(struct store_tx *tx, void *arg) {
  struct fixture *f = arg;
  int rc = store_exam_source_put(tx, version, "DKV-UJI", "dkv-uji.exam.yaml", "format: 1\n", 10);
  for (int i = 0; STORE_OK == rc && i < C__N; i++) {
    rc = put_cert(tx, f, i);
  }
  if (STORE_OK == rc) {
    rc = store_user_set_disabled(tx, f->user[C_DISABLED], true);
  }
  return rc;
}

static int setup(void **state) {
  int rc = temp_store_setup_with(state, sizeof(struct fixture), "recert", NULL, seed);
  if (0 == rc) {
    struct fixture *f = *state;
    rc = STORE_OK == temp_store_cert_change(f->t.s, serials[C_REVOKED], STORE_CERT_TO_REVOKED) ? 0
                                                                                               : -1;
  }
  return rc;
}

/* The serials due for days (at most limit), soonest expiry first, joined by spaces. */
static void due(struct fixture *f, int64_t days, int limit, char *out, size_t cap) {
  struct store_rd *rd = NULL;
  struct store_recert_due *d = NULL;
  size_t n = 0;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_recert_due(rd, &d, &n, NOW_S, days, limit));
  store_rd_end(rd);
  out[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    size_t used = strlen(out);
    snprintf(out + used, cap - used, "%s%s", 0 == i ? "" : " ", d[i].serial);
  }
  free(d);
}

static void test_due_selects_valid_enabled_in_window(void **state) {
  struct fixture *f = *state;
  char got[256];
  due(f, 90, 50, got, sizeof got);
  assert_string_equal("UJK-AAAA-AAAA-AAAA-AAAA-A UJK-BBBB-BBBB-BBBB-BBBB-B", got);
  due(f, 30, 50, got, sizeof got);
  assert_string_equal("UJK-AAAA-AAAA-AAAA-AAAA-A", got);
  due(f, 90, 1, got, sizeof got); /* the limit, soonest first */
  assert_string_equal("UJK-AAAA-AAAA-AAAA-AAAA-A", got);
  due(f, 7, 50, got, sizeof got); /* only the disabled and the revoked are that close */
  assert_string_equal("", got);
  due(f, 3650, 50, got, sizeof got);
  assert_string_equal("UJK-AAAA-AAAA-AAAA-AAAA-A UJK-BBBB-BBBB-BBBB-BBBB-B "
                      "UJK-FFFF-FFFF-FFFF-FFFF-F UJK-GGGG-GGGG-GGGG-GGGG-G",
                      got);

  struct store_rd *rd = NULL;
  struct store_recert_due *d = NULL;
  size_t n = 0;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_recert_due(rd, &d, &n, NOW_S, 30, 50));
  store_rd_end(rd);
  assert_int_equal(1, n);
  assert_string_equal("asesi0@contoh.test", d[0].email);
  assert_string_equal("Asesi A", d[0].holder);
  assert_string_equal("DKV-UJI", d[0].exam_id);
  assert_int_equal(f->user[C_SOON], d[0].user_id);
  assert_int_equal(NOW_S + 20 * DAY_S, d[0].expires_s);
  free(d);
}

/* store_recert_reminder_put's own answer, in a transaction that commits either way. */
struct put_op {
  const char *serial;
  int64_t days;
  int rc;
};

static int put_tx(struct store_tx *tx, void *arg) {
  struct put_op *o = arg;
  o->rc = store_recert_reminder_put(tx, o->serial, o->days, (int64_t)NOW_S * 1000, true);
  return o->rc < 0 ? o->rc : STORE_OK;
}

static int put(struct fixture *f, int i, int64_t days) {
  struct put_op o = {serials[i], days, STORE_HARD};
  assert_int_equal(STORE_OK, store_txn(f->t.s, put_tx, &o));
  return o.rc;
}

static void test_reminder_once_per_threshold(void **state) {
  struct fixture *f = *state;
  char got[256];
  assert_int_equal(STORE_OK, put(f, C_SOON, 90));
  assert_int_equal(STORE_NONE, put(f, C_SOON, 90)); /* a second sweep, or another node */
  due(f, 90, 50, got, sizeof got);
  assert_string_equal("UJK-BBBB-BBBB-BBBB-BBBB-B", got);
  due(f, 30, 50, got, sizeof got); /* the nearer threshold is still due */
  assert_string_equal("UJK-AAAA-AAAA-AAAA-AAAA-A", got);
  assert_int_equal(STORE_OK, put(f, C_SOON, 30));
  due(f, 30, 50, got, sizeof got);
  assert_string_equal("", got);

  /* First seen at 7 days: one reminder, and the farther thresholds are not sent after it. */
  assert_int_equal(STORE_OK, put(f, C_LATER, 7));
  assert_int_equal(STORE_NONE, put(f, C_LATER, 30));
  assert_int_equal(STORE_NONE, put(f, C_LATER, 90));
  due(f, 90, 50, got, sizeof got);
  assert_string_equal("", got);
}

/* A claim on a reminder's mail (mailed = 0), its reclaim and its settling, each in its own
 * transaction; the answer of the store function. */
struct claim_op {
  const char *serial;
  int64_t days, claimed_ms, now_ms;
  enum { CLAIM, RECLAIM, DELIVERED, RELEASED } what;
  int rc;
};

static int claim_tx(struct store_tx *tx, void *arg) {
  struct claim_op *o = arg;
  switch (o->what) {
  case CLAIM:
    o->rc = store_recert_reminder_put(tx, o->serial, o->days, o->now_ms, false);
    break;
  case RECLAIM:
    o->rc = store_recert_reminder_reclaim(tx, o->serial, o->days, o->claimed_ms, o->now_ms);
    break;
  default:
    o->rc = store_recert_reminder_settle(tx, o->serial, o->days, DELIVERED == o->what);
  }
  return o->rc < 0 ? o->rc : STORE_OK;
}

static int claim_op(struct fixture *f, int i, int64_t days, int what, int64_t claimed_ms,
                    int64_t now_ms) {
  struct claim_op o = {serials[i], days, claimed_ms, now_ms, what, STORE_HARD};
  assert_int_equal(STORE_OK, store_txn(f->t.s, claim_tx, &o));
  return o.rc;
}

/* The undelivered reminders claimed at or before claimed_before_ms, as "serial/days@claim"
 * joined by spaces. */
static void undelivered(struct fixture *f, int64_t claimed_before_ms, char *out, size_t cap) {
  struct store_rd *rd = NULL;
  struct store_recert_due *d = NULL;
  size_t n = 0;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_recert_undelivered(rd, &d, &n, NOW_S, claimed_before_ms, 50));
  store_rd_end(rd);
  out[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    size_t used = strlen(out);
    snprintf(out + used, cap - used, "%s%s/%lld@%lld", 0 == i ? "" : " ", d[i].serial,
             (long long)d[i].days, (long long)d[i].claimed_ms);
  }
  for (size_t i = 0; i < n; i++) { /* the holder to mail, as for a due reminder */
    char email[64];
    snprintf(email, sizeof email, "asesi%d@contoh.test", d[i].serial[4] - 'A');
    assert_string_equal(email, d[i].email);
  }
  free(d);
}

/* A reminder is claimed before its mail goes out and settled by the mail's fate: delivered,
 * it is never listed again; released (not taken), it is listed at once; a claim is listed
 * only once older than the cut-off, and only one of two sweeps can take it again. */
static void test_reminder_delivery(void **state) {
  struct fixture *f = *state;
  const int64_t t0 = (int64_t)NOW_S * 1000;
  char got[512];
  assert_int_equal(STORE_OK, claim_op(f, C_SOON, 90, CLAIM, 0, t0));
  due(f, 90, 50, got, sizeof got); /* claimed: no longer due */
  assert_string_equal("UJK-BBBB-BBBB-BBBB-BBBB-B", got);
  undelivered(f, t0 - 1, got, sizeof got); /* a fresh claim is left alone */
  assert_string_equal("", got);
  undelivered(f, t0, got, sizeof got);
  char want[128];
  snprintf(want, sizeof want, "UJK-AAAA-AAAA-AAAA-AAAA-A/90@%lld", (long long)t0);
  assert_string_equal(want, got);

  /* Taken again by one sweep; a second with the old claim time gets nothing. */
  assert_int_equal(STORE_OK, claim_op(f, C_SOON, 90, RECLAIM, t0, t0 + 5));
  assert_int_equal(STORE_NONE, claim_op(f, C_SOON, 90, RECLAIM, t0, t0 + 6));
  undelivered(f, t0, got, sizeof got);
  assert_string_equal("", got);

  /* Not taken: released, and listed whatever the cut-off. */
  assert_int_equal(STORE_OK, claim_op(f, C_SOON, 90, RELEASED, 0, 0));
  undelivered(f, 0, got, sizeof got);
  assert_string_equal("UJK-AAAA-AAAA-AAAA-AAAA-A/90@0", got);

  /* Delivered: never listed again, and settling it again changes nothing. */
  assert_int_equal(STORE_OK, claim_op(f, C_SOON, 90, RECLAIM, 0, t0 + 7));
  assert_int_equal(STORE_OK, claim_op(f, C_SOON, 90, DELIVERED, 0, 0));
  undelivered(f, t0 + 1000000, got, sizeof got);
  assert_string_equal("", got);
  assert_int_equal(STORE_NONE, claim_op(f, C_SOON, 90, RELEASED, 0, 0));
  assert_int_equal(STORE_NONE, claim_op(f, C_SOON, 90, RECLAIM, t0 + 7, t0 + 8));
  due(f, 90, 50, got, sizeof got);
  assert_string_equal("UJK-BBBB-BBBB-BBBB-BBBB-B", got);

  /* A nearer threshold's reminder stands for a farther one still undelivered. */
  assert_int_equal(STORE_OK, claim_op(f, C_LATER, 90, CLAIM, 0, t0));
  assert_int_equal(STORE_OK, claim_op(f, C_LATER, 90, RELEASED, 0, 0));
  assert_int_equal(STORE_OK, claim_op(f, C_LATER, 7, CLAIM, 0, t0));
  undelivered(f, t0, got, sizeof got);
  snprintf(want, sizeof want, "UJK-BBBB-BBBB-BBBB-BBBB-B/7@%lld", (long long)t0);
  assert_string_equal(want, got);
}

static int open_tx(struct store_tx *tx, void *arg) {
  struct store_recert *r = arg;
  int rc = store_recert_open(tx, r);
  r->linked_ms = rc; /* the answer, carried out of the body */
  return rc < 0 ? rc : STORE_OK;
}

static int open_recert(struct fixture *f, int i, int64_t opened_ms) {
  struct store_recert r;
  memset(&r, 0, sizeof r);
  snprintf(r.old_serial, sizeof r.old_serial, "%s", serials[i]);
  r.user_id = f->user[i];
  snprintf(r.exam_id, sizeof r.exam_id, "DKV-UJI");
  r.opened_ms = opened_ms;
  assert_int_equal(STORE_OK, store_txn(f->t.s, open_tx, &r));
  return (int)r.linked_ms;
}

struct link_op {
  const char *old_serial, *new_serial;
  int rc;
};

static int link_tx(struct store_tx *tx, void *arg) {
  struct link_op *o = arg;
  o->rc = store_recert_link(tx, o->old_serial, o->new_serial, (int64_t)NOW_S * 1000 + 5);
  return o->rc < 0 ? o->rc : STORE_OK;
}

static int link_recert(struct fixture *f, const char *old_serial, const char *new_serial) {
  struct link_op o = {old_serial, new_serial, STORE_HARD};
  int rc = store_txn(f->t.s, link_tx, &o);
  return STORE_OK == rc ? o.rc : rc;
}

static void links(struct fixture *f, const char *serial, char recertifies[26],
                  char renewed_by[26]) {
  struct store_rd *rd = NULL;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_recert_links(rd, serial, recertifies, renewed_by));
  store_rd_end(rd);
}

static void test_recertification_path(void **state) {
  struct fixture *f = *state;
  const int64_t opened = (int64_t)NOW_S * 1000;
  struct store_recert r;
  struct store_rd *rd = NULL;
  char recertifies[26], renewed_by[26], got[256];

  assert_int_equal(STORE_OK, open_recert(f, C_LATER, opened));
  assert_int_equal(STORE_EXISTS, open_recert(f, C_LATER, opened + 1000)); /* nothing changed */

  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_recert_get(rd, &r, serials[C_LATER]));
  assert_int_equal(f->user[C_LATER], r.user_id);
  assert_string_equal("DKV-UJI", r.exam_id);
  assert_int_equal(opened, r.opened_ms);
  assert_string_equal("", r.new_serial);
  assert_int_equal(0, r.linked_ms);
  assert_int_equal(STORE_NONE, store_recert_get(rd, &r, serials[C_SOON]));
  assert_int_equal(STORE_OK, store_recert_pending(rd, &r, f->user[C_LATER], "DKV-UJI"));
  assert_string_equal(serials[C_LATER], r.old_serial);
  assert_int_equal(STORE_NONE, store_recert_pending(rd, &r, f->user[C_LATER], "FSN-UJI"));
  assert_int_equal(STORE_NONE, store_recert_pending(rd, &r, f->user[C_SOON], "DKV-UJI"));
  store_rd_end(rd);

  links(f, serials[C_LATER], recertifies, renewed_by);
  assert_string_equal("", recertifies);
  assert_string_equal("", renewed_by);

  /* Open but not yet renewed: the reminders still go out. */
  due(f, 90, 50, got, sizeof got);
  assert_string_equal("UJK-AAAA-AAAA-AAAA-AAAA-A UJK-BBBB-BBBB-BBBB-BBBB-B", got);

  assert_int_equal(STORE_NONE, link_recert(f, serials[C_SOON], serials[C_RENEWAL]));
  assert_int_equal(STORE_OK, link_recert(f, serials[C_LATER], serials[C_RENEWAL]));
  assert_int_equal(STORE_NONE, link_recert(f, serials[C_LATER], serials[C_FAR])); /* once */

  links(f, serials[C_LATER], recertifies, renewed_by);
  assert_string_equal("", recertifies);
  assert_string_equal(serials[C_RENEWAL], renewed_by);
  links(f, serials[C_RENEWAL], recertifies, renewed_by);
  assert_string_equal(serials[C_LATER], recertifies);
  assert_string_equal("", renewed_by);
  links(f, serials[C_SOON], recertifies, renewed_by);
  assert_string_equal("", recertifies);
  assert_string_equal("", renewed_by);

  /* Renewed: no more reminders for the old one, and nothing pending. */
  due(f, 90, 50, got, sizeof got);
  assert_string_equal("UJK-AAAA-AAAA-AAAA-AAAA-A", got);

  struct store_recert *list = NULL;
  size_t n = 0;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_NONE, store_recert_pending(rd, &r, f->user[C_LATER], "DKV-UJI"));
  assert_int_equal(STORE_OK, store_recert_get(rd, &r, serials[C_LATER]));
  assert_string_equal(serials[C_RENEWAL], r.new_serial);
  assert_int_equal(opened + 5, r.linked_ms);
  assert_int_equal(STORE_OK, store_recert_list_user(rd, &list, &n, f->user[C_LATER], 10));
  assert_int_equal(1, n);
  assert_string_equal(serials[C_LATER], list[0].old_serial);
  assert_string_equal(serials[C_RENEWAL], list[0].new_serial);
  free(list);
  list = NULL;
  assert_int_equal(STORE_OK, store_recert_list_user(rd, &list, &n, f->user[C_SOON], 10));
  assert_int_equal(0, n);
  free(list);
  store_rd_end(rd);
}

/* A link must name an issued certificate, and never the old one itself: the database refuses
 * both and the transaction writes nothing. */
static void test_link_refuses_what_the_register_lacks(void **state) {
  struct fixture *f = *state;
  struct store_rd *rd = NULL;
  struct store_recert r;
  assert_int_equal(STORE_OK, open_recert(f, C_SOON, (int64_t)NOW_S * 1000));
  assert_true(link_recert(f, serials[C_SOON], "UJK-ZZZZ-ZZZZ-ZZZZ-ZZZZ-Z") < 0);
  assert_true(link_recert(f, serials[C_SOON], serials[C_SOON]) < 0);
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_recert_pending(rd, &r, f->user[C_SOON], "DKV-UJI"));
  assert_string_equal("", r.new_serial);
  store_rd_end(rd);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_due_selects_valid_enabled_in_window, setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_reminder_once_per_threshold, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_reminder_delivery, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_recertification_path, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_link_refuses_what_the_register_lacks, setup,
                                      temp_store_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
