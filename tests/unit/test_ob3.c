/*
 * The OB 3.0 credential, its JSON-LD to RDF mapping and its eddsa-rdfc-2022 proof: the
 * 1EdTech OB 3.0 sample credential's canonical N-Quads, hashes and proofValue reproduced
 * (tests/data/ob3), the credential's members, the did:web and e-mail hash rules, a proof that
 * verifies and fails on any changed member or key, and the mapper's refusals.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "test_cert_fixture.h"
#include "ujikom/ob3.h"
#include "ujikom/rdfc.h"

#define SALT  "00112233445566778899aabbccddeeff"
#define EMAIL "Siti.Rahma@Example.id "

static char *slurp(const char *name, size_t *len) {
  char path[1024];
  const char *d = getenv("UJIKOM_SOURCE_DIR");
  snprintf(path, sizeof path, "%s/tests/data/ob3/%s", NULL == d ? "." : d, name);
  FILE *f = fopen(path, "rb");
  if (NULL == f) {
    return NULL;
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  if (NULL != buf && (size_t)n != fread(buf, 1, (size_t)n, f)) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  if (NULL != buf) {
    buf[n] = '\0';
    *len = (size_t)n;
  }
  return buf;
}

static json_t *load_json(const char *name) {
  size_t len = 0;
  char *text = slurp(name, &len);
  assert_non_null(text);
  json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
  free(text);
  assert_non_null(j);
  return j;
}

static void hex(char *out, const unsigned char *b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    snprintf(out + 2 * i, 3, "%02x", b[i]);
  }
}

static void sha256_hex(char out[65], const char *text, size_t len) {
  unsigned char md[32];
  unsigned int mdlen = 0;
  assert_int_equal(1, EVP_Digest(text, len, md, &mdlen, EVP_sha256(), NULL));
  hex(out, md, sizeof md);
}

/* The canonical N-Quads of doc equal the file's, byte for byte. */
static void assert_canonical(const json_t *doc, const char *file) {
  char err[200] = "", *nq = NULL;
  size_t len = 0, want_len = 0;
  char *want = slurp(file, &want_len);
  assert_non_null(want);
  if (0 != jsonld_canonical(&nq, &len, doc, err, sizeof err)) {
    fail_msg("not mapped: %s", err);
  }
  assert_string_equal(want, nq);
  assert_int_equal(want_len, len);
  free(nq);
  free(want);
}

/* The 1EdTech vector: "Linked Data Proof Test Vector for Open Badges 3.0". */
#define SAMPLE_VM                                                                                  \
  "https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
#define SAMPLE_CREATED    1262373804 /* 2010-01-01T19:23:24Z */
#define SAMPLE_SEED       "6241a409e6707bb640a0140a8a32bc3d193c33a661747284d6adfa4ed4180be4"
#define SAMPLE_PUB        "4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5"
#define SAMPLE_DOC_HASH   "87f65a76d40146205e3b3e06cb0fbd153f97f9ce70372390f52566bb7f9e0773"
#define SAMPLE_PROOF_HASH "d34009cea0dbc1ca941e09dc01c8c9d3e3ce3c5b853f67ee44698dcea10f5d19"
#define SAMPLE_PROOF_VALUE                                                                         \
  "z5x9aCBYovW3CQCbKdNyhEm7ffYSw1YpEdPywQJoNbzDD2gkzQDKJ1sYKJaWvqZtkMtSbz35HcbgXVEDYHxCzgkCr"

static void sample_key(struct token_key *k) {
  unsigned char seed[TOKEN_SEED_LEN];
  char pub[65];
  for (size_t i = 0; i < sizeof seed; i++) {
    char two[3] = {SAMPLE_SEED[2 * i], SAMPLE_SEED[2 * i + 1], '\0'};
    seed[i] = (unsigned char)strtoul(two, NULL, 16);
  }
  assert_int_equal(0, token_key_from_seed(k, seed));
  hex(pub, k->pub.pub, TOKEN_PUB_LEN);
  assert_string_equal(SAMPLE_PUB, pub);
}

