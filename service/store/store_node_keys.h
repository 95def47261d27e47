/*
 * Fingerprints of the key files every node on one database shares (migration 0029): what
 * the first node registered under each name. The rule (which files, what a mismatch means)
 * is common/node_keys.h's.
 */
#ifndef UJIKOM_STORE_NODE_KEYS_H
#define UJIKOM_STORE_NODE_KEYS_H

#include <stddef.h>
#include <stdint.h>

struct store_tx;

#define STORE_NODE_KEY_NAME_MAX 64 /* bytes of a name */
#define STORE_NODE_KEY_FP_LEN   64 /* hex characters of a fingerprint */

struct store_node_key {
  char name[STORE_NODE_KEY_NAME_MAX + 1];
  char fingerprint[STORE_NODE_KEY_FP_LEN + 1];
};

/* Registers fingerprint under name unless a fingerprint is registered under it already (the
 * first one stays), and copies the registered one to out_registered: equal to fingerprint
 * when this call registered it or the same was registered before. STORE_OK, STORE_HARD for a
 * name or fingerprint outside the table's checks, or negative. */
int store_node_key_claim(struct store_tx *tx, char out_registered[STORE_NODE_KEY_FP_LEN + 1],
                         const char *name, const char *fingerprint, int64_t now_ms);

/* Every registered name that starts with prefix (at most STORE_LIST_MAX, by name):
 * STORE_OK and *out (*out_n elements, free with store_node_keys_free), or negative. */
int store_node_keys_list(struct store_tx *tx, struct store_node_key **out, size_t *out_n,
                         const char *prefix);
void store_node_keys_free(struct store_node_key *list, size_t n);

#endif
