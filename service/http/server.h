/*
 * The HTTP server: libmicrohttpd with an internal thread pool (poll), the dispatcher that
 * enforces limits, matches routes and authorises, and graceful shutdown.
 */
#ifndef UJIKOM_SERVER_H
#define UJIKOM_SERVER_H

#include <stdint.h>

#include "common/svc.h"

struct server;

/* Binds cfg->listen and starts serving. On failure returns -1 with one clear line in err
 * (e.g. "cannot listen on 127.0.0.1:8080: Address already in use"). */
int server_start(struct svc *svc, struct server **out, char *err, size_t errlen);
/* The port actually bound (useful with port 0). */
uint16_t server_port(const struct server *s);
/* Stops accepting, waits up to grace_s seconds for in-flight requests, then stops.
 * Returns the number of requests still running when it gave up (0 = clean). */
unsigned server_stop(struct server *s, long grace_s);

#endif
