/*
 * Signing keys on disk: creation (exclusive, no symlinks, 0600 from the first byte),
 * loading with permission checks, rotation, and the published JWKS. Private bytes are
 * wiped from every buffer they pass through.
 */
#include "common/keystore.h"

#include "ujikom/cert.h"
#include "ujikom/did.h"
#include "ujikom/es256.h"
#include "ujikom/json_compact.h"
#include "ujikom/timefmt.h"

#include <jansson.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY_FILE_MAX 4096
#define KEYS_MAX     256

/* What the key set knows of each key beside its public half (parallel to pubs). */
struct key_extra {
  struct cert_sealer *sealer; /* the register seal key, prepared (secret) */
  struct keystore_key_state state;
};

struct keystore {
  struct token_key active;
  struct token_pubkey *pubs; /* active first */
  struct key_extra *extra;   /* one per pubs entry */
  size_t npubs;
  struct token_vcache *vcache; /* signatures verified under these keys (shared by pubs) */
  struct token_signer *signer; /* the active key prepared for signing (active.signer) */
  /* The P-256 keys of the JWT form (<data-dir>/keys/es256/); none (es_active NULL) in a data
   * directory opened without create that has none. */
  struct es256_key *es_active;
  struct es256_pubkey *es_pubs;        /* active first */
  struct keystore_key_state *es_state; /* one per es_pubs entry */
  size_t nes;
  uint64_t id; /* keystore_id */
};

static atomic_uint_fast64_t keystores_opened;

/* Entries of the verified-signature cache: 33 bytes each, 8.3 MiB in all (touched as used).
 * Direct-mapped, so it keeps most of the ~200,000 signatures (QR token and credential) of
 * 100,000 certificates verified in random order, and all of a smaller day's. */
#define KEYSTORE_VCACHE_SLOTS 262144

static int keys_dir(char *out, size_t size, const char *data_dir) {
  int n = snprintf(out, size, "%s/keys", data_dir);
  return (n < 0 || (size_t)n >= size) ? -1 : 0;
}

/* The directory of the P-256 keys: the same layout as keys/ (<kid>.pem, active, .retired). */
static int es256_dir(char *out, size_t size, const char *data_dir) {
  int n = snprintf(out, size, "%s/keys/" KEYSTORE_ES256_DIR, data_dir);
  return (n < 0 || (size_t)n >= size) ? -1 : 0;
}

static int ensure_dir(const char *path, char *err, size_t errlen) {
  if (0 == mkdir(path, 0700) || EEXIST == errno) {
    struct stat st;
    if (0 == lstat(path, &st) && S_ISDIR(st.st_mode)) {
      return 0;
    }
    snprintf(err, errlen, "%s exists but is not a directory", path);
    return -1;
  }
  snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
  return -1;
}

/* dir + "/" + name + suffix into out; -1 when it does not fit (never a truncated path). */
static int path_join(char *out, size_t size, const char *dir, const char *name,
                     const char *suffix) {
  int n = snprintf(out, size, "%s/%s%s", dir, name, suffix);
  return (n < 0 || (size_t)n >= size) ? -1 : 0;
}

static bool valid_kid(const char *s, size_t len) {
  if (TOKEN_KID_LEN != len) {
    return false;
  }
  for (size_t i = 0; i < len; i++) {
    if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '2' && s[i] <= '7'))) {
      return false;
    }
  }
  return true;
}

/* Releases what encoding or decoding a key holds: the PEM's BIO (a secure memory BIO is
 * cleansed on free) and the key. */
static void key_file_end(BIO *bio, EVP_PKEY *pkey) {
  BIO_free(bio);
  EVP_PKEY_free(pkey);
}

/* Writes the new private key file <dir>/<kid>.pem holding pem (pem_len bytes); never
 * overwrites, never follows a symlink, mode 0600 from the first byte. */
static int write_pem_file(const char *dir, const char *kid, const char *pem, size_t pem_len,
                          char *err, size_t errlen) {
  char path[1024];
  if (0 != path_join(path, sizeof path, dir, kid, ".pem")) {
    snprintf(err, errlen, "key directory path too long");
    return -1;
  }
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
    return -1;
  }
  if (0 == pem_len || (ssize_t)pem_len != write(fd, pem, pem_len) || 0 != fsync(fd)) {
    snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
    close(fd);
    unlink(path);
    return -1;
  }
  close(fd);
  return 0;
}

