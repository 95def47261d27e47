/*
 * The one time formatter: seconds since the epoch as UTC text, byte for byte what gmtime_r
 * and strftime write (proleptic Gregorian calendar), computed by arithmetic for the years
 * 1000..9999, where strftime's %Y has four digits, and by gmtime_r and strftime otherwise.
 * Pure functions.
 */
#ifndef UJIKOM_TIMEFMT_H
#define UJIKOM_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum time_style {
  TIME_DATE,       /* "2026-11-22"            (%Y-%m-%d) */
  TIME_ISO,        /* "2026-11-22T08:00:00Z"  (%Y-%m-%dT%H:%M:%SZ, RFC 3339) */
  TIME_MINUTE_UTC, /* "2026-11-22 08:00 UTC"  (%Y-%m-%d %H:%M UTC) */
};

/* Room for any style of any year a 64-bit time_t reaches, with the NUL. */
#define TIME_TEXT_SIZE 40

/* A UTC calendar date and time of day. */
struct time_civil {
  int64_t year;
  unsigned month, day;           /* 1..12, 1..31 */
  unsigned hour, minute, second; /* 0..23, 0..59, 0..59 */
};

/* The UTC calendar date and time of secs (any value; negative is before 1970). */
void time_civil_of(struct time_civil *out, int64_t secs);

/* Writes secs in style, and a NUL, into out. Returns the length, or 0 with out = "" (when
 * size > 0) when it does not fit or gmtime_r cannot represent the year. */
size_t time_format(char *out, size_t size, int64_t secs, enum time_style style);

/* Indonesia's three time zones, fixed offsets from UTC (no daylight saving). */
enum time_zone {
  TIME_ZONE_WIB = 0, /* UTC+7, the default */
  TIME_ZONE_WITA,    /* UTC+8 */
  TIME_ZONE_WIT,     /* UTC+9 */
};
#define TIME_ZONE_COUNT 3

/* "WIB", "WITA" or "WIT". */
const char *time_zone_name(enum time_zone zone);
/* The zone named s (exactly "WIB", "WITA", "WIT") into *out; false for anything else. */
bool time_zone_parse(const char *s, enum time_zone *out);

/* secs as the local date or time in zone, labelled: TIME_DATE "2026-11-22" (the local date),
 * TIME_MINUTE_UTC's shape with the zone's name, "2026-11-22 15:00 WIB"; TIME_ISO is not
 * local and is written as time_format does. Returns the length, or 0 as time_format. */
size_t time_format_zone(char *out, size_t size, int64_t secs, enum time_zone zone,
                        enum time_style style);

/* "2026-11-22T08:00:00.123Z" (TIME_ISO_MS_LEN characters and a NUL, size at least
 * TIME_ISO_MS_LEN + 1): secs and ms (0..999) as log lines start. A year outside 0..9999 is
 * written 0000 so that the text keeps its width. Returns TIME_ISO_MS_LEN. */
#define TIME_ISO_MS_LEN 24
size_t time_format_iso_ms(char out[TIME_ISO_MS_LEN + 1], int64_t secs, unsigned ms);

/* Parses an RFC 3339 time ("2026-12-03T18:00:00Z", "2026-12-03T18:00:00.5+07:00", "T" or
 * a space between date and time, any case) or a bare date ("2026-12-03": 00:00 UTC), years
 * 0000..9999. Writes milliseconds since the epoch (UTC) and returns 0, or -1 when the text
 * is anything else. Pure; for outside input (tests/fuzz/fuzz_time_parse.c). */
int time_parse_rfc3339(int64_t *out_ms, const char *text);
/* Parses a calendar date "YYYY-MM-DD" (exactly that: four-digit year 1970..9999, a real
 * day of the month, as an <input type="date"> sends it) into the seconds since the epoch of
 * its UTC midnight. Returns 0, or -1 (*out untouched) for anything else. */
int time_parse_date(const char *s, int64_t *out_secs);

#endif
