/*
 * ujikom jsonld nquads [FILE]: the RDFC-1.0 canonical N-Quads of a JSON-LD document (an
 * OB 3.0 credential with or without its proof, or a proof configuration), as the embedded
 * eddsa-rdfc-2022 proof hashes them; with --hash, the SHA-256 of those N-Quads instead. Lets
 * anyone check the proof of a credential by hand (docs/certificates.md) and compare the
 * mapping with another JSON-LD processor.
 */
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "ujikom/ob3.h"

static const char usage_text[] =
    "usage: ujikom jsonld nquads [--hash] [FILE]\n"
    "  The canonical N-Quads (RDFC-1.0) of the JSON-LD document in FILE (stdin when\n"
    "  none or \"-\"); a \"proof\" member is left out, as the embedded proof does.\n"
    "  --hash  print the SHA-256 (hex) of the N-Quads instead\n";

int cmd_jsonld(int argc, char **argv) {
  bool hash = false;
  const char *file = NULL;
  if (argc >= 2 && cli_is_help(argv[1])) {
    fputs(usage_text, stdout);
    return 0;
  }
  if (argc < 2 || 0 != strcmp(argv[1], "nquads")) {
    fputs(usage_text, stderr);
    return 2;
  }
  for (int i = 2; i < argc; i++) {
    if (0 == strcmp(argv[i], "--hash")) {
      hash = true;
    } else if (NULL == file) {
      file = argv[i];
    } else {
      fputs(usage_text, stderr);
      return 2;
    }
  }
  json_error_t je;
  FILE *in = (NULL == file || 0 == strcmp(file, "-")) ? stdin : fopen(file, "rb");
  if (NULL == in) {
    fprintf(stderr, "ujikom jsonld: cannot open %s\n", file);
    return 1;
  }
  json_t *doc = json_loadf(in, JSON_REJECT_DUPLICATES, &je);
  if (stdin != in) {
    fclose(in);
  }
  if (NULL == doc) {
    fprintf(stderr, "ujikom jsonld: not JSON: %d:%d: %s\n", je.line, je.column, je.text);
    return 1;
  }
  if (json_is_object(doc)) {
    json_object_del(doc, "proof");
  }
  char err[200] = "", *nq = NULL;
  size_t len = 0;
  int rc = jsonld_canonical(&nq, &len, doc, err, sizeof err);
  json_decref(doc);
  if (0 != rc) {
    fprintf(stderr, "ujikom jsonld: %s\n", err);
    return 1;
  }
  if (hash) {
    unsigned char md[32];
    unsigned int mdlen = 0;
    if (1 != EVP_Digest(nq, len, md, &mdlen, EVP_sha256(), NULL)) {
      free(nq);
      return 1;
    }
    for (unsigned i = 0; i < mdlen; i++) {
      printf("%02x", md[i]);
    }
    printf("\n");
  } else {
    fwrite(nq, 1, len, stdout);
  }
  free(nq);
  return 0;
}
