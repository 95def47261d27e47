/*
 * C2SP signed notes (Ed25519 signature type 0x01) and the verifier key strings that name
 * their keys. The parser checks the shape of the whole note before any signature, so that
 * what a caller reads as text is exactly what the signatures covered.
 */
#include "ujikom/note.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "ujikom/b64.h"
#include "ujikom/token.h"

#define EM_DASH        "\xE2\x80\x94"
#define SIG_PREFIX     EM_DASH " "
#define SIG_PREFIX_LEN 4

static void set_err(char *err, size_t errlen, const char *msg) {
  if (NULL != err && errlen > 0) {
    snprintf(err, errlen, "%s", msg);
  }
}

/* --- base64 (RFC 4648 section 4, padded): the codec module's padded variant --- */

char *note_b64_encode(const void *data, size_t len) {
  return b64_encode_alloc(data, len, B64_STD_PADDED);
}

int note_b64_decode(unsigned char **out, size_t *out_len, const char *text, size_t len) {
  return b64_decode_alloc(out, out_len, text, len, B64_STD_PADDED);
}

/* --- names and key IDs --- */

bool note_name_valid(const char *name, size_t len) {
  if (0 == len || len > NOTE_NAME_MAX) {
    return false;
  }
  size_t i = 0;
  while (i < len) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t step =
        utf8proc_iterate((const utf8proc_uint8_t *)name + i, (utf8proc_ssize_t)(len - i), &cp);
    if (step <= 0 || cp < 0x20 || 0x7f == cp || '+' == cp) {
      return false;
    }
    utf8proc_category_t cat = utf8proc_category(cp);
    if (UTF8PROC_CATEGORY_ZS == cat || UTF8PROC_CATEGORY_ZL == cat || UTF8PROC_CATEGORY_ZP == cat ||
        UTF8PROC_CATEGORY_CC == cat || 0x85 == cp) {
      return false;
    }
    i += (size_t)step;
  }
  return true;
}

int note_key_id(uint32_t *out, const char *name, size_t len,
                const unsigned char pub[NOTE_PUB_LEN]) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  static const unsigned char sep[2] = {'\n', NOTE_ALG_ED25519};
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  int rc = -1;
  if (NULL == ctx) {
    return -1;
  }
  if (1 != EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) || 1 != EVP_DigestUpdate(ctx, name, len) ||
      1 != EVP_DigestUpdate(ctx, sep, sizeof sep) ||
      1 != EVP_DigestUpdate(ctx, pub, NOTE_PUB_LEN) || 1 != EVP_DigestFinal_ex(ctx, md, &mdlen)) {
    goto cleanup;
  }
  *out = (uint32_t)md[0] << 24 | (uint32_t)md[1] << 16 | (uint32_t)md[2] << 8 | md[3];
  rc = 0;
cleanup:
  EVP_MD_CTX_free(ctx);
  return rc;
}

void note_signer_wipe(struct note_signer *s) {
  OPENSSL_cleanse(s->seed, sizeof s->seed);
}

int note_signer_from_seed(struct note_signer *out, const char *name,
                          const unsigned char seed[NOTE_SEED_LEN]) {
  struct token_key k;
  size_t len = strlen(name);
  memset(out, 0, sizeof *out);
  if (!note_name_valid(name, len) || 0 != token_key_from_seed(&k, seed)) {
    return -1;
  }
  memcpy(out->key.name, name, len + 1);
  memcpy(out->key.pub, k.pub.pub, NOTE_PUB_LEN);
  memcpy(out->seed, seed, NOTE_SEED_LEN);
  token_key_wipe(&k);
  if (0 != note_key_id(&out->key.id, name, len, out->key.pub)) {
    note_signer_wipe(out);
    return -1;
  }
  return 0;
}

/* --- verifier keys --- */

char *note_vkey_format(const struct note_key *k) {
  unsigned char raw[1 + NOTE_PUB_LEN];
  raw[0] = NOTE_ALG_ED25519;
  memcpy(raw + 1, k->pub, NOTE_PUB_LEN);
  char *b64 = note_b64_encode(raw, sizeof raw);
  if (NULL == b64) {
    return NULL;
  }
  size_t cap = strlen(k->name) + 1 + 8 + 1 + strlen(b64) + 1;
  char *out = malloc(cap);
  if (NULL != out) {
    snprintf(out, cap, "%s+%08x+%s", k->name, (unsigned)k->id, b64);
  }
  free(b64);
  return out;
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  return -1;
}

