/*
 * Fingerprints of the shared key files (see store_node_keys.h), on both backends.
 */
#include <string.h>

#include "store/store_internal.h"

enum node_key_stmt { NODE_KEY_INSERT, NODE_KEY_GET, NODE_KEY_LIST, NODE_KEY__MAX };

static const char *const node_key_sqls[NODE_KEY__MAX] = {
    [NODE_KEY_INSERT] =
        "INSERT INTO node_keys(name, fingerprint, registered_at) VALUES(?1, ?2, ?3) "
        "ON CONFLICT (name) DO NOTHING",
    [NODE_KEY_GET] = "SELECT name, fingerprint FROM node_keys WHERE name = ?1",
    /* A prefix match without LIKE, whose wildcards and case rules differ by backend. */
    [NODE_KEY_LIST] = "SELECT name, fingerprint FROM node_keys "
                      "WHERE substr(name, 1, length(?1)) = ?1 ORDER BY name LIMIT ?2",
};
static const struct store_sqlset node_key_set = {"node_keys", node_key_sqls, NODE_KEY__MAX};

static int node_key_row(struct store_stmt *st, void *elem) {
  struct store_node_key *k = elem;
  if (0 != store_col_copy(st, 0, k->name, sizeof k->name) ||
      0 != store_col_copy(st, 1, k->fingerprint, sizeof k->fingerprint)) {
    return STORE_HARD;
  }
  return STORE_OK;
}

static const struct store_rowtype node_key_type = {"node key", sizeof(struct store_node_key),
                                                   node_key_row, NULL};

int store_node_key_claim(struct store_tx *tx, char out_registered[STORE_NODE_KEY_FP_LEN + 1],
                         const char *name, const char *fingerprint, int64_t now_ms) {
  out_registered[0] = '\0';
  if (NULL == name || NULL == fingerprint) {
    return STORE_HARD;
  }
  struct store_conn *c = store_tx_conn(tx);
  const struct store_arg args[] = {STORE_ARG_TEXT(name), STORE_ARG_TEXT(fingerprint),
                                   STORE_ARG_INT(now_ms)};
  int rc = store_write(c, &node_key_set, NODE_KEY_INSERT, args, 3, "node key insert");
  struct store_node_key k;
  memset(&k, 0, sizeof k);
  if (STORE_OK == rc) {
    struct store_stmt *st = store_stmt(c, &node_key_set, NODE_KEY_GET);
    if (NULL != st) {
      store_bind_all(st, args, 1);
    }
    rc = store_row_get(c, st, &node_key_type, &k);
  }
  if (STORE_OK == rc) {
    memcpy(out_registered, k.fingerprint, sizeof k.fingerprint);
  }
  return STORE_NONE == rc ? STORE_HARD : rc; /* inserted or there: a row must be found */
}

int store_node_keys_list(struct store_tx *tx, struct store_node_key **out, size_t *out_n,
                         const char *prefix) {
  const struct store_arg args[] = {STORE_ARG_TEXT(NULL == prefix ? "" : prefix),
                                   STORE_ARG_INT(STORE_LIST_MAX)};
  return store_rows_query(store_tx_conn(tx), &node_key_set, NODE_KEY_LIST, args, 2, &node_key_type,
                          STORE_LIST_MAX, out, out_n);
}

void store_node_keys_free(struct store_node_key *list, size_t n) {
  store_rows_free(&node_key_type, list, n);
}
