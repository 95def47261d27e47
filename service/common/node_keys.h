/*
 * The key files several ujikomd nodes on one database must share (docs/operations.md,
 * "Several nodes on one database"): the transparency log's signing key, the sealing keys of
 * second-factor secrets and of national identity numbers, and the certificate-signing keys.
 * A node that made its own (started on an empty data directory) or was given other files
 * would sign checkpoints under a key no verifier pinned, seal what the other nodes cannot
 * open, or issue certificates the others call not genuine. So each node registers the
 * fingerprints of its files in the database at start (and its signing keys again after a
 * SIGHUP), and is refused when they differ from what another node registered first.
 */
#ifndef UJIKOM_NODE_KEYS_H
#define UJIKOM_NODE_KEYS_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct keystore;

/* On a database several processes may share (PostgreSQL; a SQLite file has one, so nothing
 * is done there): registers the fingerprints of data_dir's shared key files and of every
 * public key of ks (when not registered yet) in one transaction at now_ms, and checks them
 * against those registered by any node before: each secret file must be the registered one, and
 * every signing key another node registered must be in ks (a node with a newer key than the others
 * adds it; one without a key the others sign with is refused). Returns 0; -1 with a one-line
 * message in err (nothing registered then) naming the file to deploy, or why the check could not
 * run (a store error, an unreadable file). */
int node_keys_check(struct store *s, const char *data_dir, const struct keystore *ks,
                    int64_t now_ms, char *err, size_t errlen);

#endif
