/*
 * Open Badges 3.0 / VC Data Model 2.0: the AchievementCredential document of a certificate,
 * the issuer's did:web identifier, and the embedded Data Integrity proof (eddsa-rdfc-2022)
 * over it.
 *
 * The document is built from facts the application layer gathers (the signed claims, the
 * LSP's licence number, the holder's salted e-mail hash and bound DID); the same facts always
 * give the same document, key for key and byte for byte once dumped with JSON_COMPACT, so a
 * stored credential can be rebuilt and compared. The JWT form (VC-JOSE) signs the same
 * document as its payload, without a proof.
 *
 * Pure functions but for OpenSSL's hash and signature: no I/O.
 */
#ifndef UJIKOM_OB3_H
#define UJIKOM_OB3_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ujikom/cert.h"
#include "ujikom/token.h"

/* The contexts, in the order VCDM 2.0 and OB 3.0 require; then one inline term that OB 3.0's
 * context leaves undefined but its credentialSchema entries use (docs/certificates.md). */
#define OB3_CONTEXT_VC  "https://www.w3.org/ns/credentials/v2"
#define OB3_CONTEXT_OB  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
#define OB3_SCHEMA_TYPE "1EdTechJsonSchemaValidator2019"
#define OB3_SCHEMA_TYPE_IRI                                                                        \
  "https://purl.imsglobal.org/spec/vccs/v1p0/context.json#1EdTechJsonSchemaValidator2019"
#define OB3_SCHEMA_URL                                                                             \
  "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
/* The public page of one SKKNI unit of an exam: <public-url>/skkni/<exam>/<unit>. */
#define OB3_UNIT_PATH "/skkni/"
/* The credential's own URL: <public-url>/credentials/<serial>. */
#define OB3_CREDENTIAL_PATH "/credentials/"

/* Longest did:web identifier and DID URL written here. */
#define OB3_DID_SIZE 320
/* A salt for the e-mail hash: 16 random bytes as 32 lower-case hex digits. */
#define OB3_SALT_LEN 32
/* "sha256$" + 64 hex digits. */
#define OB3_EMAIL_HASH_LEN (7 + 64)

/* What a credential says, besides the signed claims. Strings are borrowed. */
struct ob3_facts {
  const struct cert_claims *claims; /* serial, holder, exam, units, dates, issuer, status index */
  const char *issuer_licence;       /* the LSP's BNSP licence number; NULL or "" = none */
  const char *holder_did;           /* the DID the holder bound; NULL or "" = none */
  const char *email;                /* the holder's e-mail address (hashed, never written) */
  const char *email_salt;           /* its salt (OB3_SALT_LEN hex digits, stored) */
};

/* The did:web of the service at public_url ("http[s]://host[:port][/path]"): "did:web:" +
 * host, the port's colon as %3A, then each path segment after ':' (e.g. "http://127.0.0.1:8080"
 * gives "did:web:127.0.0.1%3A8080"). Returns 0, or -1 when public_url is not such a URL or
 * the result does not fit size. */
int ob3_did_web(char *out, size_t size, const char *public_url);
/* The DID URL of signing key kid: ob3_did_web + "#" + kid. 0 or -1 as ob3_did_web. */
int ob3_verification_method(char *out, size_t size, const char *public_url, const char *kid);

/* The OB 3.0 identity hash of an e-mail address: "sha256$" + lower-case hex of
 * SHA-256(address with ASCII letters in lower case and surrounding spaces removed, then salt).
 * Returns 0, or -1 on OpenSSL failure or an empty address. */
int ob3_email_hash(char out[OB3_EMAIL_HASH_LEN + 1], const char *email, const char *salt);
/* A fresh salt from the CSPRNG. 0 or -1. */
int ob3_salt_generate(char out[OB3_SALT_LEN + 1]);

/* The AchievementCredential of f, without a proof (docs/certificates.md lists every member).
 * Returns a new reference (json_decref), or NULL when a fact is missing or malformed (claims
 * failing cert_claims_check, no e-mail or salt, a public URL that gives no did:web) or memory
 * runs out. */
json_t *ob3_credential(const struct ob3_facts *f);

/* --- JSON-LD to RDF, for the documents this service writes --- */
/* The RDF dataset of a JSON-LD document (jsonld_quads.c): JSON-LD 1.1 expansion and
 * deserialization to RDF driven by the term definitions of the contexts known here
 * (OB3_CONTEXT_VC, OB3_CONTEXT_OB, committed under certs/contexts/) and inline context
 * objects. Not a general processor: anything it cannot map exactly (an unknown context or
 * term, a keyword other than @context, id and type, lists, @graph or @json values, language
 * maps, numbers other than integers, nulls, relative IRIs) is refused, never dropped or
 * guessed. Returns 0 and *out (rdf_dataset_free), or -1 with a reason in err. */
struct rdf_dataset;
int jsonld_to_dataset(struct rdf_dataset **out, const json_t *doc, char *err, size_t errlen);
/* The RDFC-1.0 canonical N-Quads of doc (jsonld_to_dataset, then rdfc_canonicalize). Returns
 * 0 and *out (malloc'd, NUL-terminated, free()) with *outlen, or -1 with a reason in err. */
int jsonld_canonical(char **out, size_t *outlen, const json_t *doc, char *err, size_t errlen);

/* --- the embedded proof: DataIntegrityProof, cryptosuite eddsa-rdfc-2022 --- */
/* Adds "proof" to credential (which must have none): type DataIntegrityProof, cryptosuite
 * eddsa-rdfc-2022, proofPurpose assertionMethod, verificationMethod vm (the key's DID URL),
 * created (seconds, RFC 3339 UTC), proofValue = "z" + base58btc of the Ed25519 signature of
 * SHA-256(canonical proof configuration) || SHA-256(canonical document). Returns 0, or -1
 * with a reason in err (credential unchanged). */
int ob3_proof_add(json_t *credential, const char *vm, int64_t created, const struct token_key *key,
                  char *err, size_t errlen);

enum ob3_proof_rc {
  OB3_PROOF_OK = 0,
  OB3_PROOF_MALFORMED,     /* not a credential with one such proof, or not mappable to RDF */
  OB3_PROOF_UNKNOWN_KEY,   /* verificationMethod is not did_web + "#" + a kid of keys */
  OB3_PROOF_BAD_SIGNATURE, /* the key did not sign this document and proof configuration */
};
/* Verifies the embedded proof of credential against keys, whose DID is did_web (the
 * verificationMethod must be did_web + "#" + kid). On OB3_PROOF_OK writes the kid to
 * kid_out (may be NULL); otherwise a reason to err. Checks the proof only: the claims,
 * dates and status are the caller's. */
enum ob3_proof_rc ob3_proof_verify(const json_t *credential, const char *did_web,
                                   const struct token_pubkey *keys, size_t nkeys,
                                   char kid_out[TOKEN_KID_LEN + 1], char *err, size_t errlen);
/* Multibase base58btc ("z" + base58, Bitcoin alphabet) of n bytes: malloc'd text or NULL. */
char *ob3_base58btc(const unsigned char *data, size_t n);
/* Decodes "z" + base58btc into out (size max): returns the number of bytes, or -1. */
int ob3_base58btc_decode(unsigned char *out, size_t max, const char *text);

#endif
