/*
 * The audit log in SQLite: append inside the caller's transaction, chain verification, and
 * listing. The table refuses UPDATE and DELETE by trigger; the hash chain catches what the
 * trigger cannot (someone dropping it, or editing the file).
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

enum audit_stmt {
  AUDIT_LAST,
  AUDIT_INSERT,
  AUDIT_FROM,
  AUDIT_LIST,
  AUDIT_LIST_SUBJECT,
  AUDIT_SEARCH,
  AUDIT_WATCH_GET,
  AUDIT_WATCH_FULL,
  AUDIT_WATCH_BROKEN,
  AUDIT__MAX
};
static const char *const audit_sqls[AUDIT__MAX] = {
    [AUDIT_LAST] = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
    [AUDIT_INSERT] = "INSERT INTO audit_log(seq, at, actor, action, subject, before, after, "
                     "prev_hash, hash) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    /* from the mark's own entry on (seq 0: from the start), at most ?2 rows */
    [AUDIT_FROM] = "SELECT seq, at, actor, action, subject, before, after, prev_hash, hash "
                   "FROM audit_log WHERE seq >= ?1 ORDER BY seq LIMIT ?2",
    [AUDIT_LIST] = "SELECT seq, at, actor, action, subject, before, after, hash FROM audit_log "
                   "WHERE (?1 = 0 OR seq < ?1) ORDER BY seq DESC LIMIT ?2",
    [AUDIT_LIST_SUBJECT] = "SELECT seq, at, actor, action, subject, before, after, hash "
                           "FROM audit_log WHERE subject = ?3 AND (?1 = 0 OR seq < ?1) "
                           "ORDER BY seq DESC LIMIT ?2",
    /* a family "user." matches by prefix: substr keeps '%' and '_' literal */
    [AUDIT_SEARCH] = "SELECT seq, at, actor, action, subject, before, after, hash FROM audit_log "
                     "WHERE (?1 = 0 OR seq < ?1) AND (CAST(?3 AS TEXT) IS NULL OR subject = ?3) "
                     "AND (CAST(?4 AS TEXT) IS NULL OR action = ?4 OR (?4 LIKE '%.' "
                     "AND substr(action, 1, length(?4)) = ?4)) "
                     "AND (CAST(?5 AS TEXT) IS NULL OR actor IN (SELECT id FROM users "
                     "WHERE instr(lower(name), lower(?5)) > 0 "
                     "OR instr(lower(email), lower(?5)) > 0)) "
                     "AND (?6 = 0 OR at >= ?6) AND (?7 = 0 OR at < ?7) "
                     "ORDER BY seq DESC LIMIT ?2",
    [AUDIT_WATCH_GET] = "SELECT full_at, full_entries, tail_seq, tail_hash, broken_seq, fault, "
                        "found_at FROM audit_watch WHERE id = 1",
    [AUDIT_WATCH_FULL] = "INSERT INTO audit_watch(id, full_at, full_entries, tail_seq, tail_hash, "
                         "broken_seq, fault, found_at) VALUES(1, ?1, ?2, ?3, ?4, 0, 0, 0) "
                         "ON CONFLICT(id) DO UPDATE SET full_at = excluded.full_at, "
                         "full_entries = excluded.full_entries, tail_seq = excluded.tail_seq, "
                         "tail_hash = excluded.tail_hash, broken_seq = 0, fault = 0, found_at = 0",
    /* the same break found again keeps the time it was first found */
    [AUDIT_WATCH_BROKEN] = "INSERT INTO audit_watch(id, full_at, full_entries, tail_seq, "
                           "tail_hash, broken_seq, fault, found_at) VALUES(1, 0, 0, 0, ?4, ?1, "
                           "?2, ?3) ON CONFLICT(id) DO UPDATE SET "
                           "found_at = CASE WHEN audit_watch.broken_seq = excluded.broken_seq "
                           "AND audit_watch.fault = excluded.fault THEN audit_watch.found_at "
                           "ELSE excluded.found_at END, broken_seq = excluded.broken_seq, "
                           "fault = excluded.fault",
};
static const struct store_sqlset audit_set = {"audit", audit_sqls, AUDIT__MAX};

