/*
 * Evidence bytes in the store, on either backend: chunks and previews are binary (every byte
 * value, NUL and bytes that are no UTF-8 included) and come back exactly as stored, through
 * the chunk look-up and the in-order read; an append at the wrong position or past the
 * declared size writes nothing; finishing with drop_chunks and refusing leave no bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "test_store_fixture.h"

static const char version[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
static const char upload_id[] = "0123456789abcdef0123456789abcdef";
static const char other_id[] = "fedcba9876543210fedcba9876543210";

/* Every byte value twice, the second time descending: 512 bytes that start with NUL. */
#define ALL_BYTES 512

struct fixture {
  struct temp_store t;
  int64_t user;
  int64_t attempt;
  unsigned char bytes[ALL_BYTES];
};

static int seed(struct store_tx *tx, void *arg) {
  struct fixture *f = arg;
  for (int i = 0; i < 256; i++) {
    f->bytes[i] = (unsigned char)i;
    f->bytes[ALL_BYTES - 1 - i] = (unsigned char)i;
  }
  int rc = store_user_create(tx, &f->user, "bukti@contoh.id", "Sri Wahyuni", ROLE_CANDIDATE,
                             "$scrypt$rahasia");
  if (STORE_OK == rc) {
    rc = store_exam_source_put(tx, version, "TST-EXAM", "tst.exam.yaml", "format: 1\n", 10);
  }
  if (STORE_OK == rc) {
    rc = store_attempt_create(tx, &f->attempt, f->user, "TST-EXAM", version, "{\"form\":1}",
                              INT64_C(9000000000000));
  }
  return rc;
}

static int setup(void **state) {
  return temp_store_setup_with(state, sizeof(struct fixture), "evidence", NULL, seed);
}

struct op {
  struct fixture *f;
  const char *id;
  int64_t pos;
  const unsigned char *data;
  size_t len;
};

static int create_txn(struct store_tx *tx, void *arg) {
  struct op *o = arg;
  struct store_upload u;
  memset(&u, 0, sizeof u);
  strcpy(u.id, o->id);
  u.attempt_id = o->f->attempt;
  strcpy(u.item_id, "E1");
  u.user_id = o->f->user;
  strcpy(u.name, "foto.bin");
  u.size = ALL_BYTES;
  u.created_ms = 1000;
  return store_upload_create(tx, &u);
}

static int append_txn(struct store_tx *tx, void *arg) {
  struct op *o = arg;
  return store_upload_append(tx, o->id, o->pos, o->data, o->len, 2000);
}

static int append(struct fixture *f, const char *id, int64_t pos, const unsigned char *data,
                  size_t len) {
  struct op o = {f, id, pos, data, len};
  return store_txn(f->t.s, append_txn, &o);
}

static void create(struct fixture *f, const char *id) {
  struct op o = {f, id, 0, NULL, 0};
  assert_int_equal(STORE_OK, store_txn(f->t.s, create_txn, &o));
}

/* Gathers the chunks store_upload_read hands over. */
struct gather {
  unsigned char buf[ALL_BYTES];
  size_t n;
  int calls;
};

static int gather_fn(void *ctx, const void *data, size_t len) {
  struct gather *g = ctx;
  if (len > sizeof g->buf - g->n) {
    return 1;
  }
  memcpy(g->buf + g->n, data, len);
  g->n += len;
  g->calls++;
  return 0;
}

static void expect_chunk(struct fixture *f, const char *id, int64_t pos, const unsigned char *want,
                         size_t want_len) {
  struct store_rd *rd = NULL;
  void *got = NULL;
  size_t got_len = 0;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_upload_chunk_get(rd, id, pos, &got, &got_len));
  store_rd_end(rd);
  assert_int_equal(want_len, got_len);
  assert_memory_equal(want, got, want_len);
  free(got);
}

static void test_binary_chunks_round_trip(void **state) {
  struct fixture *f = *state;
  create(f, upload_id);
  /* Two chunks: the first starts with NUL, the second is 0xFF ... 0x00. */
  assert_int_equal(STORE_OK, append(f, upload_id, 0, f->bytes, 256));
  assert_int_equal(STORE_OK, append(f, upload_id, 256, f->bytes + 256, 256));
  expect_chunk(f, upload_id, 0, f->bytes, 256);
  expect_chunk(f, upload_id, 256, f->bytes + 256, 256);

  struct store_rd *rd = NULL;
  struct gather g = {{0}, 0, 0};
  struct store_upload u;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_upload_read(rd, upload_id, gather_fn, &g));
  assert_int_equal(STORE_OK, store_upload_get(rd, &u, upload_id));
  store_rd_end(rd);
  assert_int_equal(2, g.calls);
  assert_int_equal(ALL_BYTES, g.n);
  assert_memory_equal(f->bytes, g.buf, ALL_BYTES);
  assert_int_equal(ALL_BYTES, u.received);
  assert_int_equal(STORE_UPLOAD_OPEN, u.state);
}

