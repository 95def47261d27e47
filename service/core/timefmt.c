/*
 * UTC time as text (see ujikom/timefmt.h). gmtime_r and strftime cost more than the rest of
 * a log line or a verification answer, so the calendar comes from the day count by
 * arithmetic (H. Hinnant's civil_from_days) and the digits are placed directly.
 */
#include "ujikom/timefmt.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void time_civil_of(struct time_civil *out, int64_t secs) {
  int64_t days = secs / 86400 - (secs % 86400 < 0 ? 1 : 0); /* floor, without overflow */
  int64_t sod = secs % 86400 + (secs % 86400 < 0 ? 86400 : 0);
  int64_t z = days + 719468; /* days since 0000-03-01 */
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  out->day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
  out->month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
  out->year = yoe + era * 400 + (out->month <= 2 ? 1 : 0);
  out->hour = (unsigned)(sod / 3600);
  out->minute = (unsigned)(sod / 60 % 60);
  out->second = (unsigned)(sod % 60);
}

static char *put2(char *p, unsigned v) {
  p[0] = (char)('0' + v / 10 % 10);
  p[1] = (char)('0' + v % 10);
  return p + 2;
}

/* "YYYY-MM-DD" for a year of 0..9999; returns the end. */
static char *put_date(char *p, const struct time_civil *c) {
  p = put2(p, (unsigned)(c->year / 100));
  p = put2(p, (unsigned)(c->year % 100));
  *p++ = '-';
  p = put2(p, c->month);
  *p++ = '-';
  return put2(p, c->day);
}

/* Characters of each style for a four-digit year. */
static const size_t style_len[] = {[TIME_DATE] = 10, [TIME_ISO] = 20, [TIME_MINUTE_UTC] = 20};

/* What strftime writes for years with other than four digits, which never occur in
 * practice but keep their exact text. */
static size_t format_slow(char *out, size_t size, int64_t secs, enum time_style style) {
  time_t t = (time_t)secs;
  struct tm tm;
  size_t n = 0;
  if ((int64_t)t == secs && NULL != gmtime_r(&t, &tm)) {
    switch (style) {
    case TIME_DATE:
      n = strftime(out, size, "%Y-%m-%d", &tm);
      break;
    case TIME_ISO:
      n = strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
      break;
    case TIME_MINUTE_UTC:
      n = strftime(out, size, "%Y-%m-%d %H:%M UTC", &tm);
      break;
    }
  }
  if (0 == n && size > 0) {
    out[0] = '\0';
  }
  return n;
}

size_t time_format(char *out, size_t size, int64_t secs, enum time_style style) {
  struct time_civil c;
  time_civil_of(&c, secs);
  if (c.year < 1000 || c.year > 9999) {
    return format_slow(out, size, secs, style);
  }
  size_t len = style_len[style];
  if (len + 1 > size) {
    if (size > 0) {
      out[0] = '\0';
    }
    return 0;
  }
  char *p = put_date(out, &c);
  switch (style) {
  case TIME_DATE:
    break;
  case TIME_ISO:
    *p++ = 'T';
    p = put2(p, c.hour);
    *p++ = ':';
    p = put2(p, c.minute);
    *p++ = ':';
    p = put2(p, c.second);
    *p++ = 'Z';
    break;
  case TIME_MINUTE_UTC:
    *p++ = ' ';
    p = put2(p, c.hour);
    *p++ = ':';
    p = put2(p, c.minute);
    memcpy(p, " UTC", 4);
    p += 4;
    break;
  }
  *p = '\0';
  return (size_t)(p - out);
}

