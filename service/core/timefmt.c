/*
 * UTC time as text (see ujikom/timefmt.h). gmtime_r and strftime cost more than the rest of
 * a log line or a verification answer, so the calendar comes from the day count by
 * arithmetic (H. Hinnant's civil_from_days) and the digits are placed directly.
 */
#include "ujikom/timefmt.h"

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
