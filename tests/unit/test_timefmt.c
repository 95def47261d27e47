/*
 * The time formatter against gmtime_r and strftime, which it must equal byte for byte: leap
 * days, the century rules (1900 and 2100 are not leap years, 2000 and 2400 are), the ends of
 * months and years, the years where %Y stops having four digits, times before 1970, a sweep
 * over four centuries, and too small a buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "ujikom/timefmt.h"

static size_t reference(char *out, size_t size, enum time_style style, const struct tm *tm) {
  switch (style) {
  case TIME_DATE:
    return strftime(out, size, "%Y-%m-%d", tm);
  case TIME_ISO:
    return strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", tm);
  case TIME_MINUTE_UTC:
    return strftime(out, size, "%Y-%m-%d %H:%M UTC", tm);
  }
  return 0;
}

static void expect_strftime(int64_t secs) {
  for (int style = TIME_DATE; style <= TIME_MINUTE_UTC; style++) {
    char got[TIME_TEXT_SIZE], want[TIME_TEXT_SIZE];
    time_t t = (time_t)secs;
    struct tm tm;
    assert_non_null(gmtime_r(&t, &tm));
    size_t n = reference(want, sizeof want, (enum time_style)style, &tm);
    assert_true(n > 0);
    size_t len = time_format(got, sizeof got, secs, (enum time_style)style);
    if (len != n || 0 != strcmp(got, want)) {
      fail_msg("%lld s, style %d: got \"%s\" (%zu), want \"%s\"", (long long)secs, style, got, len,
               want);
    }
  }
}

/* Seconds of y-m-d 00:00:00 UTC, by timegm. */
static int64_t at(int y, int m, int d) {
  struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
  return (int64_t)timegm(&tm);
}

static void test_leap_days_and_centuries(void **state) {
  (void)state;
  static const int years[] = {1000, 1600, 1700, 1800, 1899, 1900, 1904, 1969, 1970, 1972,
                              1999, 2000, 2001, 2024, 2026, 2096, 2100, 2104, 2400, 9999};
  for (size_t i = 0; i < sizeof years / sizeof years[0]; i++) {
    int y = years[i];
    /* 28 February, the day after it (29 February or 1 March), New Year's Eve, New Year */
    int64_t feb28 = at(y, 2, 28);
    expect_strftime(feb28);
    expect_strftime(feb28 + 86400);
    expect_strftime(feb28 + 86400 - 1);
    expect_strftime(feb28 + (int64_t)2 * 86400);
    expect_strftime(at(y, 12, 31) + 86399);
    expect_strftime(at(y, 1, 1));
  }
  char got[TIME_TEXT_SIZE];
  time_format(got, sizeof got, at(2000, 2, 28) + 86400, TIME_DATE);
  assert_string_equal("2000-02-29", got); /* divisible by 400: leap */
  time_format(got, sizeof got, at(2100, 2, 28) + 86400, TIME_DATE);
  assert_string_equal("2100-03-01", got); /* divisible by 100 only: not leap */
  time_format(got, sizeof got, at(1900, 2, 28) + 86400, TIME_DATE);
  assert_string_equal("1900-03-01", got);
  time_format(got, sizeof got, at(2024, 2, 28) + 86400, TIME_DATE);
  assert_string_equal("2024-02-29", got);
}

static void test_fixed_points(void **state) {
  (void)state;
  char got[TIME_TEXT_SIZE];
  assert_int_equal(20, time_format(got, sizeof got, 0, TIME_ISO));
  assert_string_equal("1970-01-01T00:00:00Z", got);
  assert_int_equal(20, time_format(got, sizeof got, 1795334400, TIME_MINUTE_UTC));
  assert_string_equal("2026-11-22 08:00 UTC", got);
  assert_int_equal(10, time_format(got, sizeof got, -1, TIME_DATE));
  assert_string_equal("1969-12-31", got);
  const int64_t fixed[] = {0,          59,         86399,      86400,      951782400,
                           951868799,  951868800,  1078012800, 1709164800, 1709251199,
                           4107542400, 4102444799, 4102444800, 1798761599, 1798761600,
                           -1,         -86400,     -86401,     -2208988800};
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
    expect_strftime(fixed[i]);
  }
}