static void test_sample_document_canonical(void **state) {
  (void)state;
  json_t *doc = load_json("sample-credential.json");
  assert_canonical(doc, "sample-document-canon.nq");
  char *nq = NULL, err[200], h[65];
  size_t len = 0;
  assert_int_equal(0, jsonld_canonical(&nq, &len, doc, err, sizeof err));
  sha256_hex(h, nq, len);
  assert_string_equal(SAMPLE_DOC_HASH, h);
  free(nq);
  json_decref(doc);
}

static void test_sample_proof(void **state) {
  (void)state;
  struct token_key key;
  char err[200] = "", h[65];
  json_t *doc = load_json("sample-credential.json");
  json_t *cfg = json_pack("{s:O, s:s, s:s, s:s, s:s, s:s}", "@context",
                          json_object_get(doc, "@context"), "type", "DataIntegrityProof", "created",
                          "2010-01-01T19:23:24Z", "verificationMethod", SAMPLE_VM, "cryptosuite",
                          "eddsa-rdfc-2022", "proofPurpose", "assertionMethod");
  assert_canonical(cfg, "sample-proof-canon.nq");
  char *nq = NULL;
  size_t len = 0;
  assert_int_equal(0, jsonld_canonical(&nq, &len, cfg, err, sizeof err));
  sha256_hex(h, nq, len);
  assert_string_equal(SAMPLE_PROOF_HASH, h);
  free(nq);
  sample_key(&key);
  if (0 != ob3_proof_add(doc, SAMPLE_VM, SAMPLE_CREATED, &key, err, sizeof err)) {
    fail_msg("proof: %s", err);
  }
  const json_t *proof = json_object_get(doc, "proof");
  assert_string_equal(SAMPLE_PROOF_VALUE, json_string_value(json_object_get(proof, "proofValue")));
  assert_string_equal("2010-01-01T19:23:24Z", json_string_value(json_object_get(proof, "created")));
  /* A second proof is refused, and leaves the first alone. */
  assert_int_equal(-1, ob3_proof_add(doc, SAMPLE_VM, SAMPLE_CREATED, &key, err, sizeof err));
  token_key_wipe(&key);
  json_decref(cfg);
  json_decref(doc);
}

static void test_base58(void **state) {
  (void)state;
  const unsigned char in[] = {0, 0, 0x28, 0x7f, 0xb4, 0xcd};
  char *s = ob3_base58btc(in, sizeof in);
  assert_string_equal("z11233QC4", s);
  unsigned char back[16];
  assert_int_equal((int)sizeof in, ob3_base58btc_decode(back, sizeof back, s));
  assert_memory_equal(in, back, sizeof in);
  free(s);
  assert_int_equal(-1, ob3_base58btc_decode(back, sizeof back, "z0OIl"));
  assert_int_equal(-1, ob3_base58btc_decode(back, sizeof back, "u123"));
  assert_int_equal(-1, ob3_base58btc_decode(back, 2, "z11233QC4"));
}

static void test_did_web(void **state) {
  (void)state;
  char did[OB3_DID_SIZE];
  assert_int_equal(0, ob3_did_web(did, sizeof did, "http://127.0.0.1:8080"));
  assert_string_equal("did:web:127.0.0.1%3A8080", did);
  assert_int_equal(0, ob3_did_web(did, sizeof did, "https://lsp.example.id/"));
  assert_string_equal("did:web:lsp.example.id", did);
  assert_int_equal(0, ob3_did_web(did, sizeof did, "https://example.id/lsp/ekraf"));
  assert_string_equal("did:web:example.id:lsp:ekraf", did);
  assert_int_equal(0, ob3_verification_method(did, sizeof did, "https://example.id", "ABCDEFGH"));
  assert_string_equal("did:web:example.id#ABCDEFGH", did);
  assert_int_equal(-1, ob3_did_web(did, sizeof did, "ftp://example.id"));
  assert_int_equal(-1, ob3_did_web(did, sizeof did, "https://"));
  assert_int_equal(-1, ob3_did_web(did, sizeof did, "https://user@example.id"));
  assert_int_equal(-1, ob3_did_web(did, sizeof did, "https://example.id//x"));
  assert_int_equal(-1, ob3_did_web(did, sizeof did, "https://example.id/?q"));
  assert_int_equal(-1, ob3_did_web(did, 12, "https://example.id"));
}

