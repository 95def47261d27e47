/*
 * The HTTP server: libmicrohttpd with an internal thread pool (poll), the dispatcher that
 * enforces limits, matches routes and authorises, and graceful shutdown.
 */
#ifndef UJIKOM_SERVER_H
#define UJIKOM_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "common/svc.h"

struct server;
struct req;

/* Binds cfg->listen and starts serving. On failure returns -1 with one clear line in err
 * (e.g. "cannot listen on 127.0.0.1:8080: Address already in use"). */
int server_start(struct svc *svc, struct server **out, char *err, size_t errlen);
/* The port actually bound (useful with port 0). */
uint16_t server_port(const struct server *s);
/* Stops accepting, waits up to grace_s seconds for in-flight requests, then stops.
 * Returns the number of requests still running when it gave up (0 = clean). */
unsigned server_stop(struct server *s, long grace_s);

/* Bytes of libmicrohttpd's per-connection memory pool for this configuration: the request
 * line, the headers (up to --max-header) and the answer's header all live in it, and it is
 * touched (zeroed after every request) for every open connection, so it decides the
 * memory of idle connections. `ujikomd --pool-size` prints it. */
size_t server_pool_size(const struct config *cfg);

/* --- prebuilt answers ---------------------------------------------------------------
 * An immutable answer (status, body, Content-Type, extra headers and the security headers)
 * built once and queued for any number of requests, on any thread: libmicrohttpd counts
 * its own references to the response, and the prebuilt answer counts the holders of the
 * object itself (its creator and every request that has it queued), so whoever swaps in a
 * newer answer releases the old one and it is freed after its last request. */
struct prebuilt;

/* headers: name, value, name, value, ..., NULL (may be NULL). copy: copy data (else it must
 * outlive the answer, e.g. a compiled-in asset). NULL when out of memory. The caller holds
 * one reference. */
struct prebuilt *prebuilt_new(unsigned status, const char *content_type, const void *data,
                              size_t len, bool copy, const char *const *headers);
/* Another reference, for a reader that fetched p under the lock that guards its slot. */
void prebuilt_ref(struct prebuilt *p);
/* Drops one reference; the last one frees the object (libmicrohttpd keeps the response
 * itself alive until its sends are done). NULL is ignored. */
void prebuilt_release(struct prebuilt *p);
/* Answers r with p (takes its own reference until the answer is queued). When the request
 * needs something p cannot carry — headers a handler added, or no-store because the user
 * is logged in while p allows caching — the same answer is built afresh instead. */
int reply_prebuilt(struct req *r, struct prebuilt *p);
/* True when an If-None-Match header value lists etag (a quoted entity tag, weak or strong)
 * or is "*": the client's copy is current and a 304 answers it. */
bool etag_matches(const char *if_none_match, const char *etag);

#endif
