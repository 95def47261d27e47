/*
 * The recovery module's rules on a real store: a link is issued only for an enabled
 * candidate and ends the earlier ones; it works once, a refused password leaves it usable,
 * and using it ends the account's sessions; a request by e-mail answers the same for every
 * address, stores a link only for a known candidate, and is limited per client address.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mailer.h"
#include "common/recovery.h"
#include "store/store.h"
#include "test_store_fixture.h"
#include "ujikom/session_token.h"

#define URL "https://ujikom.contoh.test"

struct fixture {
  struct temp_store t;
  int64_t cand, staff;
};

/* The accounts of the fixture: a candidate and an assessor. */
static const struct {
  size_t field; /* offsetof the id in struct fixture */
  const char *email, *name;
  enum role role;
} people[] = {
    {offsetof(struct fixture, cand), "lupa@contoh.id", "Rina Lupa", ROLE_CANDIDATE},
    {offsetof(struct fixture, staff), "asesor@contoh.id", "Asesor", ROLE_ASSESSOR},
};

static int seed(struct store_tx *tx, void *arg) {
  int rc = STORE_OK;
  for (size_t i = 0; STORE_OK == rc && i < sizeof people / sizeof people[0]; i++) {
    int64_t *id = (int64_t *)((char *)arg + people[i].field);
    rc = store_user_create(tx, id, people[i].email, people[i].name, people[i].role, "$scrypt$x");
  }
  return rc;
}

static int setup(void **state) {
  return temp_store_setup_with(state, sizeof(struct fixture), "recovery", NULL, seed);
}

static enum password_result cheap_hash(char **out, const char *password, unsigned log2n) {
  (void)log2n;
  return password_hash(out, password, PASSWORD_LOG2N_MIN);
}

static enum recovery_rc issue(struct fixture *f, int64_t id, const char *email,
                              struct recovery_link *out) {
  struct recovery_issue_in in = {
      .user_id = id, .email = email, .actor = 0, .via = "test", .public_url = URL, .ttl_s = 60};
  int store_rc = STORE_OK;
  return recovery_issue(out, f->t.s, &in, &store_rc);
}

static enum recovery_rc redeem(struct fixture *f, const char *token, const char *password,
                               struct store_user *out) {
  struct recovery_redeem_in in = {
      .token = token, .password = password, .hash = cheap_hash, .log2n = 0};
  enum password_policy_verdict strength;
  int store_rc = STORE_OK;
  return recovery_redeem(out, f->t.s, &in, &strength, &store_rc);
}

static const char *token_of(const struct recovery_link *l) {
  const char *t = strstr(l->url, "?t=");
  assert_non_null(t);
  return t + 3;
}

static int add_session(struct store_tx *tx, void *arg) {
  struct fixture *f = arg;
  int64_t now = store_tx_now_ms(tx);
  struct store_session s = {.user_id = f->cand,
                            .created_ms = now,
                            .last_seen_ms = now,
                            .expires_ms = now + 60000,
                            .absolute_expires_ms = now + 60000};
  memset(s.token_hash, 'e', SESSION_HASH_LEN);
  return store_session_create(tx, &s);
}

static int session_exists(struct fixture *f) {
  struct store_rd *rd = NULL;
  struct store_session s;
  char hash[SESSION_HASH_LEN + 1];
  memset(hash, 'e', SESSION_HASH_LEN);
  hash[SESSION_HASH_LEN] = '\0';
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  int rc = store_session_get(rd, &s, hash);
  store_rd_end(rd);
  return rc;
}

static void test_issue_and_redeem(void **state) {
  struct fixture *f = *state;
  struct recovery_link first, link;
  struct store_user u;
  int store_rc = STORE_OK;
  assert_int_equal(RECOVERY_NOT_CANDIDATE, issue(f, f->staff, NULL, &link));
  assert_int_equal(RECOVERY_NOT_FOUND, issue(f, 0, "tidak@ada.id", &link));
  assert_int_equal(RECOVERY_OK, issue(f, 0, "lupa@contoh.id", &first));
  assert_int_equal(f->cand, first.user_id);
  assert_string_equal("Rina Lupa", first.name);
  assert_int_equal(0, strncmp(first.url, URL RECOVERY_PAGE "?t=", strlen(URL RECOVERY_PAGE "?t=")));
  assert_true(session_token_well_formed(token_of(&first)));
  assert_int_equal(RECOVERY_OK, issue(f, f->cand, NULL, &link));
  /* the newer link ends the earlier one */
  assert_int_equal(RECOVERY_BAD_TOKEN, recovery_check(f->t.s, token_of(&first), &store_rc));
  assert_int_equal(RECOVERY_OK, recovery_check(f->t.s, token_of(&link), &store_rc));

  assert_int_equal(STORE_OK, store_txn(f->t.s, add_session, f));
  assert_int_equal(RECOVERY_WEAK_PASSWORD, redeem(f, token_of(&link), "password1", &u));
  assert_int_equal(RECOVERY_NO_PASSWORD, redeem(f, token_of(&link), NULL, &u));
  assert_int_equal(RECOVERY_OK, recovery_check(f->t.s, token_of(&link), &store_rc));
  assert_int_equal(STORE_OK, session_exists(f));
  assert_int_equal(RECOVERY_OK, redeem(f, token_of(&link), "Tenun-Ikat-Sumba-77", &u));
  assert_int_equal(f->cand, u.id);
  assert_string_equal("", u.password_hash);
  assert_int_equal(STORE_NONE, session_exists(f));
  assert_int_equal(RECOVERY_BAD_TOKEN, redeem(f, token_of(&link), "Tenun-Ikat-Sumba-78", &u));
  assert_int_equal(RECOVERY_BAD_TOKEN, redeem(f, "not-a-token", "Tenun-Ikat-Sumba-78", &u));
  assert_int_equal(RECOVERY_BAD_TOKEN, redeem(f, NULL, "Tenun-Ikat-Sumba-78", &u));
}