static void test_email_hash(void **state) {
  (void)state;
  char h[OB3_EMAIL_HASH_LEN + 1], salt[OB3_SALT_LEN + 1], salt2[OB3_SALT_LEN + 1];
  /* sha256("siti.rahma@example.id" || salt): trimmed, ASCII letters in lower case. */
  assert_int_equal(0, ob3_email_hash(h, EMAIL, SALT));
  assert_string_equal("sha256$f524f07c2f2e538afd58a0342bb440a3733cd51ddf6282ba8208bbc16d8aa95d", h);
  assert_int_equal(-1, ob3_email_hash(h, "  ", SALT));
  assert_int_equal(0, ob3_salt_generate(salt));
  assert_int_equal(0, ob3_salt_generate(salt2));
  assert_int_equal(OB3_SALT_LEN, strspn(salt, "0123456789abcdef"));
  assert_string_not_equal(salt, salt2);
}

static void facts_of(struct ob3_facts *f, const struct cert_claims *c) {
  memset(f, 0, sizeof *f);
  f->claims = c;
  f->issuer_licence = "BNSP-LSP-1234-ID";
  f->email = EMAIL;
  f->email_salt = SALT;
}

static struct cert_claims *claims_new(void) {
  struct cert_claims *c = malloc(sizeof *c);
  assert_non_null(c);
  fixture_claims(c);
  c->has_status = true;
  c->status_index = 94567;
  return c;
}

static void test_credential_members(void **state) {
  (void)state;
  struct cert_claims *c = claims_new();
  struct ob3_facts f;
  facts_of(&f, c);
  json_t *vc = ob3_credential(&f);
  assert_non_null(vc);
  const json_t *ctx = json_object_get(vc, "@context");
  assert_string_equal(OB3_CONTEXT_VC, json_string_value(json_array_get(ctx, 0)));
  assert_string_equal(OB3_CONTEXT_OB, json_string_value(json_array_get(ctx, 1)));
  char *text = json_dumps(vc, JSON_COMPACT);
  assert_non_null(text);
  /* never the address, in any case */
  assert_null(strstr(text, "Siti.Rahma"));
  assert_null(strstr(text, "siti.rahma"));
  assert_non_null(strstr(text, "\"issuer\":{\"id\":\"did:web:sertifikasi.lspekraf-jakut.go.id\""));
  assert_non_null(strstr(text, "\"validFrom\":\"2026-11-22T10:00:00Z\""));
  assert_non_null(strstr(text, "\"awardedDate\":\"2026-11-22T10:00:00Z\""));
  assert_non_null(strstr(text, "\"otherIdentifier\":[{\"type\":\"IdentifierEntry\","
                               "\"identifier\":\"BNSP-LSP-1234-ID\""));
  assert_non_null(strstr(text, "\"identityHash\":\"sha256$f524f07c"));
  assert_non_null(strstr(text, "\"salt\":\"" SALT "\""));
  assert_non_null(strstr(text, "\"achievementType\":\"Certification\""));
  assert_non_null(
      strstr(text, "\"targetUrl\":\"" FIX_PUBLIC_URL "/skkni/DKV-DGM-JR/M.74100.001.02\""));
  assert_non_null(
      strstr(text, "\"statusListCredential\":\"" FIX_PUBLIC_URL "/status/revocation\""));
  assert_non_null(strstr(text, "\"statusListIndex\":\"94567\""));
  /* One CredentialStatus object, as the OB 3.0 schema requires: the revocation entry. */
  const json_t *status = json_object_get(vc, "credentialStatus");
  assert_true(json_is_object(status));
  assert_string_equal("BitstringStatusListEntry",
                      json_string_value(json_object_get(status, "type")));
  assert_string_equal("revocation", json_string_value(json_object_get(status, "statusPurpose")));
  assert_string_equal(FIX_PUBLIC_URL "/status/revocation#94567",
                      json_string_value(json_object_get(status, "id")));
  assert_null(strstr(text, "suspension"));
  assert_null(strstr(text, "\"credentialSubject\":{\"id\"")); /* no DID bound */
  /* The same facts, the same bytes. */
  json_t *again = ob3_credential(&f);
  char *text2 = json_dumps(again, JSON_COMPACT);
  assert_string_equal(text, text2);
  free(text2);
  json_decref(again);
  /* A bound DID becomes the subject's id. */
  f.holder_did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
  again = ob3_credential(&f);
  assert_string_equal(f.holder_did, json_string_value(json_object_get(
                                        json_object_get(again, "credentialSubject"), "id")));
  json_decref(again);
  free(text);
  json_decref(vc);
  free(c);
}