/* Writes a new Ed25519 private key file. */
static int write_key_file(const char *dir, const struct token_key *key, char *err, size_t errlen) {
  int rc = -1;
  EVP_PKEY *pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, key->seed, TOKEN_SEED_LEN);
  BIO *bio = BIO_new(BIO_s_secmem());
  char *pem = NULL;
  long pem_len = 0;
  if (NULL == pkey || NULL == bio ||
      1 != PEM_write_bio_PKCS8PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL) ||
      (pem_len = BIO_get_mem_data(bio, &pem)) <= 0) {
    snprintf(err, errlen, "cannot encode the private key");
  } else {
    rc = write_pem_file(dir, key->pub.kid, pem, (size_t)pem_len, err, errlen);
  }
  key_file_end(bio, pkey);
  return rc;
}

/* Creates the new file path (never over an existing one, never through a link, mode 0600)
 * holding text, synced. 0, or -1 with a message in err (exists: what to say when the file is
 * there already; NULL for the error's own text); a file half written is removed. */
static int write_new_file(const char *path, const char *text, const char *exists, char *err,
                          size_t errlen) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    snprintf(err, errlen, "cannot create %s: %s", path,
             EEXIST == errno && NULL != exists ? exists : strerror(errno));
    return -1;
  }
  ssize_t len = (ssize_t)strlen(text);
  if (len != write(fd, text, (size_t)len) || 0 != fsync(fd)) {
    snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
    close(fd);
    unlink(path);
    return -1;
  }
  close(fd);
  return 0;
}

/* Replaces the active file atomically (write a temporary, rename over). */
static int write_active(const char *dir, const char *kid, char *err, size_t errlen) {
  char tmp[1024], path[1024], line[TOKEN_KID_LEN + 2];
  if (0 != path_join(tmp, sizeof tmp, dir, "active", ".tmp") ||
      0 != path_join(path, sizeof path, dir, "active", "")) {
    snprintf(err, errlen, "key directory path too long");
    return -1;
  }
  memcpy(line, kid, TOKEN_KID_LEN);
  line[TOKEN_KID_LEN] = '\n';
  line[TOKEN_KID_LEN + 1] = '\0';
  unlink(tmp);
  if (0 != write_new_file(tmp, line, NULL, err, errlen)) {
    return -1;
  }
  if (0 != rename(tmp, path)) {
    snprintf(err, errlen, "cannot rename %s: %s", tmp, strerror(errno));
    unlink(tmp);
    return -1;
  }
  return 0;
}

/* Reads the private key file <dir>/<name> into buf (size bytes) with the permission checks
 * (no link, a regular file, nobody but the owner): its length, or -1 with a message in err
 * (and path, for the caller's messages, filled when it fits). */
static ssize_t read_key_file(unsigned char *buf, size_t size, char path[1024], const char *dir,
                             const char *name, char *err, size_t errlen) {
  struct stat st;
  ssize_t n = -1;
  if (0 != path_join(path, 1024, dir, name, "")) {
    snprintf(err, errlen, "key file path too long");
    return -1;
  }
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    snprintf(err, errlen, "cannot open key file %s: %s", path,
             ELOOP == errno ? "it is a symbolic link" : strerror(errno));
    return -1;
  }
  if (0 != fstat(fd, &st) || !S_ISREG(st.st_mode)) {
    snprintf(err, errlen, "key file %s is not a regular file", path);
  } else if (0 != (st.st_mode & 077)) {
    snprintf(err, errlen,
             "key file %s is accessible by group or others (mode %03o); refusing to use it "
             "(chmod 600 it if it was never exposed, otherwise rotate the key)",
             path, (unsigned)(st.st_mode & 0777));
  } else if ((n = read(fd, buf, size)) <= 0 || (size_t)n >= size) {
    snprintf(err, errlen, "key file %s is empty, unreadable or too large", path);
    n = -1;
  }
  close(fd);
  return n;
}