static void test_years_without_four_digits(void **state) {
  (void)state;
  /* 999-12-31T23:59:59Z, 1000-01-01, 9999-12-31T23:59:59Z, 10000-01-01, year 1, year 0 */
  expect_strftime(at(1000, 1, 1) - 1);
  expect_strftime(at(1000, 1, 1));
  expect_strftime(at(10000, 1, 1) - 1);
  expect_strftime(at(10000, 1, 1));
  expect_strftime(at(1, 1, 1));
  expect_strftime(at(0, 3, 1));
  expect_strftime(at(-1, 1, 1));
  expect_strftime(at(123456, 7, 8) + 3723);
}

static void test_sweep(void **state) {
  (void)state;
  /* every day from 1800 to 2500 at a time of day that moves, so every hour, minute and
   * second is seen too */
  int64_t from = at(1800, 1, 1), to = at(2500, 1, 1);
  int64_t tod = 0;
  for (int64_t d = from; d < to; d += 86400) {
    expect_strftime(d + tod);
    tod = (tod + 3671) % 86400;
  }
}

static void test_civil(void **state) {
  (void)state;
  struct time_civil c;
  time_civil_of(&c, at(2000, 2, 29) + (int64_t)23 * 3600 + (int64_t)59 * 60 + 58);
  assert_int_equal(2000, c.year);
  assert_int_equal(2, c.month);
  assert_int_equal(29, c.day);
  assert_int_equal(23, c.hour);
  assert_int_equal(59, c.minute);
  assert_int_equal(58, c.second);
  time_civil_of(&c, INT64_MIN); /* no overflow (UBSan would stop here) */
  time_civil_of(&c, INT64_MAX);
}

static void test_room(void **state) {
  (void)state;
  char got[21];
  memset(got, 'x', sizeof got);
  assert_int_equal(0, time_format(got, 20, 0, TIME_ISO)); /* 20 characters + NUL */
  assert_string_equal("", got);
  assert_int_equal(20, time_format(got, 21, 0, TIME_ISO));
  assert_int_equal(0, time_format(got, 10, 0, TIME_DATE));
  assert_int_equal(10, time_format(got, 11, 0, TIME_DATE));
  assert_string_equal("1970-01-01", got);
  assert_int_equal(0, time_format(got, 0, 0, TIME_DATE));
}

static void test_iso_ms(void **state) {
  (void)state;
  char got[TIME_ISO_MS_LEN + 1];
  assert_int_equal(TIME_ISO_MS_LEN, time_format_iso_ms(got, 1795334400, 123));
  assert_string_equal("2026-11-22T08:00:00.123Z", got);
  assert_int_equal(TIME_ISO_MS_LEN, time_format_iso_ms(got, at(2024, 2, 29) + 86399, 7));
  assert_string_equal("2024-02-29T23:59:59.007Z", got);
  assert_int_equal(TIME_ISO_MS_LEN, time_format_iso_ms(got, at(10000, 1, 1), 0));
  assert_string_equal("0000-01-01T00:00:00.000Z", got); /* keeps its width */
}

/* RFC 3339 in, milliseconds out: offsets, fractions, bare dates, and everything else refused. */
static void test_parse_rfc3339(void **state) {
  (void)state;
  int64_t ms = 0;
  assert_int_equal(0, time_parse_rfc3339(&ms, "2026-12-03T18:00:00Z"));
  assert_int_equal(at(2026, 12, 3) * 1000 + (int64_t)18 * 3600000, ms);
  assert_int_equal(0, time_parse_rfc3339(&ms, "2026-12-01T10:00:00.250+07:00"));
  assert_int_equal(at(2026, 12, 1) * 1000 + (int64_t)3 * 3600000 + 250, ms);
  assert_int_equal(0, time_parse_rfc3339(&ms, "2026-12-01 00:30:00-01:30"));
  assert_int_equal(at(2026, 12, 1) * 1000 + (int64_t)2 * 3600000, ms);
  assert_int_equal(0, time_parse_rfc3339(&ms, "2024-02-29"));
  assert_int_equal(at(2024, 2, 29) * 1000, ms);
  assert_int_equal(0, time_parse_rfc3339(&ms, "1969-12-31t23:59:59z"));
  assert_int_equal(-1000, ms);
  assert_int_equal(0, time_parse_rfc3339(&ms, "2016-12-31T23:59:60Z")); /* leap second */
  assert_int_equal(at(2017, 1, 1) * 1000 - 1000, ms);
  static const char *const bad[] = {"",
                                    "2026-12-3",
                                    "2023-02-29",
                                    "2026-13-01",
                                    "2026-12-01T24:00:00Z",
                                    "2026-12-01T10:00:00",
                                    "2026-12-01T10:00Z",
                                    "2026-12-01T10:00:00.Z",
                                    "2026-12-01T10:00:00+0700",
                                    "2026-12-01T10:00:00Z ",
                                    "2026-12-01x",
                                    "+2026-12-01",
                                    "yesterday"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (0 == time_parse_rfc3339(&ms, bad[i])) {
      fail_msg("accepted '%s'", bad[i]);
    }
  }
}

