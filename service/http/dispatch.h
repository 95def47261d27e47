/*
 * The dispatcher: what the adapter (server.c) runs for every request. It matches the route
 * (404/405), parses the body (JSON or form), loads the session, checks the route's roles,
 * the Origin and the CSRF token, then runs the route's handler.
 */
#ifndef UJIKOM_DISPATCH_H
#define UJIKOM_DISPATCH_H

#include "http/server.h"

/* The dispatcher as the adapter calls it (server_start). */
extern const struct server_app dispatch_app;

#endif