static void test_request(void **state) {
  struct fixture *f = *state;
  struct mailer *m = NULL;
  char err[128];
  int64_t retry = 0;
  int store_rc = STORE_OK;
  /* Nothing listens on port 9: mail fails in the background and is only logged. */
  assert_int_equal(0,
                   mailer_start(&m, "smtp://127.0.0.1:9", "lsp@contoh.test", 0, err, sizeof err));
  struct recovery_request_in in = {.email = "tidak@ada.id",
                                   .client_addr = "192.0.2.1",
                                   .public_url = URL,
                                   .ttl_s = 60,
                                   .per_addr_per_hour = 3,
                                   .mails_per_hour = 1,
                                   .mailer = m};
  assert_int_equal(RECOVERY_OK, recovery_request(f->t.s, &in, &retry, &store_rc));
  in.email = "LUPA@contoh.id";
  assert_int_equal(RECOVERY_OK, recovery_request(f->t.s, &in, &retry, &store_rc));
  in.email = "asesor@contoh.id";
  assert_int_equal(RECOVERY_OK, recovery_request(f->t.s, &in, &retry, &store_rc));
  assert_int_equal(RECOVERY_RATE_LIMITED, recovery_request(f->t.s, &in, &retry, &store_rc));
  assert_true(retry > 0);
  in.client_addr = "192.0.2.2";
  in.email = "";
  assert_int_equal(RECOVERY_BAD_EMAIL, recovery_request(f->t.s, &in, &retry, &store_rc));
  in.mailer = NULL;
  in.email = "tidak@ada.id";
  assert_int_equal(RECOVERY_INTERNAL, recovery_request(f->t.s, &in, &retry, &store_rc));
  mailer_stop(m, 0);
}

struct fate_seen {
  int calls;
  enum mail_fate fate;
};

static void note_fate(void *ctx, enum mail_fate fate) {
  struct fate_seen *f = ctx;
  f->calls++;
  f->fate = fate;
}

static void test_mailer_refuses(void **state) {
  (void)state;
  struct mailer *m = NULL;
  char err[128];
  assert_int_equal(-1,
                   mailer_start(&m, "http://127.0.0.1:9", "lsp@contoh.test", 0, err, sizeof err));
  assert_int_equal(-1, mailer_start(&m, "smtp://127.0.0.1:9", "a b@c", 0, err, sizeof err));
  assert_int_equal(0,
                   mailer_start(&m, "smtp://127.0.0.1:9", "lsp@contoh.test", 0, err, sizeof err));
  assert_false(mailer_send(m, "korban@contoh.id\r\nBcc: x@y.z", "Subjek", "isi"));
  assert_false(mailer_send(m, "korban@contoh.id", "Subjek\r\nBcc: x@y.z", "isi"));
  assert_true(mailer_send(m, "korban@contoh.id", "Subjek", "isi\n.\nbaris"));
  /* An address no mail can go to: its fate is told at once, refused for good; without a
   * callback, mailer_send says it was not queued. */
  struct fate_seen seen = {0};
  assert_false(mailer_send(m, "\"Rudi H\"@contoh.id", "Subjek", "isi"));
  assert_true(mailer_send_then(m, "\"Rudi H\"@contoh.id", "Subjek", "isi", note_fate, &seen));
  assert_int_equal(1, seen.calls);
  assert_int_equal(MAIL_REFUSED, seen.fate);
  assert_true(mailer_send_then(m, "rudi@contoh.id <x@y.z>", "Subjek", "isi", note_fate, &seen));
  assert_int_equal(2, seen.calls);
  /* The caller's own fault (a subject with a line break) is not the mail's fate. */
  assert_false(
      mailer_send_then(m, "rudi@contoh.id", "Subjek\nBcc: x@y.z", "isi", note_fate, &seen));
  assert_int_equal(2, seen.calls);
  mailer_stop(m, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_issue_and_redeem, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_request, setup, temp_store_teardown),
      cmocka_unit_test(test_mailer_refuses),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
