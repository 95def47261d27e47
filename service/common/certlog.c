/*
 * PLACEHOLDER, replaced by the transparency-log branch in this same round: records nothing
 * and reports every certificate as logged at position 0, so that the lifecycle and verdict
 * branches can be written against the interface in common/certlog.h meanwhile.
 */
#include "common/certlog.h"

int certlog_append_tx(struct store_tx *tx, enum certlog_event ev, const struct store_cert *c,
                      const char *reason) {
  (void)tx;
  (void)ev;
  (void)c;
  (void)reason;
  return STORE_OK;
}

int certlog_issued_at(struct store_rd *rd, const char *serial, uint64_t *out_index,
                      int64_t *out_logged_ms) {
  (void)rd;
  (void)serial;
  *out_index = 0;
  *out_logged_ms = 0;
  return STORE_OK;
}
