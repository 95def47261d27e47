/*
 * The N-Quads and RDFC-1.0 code's text buffers: the core's growable buffer (growbuf.h) with
 * the RDF cap, and the canonical writer of one term.
 */
#ifndef UJIKOM_RDF_BUF_H
#define UJIKOM_RDF_BUF_H

#include "growbuf.h"

/* Larger than any canonical form of an input the parser accepts (escapes at most double
 * RDF_NQUADS_MAX_BYTES, plus the relabelled blank nodes). Every RDF buffer is declared with
 * .max = RDF_BUF_MAX. */
#define RDF_BUF_MAX ((size_t)256 * 1024 * 1024)

/* Appends a term in canonical N-Quads form; blank nodes are written as "_:" + label. */
struct rdf_term;
int rdf_buf_term(struct growbuf *b, const struct rdf_term *t);

#endif
