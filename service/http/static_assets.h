/*
 * Serving the compiled-in assets under static/: each answer (200 and 304, pinned by ?v= or
 * not, gzip-compressed or not) is built once at start-up and queued for every request.
 */
#ifndef UJIKOM_STATIC_ASSETS_H
#define UJIKOM_STATIC_ASSETS_H

#include "http/server.h"

/* Builds every asset's compressed copy and answers, once, at start-up (http_init), after
 * assets_init. Out of memory leaves them unbuilt: answers are then built per request. */
void static_assets_init(void);

/* Answers r with the asset at path ("static/app.css"; an exact table entry): 200 with the
 * body, or 304 when If-None-Match names its ETag; cached a day when ?v= names its version,
 * an hour otherwise; gzip-compressed for clients that accept it when that pays. 404 when
 * there is no such asset. Returns the reply's value. */
int static_assets_reply(struct req *r, const char *path);

#endif
