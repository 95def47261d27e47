/*
 * The HTTP shell as the daemon starts it: every table the shell derives from constant data
 * (error names, catalogues, asset versions and answers, the route index, the verification
 * page's texts, the hashing slots) is built once, here, before the first request, instead
 * of lazily on some request thread.
 */
#ifndef UJIKOM_HTTPD_H
#define UJIKOM_HTTPD_H

#include <stddef.h>

#include "common/svc.h"
#include "http/server.h"

/* Builds the shell's start-up tables; call once, before any request (http_start does).
 * Tests that use the shell's modules without a server call it too. Never fails: what
 * could not be built (out of memory) falls back as each module's *_init says. */
void http_init(void);

/* http_init, then server_start with the dispatcher: binds cfg->listen and serves. On
 * failure returns -1 with one clear line in err. */
int http_start(struct svc *svc, struct server **out, char *err, size_t errlen);

#endif