size_t time_format_iso_ms(char out[TIME_ISO_MS_LEN + 1], int64_t secs, unsigned ms) {
  struct time_civil c;
  time_civil_of(&c, secs);
  if (c.year < 0 || c.year > 9999) {
    c.year = 0; /* outside what four digits say */
  }
  ms %= 1000;
  char *p = put_date(out, &c);
  *p++ = 'T';
  p = put2(p, c.hour);
  *p++ = ':';
  p = put2(p, c.minute);
  *p++ = ':';
  p = put2(p, c.second);
  *p++ = '.';
  *p++ = (char)('0' + ms / 100);
  p = put2(p, ms % 100);
  *p++ = 'Z';
  *p = '\0';
  return (size_t)(p - out);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_of(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t mp = m > 2 ? (int64_t)m - 3 : (int64_t)m + 9;
  int64_t doy = (153 * mp + 2) / 5 + (int64_t)d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* n decimal digits at p as a number; -1 when one of them is not a digit. */
static int64_t digits(const char *p, int n) {
  int64_t v = 0;
  for (int i = 0; i < n; i++) {
    if (p[i] < '0' || p[i] > '9') {
      return -1;
    }
    v = v * 10 + (p[i] - '0');
  }
  return v;
}

static bool leap(int64_t y) {
  return 0 == y % 4 && (0 != y % 100 || 0 == y % 400);
}

int time_parse_rfc3339(int64_t *out_ms, const char *text) {
  static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  size_t len = strlen(text);
  if (len < 10 || '-' != text[4] || '-' != text[7]) {
    return -1;
  }
  int64_t y = digits(text, 4), mo = digits(text + 5, 2), d = digits(text + 8, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 ||
      d > (int64_t)mdays[mo - 1] + (2 == mo && leap(y) ? 1 : 0)) {
    return -1;
  }
  int64_t secs = days_of(y, (unsigned)mo, (unsigned)d) * 86400;
  int64_t ms = 0;
  if (10 == len) {
    *out_ms = secs * 1000;
    return 0;
  }
  const char *p = text + 10;
  if (('T' != *p && 't' != *p && ' ' != *p) || strlen(p) < 9 || ':' != p[3] || ':' != p[6]) {
    return -1;
  }
  int64_t h = digits(p + 1, 2), mi = digits(p + 4, 2), s = digits(p + 7, 2);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) {
    return -1;
  }
  secs += h * 3600 + mi * 60 + (60 == s ? 59 : s); /* a leap second counts as :59 */
  p += 9;
  if ('.' == *p) {
    int n = 0;
    int64_t scale = 100;
    for (p++; *p >= '0' && *p <= '9'; p++, n++) {
      ms += (*p - '0') * scale;
      scale /= 10;
    }
    if (0 == n || n > 9) {
      return -1;
    }
  }
  if (('Z' == *p || 'z' == *p) && '\0' == p[1]) {
    *out_ms = secs * 1000 + ms;
    return 0;
  }
  if (('+' != *p && '-' != *p) || 6 != strlen(p) || ':' != p[3]) {
    return -1;
  }
  int64_t oh = digits(p + 1, 2), om = digits(p + 4, 2);
  if (oh < 0 || oh > 23 || om < 0 || om > 59) {
    return -1;
  }
  int64_t off = oh * 3600 + om * 60;
  secs += '+' == *p ? -off : off;
  *out_ms = secs * 1000 + ms;
  return 0;
}

int time_parse_date(const char *s, int64_t *out_secs) {
  int64_t ms;
  /* A bare date is the one form of ten characters time_parse_rfc3339 takes. */
  if (NULL == s || 10 != strlen(s) || 0 != time_parse_rfc3339(&ms, s) || ms < 0) {
    return -1;
  }
  *out_secs = ms / 1000;
  return 0;
}

static const struct {
  const char *name;
  int64_t offset_s;
} zones[TIME_ZONE_COUNT] = {
    [TIME_ZONE_WIB] = {"WIB", (int64_t)7 * 3600},
    [TIME_ZONE_WITA] = {"WITA", (int64_t)8 * 3600},
    [TIME_ZONE_WIT] = {"WIT", (int64_t)9 * 3600},
};

const char *time_zone_name(enum time_zone zone) {
  return (size_t)zone < TIME_ZONE_COUNT ? zones[zone].name : zones[TIME_ZONE_WIB].name;
}

bool time_zone_parse(const char *s, enum time_zone *out) {
  for (size_t i = 0; NULL != s && i < TIME_ZONE_COUNT; i++) {
    if (0 == strcmp(s, zones[i].name)) {
      *out = (enum time_zone)i;
      return true;
    }
  }
  return false;
}

size_t time_format_zone(char *out, size_t size, int64_t secs, enum time_zone zone,
                        enum time_style style) {
  if (TIME_ISO == style) {
    return time_format(out, size, secs, style);
  }
  if ((size_t)zone >= TIME_ZONE_COUNT) {
    zone = TIME_ZONE_WIB;
  }
  /* The local wall clock is UTC's at secs plus the offset; " UTC" becomes the zone's name. */
  char buf[TIME_TEXT_SIZE];
  int64_t local = secs > INT64_MAX - zones[zone].offset_s ? secs : secs + zones[zone].offset_s;
  size_t n = time_format(buf, sizeof buf, local, style);
  if (0 == n) {
    if (size > 0) {
      out[0] = '\0';
    }
    return 0;
  }
  if (TIME_MINUTE_UTC == style && n > 4 && 0 == strcmp(buf + n - 4, " UTC")) {
    n -= 3;
    buf[n] = '\0';
    size_t zl = strlen(zones[zone].name);
    if (n + zl + 1 > sizeof buf) {
      n = 0;
      buf[0] = '\0';
    } else {
      memcpy(buf + n, zones[zone].name, zl + 1);
    }
    n += 0 != n ? zl : 0;
  }
  if (0 == n || n + 1 > size) {
    if (size > 0) {
      out[0] = '\0';
    }
    return 0;
  }
  memcpy(out, buf, n + 1);
  return n;
}
