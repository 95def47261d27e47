/*
 * Certificates of competence: what a certificate claims, its serial number, and the two
 * signed forms it travels in — a compact JWS (JWT encoding of a W3C VC 2.0 / Open Badges 3.0
 * credential) and a short COSE_Sign1 token carried in the QR code's URL.
 *
 * Pure functions (no files, no network). Verification never trusts a token's kid beyond
 * looking it up in the key set the caller supplies; revocation is the caller's to add from
 * its store (CERT_REVOKED is never produced here).
 */
#ifndef UJIKOM_CERT_H
#define UJIKOM_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ujikom/person_name.h"
#include "ujikom/token.h"

/* --- serial numbers: UJK-XXXX-XXXX-XXXX-XXXX-C --- */
/* 80 random bits as 16 Crockford base32 characters in four groups, then one Luhn mod 32
 * check character. */
#define CERT_SERIAL_BYTES 10
#define CERT_SERIAL_LEN   25 /* "UJK-" + 4 * 4 + 3 hyphens + "-" + check */
#define CERT_SERIAL_SIZE  (CERT_SERIAL_LEN + 1)

/* Draws 80 bits from the CSPRNG and formats them. Returns 0 or -1 (CSPRNG failure). */
int cert_serial_generate(char out[CERT_SERIAL_SIZE]);
/* Formats 10 raw bytes as a canonical serial (with its check character). */
void cert_serial_format(char out[CERT_SERIAL_SIZE], const unsigned char raw[CERT_SERIAL_BYTES]);
/* Parses a serial typed by a person: case-insensitive, hyphens and spaces optional, Crockford
 * aliases (O->0, I/L->1) accepted; the "UJK" prefix and the check character are required.
 * On success writes the canonical form to out (may be NULL) and the raw bytes to raw (may be
 * NULL) and returns 0; -1 when the text is not a serial or its check character is wrong. */
int cert_serial_parse(char out[CERT_SERIAL_SIZE], unsigned char raw[CERT_SERIAL_BYTES],
                      const char *text);

/* --- claims --- */
/* The holder is a person's name: the longest one the name rules allow (200 characters). */
#define CERT_HOLDER_MAX PERSON_NAME_SIZE
#define CERT_MAX_UNITS  64

/* The status lists a credential names (docs/certificates.md): <issuer_url> followed by
 * these paths, one list per purpose. A list starts with CERT_STATUS_LIST_BITS entries and
 * doubles when the register nearly fills it (ujikom/status_list.h), so indexes are below
 * CERT_STATUS_INDEX_LIMIT (STATUS_LIST_MAX_BITS: a 2 MiB list). */
#define CERT_STATUS_PATH_REVOCATION "/status/revocation"
#define CERT_STATUS_PATH_SUSPENSION "/status/suspension"
#define CERT_STATUS_LIST_BITS       131072u
#define CERT_STATUS_INDEX_LIMIT     16777216u

struct cert_unit {
  char code[64];   /* SKKNI unit code, e.g. M.74100.001.02 */
  char title[256]; /* unit title (Indonesian) */
};

struct cert_claims {
  char serial[CERT_SERIAL_SIZE];
  char holder[CERT_HOLDER_MAX]; /* holder's name, UTF-8 */
  char holder_id[128];          /* optional subject id (JWS "sub"); empty when unknown */
  char subsector[16];           /* subsector code, e.g. DKV */
  char subsector_name[128];     /* e.g. Desain komunikasi visual (JWS only) */
  char scheme_id[128];          /* exam / certification scheme id */
  char scheme_title[256];       /* JWS only */
  char issuer_name[256];        /* JWS only */
  char issuer_url[256];         /* public base URL; JWS "iss" */
  int64_t issued;               /* seconds since epoch (UTC); QR token keeps whole days */
  int64_t expires;              /* seconds since epoch (UTC); QR token keeps whole days */
  char kid[TOKEN_KID_LEN + 1];  /* signing key id (filled by sign and verify) */
  size_t nunits;                /* JWS only; 0 in claims decoded from a QR token */
  struct cert_unit units[CERT_MAX_UNITS];

  /* The lifecycle, JWS only (zero: none). */
  char replaces[CERT_SERIAL_SIZE]; /* the revoked certificate this one replaces, or "" */
  bool has_status;                 /* carries credentialStatus (Bitstring Status List entries) */
  uint64_t status_index;           /* their statusListIndex (both purposes), when has_status */
};

enum cert_verdict {
  CERT_GENUINE = 0, /* signature valid and within its validity period */
  CERT_EXPIRED,     /* signature valid, but now is past the expiry (or before issue) */
  CERT_REVOKED,     /* filled in by the caller from its store */
  CERT_NOT_GENUINE, /* anything else: malformed, unknown key, bad signature */
  CERT_SUSPENDED,   /* filled in by the caller from its store: suspended (reversible) */
};

