/*
 * Fuzzes the signed-note, verifier-key and checkpoint parsers with arbitrary bytes, under
 * the key that signed the seeds. They must never crash or leak, and whatever they accept
 * must be canonical: formatting it again gives back exactly the bytes that were parsed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_log_signer.h"
#include "ujikom/tlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const struct note_signer *signer = fuzz_log_signer();
  const char *in = (const char *)data;
  char err[160];
  char *text = NULL;
  size_t textlen = 0;
  if (0 == note_open(&text, &textlen, in, size, &signer->key, 1, err, sizeof err)) {
    if (textlen >= size || 0 != memcmp(text, in, textlen) || '\n' != text[textlen - 1]) {
      abort(); /* the text is the signed prefix of the note */
    }
    free(text);
  }
  struct tlog_checkpoint c;
  if (0 == tlog_checkpoint_parse(&c, in, size, err, sizeof err)) {
    char *again = NULL;
    if (0 != tlog_checkpoint_format(&again, &c) || strlen(again) != size ||
        0 != memcmp(again, in, size)) {
      abort();
    }
    free(again);
  }
  if (0 == tlog_checkpoint_open(&c, in, size, &signer->key, 1, NULL, err, sizeof err) &&
      0 != strcmp(c.origin, "ujikom.example/log")) {
    abort(); /* only the fuzz key signed the seeds; its checkpoints carry its name */
  }
  struct note_key k;
  if (0 == note_vkey_parse(&k, in, size, err, sizeof err)) {
    char *again = note_vkey_format(&k);
    if (NULL == again || strlen(again) != size || 0 != memcmp(again, in, size)) {
      abort();
    }
    free(again);
  }
  return 0;
}