static void test_credential_refused(void **state) {
  (void)state;
  struct cert_claims *c = claims_new();
  struct ob3_facts f;
  facts_of(&f, c);
  f.email = NULL;
  assert_null(ob3_credential(&f));
  facts_of(&f, c);
  f.email_salt = "";
  assert_null(ob3_credential(&f));
  facts_of(&f, c);
  f.issuer_licence = "BNSP\n1";
  assert_null(ob3_credential(&f));
  facts_of(&f, c);
  snprintf(c->issuer_url, sizeof c->issuer_url, "example.id");
  assert_null(ob3_credential(&f));
  fixture_claims(c);
  c->holder[0] = '\0';
  assert_null(ob3_credential(&f));
  free(c);
}

/* A signed credential of the fixture, verified against the fixture's keys. */
static json_t *signed_credential(const struct fixture_keys *keys, char *did, size_t didsize) {
  struct cert_claims *c = claims_new();
  struct ob3_facts f;
  char vm[OB3_DID_SIZE], err[200] = "";
  facts_of(&f, c);
  json_t *vc = ob3_credential(&f);
  assert_non_null(vc);
  assert_int_equal(0, ob3_did_web(did, didsize, FIX_PUBLIC_URL));
  assert_int_equal(0, ob3_verification_method(vm, sizeof vm, FIX_PUBLIC_URL, keys->signer.pub.kid));
  if (0 != ob3_proof_add(vc, vm, c->issued, &keys->signer, err, sizeof err)) {
    fail_msg("proof: %s", err);
  }
  free(c);
  return vc;
}

/* docs/certificates.md's worked example is this credential, byte for byte. */
static void test_documented_example(void **state) {
  (void)state;
  struct fixture_keys keys;
  char did[OB3_DID_SIZE], err[200] = "";
  size_t len = 0;
  fixture_keys_init(&keys);
  json_t *vc = signed_credential(&keys, did, sizeof did);
  char *text = json_dumps(vc, JSON_COMPACT), *want = slurp("example-credential.json", &len);
  assert_non_null(want);
  assert_string_equal(want, text);
  assert_int_equal(OB3_PROOF_OK, ob3_proof_verify(vc, did, keys.trusted, 2, NULL, err, sizeof err));
  free(want);
  free(text);
  json_decref(vc);
  fixture_keys_wipe(&keys);
}

/* The largest certificate: every unit an alignment with a long title. */
static void test_all_units(void **state) {
  (void)state;
  struct fixture_keys keys;
  struct cert_claims *c = claims_new();
  struct ob3_facts f;
  char did[OB3_DID_SIZE], vm[OB3_DID_SIZE], err[200] = "";
  fixture_keys_init(&keys);
  c->nunits = CERT_MAX_UNITS;
  for (size_t i = 0; i < CERT_MAX_UNITS; i++) {
    snprintf(c->units[i].code, sizeof c->units[i].code, "M.74100.%03zu.02", i);
    memset(c->units[i].title, 'a' + (int)(i % 26), sizeof c->units[i].title - 1);
    c->units[i].title[sizeof c->units[i].title - 1] = '\0';
  }
  facts_of(&f, c);
  json_t *vc = ob3_credential(&f);
  assert_non_null(vc);
  assert_int_equal(0, ob3_did_web(did, sizeof did, FIX_PUBLIC_URL));
  assert_int_equal(0, ob3_verification_method(vm, sizeof vm, FIX_PUBLIC_URL, keys.signer.pub.kid));
  if (0 != ob3_proof_add(vc, vm, c->issued, &keys.signer, err, sizeof err)) {
    fail_msg("proof: %s", err);
  }
  assert_int_equal(OB3_PROOF_OK, ob3_proof_verify(vc, did, keys.trusted, 2, NULL, err, sizeof err));
  json_decref(vc);
  free(c);
  fixture_keys_wipe(&keys);
}

