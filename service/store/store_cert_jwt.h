/*
 * The credential's JWT forms of each certificate (migration 0022): every JWT issued for it,
 * numbered from 1, never changed.
 */
#ifndef UJIKOM_STORE_CERT_JWT_H
#define UJIKOM_STORE_CERT_JWT_H

#include <stddef.h>
#include <stdint.h>

struct store_tx;
struct store_rd;

/* Keeps a new JWT of certificate serial, numbered after the ones it has. STORE_OK, or
 * negative on storage errors. */
int store_cert_jwt_put(struct store_tx *tx, const char *serial, const char *jwt, int64_t now_ms);
/* The newest JWT of certificate serial: STORE_OK with *out (malloc'd, free()), STORE_NONE
 * when it has none, or negative. */
int store_cert_jwt_latest(struct store_rd *rd, char **out, const char *serial);
/* Every JWT of certificate serial, oldest first: STORE_OK with *out (an array of *out_n
 * malloc'd texts; store_cert_jwt_list_free), or negative (none: STORE_OK and 0). */
int store_cert_jwt_list(struct store_rd *rd, char ***out, size_t *out_n, const char *serial);
void store_cert_jwt_list_free(char **list, size_t n);

#endif