/* Refuses a key file whose name is not <kid>.pem of the key it holds. */
static int check_key_name(const char *path, const char *name, const char *kid, char *err,
                          size_t errlen) {
  if (0 != strncmp(name, kid, TOKEN_KID_LEN) || 0 != strcmp(name + TOKEN_KID_LEN, ".pem")) {
    snprintf(err, errlen, "key file %s holds key %s; its name must be %s.pem", path, kid, kid);
    return -1;
  }
  return 0;
}

/* Loads one private key file with the permission and consistency checks. */
static int load_key_file(struct token_key *out, const char *dir, const char *name, char *err,
                         size_t errlen) {
  char path[1024];
  unsigned char buf[KEY_FILE_MAX];
  unsigned char seed[TOKEN_SEED_LEN];
  size_t seedlen = sizeof seed;
  int rc = -1;
  BIO *bio = NULL;
  EVP_PKEY *pkey = NULL;
  ssize_t n = read_key_file(buf, sizeof buf, path, dir, name, err, errlen);
  if (n < 0) {
    goto cleanup;
  }
  bio = BIO_new_mem_buf(buf, (int)n);
  if (NULL != bio) {
    pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
  }
  if (NULL == pkey || EVP_PKEY_ED25519 != EVP_PKEY_get_base_id(pkey) ||
      1 != EVP_PKEY_get_raw_private_key(pkey, seed, &seedlen) || TOKEN_SEED_LEN != seedlen) {
    snprintf(err, errlen, "key file %s is not an Ed25519 PKCS#8 private key", path);
    goto cleanup;
  }
  if (0 != token_key_from_seed(out, seed)) {
    snprintf(err, errlen, "key file %s: cannot derive the public key", path);
    goto cleanup;
  }
  if (0 != check_key_name(path, name, out->pub.kid, err, errlen)) {
    token_key_wipe(out);
    goto cleanup;
  }
  rc = 0;
cleanup:
  key_file_end(bio, pkey);
  OPENSSL_cleanse(buf, sizeof buf);
  OPENSSL_cleanse(seed, sizeof seed);
  return rc;
}

/* Reads the small text file <dir>/<name><suffix> into buf (NUL-terminated, at most size - 1
 * bytes; no symbolic link) and writes its path to path: the length read, -2 when the file does
 * not exist, or -1 with a message in err. */
static ssize_t read_small(char *buf, size_t size, char path[1024], const char *dir,
                          const char *name, const char *suffix, char *err, size_t errlen) {
  if (0 != path_join(path, 1024, dir, name, suffix)) {
    snprintf(err, errlen, "key directory path too long");
    return -1;
  }
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (ENOENT == errno) {
      return -2;
    }
    snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
    return -1;
  }
  ssize_t n = read(fd, buf, size - 1);
  close(fd);
  n = n < 0 ? 0 : n;
  buf[n] = '\0';
  return n;
}

static int read_active(char kid[TOKEN_KID_LEN + 1], const char *dir, char *err, size_t errlen) {
  char path[1024], buf[64];
  ssize_t n = read_small(buf, sizeof buf, path, dir, "active", "", err, errlen);
  if (n < 0) {
    return -2 == n ? 1 : -1;
  }
  size_t len = (size_t)n;
  while (len > 0 && ('\n' == buf[len - 1] || '\r' == buf[len - 1] || ' ' == buf[len - 1])) {
    len--;
  }
  if (!valid_kid(buf, len)) {
    snprintf(err, errlen, "%s does not name a key id", path);
    return -1;
  }
  memcpy(kid, buf, TOKEN_KID_LEN);
  kid[TOKEN_KID_LEN] = '\0';
  return 0;
}

/* Reads <dir>/<kid>.retired into *out (not retired when the file is absent). 0, or -1 with a
 * message in err (err is left empty on success). */
