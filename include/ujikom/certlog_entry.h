/*
 * One entry of the public transparency log of certificate issuance: a small, canonical,
 * versioned text that says what happened to which certificate and when (issue, revoke,
 * suspend, reinstate), with SHA-256 commitments to the certificate's signed forms (so the
 * holder's own documents prove their entry) and to the reason of a change. It carries no
 * personal data: the log is public. The format is in docs/transparency-log.md.
 *
 * Pure functions. Entries come from a log anyone may serve, so the parser is strict: it
 * accepts exactly the bytes certlog_entry_encode writes and nothing else.
 */
#ifndef UJIKOM_CERTLOG_ENTRY_H
#define UJIKOM_CERTLOG_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#define CERTLOG_ENTRY_VERSION "ujikom.certlog/v1" /* the first line of every entry */
#define CERTLOG_FIELD_MAX     64                  /* bytes of a text field (serial, kid, ...) */
#define CERTLOG_ENTRY_MAX     1024                /* bytes of any entry, with room to spare */
#define CERTLOG_DIGEST_LEN    32                  /* SHA-256 */

enum certlog_entry_event {
  CERTLOG_ENTRY_ISSUE = 0,
  CERTLOG_ENTRY_REVOKE,
  CERTLOG_ENTRY_SUSPEND,
  CERTLOG_ENTRY_REINSTATE,
};

struct certlog_entry {
  enum certlog_entry_event event;
  char serial[CERTLOG_FIELD_MAX + 1];    /* text fields: 1..64 printable ASCII, no space */
  int64_t time_ms;                       /* when it was appended, ms since the epoch (>= 0) */
  char kid[CERTLOG_FIELD_MAX + 1];       /* the key that signed the certificate */
  char subsector[CERTLOG_FIELD_MAX + 1]; /* SKKNI subsector code */
  char scheme[CERTLOG_FIELD_MAX + 1];    /* the certification scheme (exam id) */
  int64_t issued_s;                      /* the signed validity window, seconds */
  int64_t expires_s;
  /* issue only: SHA-256 of the signed credential (JWS) and of the QR token */
  unsigned char credential[CERTLOG_DIGEST_LEN];
  unsigned char token[CERTLOG_DIGEST_LEN];
  /* revoke, suspend, reinstate only: SHA-256 of the reason's text */
  unsigned char reason[CERTLOG_DIGEST_LEN];
};

/* "issue", "revoke", "suspend", "reinstate"; NULL for a value out of range. */
const char *certlog_entry_event_name(enum certlog_entry_event ev);

/* SHA-256 of len bytes of data (a commitment). Returns 0, or -1 when OpenSSL fails. */
int certlog_entry_digest(unsigned char out[CERTLOG_DIGEST_LEN], const void *data, size_t len);

/* Writes the canonical entry of e into out (no NUL is added). Returns 0 and *out_len, or -1
 * when e is not valid (a text field empty, too long, or with a byte outside 0x21..0x7e; a
 * negative time; an event out of range) or cap is too small (out is then zeroed). */
int certlog_entry_encode(char *out, size_t cap, size_t *out_len, const struct certlog_entry *e);

/* Parses an entry strictly (exactly what certlog_entry_encode writes). Returns 0, or -1 with
 * a reason in err. Fields an event does not carry are zero in *out. */
int certlog_entry_parse(struct certlog_entry *out, const void *data, size_t len, char *err,
                        size_t errlen);

#endif