static const char genesis_hash[65] =
    "0000000000000000000000000000000000000000000000000000000000000000";

/* Purpose/version tag first, so these bytes can never be mistaken for another hash input. */
static const char audit_tag[] = "ujikom-audit-v1";

static void put_u64(EVP_MD_CTX *md, uint64_t v) {
  unsigned char b[8];
  for (int i = 7; i >= 0; i--) {
    b[i] = (unsigned char)(v & 0xff);
    v >>= 8;
  }
  EVP_DigestUpdate(md, b, sizeof b);
}

/* Presence byte, 8-byte big-endian length, bytes: NULL and "" hash differently. */
static void put_text(EVP_MD_CTX *md, const char *t, size_t len) {
  unsigned char present = NULL == t ? 0 : 1;
  EVP_DigestUpdate(md, &present, 1);
  if (NULL == t) {
    return;
  }
  put_u64(md, (uint64_t)len);
  EVP_DigestUpdate(md, t, len);
}

struct audit_fields {
  int64_t seq, at, actor;
  const char *action, *subject, *before, *after, *prev_hash;
  size_t action_len, subject_len, before_len, after_len, prev_len;
};

/* Writes the lowercase hex SHA-256 of the canonical encoding into hex[65]. */
static int audit_hash(const struct audit_fields *f, char hex[65]) {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int dlen = 0;
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  if (NULL == md) {
    return -1;
  }
  if (1 != EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
    EVP_MD_CTX_free(md);
    return -1;
  }
  EVP_DigestUpdate(md, audit_tag, sizeof audit_tag); /* with its NUL */
  put_u64(md, (uint64_t)f->seq);
  put_u64(md, (uint64_t)f->at);
  put_u64(md, (uint64_t)f->actor);
  put_text(md, f->action, f->action_len);
  put_text(md, f->subject, f->subject_len);
  put_text(md, f->before, f->before_len);
  put_text(md, f->after, f->after_len);
  put_text(md, f->prev_hash, f->prev_len);
  if (1 != EVP_DigestFinal_ex(md, d, &dlen) || 32 != dlen) {
    EVP_MD_CTX_free(md);
    return -1;
  }
  EVP_MD_CTX_free(md);
  for (unsigned int i = 0; i < dlen; i++) {
    snprintf(hex + (size_t)2 * i, 3, "%02x", d[i]);
  }
  return 0;
}

static size_t len_or_zero(const char *s) {
  return NULL == s ? 0 : strlen(s);
}

int store_audit_append(struct store_tx *tx, int64_t *out_seq, int64_t actor_user_id,
                       const char *action, const char *subject, const char *before_json,
                       const char *after_json) {
  struct store_conn *c = store_tx_conn(tx);
  struct store_stmt *st = NULL;
  char prev[65];
  char hash[65];
  int64_t seq = 1;
  int rc = STORE_HARD;
  struct audit_fields f;
  if (NULL != out_seq) {
    *out_seq = 0;
  }
  if (NULL == action || '\0' == action[0] || strlen(action) > 100 || NULL == subject) {
    store_conn_log(c, STORE_LOG_ERROR, "audit append with an empty action or subject");
    return STORE_HARD;
  }
  memcpy(prev, genesis_hash, sizeof prev);
  st = store_stmt(c, &audit_set, AUDIT_LAST);
  if (NULL == st) {
    return STORE_HARD;
  }
  rc = store_step_row(c, st, "audit last");
  if (STORE_OK == rc) {
    seq = store_col_int64(st, 0) + 1;
    if (0 != store_col_copy(st, 1, prev, sizeof prev) || 64 != strlen(prev)) {
      rc = STORE_HARD;
    }
  }
  store_stmt_done(st);
  if (rc < 0) {
    return rc;
  }
  f = (struct audit_fields){.seq = seq,
                            .at = store_tx_now_ms(tx),
                            .actor = actor_user_id,
                            .action = action,
                            .action_len = strlen(action),
                            .subject = subject,
                            .subject_len = strlen(subject),
                            .before = before_json,
                            .before_len = len_or_zero(before_json),
                            .after = after_json,
                            .after_len = len_or_zero(after_json),
                            .prev_hash = prev,
                            .prev_len = 64};
  if (0 != audit_hash(&f, hash)) {
    return STORE_HARD;
  }
  /* STORE_AUDIT_SYSTEM (0), no acting user, is stored as NULL. */
  const struct store_arg args[] = {
      STORE_ARG_INT(seq),         STORE_ARG_INT(f.at),     store_arg_id(actor_user_id),
      STORE_ARG_TEXT(action),     STORE_ARG_TEXT(subject), STORE_ARG_TEXT(before_json),
      STORE_ARG_TEXT(after_json), STORE_ARG_TEXT(prev),    STORE_ARG_TEXT(hash)};
  rc = store_write(c, &audit_set, AUDIT_INSERT, args, sizeof args / sizeof args[0], "audit insert");
  if (STORE_EXISTS == rc) {
    rc = STORE_HARD; /* seq taken: impossible under the single writer */
  }
  if (STORE_OK == rc && NULL != out_seq) {
    *out_seq = seq;
  }
  return rc;
}

