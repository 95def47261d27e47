/*
 * The staff second factor in the store: per account the sealed TOTP secret, whether the
 * enrolment is confirmed, the replay guard (the newest accepted time step) and the one-time
 * recovery codes as keyed hashes; and the short-lived log-in tickets that a correct password
 * gives an account with a confirmed factor. Sealing, hashing and the rules live in the
 * application layer (common/second_factor); this is only what is kept.
 */
#ifndef UJIKOM_STORE_SECOND_FACTOR_H
#define UJIKOM_STORE_SECOND_FACTOR_H

#include <stdbool.h>
#include <stdint.h>

struct store_tx;
struct store_rd;

/* Longest sealed secret text (the column's CHECK), NUL excluded. */
#define STORE_SECOND_FACTOR_SEALED_MAX 255

struct store_second_factor {
  int64_t user_id;
  char secret_sealed[STORE_SECOND_FACTOR_SEALED_MAX + 1];
  bool confirmed;    /* false: enrolment begun, not yet confirmed with a code */
  int64_t last_step; /* newest TOTP step accepted (0 before the first) */
  int64_t created_ms;
  int64_t confirmed_ms; /* 0 while pending */
};

/* The account's factor: STORE_OK with *out filled, STORE_NONE when it has none. The _tx form
 * reads inside a write transaction, for a check-then-write such as the replay guard. */
int store_second_factor_get(struct store_rd *rd, struct store_second_factor *out, int64_t user_id);
int store_second_factor_get_tx(struct store_tx *tx, struct store_second_factor *out,
                               int64_t user_id);

/* Stores a new pending enrolment (replacing a pending one, with its recovery codes): STORE_OK,
 * STORE_NONE when the account already has a confirmed factor (nothing changed), STORE_HARD
 * when the account does not exist, or negative. */
int store_second_factor_begin(struct store_tx *tx, int64_t user_id, const char *secret_sealed);

/* Confirms a pending enrolment and records step as the last accepted one: STORE_OK, or
 * STORE_NONE when there is no pending enrolment. */
int store_second_factor_confirm(struct store_tx *tx, int64_t user_id, int64_t step);

/* Moves the replay guard forward to step: STORE_OK, or STORE_NONE when the account has no
 * confirmed factor or its last step is already >= step (the code was replayed). */
int store_second_factor_advance(struct store_tx *tx, int64_t user_id, int64_t step);

/* Removes the factor, its recovery codes and the account's log-in tickets: STORE_OK, or
 * STORE_NONE when there was no factor. */
int store_second_factor_delete(struct store_tx *tx, int64_t user_id);

/* Adds one recovery code hash (64 hex characters) to an account's factor: STORE_OK,
 * STORE_EXISTS for a duplicate, or negative. */
int store_recovery_code_add(struct store_tx *tx, int64_t user_id, const char *code_hash);
/* Uses a recovery code: deletes it, STORE_OK when it was there (so it works once), STORE_NONE
 * when it was not. */
int store_recovery_code_use(struct store_tx *tx, int64_t user_id, const char *code_hash);
/* How many unused recovery codes the account has. STORE_OK or negative. */
int store_recovery_code_count(struct store_rd *rd, int64_t user_id, int64_t *out);

/* --- log-in tickets: only the ticket's SHA-256 (hex) is stored --- */
struct store_login_ticket {
  int64_t user_id;
  int64_t expires_ms;
  int64_t failures; /* wrong codes given with this ticket */
};

/* Stores a ticket (deleting expired ones first): STORE_OK, STORE_EXISTS on a hash collision,
 * or negative. */
int store_login_ticket_create(struct store_tx *tx, const char *ticket_hash, int64_t user_id,
                              int64_t expires_ms);
/* The ticket: STORE_OK, or STORE_NONE when unknown (expiry is the caller's to check). The
 * _tx form reads inside a write transaction. */
int store_login_ticket_get(struct store_rd *rd, struct store_login_ticket *out,
                           const char *ticket_hash);
int store_login_ticket_get_tx(struct store_tx *tx, struct store_login_ticket *out,
                              const char *ticket_hash);
/* Counts one wrong code against the ticket. STORE_OK, STORE_NONE when unknown. */
int store_login_ticket_failed(struct store_tx *tx, const char *ticket_hash);
/* Deletes the ticket (used, expired or worn out): STORE_OK, or STORE_NONE when unknown. */
int store_login_ticket_delete(struct store_tx *tx, const char *ticket_hash);

#endif