static int read_retired(struct keystore_key_state *out, const char *dir, const char *kid, char *err,
                        size_t errlen) {
  char path[1024], buf[256];
  memset(out, 0, sizeof *out);
  out->compromised_since_ms = -1;
  err[0] = '\0';
  ssize_t n = read_small(buf, sizeof buf, path, dir, kid, ".retired", err, errlen);
  if (n < 0) {
    return -2 == n ? 0 : -1;
  }
  char *line = buf;
  bool seen_retired = false;
  while ('\0' != *line) {
    char *nl = strchr(line, '\n');
    if (NULL == nl) {
      break; /* every line ends with a newline */
    }
    *nl = '\0';
    char *sp = strchr(line, ' ');
    int64_t ms = 0;
    if (NULL == sp || 0 != time_parse_rfc3339(&ms, sp + 1)) {
      break;
    }
    *sp = '\0';
    if (0 == strcmp(line, "retired") && !seen_retired) {
      seen_retired = true;
      out->retired_ms = ms;
    } else if (0 == strcmp(line, "compromised-since") && seen_retired &&
               out->compromised_since_ms < 0) {
      out->compromised_since_ms = ms;
    } else {
      break;
    }
    line = nl + 1;
  }
  if ('\0' != *line || !seen_retired) {
    snprintf(err, errlen,
             "%s is not a retirement record (\"retired TIME\" and an optional "
             "\"compromised-since TIME\" line)",
             path);
    return -1;
  }
  out->retired = true;
  return 0;
}

/* Writes <dir>/<kid>.retired; never overwrites one. */
static int write_retired(const char *dir, const char *kid, int64_t now_ms,
                         int64_t compromised_since_ms, char *err, size_t errlen) {
  char path[1024], line[160], when[TIME_TEXT_SIZE], since[TIME_TEXT_SIZE];
  if (0 != path_join(path, sizeof path, dir, kid, ".retired")) {
    snprintf(err, errlen, "key directory path too long");
    return -1;
  }
  time_format(when, sizeof when, now_ms / 1000, TIME_ISO);
  if (compromised_since_ms >= 0) {
    char ms[8];
    time_format(since, sizeof since, compromised_since_ms / 1000, TIME_ISO);
    /* Keep the milliseconds: a compromise time is compared with log times in ms. */
    snprintf(ms, sizeof ms, ".%03dZ", (int)(compromised_since_ms % 1000));
    since[19] = '\0';
    snprintf(line, sizeof line, "retired %s\ncompromised-since %s%s\n", when, since, ms);
  } else {
    snprintf(line, sizeof line, "retired %s\n", when);
  }
  return write_new_file(path, line, "the key is already retired", err, errlen);
}

/* The NumericDate a published key carries for its compromise ("revoked_at" in the JWKS, where
 * 0 means "not compromised"). */
static int64_t compromise_date(const struct keystore_key_state *st) {
  if (st->compromised_since_ms < 0) {
    return 0;
  }
  int64_t s = st->compromised_since_ms / 1000;
  return s > 0 ? s : 1;
}

void keystore_free(struct keystore *ks) {
  if (NULL == ks) {
    return;
  }
  token_key_wipe(&ks->active);
  free(ks->pubs);
  if (NULL != ks->extra) {
    for (size_t i = 0; i < ks->npubs; i++) {
      cert_sealer_free(ks->extra[i].sealer);
    }
    free(ks->extra);
  }
  token_vcache_free(ks->vcache);
  token_signer_free(ks->signer);
  es256_key_free(ks->es_active);
  free(ks->es_pubs);
  free(ks->es_state);
  OPENSSL_cleanse(ks, sizeof *ks);
  free(ks);
}

static int cmp_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(names[i]);
  }
}

/* The names of the key files (*.pem) in dir, sorted, into names (at most KEYS_MAX, each
 * malloc'd: free_names) and *out_n. 0, or -1 with a message in err (nothing to free). A
 * missing directory is an error unless missing_ok (then no names). */
