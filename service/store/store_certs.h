/*
 * Certificates in the store: serials, claims, status and revocation. Owned by the
 * certificate engineer (fills this header and store_sqlite_certs.c).
 */
#ifndef UJIKOM_STORE_CERTS_H
#define UJIKOM_STORE_CERTS_H

#endif