void store_audit_mark_start(struct store_audit_mark *m) {
  m->seq = 0;
  memcpy(m->hash, genesis_hash, sizeof m->hash);
}

/* The reason texts take the seq as their only argument. */
#define SET_WHY(fmt, seq)                                                                          \
  do {                                                                                             \
    if (NULL != why && whylen > 0)                                                                 \
      snprintf(why, whylen, fmt, (long long)(seq));                                                \
  } while (0)

/* The entry under st, read into f; stored is its stored hash (64 bytes, or NULL). */
static void read_entry(struct store_stmt *st, struct audit_fields *f, const char **stored) {
  f->seq = store_col_int64(st, 0);
  f->at = store_col_int64(st, 1);
  f->actor = store_col_is_null(st, 2) ? STORE_AUDIT_SYSTEM : store_col_int64(st, 2);
  f->action = store_col_text(st, 3);
  f->action_len = (size_t)store_col_bytes(st, 3);
  f->subject = store_col_text(st, 4);
  f->subject_len = (size_t)store_col_bytes(st, 4);
  f->before = store_col_text(st, 5);
  f->before_len = (size_t)store_col_bytes(st, 5);
  f->after = store_col_text(st, 6);
  f->after_len = (size_t)store_col_bytes(st, 6);
  f->prev_hash = store_col_text(st, 7);
  f->prev_len = (size_t)store_col_bytes(st, 7);
  *stored = 64 == store_col_bytes(st, 8) ? store_col_text(st, 8) : NULL;
}

/* What is wrong with entry f read after *at (STORE_AUDIT_INTACT: nothing); hash receives
 * its re-computed hash. -1 when it cannot be computed. */
static int entry_fault(const struct store_audit_mark *at, const struct audit_fields *f,
                       const char *stored, char hash[65], enum store_audit_fault *fault) {
  *fault = STORE_AUDIT_INTACT;
  if (f->seq != at->seq + 1) {
    *fault = STORE_AUDIT_MISSING;
  } else if (NULL == f->prev_hash || 64 != f->prev_len || 0 != memcmp(f->prev_hash, at->hash, 64)) {
    *fault = STORE_AUDIT_UNLINKED;
  } else if (0 != audit_hash(f, hash)) {
    return -1;
  } else if (NULL == stored || 0 != memcmp(stored, hash, 64)) {
    *fault = STORE_AUDIT_ALTERED;
  }
  return 0;
}

