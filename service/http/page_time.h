/*
 * Times on pages as the person reading them lives them: in their time zone (their choice,
 * else WIB; an exam's in its test site's zone when it has one), labelled
 * ("2026-11-22 15:00 WIB").
 */
#ifndef UJIKOM_HTTP_PAGE_TIME_H
#define UJIKOM_HTTP_PAGE_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/html.h"
#include "http/server.h"
#include "ujikom/exam.h"
#include "ujikom/timefmt.h"

/* The zone of the person asking: their choice, else WIB (also for anonymous requests). One
 * store read: call it once per page. */
enum time_zone page_zone(struct req *r);

/* The zone an exam's times are shown in: its test site's (the exam's time_zone) when it has
 * one, else the reader's (account, the zone page_zone gave). x may be NULL. */
enum time_zone page_zone_for(enum time_zone account, const struct exam *x);

/* ms (since the epoch) as "2026-11-22 15:00 WIB", or the local date "2026-11-22" with
 * date_only, in zone; "—" for ms <= 0 or a time that cannot be written. */
void page_time(char *out, size_t outlen, int64_t ms, enum time_zone zone, bool date_only);

/* The form choosing the zone every time on the reader's pages is shown in (POST
 * /me/time-zone), with zone selected. back: the local path to return to after saving (staff
 * pages), or NULL for the candidate's dashboard. */
void page_zone_form(struct html *h, const struct req *r, enum time_zone zone, const char *back);

#endif
