/*
 * The JSON-LD context documents compiled into the core (certs/contexts/, embedded by
 * cmake/EmbedContexts.cmake): file name, bytes, size; the table ends with a NULL name.
 */
#ifndef UJIKOM_CORE_JSONLD_CONTEXTS_H
#define UJIKOM_CORE_JSONLD_CONTEXTS_H

#include <stddef.h>

struct jsonld_context_file {
  const char *name;
  const char *data;
  size_t size;
};

extern const struct jsonld_context_file jsonld_context_files[];

#endif
