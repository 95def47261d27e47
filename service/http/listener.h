/*
 * The listening socket the server hands to libmicrohttpd.
 */
#ifndef UJIKOM_LISTENER_H
#define UJIKOM_LISTENER_H

#include <stddef.h>
#include <stdint.h>

/* Binds "ADDR:PORT" or "[ADDR6]:PORT" (port 0: any free port) and listens (close-on-exec,
 * SO_REUSEADDR). Returns the descriptor with *out_port the port actually bound, or -1 with
 * one clear line in err (e.g. "cannot listen on 127.0.0.1:8080: Address already in use"). */
int listener_open(const char *listen_at, uint16_t *out_port, char *err, size_t errlen);

#endif
