/*
 * What the tests of the verdict against a real store share (test_verify.c,
 * test_verify_cache.c), on top of test_issue_fixture.h: issuing a certificate and verifying
 * a text in one form at the current time.
 */
#ifndef TEST_VERIFY_FIXTURE_H
#define TEST_VERIFY_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "common/issue.h"
#include "common/verify.h"
#include "test_issue_fixture.h"
#include "ujikom/clock.h"

/* The verification of text in form (free()); fails the test on a store error. */
static struct verify_result *verify(struct fixture *f, enum verify_form form, const char *text) {
  struct verify_result *o = verify_result_new();
  assert_non_null(o);
  int rc = verify_certificate(o, &f->svc, form, text, strlen(text), clock_wall_ms(), NULL);
  if (0 != rc) {
    fail_msg("verify: %s", store_rc_name(rc));
  }
  return o;
}

/* A new certificate for a new passed attempt (store_cert_clear afterwards). */
static void issue(struct fixture *f, struct store_cert *out) {
  char err[256];
  enum issue_rc rc = issue_certificate(out, &f->svc, new_attempt(f, VERDICT_K), 0, err, sizeof err);
  if (ISSUE_CREATED != rc) {
    fail_msg("issue: %s", err);
  }
}

#endif
