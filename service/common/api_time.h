/*
 * The API's time format as a JSON value, for every document the service writes (the JSON
 * handlers and the application layer's own documents, such as an appeal's).
 */
#ifndef UJIKOM_API_TIME_H
#define UJIKOM_API_TIME_H

#include <jansson.h>
#include <stdint.h>

/* ms since the epoch as an ISO-8601 UTC string with seconds ("2026-11-22T08:00:00Z");
 * JSON null for ms <= 0 ("not yet"). */
json_t *json_time(int64_t ms);

#endif
