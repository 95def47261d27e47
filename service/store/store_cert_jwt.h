/*
 * The credential's JWT form of each certificate (migration 0022), stored at issuance beside
 * the certificate's row and never changed.
 */
#ifndef UJIKOM_STORE_CERT_JWT_H
#define UJIKOM_STORE_CERT_JWT_H

struct store_tx;
struct store_rd;

/* Stores the JWT of certificate serial (in the transaction that inserts the certificate).
 * STORE_OK; STORE_EXISTS when it has one; negative on storage errors. */
int store_cert_jwt_put(struct store_tx *tx, const char *serial, const char *jwt);
/* The JWT of certificate serial: STORE_OK with *out (malloc'd, free()), STORE_NONE when it
 * has none (issued before the JWT form, or no such certificate), or negative. */
int store_cert_jwt_get(struct store_rd *rd, char **out, const char *serial);

#endif
