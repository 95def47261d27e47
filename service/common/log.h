/*
 * Logging: one line per event on stderr, "time level [request-id] message".
 * The level is set once at start-up from the configuration.
 */
#ifndef UJIKOM_LOG_H
#define UJIKOM_LOG_H

enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

/* Sets the threshold from "error", "warn", "info" or "debug"; returns -1 if unknown. */
int log_set_level(const char *name);
/* request_id may be NULL. */
void log_msg(enum log_level level, const char *request_id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