/* Why a verification came out NOT_GENUINE, as a code (the reason text says it in English). */
enum cert_fault {
  CERT_FAULT_NONE = 0,      /* not NOT_GENUINE, or not for a reason of the token itself */
  CERT_FAULT_MALFORMED,     /* not a token of this kind at all (shape, encoding, claims) */
  CERT_FAULT_UNKNOWN_KEY,   /* well formed, but its kid is not in the key set */
  CERT_FAULT_BAD_SIGNATURE, /* the named key did not make this signature */
  CERT_FAULT_NOT_YET_VALID, /* correctly signed, but issued in the future (claims kept) */
};

struct cert_verification {
  enum cert_verdict verdict;
  char reason[160];  /* English, for NOT_GENUINE; empty otherwise */
  bool claims_valid; /* claims below were decoded from a correctly signed token */
  struct cert_claims claims;
  enum cert_fault fault; /* CERT_FAULT_NONE unless the verdict is NOT_GENUINE */
};

/* Stable lower-case names: "genuine", "expired", "revoked", "not_genuine", "suspended". */
const char *cert_verdict_name(enum cert_verdict v);

/* True when s (len bytes) is text a certificate or credential may sign: well-formed UTF-8
 * without control characters (C0, DEL, C1). The signers refuse claims that are not, so a
 * configured text (the issuer's name, its licence number) is checked with this at start. */
bool cert_text_signable(const char *s, size_t len);

/* Longest token text accepted by the verifiers (anything longer is NOT_GENUINE unread). */
#define CERT_JWS_MAX 65536 /* 64 units with long titles stay well below */
/* The longest QR token signable is 1,693 characters (a 200-character name of four-byte
 * letters, a 15-character subsector, a 127-character scheme id), and "/V/" + token stays
 * inside the default --max-url (2,048). */
#define CERT_QR_TOKEN_MAX 1800

/* Signs the claims as a compact JWS ({"alg":"EdDSA","kid":..,"typ":"vc+jwt"}). The kid in
 * the header is the key's. *out is a malloc'd NUL-terminated string (free()). Returns 0, or
 * -1 when a claim is out of range (empty serial/holder, expiry before issue), the result
 * would exceed CERT_JWS_MAX (so every credential signed verifies), or on allocation/OpenSSL
 * failure. */
int cert_jws_sign(char **out, const struct cert_claims *claims, const struct token_key *key);
/* Strict verification of a compact JWS against a key set at time now (seconds). Fills out
 * completely (never fails as a function); the verdict is GENUINE, EXPIRED or NOT_GENUINE. */
void cert_jws_verify(struct cert_verification *out, const char *jws, size_t len,
                     const struct token_pubkey *keys, size_t nkeys, int64_t now);

/* Signs the core claims (serial, holder, subsector, scheme id, issue and expiry day) as a
 * COSE_Sign1 structure and returns it base32-encoded (the QR token; malloc'd, free()).
 * Returns 0, or -1 as cert_jws_sign does (a token longer than CERT_QR_TOKEN_MAX included). */
int cert_qr_token_sign(char **out, const struct cert_claims *claims, const struct token_key *key);
/* As cert_jws_verify, except that when `issued` (a credential this service signed and
 * stored itself; may be NULL) is byte for byte the same text, the Ed25519 check is skipped:
 * the service made that signature. Everything else (shape, known kid, claims, dates) is
 * checked as usual, and any other text is verified in full. */
void cert_jws_verify_issued(struct cert_verification *out, const char *jws, size_t len,
                            const struct token_pubkey *keys, size_t nkeys, int64_t now,
                            const char *issued);
/* Verifies a QR token (base32 text, either case). Same contract as cert_jws_verify. */
void cert_qr_token_verify(struct cert_verification *out, const char *token, size_t len,
                          const struct token_pubkey *keys, size_t nkeys, int64_t now);
/* As cert_qr_token_verify, skipping the Ed25519 check when `issued` (the QR token this
 * service signed and stored; may be NULL) is the same token, letter case aside. */
void cert_qr_token_verify_issued(struct cert_verification *out, const char *token, size_t len,
                                 const struct token_pubkey *keys, size_t nkeys, int64_t now,
                                 const char *issued);
/* The serial a QR token names, read WITHOUT any check, only to look its certificate up before
 * verifying. Returns 0 and writes out, or -1 when the text is not a QR token. */
int cert_qr_token_serial(char out[CERT_SERIAL_SIZE], const char *token, size_t len);
/* --- what the issuer stored next to the tokens it signed --- */
/* The service keeps, with every certificate, the display claims that only the credential
 * carries (subsector name, scheme title, issuer name, units) in a compact text, so showing a
 * certificate it issued needs no credential parsing. Fields are separated by U+001F, which
 * no claim may contain (cert_claims_check refuses control characters):
 *   "1" US subsector_name US scheme_title US issuer_name US nunits { US code US title }
 * cert_display_encode returns it malloc'd (free()), or NULL when a claim is out of range or
 * on allocation failure. cert_display_decode fills exactly those fields of *c (the others are
 * untouched) and returns 0, or -1 when the text is not exactly that shape. A sealed text
 * (cert_display_sealed) decodes as the display text inside it; its seals are not checked. */
