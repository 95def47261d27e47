/*
 * RDF datasets as N-Quads, and their canonical form by RDF Dataset Canonicalization
 * (RDFC-1.0, W3C Recommendation, SHA-256): the building block of an embedded
 * `eddsa-rdfc-2022` Data Integrity proof.
 *
 * A small quad model (IRIs, blank nodes, literals with a datatype IRI or a language tag,
 * the default graph), a strict parser for N-Quads from untrusted input, the canonical N-Quads
 * serialization, and the canonicalization algorithm with a bound on its work, so that a
 * "poison" dataset is refused instead of running for hours.
 *
 * Pure functions: no I/O. Term values are UTF-8 byte strings with an explicit length (a
 * literal may hold U+0000).
 */
#ifndef UJIKOM_RDFC_H
#define UJIKOM_RDFC_H

#include <stdbool.h>
#include <stddef.h>

enum rdf_term_kind {
  RDF_TERM_DEFAULT_GRAPH = 0, /* only as a graph name; value empty */
  RDF_TERM_IRI,
  RDF_TERM_BLANK, /* value: the label without "_:" */
  RDF_TERM_LITERAL,
};

struct rdf_term {
  enum rdf_term_kind kind;
  char *value; /* NUL-terminated, but may also hold NUL bytes: use len */
  size_t len;
  char *datatype; /* literals: datatype IRI, NULL for xsd:string or a language-tagged string */
  char *language; /* literals: language tag (as written), or NULL */
};

struct rdf_quad {
  struct rdf_term subject, predicate, object, graph;
};

struct rdf_dataset {
  struct rdf_quad *quads;
  size_t nquads, cap;
};

#define RDF_XSD_STRING  "http://www.w3.org/2001/XMLSchema#string"
#define RDF_LANG_STRING "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

/* Limits for untrusted input. */
#define RDF_NQUADS_MAX_BYTES ((size_t)16 * 1024 * 1024)
#define RDF_NQUADS_MAX_QUADS 100000u
/* RDFC-1.0 leaves the defence against poison datasets to the implementation (its section on
 * dataset poisoning). Work is counted over the whole run: one unit per Hash N-Degree Quads
 * call and per permutation it examines, weighted by 1 + blank nodes / 256 (+ the node's quads
 * / 16 for a call), as each copies an issuer and walks quads. Past the limit, the dataset is
 * refused. The W3C suite's "computable" poison graphs need 3,348 units, its 10-node clique far
 * more; a credential needs well under 100. */
#define RDFC_MAX_WORK 200000u
/* Deepest recursion of Hash N-Degree Quads accepted, and the largest product of depth and
 * blank nodes (each level holds issuers of two words per blank node: this caps that memory at
 * a few tens of MiB). */
#define RDFC_MAX_DEPTH       256u
#define RDFC_MAX_DEPTH_NODES ((size_t)1 << 20)

/* Outcomes other than 0. */
enum rdfc_error {
  RDFC_ERR_INVALID = -1, /* malformed input, or out of memory */
  RDFC_ERR_LIMIT = -2,   /* the work or depth limit was reached: dataset refused */
};

/* An empty dataset. Returns it (free with rdf_dataset_free), or NULL when memory runs out. */
struct rdf_dataset *rdf_dataset_new(void);
void rdf_dataset_free(struct rdf_dataset *d);

/* Appends a copy of q (the dataset owns the copy; q is left to the caller). Terms are checked
 * as the parser checks them: kinds allowed at their position, valid UTF-8, IRIs absolute and
 * without characters N-Quads cannot write, blank node labels and language tags well-formed.
 * Returns 0, or -1 with nothing added. */
int rdf_dataset_add(struct rdf_dataset *d, const struct rdf_quad *q);

/* Parses N-Quads (RDF 1.1 grammar, UTF-8, LF or CRLF line ends, comments). Relative IRIs,
 * invalid UTF-8, escapes for surrogates, and more than RDF_NQUADS_MAX_QUADS statements or
 * RDF_NQUADS_MAX_BYTES bytes are refused. A literal typed xsd:string is stored without its
 * datatype. Returns 0 and *out (free with rdf_dataset_free), or -1 with "line:column: reason"
 * in err. */
int rdf_nquads_parse(struct rdf_dataset **out, const char *text, size_t len, char *err,
                     size_t errlen);

/* One term in canonical N-Quads form (blank node as "_:" + label) appended to nothing: returns
 * a malloc'd NUL-terminated string, or NULL when memory runs out. */
char *rdf_term_to_nquads(const struct rdf_term *t);

/* The dataset in canonical N-Quads form, quads in their order, each ending in LF. Returns 0
 * and *out (malloc'd, NUL-terminated, free()) with its length in *outlen, or -1. */
int rdf_nquads_serialize(char **out, size_t *outlen, const struct rdf_dataset *d);

/* RDFC-1.0 with SHA-256: the canonical N-Quads of d (blank nodes relabelled _:c14n0, ...,
 * duplicate quads removed, lines sorted in code point order). Returns 0 and *out (malloc'd,
 * NUL-terminated, free()) with its length in *outlen; RDFC_ERR_LIMIT when the dataset needs
 * more than RDFC_MAX_WORK or RDFC_MAX_DEPTH; RDFC_ERR_INVALID when memory runs out. A reason
 * goes to err either way. */
int rdfc_canonicalize(char **out, size_t *outlen, const struct rdf_dataset *d, char *err,
                      size_t errlen);

#endif