static void test_proof_round_trip(void **state) {
  (void)state;
  struct fixture_keys keys;
  char did[OB3_DID_SIZE], err[200] = "", kid[TOKEN_KID_LEN + 1] = "";
  fixture_keys_init(&keys);
  json_t *vc = signed_credential(&keys, did, sizeof did);
  assert_int_equal(OB3_PROOF_OK, ob3_proof_verify(vc, did, keys.trusted, 2, kid, err, sizeof err));
  assert_string_equal(keys.signer.pub.kid, kid);
  /* Only the issuer's own keys, under its own DID. */
  assert_int_equal(OB3_PROOF_UNKNOWN_KEY,
                   ob3_proof_verify(vc, did, keys.trusted, 1, NULL, err, sizeof err));
  assert_int_equal(OB3_PROOF_UNKNOWN_KEY, ob3_proof_verify(vc, "did:web:example.id", keys.trusted,
                                                           2, NULL, err, sizeof err));
  /* Another key under the same kid: the signature is not its. */
  struct token_pubkey liar = keys.other.pub;
  memcpy(liar.kid, keys.signer.pub.kid, sizeof liar.kid);
  assert_int_equal(OB3_PROOF_BAD_SIGNATURE,
                   ob3_proof_verify(vc, did, &liar, 1, NULL, err, sizeof err));
  json_decref(vc);
  fixture_keys_wipe(&keys);
}

/* Every string in the signed credential, changed by one character, breaks the proof. */
static int flip_strings(json_t *root, json_t *j, const char *did, const struct fixture_keys *keys,
                        size_t *tried) {
  if (json_is_object(j)) {
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v) {
      if (0 != flip_strings(root, v, did, keys, tried)) {
        return -1;
      }
    }
  } else if (json_is_array(j)) {
    size_t i;
    json_t *v;
    json_array_foreach(j, i, v) {
      if (0 != flip_strings(root, v, did, keys, tried)) {
        return -1;
      }
    }
  } else if (json_is_string(j)) {
    char *orig = strdup(json_string_value(j)), err[200];
    size_t len = strlen(orig);
    for (size_t pos = 0; pos < len; pos += 1 + len / 7) {
      char *changed = strdup(orig);
      changed[pos] = (char)(changed[pos] == 'x' ? 'y' : 'x');
      json_string_set(j, changed);
      free(changed);
      enum ob3_proof_rc rc = ob3_proof_verify(root, did, keys->trusted, 2, NULL, err, sizeof err);
      (*tried)++;
      if (OB3_PROOF_OK == rc) {
        json_string_set(j, orig);
        free(orig);
        return -1;
      }
    }
    json_string_set(j, orig);
    free(orig);
  }
  return 0;
}

static void test_proof_flips(void **state) {
  (void)state;
  struct fixture_keys keys;
  char did[OB3_DID_SIZE], err[200];
  size_t tried = 0;
  fixture_keys_init(&keys);
  json_t *vc = signed_credential(&keys, did, sizeof did);
  assert_int_equal(0, flip_strings(vc, vc, did, &keys, &tried));
  assert_true(tried > 100);
  /* Flipped back everywhere: verifies again. */
  assert_int_equal(OB3_PROOF_OK, ob3_proof_verify(vc, did, keys.trusted, 2, NULL, err, sizeof err));
  /* A member removed, added, a boolean flipped. */
  json_t *subject = json_object_get(vc, "credentialSubject");
  json_t *ids = json_object_get(subject, "identifier");
  json_object_set_new(json_array_get(ids, 0), "hashed", json_true());
  assert_int_equal(OB3_PROOF_BAD_SIGNATURE,
                   ob3_proof_verify(vc, did, keys.trusted, 2, NULL, err, sizeof err));
  json_object_set_new(json_array_get(ids, 0), "hashed", json_false());
  json_object_del(vc, "validUntil");
  assert_int_equal(OB3_PROOF_BAD_SIGNATURE,
                   ob3_proof_verify(vc, did, keys.trusted, 2, NULL, err, sizeof err));
  json_decref(vc);
  fixture_keys_wipe(&keys);
}

