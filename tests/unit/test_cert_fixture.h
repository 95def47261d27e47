/*
 * Shared fixture for the certificate unit tests: the issuer's deterministic keys (one place
 * for every JWS and COSE test key) and a realistic set of claims (a 60-character holder
 * name, a DKV scheme with units).
 */
#ifndef TEST_CERT_FIXTURE_H
#define TEST_CERT_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "ujikom/cert.h"

/* 2026-11-22T10:00:00Z and three years later. */
#define FIX_ISSUED  1795341600LL
#define FIX_EXPIRES (FIX_ISSUED + 1096LL * 86400)
/* Exactly 40 characters, like a real LSP's public base URL. */
#define FIX_PUBLIC_URL "https://sertifikasi.lspekraf-jakut.go.id"

/*
 * The test keys, all derived from fixed seeds so signatures are the same on every run. The
 * issuer has two keys: `signer` signs everything the tests issue; `other` is the issuer's
 * second key, trusted too and listed first in `trusted`, so a verifier must choose by kid.
 * A stranger's key belongs to nobody the verifier trusts.
 */
#define FIX_SIGNER_SEED   0x11
#define FIX_OTHER_SEED    0x22
#define FIX_STRANGER_SEED 0x33

struct fixture_keys {
  struct token_key signer, other;
  struct token_pubkey trusted[2]; /* other, signer */
};

static inline void fixture_key(struct token_key *k, unsigned char fill) {
  unsigned char seed[TOKEN_SEED_LEN];
  memset(seed, fill, sizeof seed);
  if (0 != token_key_from_seed(k, seed)) {
    memset(k, 0, sizeof *k);
  }
}

static inline void fixture_keys_init(struct fixture_keys *keys) {
  fixture_key(&keys->signer, FIX_SIGNER_SEED);
  fixture_key(&keys->other, FIX_OTHER_SEED);
  keys->trusted[0] = keys->other.pub;
  keys->trusted[1] = keys->signer.pub;
}

static inline void fixture_keys_wipe(struct fixture_keys *keys) {
  token_key_wipe(&keys->signer);
  token_key_wipe(&keys->other);
}

/* The issuer's signing key alone, for tests that only sign. */
static inline void fixture_signer_key(struct token_key *k) {
  fixture_key(k, FIX_SIGNER_SEED);
}

static inline void fixture_stranger_key(struct token_key *k) {
  fixture_key(k, FIX_STRANGER_SEED);
}

static inline void fixture_claims(struct cert_claims *c) {
  static const unsigned char raw[CERT_SERIAL_BYTES] = {0x8c, 0x11, 0x52, 0xa9, 0x03,
                                                       0xfe, 0x77, 0x10, 0x42, 0x9d};
  memset(c, 0, sizeof *c);
  cert_serial_format(c->serial, raw);
  /* 60 characters, as long a name as the QR size target assumes. */
  snprintf(c->holder, sizeof c->holder, "%s",
           "Raden Ajeng Kartika Sekar Ayu Prameswari Wulandari Putri Ren");
  snprintf(c->holder_id, sizeof c->holder_id, "urn:ujikom:user:42");
  snprintf(c->subsector, sizeof c->subsector, "DKV");
  snprintf(c->subsector_name, sizeof c->subsector_name, "Desain komunikasi visual");
  snprintf(c->scheme_id, sizeof c->scheme_id, "DKV-DGM-JR");
  snprintf(c->scheme_title, sizeof c->scheme_title, "Desainer Konten Visual Junior");
  snprintf(c->issuer_name, sizeof c->issuer_name, "LSP Ekonomi Kreatif DKI Jakarta");
  snprintf(c->issuer_url, sizeof c->issuer_url, "%s", FIX_PUBLIC_URL);
  c->issued = FIX_ISSUED;
  c->expires = FIX_EXPIRES;
  c->nunits = 3;
  snprintf(c->units[0].code, sizeof c->units[0].code, "M.74100.001.02");
  snprintf(c->units[0].title, sizeof c->units[0].title, "Menerapkan prinsip dasar desain");
  snprintf(c->units[1].code, sizeof c->units[1].code, "M.74100.002.02");
  snprintf(c->units[1].title, sizeof c->units[1].title, "Menerapkan prinsip dasar komunikasi");
  snprintf(c->units[2].code, sizeof c->units[2].code, "M.74100.009.02");
  snprintf(c->units[2].title, sizeof c->units[2].title,
           "Menerapkan perangkat lunak desain untuk konten visual");
}

#endif