/* The date filter's parser: exact form, real days, the century leap rules; refusals leave
 * the output untouched. */
static void test_parse_date(void **state) {
  (void)state;
  int64_t secs = 7;
  assert_int_equal(0, time_parse_date("1970-01-01", &secs));
  assert_int_equal(0, secs);
  assert_int_equal(0, time_parse_date("2026-12-03", &secs));
  assert_int_equal(1796256000, secs);
  assert_int_equal(0, time_parse_date("2000-02-29", &secs));
  assert_int_equal(951782400, secs);
  assert_int_equal(0, time_parse_date("2024-02-29", &secs));
  assert_int_equal(0, time_parse_date("9999-12-31", &secs));
  char back[TIME_TEXT_SIZE];
  time_format(back, sizeof back, secs, TIME_DATE);
  assert_string_equal(back, "9999-12-31");
  secs = 7;
  const char *bad[] = {"2023-02-29",  "2100-02-29", "2026-13-01", "2026-00-10", "2026-04-31",
                       "2026-01-00",  "1969-12-31", "2026-1-01",  "2026/01/01", "2026-01-01 ",
                       " 2026-01-01", "20260101",   "",           "2026-01-0a", "+026-01-01"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(-1, time_parse_date(bad[i], &secs));
  }
  assert_int_equal(-1, time_parse_date(NULL, &secs));
  assert_int_equal(7, secs);
}

/* Indonesia's zones: the local wall clock and date, labelled; the date may be the next day. */
static void test_zones(void **state) {
  (void)state;
  char out[TIME_TEXT_SIZE];
  const int64_t t = 1795334400; /* 2026-11-22T08:00:00Z */
  assert_int_equal(20, time_format_zone(out, sizeof out, t, TIME_ZONE_WIB, TIME_MINUTE_UTC));
  assert_string_equal("2026-11-22 15:00 WIB", out);
  time_format_zone(out, sizeof out, t, TIME_ZONE_WITA, TIME_MINUTE_UTC);
  assert_string_equal("2026-11-22 16:00 WITA", out);
  time_format_zone(out, sizeof out, t, TIME_ZONE_WIT, TIME_MINUTE_UTC);
  assert_string_equal("2026-11-22 17:00 WIT", out);
  /* 20:30 UTC is already the next day in Jayapura. */
  time_format_zone(out, sizeof out, t + 12 * 3600 + 1800, TIME_ZONE_WIT, TIME_DATE);
  assert_string_equal("2026-11-23", out);
  time_format_zone(out, sizeof out, t + 12 * 3600 + 1800, TIME_ZONE_WIB, TIME_DATE);
  assert_string_equal("2026-11-23", out);
  time_format_zone(out, sizeof out, t + 12 * 3600, TIME_ZONE_WIB, TIME_DATE);
  assert_string_equal("2026-11-23", out);
  time_format_zone(out, sizeof out, t + 12 * 3600 - 3600 * 8, TIME_ZONE_WIB, TIME_DATE);
  assert_string_equal("2026-11-22", out);
  time_format_zone(out, sizeof out, t, TIME_ZONE_WIT, TIME_ISO);
  assert_string_equal("2026-11-22T08:00:00Z", out); /* ISO stays UTC */
  assert_int_equal(0, time_format_zone(out, 20, t, TIME_ZONE_WITA, TIME_MINUTE_UTC));
  assert_string_equal("", out);
  enum time_zone z = TIME_ZONE_WIB;
  assert_true(time_zone_parse("WITA", &z));
  assert_int_equal(TIME_ZONE_WITA, z);
  assert_false(time_zone_parse("wita", &z));
  assert_false(time_zone_parse("UTC", &z));
  assert_false(time_zone_parse(NULL, &z));
  assert_string_equal("WIT", time_zone_name(TIME_ZONE_WIT));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_rfc3339), cmocka_unit_test(test_leap_days_and_centuries),
      cmocka_unit_test(test_fixed_points),  cmocka_unit_test(test_years_without_four_digits),
      cmocka_unit_test(test_sweep),         cmocka_unit_test(test_civil),
      cmocka_unit_test(test_room),          cmocka_unit_test(test_iso_ms),
      cmocka_unit_test(test_parse_date),    cmocka_unit_test(test_zones),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
