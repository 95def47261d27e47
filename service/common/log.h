/*
 * Logging: one line per event on stderr, "time level [request-id] message".
 * The level is set once at start-up from the configuration.
 */
#ifndef UJIKOM_LOG_H
#define UJIKOM_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ujikom/timefmt.h"

enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

/* Sets the threshold from "error", "warn", "info" or "debug"; returns -1 if unknown. */
int log_set_level(const char *name);
/* request_id may be NULL. */
void log_msg(enum log_level level, const char *request_id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Every line starts with the time as "2026-11-22T08:00:00.123Z" (time_format_iso_ms). */
#define LOG_TIME_TEXT_LEN TIME_ISO_MS_LEN
/* One request's access line at info level: "METHOD PATH STATUS BYTES 1.2ms" plus
 * " (aborted)" — the same text as log_msg(LOG_INFO, id, "%s %s %u %zu %.1fms%s", ...),
 * formatted without printf (it is written for every request). */
void log_access(const char *request_id, const char *method, const char *path, unsigned status,
                size_t bytes, uint64_t elapsed_ns, bool aborted);

/* From now on lines are gathered and written by a thread of their own, every flush_ms
 * milliseconds or as soon as 64 KiB wait: a thread that logs only copies its line, and a slow
 * or stalled stderr holds up no caller until 1 MiB waits. A warning or an error is written
 * before log_msg returns, after the lines gathered before it. Lines keep their order and are
 * never split. flush_ms <= 0: every line is written at once by its caller, as before. -1 if
 * the buffers or the thread cannot be made (lines are then written at once). Lines still
 * gathered are lost if the process is killed: at most flush_ms of info lines. */
int log_buffer_start(long flush_ms);
/* Writes what is gathered and goes back to writing every line at once. */
void log_buffer_stop(void);

#endif
