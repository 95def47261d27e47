/*
 * Times on pages as the person reading them lives them: in their time zone (their choice,
 * else WIB), labelled ("2026-11-22 15:00 WIB").
 */
#ifndef UJIKOM_HTTP_PAGE_TIME_H
#define UJIKOM_HTTP_PAGE_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/server.h"
#include "ujikom/timefmt.h"

/* The zone of the person asking: their choice, else WIB (also for anonymous requests). One
 * store read: call it once per page. */
enum time_zone page_zone(struct req *r);

/* ms (since the epoch) as "2026-11-22 15:00 WIB", or the local date "2026-11-22" with
 * date_only, in zone; "—" for ms <= 0 or a time that cannot be written. */
void page_time(char *out, size_t outlen, int64_t ms, enum time_zone zone, bool date_only);

#endif