int note_vkey_parse(struct note_key *out, const char *s, size_t len, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  const char *p1 = memchr(s, '+', len);
  if (NULL == p1) {
    set_err(err, errlen, "verifier key: expected name+keyid+key");
    return -1;
  }
  size_t namelen = (size_t)(p1 - s);
  const char *hex = p1 + 1;
  size_t rest = len - namelen - 1;
  const char *p2 = memchr(hex, '+', rest);
  if (NULL == p2 || 8 != p2 - hex) {
    set_err(err, errlen, "verifier key: the key ID must be 8 hex digits between two '+'");
    return -1;
  }
  if (!note_name_valid(s, namelen)) {
    set_err(err, errlen, "verifier key: invalid key name");
    return -1;
  }
  uint32_t id = 0;
  for (int i = 0; i < 8; i++) {
    int v = hex_value(hex[i]);
    if (v < 0) {
      set_err(err, errlen, "verifier key: the key ID must be lower-case hex");
      return -1;
    }
    id = id << 4 | (uint32_t)v;
  }
  const char *b64 = p2 + 1;
  size_t b64len = len - (size_t)(b64 - s);
  unsigned char *raw = NULL;
  size_t rawlen = 0;
  if (0 != note_b64_decode(&raw, &rawlen, b64, b64len)) {
    set_err(err, errlen, "verifier key: the key is not valid base64");
    return -1;
  }
  int rc = -1;
  if (1 + NOTE_PUB_LEN != rawlen || NOTE_ALG_ED25519 != raw[0]) {
    set_err(err, errlen, "verifier key: not an Ed25519 key (type 0x01, 32 bytes)");
    goto cleanup;
  }
  memcpy(out->name, s, namelen);
  out->name[namelen] = '\0';
  memcpy(out->pub, raw + 1, NOTE_PUB_LEN);
  uint32_t want = 0;
  if (0 != note_key_id(&want, out->name, namelen, out->pub)) {
    set_err(err, errlen, "verifier key: hashing failed");
    goto cleanup;
  }
  if (want != id) {
    set_err(err, errlen, "verifier key: the key ID does not match the name and key");
    goto cleanup;
  }
  out->id = id;
  rc = 0;
cleanup:
  free(raw);
  if (0 != rc) {
    memset(out, 0, sizeof *out);
  }
  return rc;
}

/* --- notes --- */

/* Valid UTF-8 with no control character other than newline (and no DEL or C1 control). */
static bool text_chars_valid(const char *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
      if ((c < 0x20 && '\n' != c) || 0x7f == c) {
        return false;
      }
      i++;
      continue;
    }
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t step =
        utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
    if (step <= 0 || (cp >= 0x80 && cp <= 0x9f)) {
      return false;
    }
    i += (size_t)step;
  }
  return true;
}

/* Note text: non-empty, valid characters, ends in a newline, does not end in an empty line
 * (which would move the text/signature split). */
static bool note_text_valid(const char *text, size_t len) {
  return len > 1 && len <= NOTE_MAX_SIZE && '\n' == text[len - 1] && '\n' != text[len - 2] &&
         text_chars_valid(text, len);
}

int note_sign(char **out, const char *text, size_t len, const struct note_signer *signer) {
  *out = NULL;
  if (!note_text_valid(text, len)) {
    return -1;
  }
  struct token_key k;
  unsigned char sig[4 + NOTE_SIG_LEN];
  if (0 != token_key_from_seed(&k, signer->seed)) {
    return -1;
  }
  int rc = -1;
  char *b64 = NULL;
  if (0 != memcmp(k.pub.pub, signer->key.pub, NOTE_PUB_LEN)) {
    goto cleanup;
  }
  sig[0] = (unsigned char)(signer->key.id >> 24);
  sig[1] = (unsigned char)(signer->key.id >> 16);
  sig[2] = (unsigned char)(signer->key.id >> 8);
  sig[3] = (unsigned char)signer->key.id;
  if (0 != token_ed25519_sign(sig + 4, &k, text, len)) {
    goto cleanup;
  }
  b64 = note_b64_encode(sig, sizeof sig);
  if (NULL == b64) {
    goto cleanup;
  }
  size_t cap = len + 1 + SIG_PREFIX_LEN + strlen(signer->key.name) + 1 + strlen(b64) + 2;
  char *msg = malloc(cap);
  if (NULL == msg) {
    goto cleanup;
  }
  memcpy(msg, text, len);
  snprintf(msg + len, cap - len, "\n" SIG_PREFIX "%s %s\n", signer->key.name, b64);
  *out = msg;
  rc = 0;
cleanup:
  token_key_wipe(&k);
  free(b64);
  return rc;
}

struct parsed_sig {
  const char *name;
  size_t namelen;
  uint32_t id;
  unsigned char *raw; /* key ID and signature */
  size_t rawlen;
};