char *cert_display_encode(const struct cert_claims *c);
int cert_display_decode(struct cert_claims *c, const char *text);
/* Rounds issued/expires to what a QR token carries: the start of the issue day and the first
 * day on which the certificate is no longer valid (what cert_qr_token_verify reports). */
void cert_claims_qr_days(struct cert_claims *c);
/* Completes a verification whose out->claims the caller filled from its own store, for a
 * token it has found byte-identical to one it issued (so no signature or parse is needed):
 * sets claims_valid and judges the validity window at now exactly as the verifiers do
 * (GENUINE, EXPIRED, or NOT_GENUINE "not yet valid"). Revocation stays the caller's. */
void cert_verification_issued(struct cert_verification *out, int64_t now);

/* --- the validity window, said once for every surface --- */
/* A certificate is valid from `issued` up to, not including, `expires`; issuance puts
 * `expires` at 00:00:00 UTC of a day (issue_claims_from_exam), which the QR token's whole
 * days express exactly. "Valid until" on every surface (verification page and JSON, PDF, CLI)
 * is the last day on which it is valid: the UTC date of expires - 1 second. Writes it as
 * "YYYY-MM-DD" (or "?" when it cannot be written) into out (at least 11 bytes). */
void cert_valid_until_text(char *out, size_t size, int64_t expires);
/* The first 00:00:00 UTC at or after t: where issuance puts an expiry. */
int64_t cert_day_ceil(int64_t t);

/* --- the register seal: a verification done once, at issuance --- */
/* The service signs a certificate's tokens and, in the same step, seals the register record
 * it stores with them: HMAC-SHA256, under a key derived from the signing key, over a purpose
 * tag, the record (serial, holder, subsector, scheme, dates, kid), the display text and one
 * signed token. A row whose seal holds was written by a holder of the signing key together
 * with that token, so presenting exactly that token again needs neither an Ed25519 check
 * nor parsing, and a row written into the database without the key has no valid seal. */
#define CERT_SEAL_LEN 32
struct cert_record {
  const char *serial, *holder, *subsector, *scheme_id, *kid;
  int64_t issued, expires;
};
enum cert_seal_form { CERT_SEAL_QR = 0, CERT_SEAL_JWS = 1 };
struct cert_sealer; /* a seal key prepared once (HMAC's inner and outer states) */
/* Prepares the sealing key of a signing key (HMAC-SHA256(seed, label)) for repeated use:
 * 0 and *out (free with cert_sealer_free; thread-safe to use once made), or -1. */
int cert_sealer_new(struct cert_sealer **out, const struct token_key *key);
/* Frees (and cleanses) a sealer; NULL allowed. */
void cert_sealer_free(struct cert_sealer *s);
/* The seal of the record with one of its tokens and its display text. 0 or -1. */
int cert_seal(unsigned char out[CERT_SEAL_LEN], const struct cert_sealer *s,
              enum cert_seal_form form, const struct cert_record *r, const char *token,
              const char *display);
/* True when seal is the record's seal with token and display (constant-time compare). */
bool cert_seal_check(const struct cert_sealer *s, enum cert_seal_form form,
                     const struct cert_record *r, const char *token, const char *display,
                     const unsigned char seal[CERT_SEAL_LEN]);
/* The stored display text with both seals in front:
 *   "S1" US hex(qr seal) US hex(jws seal) US <cert_display_encode text>   (lower-case hex)
 * cert_display_unseal with NULL seals only finds the display text (no seal is decoded).
 * cert_display_sealed returns it malloc'd (NULL on allocation failure). cert_display_unseal
 * finds the seals and the display text inside such a text: returns 0 with the seals and
 * *out_display (a pointer into text), or -1 when the text carries no (well-formed) seals. */
char *cert_display_sealed(const char *display, const unsigned char qr_seal[CERT_SEAL_LEN],
                          const unsigned char jws_seal[CERT_SEAL_LEN]);
int cert_display_unseal(const char **out_display, unsigned char qr_seal[CERT_SEAL_LEN],
                        unsigned char jws_seal[CERT_SEAL_LEN], const char *text);

/* Builds the QR URL "<PUBLIC_URL>/V/<TOKEN>" in upper case (QR alphanumeric mode).
 * Returns a malloc'd string or NULL (allocation failure, or a public URL containing
 * characters outside the QR alphanumeric set once upper-cased). */
char *cert_qr_url(const char *public_url, const char *token);
/* Extracts the token from a QR URL or returns the input when it already is a bare token:
 * writes a pointer into text and its length. Returns 0, or -1 when nothing token-like is
 * found. Accepts any scheme/host; only the last "/V/" (either case) matters. */
int cert_qr_url_token(const char **out, size_t *out_len, const char *text, size_t len);

#endif