static void assert_refused(const char *doc, const char *why) {
  json_error_t je;
  json_t *j = json_loads(doc, 0, &je);
  struct rdf_dataset *ds = NULL;
  char err[200] = "";
  assert_non_null(j);
  if (0 == jsonld_to_dataset(&ds, j, err, sizeof err)) {
    fail_msg("mapped, but should be refused: %s", doc);
  }
  if (NULL == strstr(err, why)) {
    fail_msg("refused for \"%s\", expected \"%s\"", err, why);
  }
  json_decref(j);
}

#define CTX_OPEN "\"@context\":[\"" OB3_CONTEXT_VC "\",\"" OB3_CONTEXT_OB "\""
#define CTX      CTX_OPEN "]"

static void test_mapper_refusals(void **state) {
  (void)state;
  assert_refused("{\"@context\":[\"https://example.org/ctx\"],\"name\":\"x\"}", "unknown context");
  assert_refused("{\"name\":\"x\"}", "@context array");
  assert_refused("{" CTX ",\"nickname\":\"x\"}", "not a term");
  assert_refused("{" CTX ",\"name\":null}", "null");
  assert_refused("{" CTX ",\"name\":1.5}", "real number");
  assert_refused("{" CTX ",\"name\":[[\"x\"]]}", "nested arrays");
  assert_refused("{" CTX ",\"id\":\"relative/x\"}", "absolute IRI");
  assert_refused("{" CTX ",\"id\":\"_:b0\"}", "absolute IRI");
  assert_refused("{" CTX ",\"type\":\"NoSuchType\"}", "not a term");
  assert_refused("{" CTX ",\"@type\":\"Profile\"}", "keyword @type");
  assert_refused("{" CTX ",\"id\":\"https://a.example\",\"@id\":\"https://b.example\"}",
                 "keyword @id");
  assert_refused("{" CTX ",\"type\":\"ResultDescription\",\"allowedValue\":[\"a\"]}", "container");
  assert_refused("{" CTX ",\"type\":\"VerifiableCredential\",\"proof\":{}}", "container");
  assert_refused("{\"@context\":[\"" OB3_CONTEXT_VC "\",{\"name\":\"https://example.org/n\"}]}",
                 "protected term \"name\" redefined");
  assert_refused("{\"@context\":[{\"@vocab\":\"https://example.org/\"}],\"x\":1}", "@vocab");
  assert_refused("{" CTX ",\"type\":\"VerifiableCredential\",\"issuer\":\"not an iri\"}",
                 "absolute IRI");
  /* A term that is not a credential member at this level (type-scoped contexts do not reach
   * nested nodes). */
  assert_refused("{" CTX ",\"type\":\"VerifiableCredential\",\"credentialSubject\":{"
                 "\"credentialStatus\":\"https://a.example\"}}",
                 "not a term");
}

/* The canonical N-Quads of doc (text), which must map. Free the result. */
static char *canonical_of(const char *doc) {
  json_error_t je;
  json_t *j = json_loads(doc, 0, &je);
  char *nq = NULL, err[200] = "";
  size_t len = 0;
  assert_non_null(j);
  if (0 != jsonld_canonical(&nq, &len, j, err, sizeof err)) {
    fail_msg("not mapped: %s: %s", err, doc);
  }
  json_decref(j);
  return nq;
}

/* A document with its own context object after the known ones, defining term "t" as
 * https://example.org/<n>#t, and "t" set. */
static char *own_context_doc(char *buf, size_t size, unsigned n) {
  snprintf(buf, size,
           "{\"@context\":[\"" OB3_CONTEXT_VC "\",\"" OB3_CONTEXT_OB "\","
           "{\"t\":\"https://example.org/%u#t\"}],\"type\":\"VerifiableCredential\",\"t\":\"x\"}",
           n);
  return buf;
}

/* A context object applied on the compiled-in contexts is processed once for every document
 * (by its content; the scoped contexts of the compiled-in terms by their address): documents
 * with different objects still map each with its own, past the number kept, and a refused
 * object neither maps nor stops the next. */
