/*
 * Transparency-log entries of certificate events: the canonical bytes of each event (a
 * fixed, documented example), encode -> parse -> encode gives the same bytes, and the parser
 * refuses every other spelling (field order, case, leading zeros, spaces, trailing data,
 * a field an event does not carry) and anything the encoder would not write.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ujikom/certlog_entry.h"

/* The example of docs/transparency-log.md. */
static const char issue_text[] =
    "ujikom.certlog/v1\n"
    "event issue\n"
    "serial UJK-7Q2M-4K9D-XR3P-HV6T-C\n"
    "time 1764749537123\n"
    "kid W2GWJ2ZS\n"
    "subsector DKV\n"
    "scheme DKV-DGR-JR\n"
    "issued 1764749537\n"
    "expires 1859357537\n"
    "credential 0000000000000000000000000000000000000000000000000000000000000000\n"
    "token ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\n";

static struct certlog_entry example(enum certlog_entry_event ev) {
  struct certlog_entry e;
  memset(&e, 0, sizeof e);
  e.event = ev;
  snprintf(e.serial, sizeof e.serial, "UJK-7Q2M-4K9D-XR3P-HV6T-C");
  e.time_ms = 1764749537123;
  snprintf(e.kid, sizeof e.kid, "W2GWJ2ZS");
  snprintf(e.subsector, sizeof e.subsector, "DKV");
  snprintf(e.scheme, sizeof e.scheme, "DKV-DGR-JR");
  e.issued_s = 1764749537;
  e.expires_s = 1859357537;
  if (CERTLOG_ENTRY_ISSUE == ev) {
    memset(e.token, 0xff, sizeof e.token);
  } else {
    memset(e.reason, 0xab, sizeof e.reason);
  }
  return e;
}

static void test_issue_bytes(void **state) {
  (void)state;
  char buf[CERTLOG_ENTRY_MAX];
  size_t len = 0;
  struct certlog_entry e = example(CERTLOG_ENTRY_ISSUE), back;
  char err[128];
  assert_int_equal(0, certlog_entry_encode(buf, sizeof buf, &len, &e));
  assert_int_equal(strlen(issue_text), len);
  assert_memory_equal(issue_text, buf, len);
  assert_int_equal(0, certlog_entry_parse(&back, buf, len, err, sizeof err));
  assert_memory_equal(&e, &back, sizeof e);
}

static void test_round_trip_every_event(void **state) {
  (void)state;
  for (int ev = CERTLOG_ENTRY_ISSUE; ev <= CERTLOG_ENTRY_REINSTATE; ev++) {
    char buf[CERTLOG_ENTRY_MAX], again[CERTLOG_ENTRY_MAX], err[128];
    size_t len = 0, len2 = 0;
    struct certlog_entry e = example((enum certlog_entry_event)ev), back;
    e.issued_s = -86400; /* signed seconds: a date before 1970 is still a number */
    assert_int_equal(0, certlog_entry_encode(buf, sizeof buf, &len, &e));
    assert_int_equal(0, certlog_entry_parse(&back, buf, len, err, sizeof err));
    assert_memory_equal(&e, &back, sizeof e);
    assert_int_equal(0, certlog_entry_encode(again, sizeof again, &len2, &back));
    assert_int_equal(len, len2);
    assert_memory_equal(buf, again, len);
    /* an issuance carries the two commitments, the others the reason only */
    assert_int_equal(CERTLOG_ENTRY_ISSUE == ev, NULL != strstr(buf, "\ncredential "));
    assert_int_equal(CERTLOG_ENTRY_ISSUE != ev, NULL != strstr(buf, "\nreason "));
  }
  assert_string_equal("suspend", certlog_entry_event_name(CERTLOG_ENTRY_SUSPEND));
  assert_null(certlog_entry_event_name((enum certlog_entry_event)9));
}