int store_audit_check(struct store *s, struct store_audit_mark *at, int64_t max, bool *out_end,
                      int64_t *out_first_bad, enum store_audit_fault *out_fault, char *why,
                      size_t whylen) {
  struct store_rd *rd = NULL;
  struct store_conn *c = NULL;
  struct store_stmt *st = NULL;
  int64_t rows = 0;
  bool anchored = at->seq > 0; /* the mark's own entry is read first, and only compared */
  int rc = STORE_HARD;
  *out_end = false;
  *out_first_bad = 0;
  *out_fault = STORE_AUDIT_INTACT;
  SET_WHY("%lld entries intact", at->seq);
  if (max < 0 || max > INT64_MAX - 2) {
    return STORE_HARD;
  }
  rc = store_rd_begin(s, &rd);
  if (STORE_OK != rc) {
    return rc;
  }
  c = store_rd_conn(rd);
  const int64_t limit = 0 == max ? INT64_MAX : max + (anchored ? 1 : 0);
  st = store_stmt(c, &audit_set, AUDIT_FROM);
  if (NULL == st) {
    store_rd_end(rd);
    return STORE_HARD;
  }
  store_bind_int64(st, 1, at->seq);
  store_bind_int64(st, 2, limit);
  for (;;) {
    struct audit_fields f;
    char hash[65];
    const char *stored = NULL;
    rc = store_step_row(c, st, "audit check");
    if (STORE_OK != rc) {
      break;
    }
    rows++;
    read_entry(st, &f, &stored);
    if (anchored) {
      anchored = false;
      if (f.seq != at->seq || NULL == stored || 0 != memcmp(stored, at->hash, 64)) {
        *out_first_bad = at->seq;
        *out_fault = STORE_AUDIT_REWRITTEN;
        SET_WHY("entry %lld, checked before, is gone or has another hash now (the log was cut "
                "short or rewritten)",
                at->seq);
        rc = STORE_CONFLICT;
        break;
      }
      continue;
    }
    if (0 != entry_fault(at, &f, stored, hash, out_fault)) {
      rc = STORE_HARD;
      break;
    }
    if (STORE_AUDIT_INTACT != *out_fault) {
      *out_first_bad = at->seq + 1;
      if (STORE_AUDIT_MISSING == *out_fault) {
        SET_WHY("entry %lld is missing (entries were deleted or renumbered)", at->seq + 1);
      } else if (STORE_AUDIT_UNLINKED == *out_fault) {
        SET_WHY("entry %lld does not link to the previous entry's hash", at->seq + 1);
      } else {
        SET_WHY("entry %lld was altered (its hash does not match its content)", at->seq + 1);
      }
      rc = STORE_CONFLICT;
      break;
    }
    at->seq = f.seq;
    memcpy(at->hash, hash, sizeof at->hash);
  }
  if (STORE_NONE == rc) {
    if (anchored) { /* not even the mark's own entry is there */
      *out_first_bad = at->seq;
      *out_fault = STORE_AUDIT_REWRITTEN;
      SET_WHY("entry %lld, checked before, is gone or has another hash now (the log was cut "
              "short or rewritten)",
              at->seq);
      rc = STORE_CONFLICT;
    } else {
      rc = STORE_OK;
      *out_end = rows < limit;
      SET_WHY("%lld entries intact", at->seq);
    }
  }
  store_stmt_done(st);
  store_rd_end(rd);
  return rc;
}

int store_audit_verify(struct store *s, int64_t *out_first_bad, int64_t *out_count, char *why,
                       size_t whylen) {
  struct store_audit_mark at;
  enum store_audit_fault fault;
  bool end = false;
  store_audit_mark_start(&at);
  int rc = store_audit_check(s, &at, 0, &end, out_first_bad, &fault, why, whylen);
  if (NULL != out_count) {
    *out_count = STORE_CONFLICT == rc ? *out_first_bad - 1 : STORE_OK == rc ? at.seq : 0;
  }
  return rc;
}

int store_audit_watch_get(struct store_rd *rd, struct store_audit_watch *out) {
  struct store_conn *c = store_rd_conn(rd);
  struct store_stmt *st = NULL;
  memset(out, 0, sizeof *out);
  store_audit_mark_start(&out->tail);
  int rc = store_row_step(c, &audit_set, AUDIT_WATCH_GET, NULL, 0, "audit watch", &st);
  if (STORE_OK == rc) {
    int64_t fault = store_col_int64(st, 5);
    out->full_at_ms = store_col_int64(st, 0);
    out->full_entries = store_col_int64(st, 1);
    out->tail.seq = store_col_int64(st, 2);
    out->broken_seq = store_col_int64(st, 4);
    out->found_at_ms = store_col_int64(st, 6);
    if (0 != store_col_copy(st, 3, out->tail.hash, sizeof out->tail.hash) ||
        64 != strlen(out->tail.hash) || fault < STORE_AUDIT_INTACT ||
        fault > STORE_AUDIT_REWRITTEN) {
      rc = STORE_HARD;
    } else {
      out->fault = (enum store_audit_fault)fault;
    }
  }
  store_stmt_done(st);
  return rc;
}

