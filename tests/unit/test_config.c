/*
 * Where the database lives: the one function the daemon and every CLI command ask, and the
 * one clock every layer reads (both are small enough to share a test file).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/config.h"
#include "ujikom/clock.h"

static void test_db_path(void **state) {
  (void)state;
  char out[64];
  assert_ptr_equal(out, config_db_path(out, sizeof out, "var"));
  assert_string_equal("var/ujikom.db", out);
  assert_string_equal("/srv/ujikom/data/ujikom.db",
                      config_db_path(out, sizeof out, "/srv/ujikom/data"));
  char small[8];
  assert_string_equal("var/uji", config_db_path(small, sizeof small, "var")); /* as snprintf */
}

/* --database: empty means the data directory's file; sqlite:PATH and postgresql:// URIs are
 * taken, anything else refused, and a URI carrying a password too (a command line and the
 * environment of a process are visible to others; the password goes in a file). */
static void test_database(void **state) {
  struct config cfg;
  char out[1100], err[256];
  (void)state;
  memset(&cfg, 0, sizeof cfg);
  snprintf(cfg.data_dir, sizeof cfg.data_dir, "/var/lib/ujikom");
  assert_string_equal("/var/lib/ujikom/ujikom.db", config_database(out, sizeof out, &cfg));
  snprintf(cfg.database, sizeof cfg.database, "postgresql://db.internal/ujikom");
  assert_string_equal("postgresql://db.internal/ujikom", config_database(out, sizeof out, &cfg));
  static const char *const good[] = {
      "",
      "sqlite:/srv/ujikom.db",
      "postgresql://db.internal/ujikom",
      "postgres://ujikom@db.internal:5433/ujikom?sslmode=verify-full",
      "postgresql:///ujikom?host=/run/postgresql&user=ujikom",
  };
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    if (0 != config_database_check(good[i], err, sizeof err)) {
      fail_msg("refused %s: %s", good[i], err);
    }
  }
  static const char *const with_password[] = {
      "postgresql://ujikom:rahasia@db.internal/ujikom",
      "postgresql://db.internal/ujikom?sslmode=require&password=rahasia",
      "postgres://ujikom@db.internal/ujikom?password=rahasia",
  };
  for (size_t i = 0; i < sizeof with_password / sizeof with_password[0]; i++) {
    assert_int_equal(-1, config_database_check(with_password[i], err, sizeof err));
    assert_non_null(strstr(err, "password"));
  }
  assert_int_equal(-1, config_database_check("mysql://db/ujikom", err, sizeof err));
  assert_int_equal(-1, config_database_check("/srv/ujikom.db", err, sizeof err));
}

static void test_clock(void **state) {
  (void)state;
  int64_t wall = clock_wall_ms(), secs = clock_wall_s();
  assert_true(wall > INT64_C(1700000000000)); /* after November 2023 */
  assert_true(secs >= wall / 1000 && secs <= wall / 1000 + 1);
  int64_t m1 = clock_mono_ms(), m2 = clock_mono_ms();
  assert_true(m2 >= m1);
}

/* --public-url names the issuer (its did:web) in every credential: a URL that gives none is
 * refused when the configuration is read, from the command line or the environment. */
static void test_public_url(void **state) {
  (void)state;
  static const char *const good[] = {"http://127.0.0.1:8080", "https://lsp.contoh.id",
                                     "https://lsp.contoh.id/ujikom", "https://lsp.contoh.id:8443/"};
  static const char *const bad[] = {"lsp.contoh.id",
                                    "ftp://lsp.contoh.id",
                                    "https://",
                                    "https://lsp.contoh.id/?a=1",
                                    "https://lsp.contoh.id#x",
                                    ""};
  struct config cfg;
  char err[512], prog[] = "ujikomd", flag[] = "--public-url", value[300];
  bool help = false;
  char *argv[] = {prog, flag, value, NULL};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    snprintf(value, sizeof value, "%s", good[i]);
    if (0 != config_load(&cfg, 3, argv, &help, err, sizeof err)) {
      fail_msg("%s refused: %s", good[i], err);
    }
    assert_string_equal(good[i], cfg.public_url);
  }
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    snprintf(value, sizeof value, "%s", bad[i]);
    err[0] = '\0';
    if (0 == config_load(&cfg, 3, argv, &help, err, sizeof err)) {
      fail_msg("'%s' taken", bad[i]);
    }
    assert_non_null(strstr(err, "--public-url"));
  }
  setenv("UJIKOM_PUBLIC_URL", "lsp.contoh.id", 1);
  assert_int_equal(-1, config_load(&cfg, 1, argv, &help, err, sizeof err));
  assert_non_null(strstr(err, "--public-url"));
  unsetenv("UJIKOM_PUBLIC_URL");
  assert_int_equal(0, config_load(&cfg, 1, argv, &help, err, sizeof err));
}

/* --cert-issuer and --cert-licence are signed into every certificate and credential: text
 * the signers would refuse (control characters, broken UTF-8) and an empty issuer name are
 * refused at start, from the command line and from the environment alike. */
static void test_signed_texts(void **state) {
  (void)state;
  static const struct {
    const char *flag, *value;
    bool ok;
  } cases[] = {
      {"--cert-issuer", "LSP Kriya Nusantara \xe2\x80\x94 Bandung", true},
      {"--cert-issuer", "LSP Seni Pertunjukan \xc3\x89lan", true},
      {"--cert-issuer", "", false},
      {"--cert-issuer", "LSP\tKriya", false},
      {"--cert-issuer", "LSP Kriya\n", false},
      {"--cert-issuer", "LSP \xc2\x85Kriya", false}, /* U+0085, a C1 control */
      {"--cert-issuer", "LSP \xff Kriya", false},    /* not UTF-8 */
      {"--cert-issuer", "LSP \x7f Kriya", false},
      {"--cert-licence", "", true},
      {"--cert-licence", "BNSP-LSP-0042-ID", true},
      {"--cert-licence", "BNSP-LSP-0042\r", false},
      {"--cert-licence", "\xc3\x28", false}, /* a broken two-byte sequence */
  };
  struct config cfg;
  char err[512], prog[] = "ujikomd", flag[32], value[300];
  bool help = false;
  char *argv[] = {prog, flag, value, NULL};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    snprintf(flag, sizeof flag, "%s", cases[i].flag);
    snprintf(value, sizeof value, "%s", cases[i].value);
    err[0] = '\0';
    int rc = config_load(&cfg, 3, argv, &help, err, sizeof err);
    if (cases[i].ok && 0 != rc) {
      fail_msg("%s '%s' refused: %s", cases[i].flag, cases[i].value, err);
    }
    if (!cases[i].ok) {
      if (0 == rc) {
        fail_msg("%s '%s' taken", cases[i].flag, cases[i].value);
      }
      assert_non_null(strstr(err, cases[i].flag));
    }
  }
  setenv("UJIKOM_CERT_ISSUER", "LSP\tKriya", 1);
  assert_int_equal(-1, config_load(&cfg, 1, argv, &help, err, sizeof err));
  assert_non_null(strstr(err, "--cert-issuer"));
  unsetenv("UJIKOM_CERT_ISSUER");
  assert_int_equal(0, config_load(&cfg, 1, argv, &help, err, sizeof err));
  assert_string_equal("LSP Ekonomi Kreatif", cfg.cert_issuer);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_db_path),      cmocka_unit_test(test_database),
      cmocka_unit_test(test_clock),        cmocka_unit_test(test_public_url),
      cmocka_unit_test(test_signed_texts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