static int list_key_files_in(char **names, size_t *out_n, const char *dir, bool missing_ok,
                             char *err, size_t errlen) {
  size_t n = 0;
  *out_n = 0;
  DIR *d = opendir(dir);
  if (NULL == d) {
    if (missing_ok && ENOENT == errno) {
      return 0;
    }
    snprintf(err, errlen, "cannot open key directory %s: %s", dir, strerror(errno));
    return -1;
  }
  struct dirent *e;
  while (NULL != (e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (len < 5 || 0 != strcmp(e->d_name + len - 4, ".pem")) {
      continue;
    }
    if (n >= KEYS_MAX || NULL == (names[n] = strdup(e->d_name))) {
      snprintf(err, errlen, n >= KEYS_MAX ? "more than %d key files in %s" : "out of memory",
               KEYS_MAX, dir);
      closedir(d);
      free_names(names, n);
      return -1;
    }
    n++;
  }
  closedir(d);
  qsort(names, n, sizeof names[0], cmp_name);
  *out_n = n;
  return 0;
}

static int list_key_files(char **names, size_t *out_n, const char *dir, char *err, size_t errlen) {
  return list_key_files_in(names, out_n, dir, false, err, errlen);
}

/* Loads one P-256 key file with the permission and consistency checks. */
static int load_es256_file(struct es256_key **out, const char *dir, const char *name, char *err,
                           size_t errlen) {
  char path[1024];
  unsigned char buf[KEY_FILE_MAX];
  int rc = -1;
  *out = NULL;
  ssize_t n = read_key_file(buf, sizeof buf, path, dir, name, err, errlen);
  if (n >= 0 && 0 != es256_key_from_pem(out, (const char *)buf, (size_t)n)) {
    snprintf(err, errlen, "key file %s is not a P-256 (ES256) private key", path);
  } else if (n >= 0 && 0 != check_key_name(path, name, es256_key_public(*out)->kid, err, errlen)) {
    es256_key_free(*out);
    *out = NULL;
  } else if (n >= 0) {
    rc = 0;
  }
  OPENSSL_cleanse(buf, sizeof buf);
  return rc;
}

int keystore_rotate_es256(char out_kid[TOKEN_KID_LEN + 1], const char *data_dir, char *err,
                          size_t errlen) {
  char keys[1024], dir[1024];
  struct es256_key *key = NULL;
  char *pem = NULL;
  size_t pem_len = 0;
  int rc = -1;
  if (0 != keys_dir(keys, sizeof keys, data_dir) || 0 != es256_dir(dir, sizeof dir, data_dir)) {
    snprintf(err, errlen, "data directory path too long");
    return -1;
  }
  if (0 != ensure_dir(data_dir, err, errlen) || 0 != ensure_dir(keys, err, errlen) ||
      0 != ensure_dir(dir, err, errlen)) {
    return -1;
  }
  if (0 != es256_key_generate(&key) || 0 != es256_key_pem(&pem, &pem_len, key)) {
    snprintf(err, errlen, "cannot generate a P-256 key");
    goto cleanup;
  }
  const char *kid = es256_key_public(key)->kid;
  if (0 != write_pem_file(dir, kid, pem, pem_len, err, errlen) ||
      0 != write_active(dir, kid, err, errlen)) {
    goto cleanup;
  }
  memcpy(out_kid, kid, TOKEN_KID_LEN + 1);
  rc = 0;
cleanup:
  es256_pem_free(pem, pem_len);
  es256_key_free(key);
  return rc;
}

/* Loads the P-256 keys into ks (see struct keystore), creating the first one when there is
 * none and create is true. 0, or -1 with a message in err. */
static int open_es256(struct keystore *ks, const char *data_dir, bool create, char *err,
                      size_t errlen) {
  char dir[1024], active_kid[TOKEN_KID_LEN + 1] = "";
  char *names[KEYS_MAX];
  size_t nnames = 0;
  int rc = -1;
  if (0 != es256_dir(dir, sizeof dir, data_dir)) {
    snprintf(err, errlen, "data directory path too long");
    return -1;
  }
  if (0 != list_key_files_in(names, &nnames, dir, true, err, errlen)) {
    return -1;
  }
  if (0 == nnames) {
    char kid[TOKEN_KID_LEN + 1];
    if (!create) {
      return 0; /* a data directory from before the JWT form, read by a tool: no ES256 keys */
    }
    if (0 != keystore_rotate_es256(kid, data_dir, err, errlen) ||
        0 != list_key_files(names, &nnames, dir, err, errlen)) {
      return -1;
    }
  }
  int ar = read_active(active_kid, dir, err, errlen);
  if (0 != ar) {
    if (ar > 0) {
      snprintf(err, errlen, "%s/active is missing: it must name the ES256 signing key", dir);
    }
    goto cleanup;
  }
  ks->es_pubs = calloc(nnames + 1, sizeof *ks->es_pubs);
  ks->es_state = calloc(nnames + 1, sizeof *ks->es_state);
  if (NULL == ks->es_pubs || NULL == ks->es_state) {
    snprintf(err, errlen, "out of memory");
    goto cleanup;
  }
  ks->nes = 1; /* slot 0 is the active key's */
  for (size_t i = 0; i < nnames; i++) {
    struct es256_key *k = NULL;
    struct keystore_key_state st;
    if (0 != load_es256_file(&k, dir, names[i], err, errlen)) {
      goto cleanup;
    }
    struct es256_pubkey pub = *es256_key_public(k);
    if (0 != read_retired(&st, dir, pub.kid, err, errlen)) {
      es256_key_free(k);
      goto cleanup;
    }
    size_t at = ks->nes;
    if (0 == strcmp(pub.kid, active_kid)) {
      at = 0;
      ks->es_active = k;
      k = NULL;
    } else {
      ks->nes++;
    }
    es256_key_free(k);
    pub.compromised_since = compromise_date(&st);
    ks->es_pubs[at] = pub;
    ks->es_state[at] = st;
  }
  if (NULL == ks->es_active || ks->es_state[0].retired) {
    snprintf(err, errlen, "%s/active names key %s, which has no %s.pem or is retired", dir,
             active_kid, active_kid);
    goto cleanup;
  }
  rc = 0;
cleanup:
  free_names(names, nnames);
  return rc;
}

int keystore_open(struct keystore **out, const char *data_dir, bool create, char *err,
                  size_t errlen) {
  char dir[1024], active_kid[TOKEN_KID_LEN + 1] = "";
  struct keystore *ks = NULL;
  char *names[KEYS_MAX];
  size_t nnames = 0;
  int rc = -1;
  bool found_active = false;
  *out = NULL;
  if (0 != keys_dir(dir, sizeof dir, data_dir)) {
    snprintf(err, errlen, "data directory path too long");
    return -1;
  }
  if (create && (0 != ensure_dir(data_dir, err, errlen) || 0 != ensure_dir(dir, err, errlen))) {
    return -1;
  }
  if (0 != list_key_files(names, &nnames, dir, err, errlen)) {
    return -1;
  }
  if (0 == nnames) {
    if (!create) {
      snprintf(err, errlen,
               "no signing key in %s (start the daemon once or run 'ujikom keys rotate')", dir);
      goto cleanup;
    }
    char kid[TOKEN_KID_LEN + 1];
    if (0 != keystore_rotate(kid, data_dir, err, errlen)) {
      goto cleanup;
    }
    return keystore_open(out, data_dir, create, err, errlen);
  }
  int ar = read_active(active_kid, dir, err, errlen);
  if (ar < 0) {
    goto cleanup;
  }
  if (ar > 0) {
    snprintf(err, errlen, "%s/active is missing: it must name the signing key", dir);
    goto cleanup;
  }
  ks = calloc(1, sizeof *ks);
  if (NULL != ks) {
    ks->id = atomic_fetch_add(&keystores_opened, 1) + 1;
    ks->pubs = calloc(nnames + 1, sizeof *ks->pubs); /* + slot 0, even if active is absent */
    ks->extra = calloc(nnames + 1, sizeof *ks->extra);
  }
  if (NULL == ks || NULL == ks->pubs || NULL == ks->extra) {
    snprintf(err, errlen, "out of memory");
    goto cleanup;
  }
  ks->npubs = 1; /* slot 0 is reserved for the active key */
  for (size_t i = 0; i < nnames; i++) {
    struct token_key k;
    struct key_extra x = {0};
    if (0 != load_key_file(&k, dir, names[i], err, errlen)) {
      goto cleanup;
    }
    if (0 != read_retired(&x.state, dir, k.pub.kid, err, errlen) ||
        0 != cert_sealer_new(&x.sealer, &k)) {
      if ('\0' == err[0]) {
        snprintf(err, errlen, "cannot derive the seal key of %s", k.pub.kid);
      }
      token_key_wipe(&k);
      goto cleanup;
    }
    size_t at = ks->npubs;
    if (0 == strcmp(k.pub.kid, active_kid)) {
      ks->active = k;
      at = 0;
      found_active = true;
    } else {
      ks->npubs++;
    }
    ks->pubs[at] = k.pub;
    ks->pubs[at].compromised_since = compromise_date(&x.state);
    ks->extra[at] = x;
    token_key_wipe(&k);
  }
  if (!found_active) {
    snprintf(err, errlen, "%s/active names key %s, which has no %s.pem", dir, active_kid,
             active_kid);
    goto cleanup;
  }
  if (ks->extra[0].state.retired) {
    snprintf(err, errlen, "%s/active names key %s, which is retired", dir, active_kid);
    goto cleanup;
  }
  if (0 != token_vcache_new(&ks->vcache, KEYSTORE_VCACHE_SLOTS)) {
    snprintf(err, errlen, "out of memory");
    goto cleanup;
  }
  for (size_t i = 0; i < ks->npubs; i++) {
    ks->pubs[i].vcache = ks->vcache;
  }
  if (0 != token_signer_new(&ks->signer, &ks->active)) {
    snprintf(err, errlen, "cannot prepare the active key for signing");
    goto cleanup;
  }
  ks->active.signer = ks->signer;
  if (0 != open_es256(ks, data_dir, create, err, errlen)) {
    goto cleanup;
  }
  *out = ks;
  ks = NULL;
  rc = 0;
cleanup:
  free_names(names, nnames);
  keystore_free(ks);
  return rc;
}

const struct token_key *keystore_active(const struct keystore *ks) {
  return &ks->active;
}

const struct token_pubkey *keystore_public(const struct keystore *ks, size_t *out_n) {
  *out_n = NULL == ks ? 0 : ks->npubs;
  return NULL == ks ? NULL : ks->pubs;
}

/* The index of kid in ks->pubs, or npubs when absent. */
static size_t index_of(const struct keystore *ks, const char *kid) {
  const struct token_pubkey *k = token_keyset_find(ks->pubs, ks->npubs, kid);
  return NULL == k ? ks->npubs : (size_t)(k - ks->pubs);
}

/* The index of kid in ks->es_pubs, or nes when absent. */
static size_t es_index_of(const struct keystore *ks, const char *kid) {
  size_t i = 0;
  while (i < ks->nes && 0 != strcmp(ks->es_pubs[i].kid, kid)) {
    i++;
  }
  return i;
}

uint64_t keystore_id(const struct keystore *ks) {
  return NULL == ks ? 0 : ks->id;
}

int keystore_key_state(const struct keystore *ks, const char *kid, struct keystore_key_state *out) {
  size_t i = index_of(ks, kid);
  if (i < ks->npubs) {
    *out = ks->extra[i].state;
    return 0;
  }
  i = es_index_of(ks, kid);
  if (i < ks->nes) {
    *out = ks->es_state[i];
    return 0;
  }
  return -1;
}

const struct cert_sealer *keystore_sealer(const struct keystore *ks, const char *kid) {
  size_t i = index_of(ks, kid);
  return i < ks->npubs ? ks->extra[i].sealer : NULL;
}

int keystore_retire(char out_active[TOKEN_KID_LEN + 1], const char *data_dir, const char *kid,
                    int64_t now_ms, int64_t compromised_since_ms, char *err, size_t errlen) {
  char dir[1024];
  struct keystore *ks = NULL;
  struct keystore_key_state st;
  int rc = -1;
  if (0 != keystore_open(&ks, data_dir, false, err, errlen)) {
    return -1;
  }
  bool es = es_index_of(ks, kid) < ks->nes;
  if (0 != (es ? es256_dir(dir, sizeof dir, data_dir) : keys_dir(dir, sizeof dir, data_dir))) {
    snprintf(err, errlen, "data directory path too long");
    goto cleanup;
  }
  if (0 != keystore_key_state(ks, kid, &st)) {
    snprintf(err, errlen, "no key %s in %s", kid, dir);
    goto cleanup;
  }
  if (st.retired) {
    snprintf(err, errlen, "key %s is already retired", kid);
    goto cleanup;
  }
  const char *active = es ? ks->es_pubs[0].kid : ks->active.pub.kid;
  memcpy(out_active, active, TOKEN_KID_LEN + 1);
  if (0 == strcmp(kid, active) &&
      0 != (es ? keystore_rotate_es256(out_active, data_dir, err, errlen)
               : keystore_rotate(out_active, data_dir, err, errlen))) {
    goto cleanup;
  }
  rc = write_retired(dir, kid, now_ms, compromised_since_ms, err, errlen);
cleanup:
  keystore_free(ks);
  return rc;
}

const struct es256_key *keystore_es256_active(const struct keystore *ks) {
  return NULL == ks ? NULL : ks->es_active;
}

const struct es256_pubkey *keystore_es256_public(const struct keystore *ks, size_t *out_n) {
  *out_n = NULL == ks ? 0 : ks->nes;
  return NULL == ks ? NULL : ks->es_pubs;
}

char *keystore_jwk(const struct keystore *ks, const char *kid) {
  size_t i = index_of(ks, kid);
  json_t *jwk = NULL;
  char *text = NULL;
  if (i < ks->npubs) {
    char *jwks = token_jwks_build(&ks->pubs[i], 1);
    json_t *doc = NULL == jwks ? NULL : json_loads(jwks, 0, NULL);
    jwk = json_incref(json_array_get(json_object_get(doc, "keys"), 0));
    json_decref(doc);
    free(jwks);
  } else if ((i = es_index_of(ks, kid)) < ks->nes) {
    jwk = es256_jwk(&ks->es_pubs[i]);
  }
  text = NULL == jwk ? NULL : json_compact(jwk, false);
  json_decref(jwk);
  return text;
}

int keystore_kid_url(char *out, size_t size, const char *public_url, const char *kid) {
  int n = snprintf(out, size, "%s/api/keys/%s", public_url, kid);
  return (n < 0 || (size_t)n >= size) ? -1 : 0;
}

char *keystore_did_document(const struct keystore *ks, const char *did) {
  return did_document(did, ks->pubs, ks->npubs, ks->es_pubs, ks->nes);
}

char *keystore_jwks(const struct keystore *ks) {
  char *ed = token_jwks_build(ks->pubs, ks->npubs);
  if (NULL == ed || 0 == ks->nes) {
    return ed;
  }
  json_t *doc = json_loads(ed, 0, NULL);
  json_t *keys = json_object_get(doc, "keys");
  char *text = NULL;
  bool ok = json_is_array(keys);
  for (size_t i = 0; ok && i < ks->nes; i++) {
    ok = 0 == json_array_append_new(keys, es256_jwk(&ks->es_pubs[i]));
  }
  if (ok) {
    text = json_compact(doc, false);
  }
  json_decref(doc);
  free(ed);
  return text;
}

int keystore_rotate(char out_kid[TOKEN_KID_LEN + 1], const char *data_dir, char *err,
                    size_t errlen) {
  char dir[1024];
  struct token_key key;
  int rc = -1;
  if (0 != keys_dir(dir, sizeof dir, data_dir)) {
    snprintf(err, errlen, "data directory path too long");
    return -1;
  }
  if (0 != ensure_dir(data_dir, err, errlen) || 0 != ensure_dir(dir, err, errlen)) {
    return -1;
  }
  if (0 != token_key_generate(&key)) {
    snprintf(err, errlen, "cannot generate a key (CSPRNG failure)");
    return -1;
  }
  if (0 != write_key_file(dir, &key, err, errlen)) {
    goto cleanup;
  }
  if (0 != write_active(dir, key.pub.kid, err, errlen)) {
    goto cleanup;
  }
  memcpy(out_kid, key.pub.kid, TOKEN_KID_LEN + 1);
  rc = 0;
cleanup:
  token_key_wipe(&key);
  return rc;
}