static void test_wrong_position_or_size_writes_nothing(void **state) {
  struct fixture *f = *state;
  create(f, upload_id);
  assert_int_equal(STORE_OK, append(f, upload_id, 0, f->bytes, 100));
  /* A gap, a repeat, and more than the declared size are refused. */
  assert_int_equal(STORE_CONFLICT, append(f, upload_id, 101, f->bytes, 10));
  assert_int_equal(STORE_CONFLICT, append(f, upload_id, 0, f->bytes, 10));
  assert_int_equal(STORE_CONFLICT, append(f, upload_id, 100, f->bytes, ALL_BYTES));

  struct store_rd *rd = NULL;
  struct store_upload u;
  void *got = NULL;
  size_t got_len = 0;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_upload_get(rd, &u, upload_id));
  assert_int_equal(STORE_NONE, store_upload_chunk_get(rd, upload_id, 100, &got, &got_len));
  assert_int_equal(STORE_NONE, store_upload_chunk_get(rd, upload_id, 101, &got, &got_len));
  store_rd_end(rd);
  assert_null(got);
  assert_int_equal(100, u.received);
  expect_chunk(f, upload_id, 0, f->bytes, 100);
}

struct close_op {
  const char *id;
  bool refuse;
};

static int close_txn(struct store_tx *tx, void *arg) {
  struct close_op *o = arg;
  if (o->refuse) {
    return store_upload_refuse(tx, o->id, "virus", 3000);
  }
  return store_upload_finish(
      tx, o->id, "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", 1, 3000);
}

static void test_finish_dropping_and_refuse_leave_no_bytes(void **state) {
  struct fixture *f = *state;
  create(f, upload_id);
  create(f, other_id);
  assert_int_equal(STORE_OK, append(f, upload_id, 0, f->bytes, 50));
  assert_int_equal(STORE_OK, append(f, other_id, 0, f->bytes, 50));
  struct close_op finish = {upload_id, false};
  struct close_op refuse = {other_id, true};
  assert_int_equal(STORE_OK, store_txn(f->t.s, close_txn, &finish));
  assert_int_equal(STORE_OK, store_txn(f->t.s, close_txn, &refuse));
  /* Closed uploads take no more bytes. */
  assert_int_equal(STORE_CONFLICT, append(f, upload_id, 50, f->bytes, 10));
  assert_int_equal(STORE_CONFLICT, store_txn(f->t.s, close_txn, &refuse));

  struct store_rd *rd = NULL;
  struct store_upload u;
  struct store_upload v;
  void *got = NULL;
  size_t got_len = 0;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_NONE, store_upload_chunk_get(rd, upload_id, 0, &got, &got_len));
  assert_int_equal(STORE_NONE, store_upload_chunk_get(rd, other_id, 0, &got, &got_len));
  assert_int_equal(STORE_OK, store_upload_get(rd, &u, upload_id));
  assert_int_equal(STORE_OK, store_upload_get(rd, &v, other_id));
  store_rd_end(rd);
  assert_int_equal(STORE_UPLOAD_COMPLETE, u.state);
  assert_int_equal(STORE_UPLOAD_REFUSED, v.state);
  assert_string_equal("virus", v.reason);
}

struct file_op {
  struct fixture *f;
};

static int file_txn(struct store_tx *tx, void *arg) {
  struct file_op *o = arg;
  struct store_evidence_file file;
  memset(&file, 0, sizeof file);
  memset(file.sha256, 'd', 64);
  file.size = ALL_BYTES;
  strcpy(file.mime, "image/jpeg");
  file.width = 2;
  file.height = 3;
  strcpy(file.holder, upload_id);
  file.created_ms = 4000;
  int rc = store_evidence_file_put(tx, &file);
  if (STORE_OK == rc) {
    rc = store_evidence_preview_put(tx, file.sha256, "image/jpeg", o->f->bytes, ALL_BYTES);
  }
  return rc;
}

static void test_binary_preview_round_trip(void **state) {
  struct fixture *f = *state;
  create(f, upload_id);
  struct file_op o = {f};
  assert_int_equal(STORE_OK, store_txn(f->t.s, file_txn, &o));

  char sha[65];
  memset(sha, 'd', 64);
  sha[64] = '\0';
  char mime[64] = "";
  void *got = NULL;
  size_t got_len = 0;
  struct store_evidence_file file;
  struct store_rd *rd = NULL;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_evidence_preview_get(rd, sha, mime, &got, &got_len));
  assert_int_equal(STORE_OK, store_evidence_file_get(rd, &file, sha));
  store_rd_end(rd);
  assert_string_equal("image/jpeg", mime);
  assert_int_equal(ALL_BYTES, got_len);
  assert_memory_equal(f->bytes, got, ALL_BYTES);
  free(got);
  assert_int_equal(ALL_BYTES, file.size);
  assert_int_equal(2, file.width);
  assert_int_equal(3, file.height);
  assert_string_equal(upload_id, file.holder);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_binary_chunks_round_trip, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_wrong_position_or_size_writes_nothing, setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_finish_dropping_and_refuse_leave_no_bytes, setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_binary_preview_round_trip, setup, temp_store_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