int note_open(char **out_text, size_t *out_len, const char *msg, size_t len,
              const struct note_key *keys, size_t nkeys, char *err, size_t errlen) {
  *out_text = NULL;
  *out_len = 0;
  struct parsed_sig sigs[NOTE_MAX_SIGS];
  size_t nsigs = 0;
  int rc = -1;
  if (0 == len || len > NOTE_MAX_SIZE) {
    set_err(err, errlen, "note: empty or too large");
    return -1;
  }
  if (!text_chars_valid(msg, len)) {
    set_err(err, errlen, "note: not UTF-8, or contains a control character");
    return -1;
  }
  if ('\n' != msg[len - 1]) {
    set_err(err, errlen, "note: does not end in a newline");
    return -1;
  }
  /* The text ends at the last blank line. */
  size_t split = 0;
  bool found = false;
  for (size_t i = len - 1; i > 0; i--) {
    if ('\n' == msg[i] && '\n' == msg[i - 1]) {
      split = i - 1;
      found = true;
      break;
    }
  }
  if (!found || 0 == split) {
    set_err(err, errlen, "note: no text, or no blank line before the signatures");
    return -1;
  }
  size_t textlen = split + 1;
  size_t pos = split + 2;
  if (pos >= len) {
    set_err(err, errlen, "note: no signature lines");
    return -1;
  }
  while (pos < len) {
    const char *line = msg + pos;
    const char *nl = memchr(line, '\n', len - pos);
    size_t linelen = (size_t)(nl - line); /* msg ends in '\n', so nl is never NULL */
    pos += linelen + 1;
    if (nsigs == NOTE_MAX_SIGS) {
      set_err(err, errlen, "note: too many signatures");
      goto cleanup;
    }
    if (linelen < SIG_PREFIX_LEN || 0 != memcmp(line, SIG_PREFIX, SIG_PREFIX_LEN)) {
      set_err(err, errlen, "note: a signature line does not start with an em dash and space");
      goto cleanup;
    }
    const char *name = line + SIG_PREFIX_LEN;
    size_t rest = linelen - SIG_PREFIX_LEN;
    const char *sp = memchr(name, ' ', rest);
    if (NULL == sp) {
      set_err(err, errlen, "note: a signature line has no signature");
      goto cleanup;
    }
    size_t namelen = (size_t)(sp - name);
    if (!note_name_valid(name, namelen)) {
      set_err(err, errlen, "note: a signature line has an invalid key name");
      goto cleanup;
    }
    struct parsed_sig *ps = &sigs[nsigs];
    if (0 != note_b64_decode(&ps->raw, &ps->rawlen, sp + 1, rest - namelen - 1) || ps->rawlen < 5) {
      free(ps->raw);
      ps->raw = NULL;
      set_err(err, errlen, "note: a signature is not valid base64 of a key ID and signature");
      goto cleanup;
    }
    nsigs++;
    ps->name = name;
    ps->namelen = namelen;
    ps->id = (uint32_t)ps->raw[0] << 24 | (uint32_t)ps->raw[1] << 16 | (uint32_t)ps->raw[2] << 8 |
             ps->raw[3];
  }
  size_t verified = 0;
  for (size_t i = 0; i < nsigs; i++) {
    const struct note_key *k = NULL;
    for (size_t j = 0; j < nkeys && NULL == k; j++) {
      if (keys[j].id == sigs[i].id && strlen(keys[j].name) == sigs[i].namelen &&
          0 == memcmp(keys[j].name, sigs[i].name, sigs[i].namelen)) {
        k = &keys[j];
      }
    }
    if (NULL == k) {
      continue; /* unknown key: ignored, as the spec requires */
    }
    for (size_t j = 0; j < i; j++) {
      if (sigs[j].id == sigs[i].id && sigs[j].namelen == sigs[i].namelen &&
          0 == memcmp(sigs[j].name, sigs[i].name, sigs[i].namelen)) {
        set_err(err, errlen, "note: two signatures by the same key");
        goto cleanup;
      }
    }
    if (4 + NOTE_SIG_LEN != sigs[i].rawlen ||
        !token_ed25519_verify(k->pub, msg, textlen, sigs[i].raw + 4)) {
      set_err(err, errlen, "note: a signature by a known key does not verify");
      goto cleanup;
    }
    verified++;
  }
  if (0 == verified) {
    set_err(err, errlen, "note: no signature by a known key");
    goto cleanup;
  }
  char *text = malloc(textlen + 1);
  if (NULL == text) {
    set_err(err, errlen, "note: out of memory");
    goto cleanup;
  }
  memcpy(text, msg, textlen);
  text[textlen] = '\0';
  *out_text = text;
  *out_len = textlen;
  rc = 0;
cleanup:
  for (size_t i = 0; i < nsigs; i++) {
    free(sigs[i].raw);
  }
  return rc;
}