/* Replaces the first occurrence of from with to in issue_text and expects a refusal. */
static void refused(const char *from, const char *to) {
  char buf[2 * CERTLOG_ENTRY_MAX], err[128] = "";
  struct certlog_entry e;
  const char *at = strstr(issue_text, from);
  assert_non_null(at);
  int n = snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - issue_text), issue_text, to,
                   at + strlen(from));
  assert_int_not_equal(0, certlog_entry_parse(&e, buf, (size_t)n, err, sizeof err));
  assert_true('\0' != err[0]);
  assert_string_equal("", e.serial); /* nothing half-parsed is left */
}

static void test_parser_is_strict(void **state) {
  (void)state;
  refused("ujikom.certlog/v1", "ujikom.certlog/v2");
  refused("event issue", "event Issue");
  refused("event issue", "event publish");
  refused("serial UJK", "serial  UJK");     /* two spaces */
  refused("kid W2GWJ2ZS", "kid W2GW J2ZS"); /* a space inside */
  refused("time 1764749537123", "time 01764749537123");
  refused("time 1764749537123", "time -1764749537123"); /* no time before the epoch */
  refused("time 1764749537123", "time 99999999999999999999");
  refused("issued 1764749537", "issued +1764749537");
  refused("issued 1764749537", "issued -0");
  refused("token ffff", "token FFFF");                       /* lower-case hex only */
  refused("credential 00", "credential 0");                  /* 63 digits */
  refused("subsector DKV\nscheme", "scheme DKV\nsubsector"); /* order */
  refused("token ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\n",
          "token ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\nx\n");
  refused("token ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\n",
          "token ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
  /* an issuance has no reason, a revocation no commitments */
  refused("token ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\n",
          "reason ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\n");
  refused("event issue", "event revoke");
  refused("\n", "\r\n");
}

static void test_encoder_refuses_what_it_cannot_write(void **state) {
  (void)state;
  char buf[CERTLOG_ENTRY_MAX];
  size_t len = 0;
  struct certlog_entry e = example(CERTLOG_ENTRY_REVOKE);
  e.kid[0] = '\0';
  assert_int_equal(-1, certlog_entry_encode(buf, sizeof buf, &len, &e));
  e = example(CERTLOG_ENTRY_REVOKE);
  snprintf(e.scheme, sizeof e.scheme, "Skema Uji"); /* a space */
  assert_int_equal(-1, certlog_entry_encode(buf, sizeof buf, &len, &e));
  e = example(CERTLOG_ENTRY_REVOKE);
  e.subsector[0] = '\x7f';
  assert_int_equal(-1, certlog_entry_encode(buf, sizeof buf, &len, &e));
  e = example(CERTLOG_ENTRY_REVOKE);
  e.time_ms = -1;
  assert_int_equal(-1, certlog_entry_encode(buf, sizeof buf, &len, &e));
  e = example(CERTLOG_ENTRY_REVOKE);
  e.event = (enum certlog_entry_event)7;
  assert_int_equal(-1, certlog_entry_encode(buf, sizeof buf, &len, &e));
  e = example(CERTLOG_ENTRY_REVOKE);
  assert_int_equal(-1, certlog_entry_encode(buf, 100, &len, &e)); /* too small */
  assert_int_equal(0, certlog_entry_encode(buf, sizeof buf, &len, &e));
}

static void test_digest(void **state) {
  (void)state;
  unsigned char d[CERTLOG_DIGEST_LEN];
  static const unsigned char abc[] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
                                      0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
                                      0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
                                      0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
  assert_int_equal(0, certlog_entry_digest(d, "abc", 3));
  assert_memory_equal(abc, d, sizeof d); /* FIPS 180-2 example */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_issue_bytes),
      cmocka_unit_test(test_round_trip_every_event),
      cmocka_unit_test(test_parser_is_strict),
      cmocka_unit_test(test_encoder_refuses_what_it_cannot_write),
      cmocka_unit_test(test_digest),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