int store_audit_watch_full(struct store_tx *tx, int64_t full_entries,
                           const struct store_audit_mark *tail) {
  const struct store_arg args[] = {STORE_ARG_INT(store_tx_now_ms(tx)), STORE_ARG_INT(full_entries),
                                   STORE_ARG_INT(tail->seq), STORE_ARG_TEXT(tail->hash)};
  return store_write(store_tx_conn(tx), &audit_set, AUDIT_WATCH_FULL, args,
                     sizeof args / sizeof args[0], "audit watch full");
}

int store_audit_watch_broken(struct store_tx *tx, int64_t seq, enum store_audit_fault fault) {
  const struct store_arg args[] = {STORE_ARG_INT(seq), STORE_ARG_INT((int64_t)fault),
                                   STORE_ARG_INT(store_tx_now_ms(tx)),
                                   STORE_ARG_TEXT(genesis_hash)};
  return store_write(store_tx_conn(tx), &audit_set, AUDIT_WATCH_BROKEN, args,
                     sizeof args / sizeof args[0], "audit watch break");
}

static void audit_entry_clear(void *elem) {
  struct store_audit_entry *e = elem;
  free(e->subject);
  free(e->before);
  free(e->after);
  e->subject = e->before = e->after = NULL;
}

static int audit_entry_row(struct store_stmt *st, void *elem) {
  struct store_audit_entry *e = elem;
  int oom1 = 0, oom2 = 0, oom3 = 0;
  e->seq = store_col_int64(st, 0);
  e->at_ms = store_col_int64(st, 1);
  e->actor = store_col_is_null(st, 2) ? STORE_AUDIT_SYSTEM : store_col_int64(st, 2);
  store_col_copy(st, 3, e->action, sizeof e->action);
  e->subject = store_col_strdup(st, 4, &oom1);
  e->before = store_col_strdup(st, 5, &oom2);
  e->after = store_col_strdup(st, 6, &oom3);
  store_col_copy(st, 7, e->hash, sizeof e->hash);
  if (oom1 || oom2 || oom3 || NULL == e->subject) {
    audit_entry_clear(e);
    return STORE_UNAVAILABLE;
  }
  return STORE_OK;
}

static const struct store_rowtype audit_entry_rows = {
    "audit list", sizeof(struct store_audit_entry), audit_entry_row, audit_entry_clear};

void store_audit_list_free(struct store_audit_entry *list, size_t n) {
  store_rows_free(&audit_entry_rows, list, n);
}

int store_audit_list(struct store_rd *rd, struct store_audit_entry **out, size_t *out_n,
                     const char *subject, int64_t before_seq, int limit) {
  const struct store_arg args[] = {STORE_ARG_INT(before_seq), STORE_ARG_INT(limit),
                                   STORE_ARG_TEXT(subject)};
  return store_rows_query(store_rd_conn(rd), &audit_set,
                          NULL == subject ? AUDIT_LIST : AUDIT_LIST_SUBJECT, args,
                          NULL == subject ? 2 : 3, &audit_entry_rows, limit, out, out_n);
}

/* "" is no filter, as NULL. */
static const char *filter_text(const char *s) {
  return NULL != s && '\0' != s[0] ? s : NULL;
}

int store_audit_search(struct store_rd *rd, struct store_audit_entry **out, size_t *out_n,
                       const struct store_audit_filter *f, int64_t before_seq, int limit,
                       bool *out_more) {
  const struct store_audit_filter any = {0};
  if (NULL == f) {
    f = &any;
  }
  const struct store_arg args[] = {STORE_ARG_INT(before_seq),
                                   STORE_ARG_LIMIT(limit),
                                   STORE_ARG_TEXT(filter_text(f->subject)),
                                   STORE_ARG_TEXT(filter_text(f->action)),
                                   STORE_ARG_TEXT(filter_text(f->actor_text)),
                                   STORE_ARG_INT(f->from_ms),
                                   STORE_ARG_INT(f->to_ms)};
  return store_rows_query_page(store_rd_conn(rd), &audit_set, AUDIT_SEARCH, args,
                               sizeof args / sizeof args[0], &audit_entry_rows, out, out_n,
                               out_more);
}