static void test_shared_contexts(void **state) {
  (void)state;
  char doc[512], want[64];
  for (int round = 0; round < 2; round++) {
    for (unsigned n = 0; n < 100; n++) {
      char *nq = canonical_of(own_context_doc(doc, sizeof doc, n));
      snprintf(want, sizeof want, "<https://example.org/%u#t> \"x\" .\n", n);
      if (NULL == strstr(nq, want)) {
        fail_msg("document %u mapped without its own context:\n%s", n, nq);
      }
      free(nq);
    }
    /* A protected term of the compiled-in contexts redefined: refused every time. */
    assert_refused("{" CTX_OPEN ",{\"name\":\"https://example.org/n\"}],\"name\":\"x\"}",
                   "protected term \"name\" redefined");
  }
  /* The service's own credential (its context object and the compiled-in scoped ones): the
   * same N-Quads as the first time, many times over. */
  json_t *vc = load_json("example-credential.json");
  char *first = NULL, *again = NULL, err[200];
  size_t len = 0, len2 = 0;
  json_object_del(vc, "proof");
  assert_int_equal(0, jsonld_canonical(&first, &len, vc, err, sizeof err));
  for (int i = 0; i < 20; i++) {
    assert_int_equal(0, jsonld_canonical(&again, &len2, vc, err, sizeof err));
    assert_int_equal(len, len2);
    assert_memory_equal(first, again, len);
    free(again);
  }
  free(first);
  json_decref(vc);
}

struct mapping_thread {
  const json_t *doc;
  const char *want;
  size_t wantlen;
  int same; /* how many of the thread's mappings gave want */
};

static void *map_many(void *arg) {
  struct mapping_thread *t = arg;
  char err[200];
  for (int i = 0; i < 50; i++) {
    char *nq = NULL;
    size_t len = 0;
    if (0 == jsonld_canonical(&nq, &len, t->doc, err, sizeof err) && len == t->wantlen &&
        0 == memcmp(nq, t->want, len)) {
      t->same++;
    }
    free(nq);
  }
  return NULL;
}

/* Threads mapping at once (issuance signs on several) get the N-Quads written out here, on
 * documents each with a context object of its own, first seen in the threads and then
 * taken from the shared contexts. */
static void test_shared_contexts_threads(void **state) {
  (void)state;
  enum { N = 4 };
  char text[N][512], want[N][256];
  json_t *docs[N];
  pthread_t th[N];
  struct mapping_thread ts[N];
  for (unsigned i = 0; i < N; i++) {
    json_error_t je;
    docs[i] = json_loads(own_context_doc(text[i], sizeof text[i], 1000 + i), 0, &je);
    assert_non_null(docs[i]);
    snprintf(want[i], sizeof want[i],
             "_:c14n0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
             "<https://www.w3.org/2018/credentials#VerifiableCredential> .\n"
             "_:c14n0 <https://example.org/%u#t> \"x\" .\n",
             1000 + i);
  }
  for (int round = 0; round < 2; round++) {
    for (unsigned i = 0; i < N; i++) {
      ts[i] = (struct mapping_thread){docs[i], want[i], strlen(want[i]), 0};
      assert_int_equal(0, pthread_create(&th[i], NULL, map_many, &ts[i]));
    }
    for (unsigned i = 0; i < N; i++) {
      assert_int_equal(0, pthread_join(th[i], NULL));
      assert_int_equal(50, ts[i].same);
    }
  }
  for (unsigned i = 0; i < N; i++) {
    json_decref(docs[i]);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sample_document_canonical),
      cmocka_unit_test(test_sample_proof),
      cmocka_unit_test(test_base58),
      cmocka_unit_test(test_did_web),
      cmocka_unit_test(test_email_hash),
      cmocka_unit_test(test_credential_members),
      cmocka_unit_test(test_credential_refused),
      cmocka_unit_test(test_documented_example),
      cmocka_unit_test(test_all_units),
      cmocka_unit_test(test_proof_round_trip),
      cmocka_unit_test(test_proof_flips),
      cmocka_unit_test(test_mapper_refusals),
      cmocka_unit_test(test_shared_contexts),
      cmocka_unit_test(test_shared_contexts_threads),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
