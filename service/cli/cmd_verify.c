/*
 * `ujikom verify`: offline verification of a certificate — the credential's JWT form (ES256,
 * a .jwt file or the text), the EdDSA JWS credential of certificates issued before it, a QR
 * URL or bare QR token, or a PNG image of the QR code (decoded with zbarimg when installed) —
 * against a JWKS file or the keys in the data directory, and its status in the Bitstring
 * Status Lists it is given (files or URLs). Prints the claims and the verdict; exits 0 only
 * for a genuine, valid certificate.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/verify_log.h"
#include "common/fetch.h"
#include "common/keystore.h"
#include "ujikom/cert.h"
#include "ujikom/clock.h"
#include "ujikom/es256.h"
#include "ujikom/ob3.h"
#include "ujikom/status_list.h"
#include "ujikom/timefmt.h"
#include "ujikom/vc_jwt.h"

#define INPUT_MAX (ES256_JWT_MAX + 1)

static void verify_usage(FILE *out) {
  fprintf(out,
          "usage: ujikom verify [--jwks FILE | --data-dir DIR] [--now EPOCH]\n"
          "                     [--status-list FILE|URL]... [--log-proof FILE --log-key VKEY]\n"
          "                     TOKEN|URL|FILE.png|FILE.jwt|FILE.json\n"
          "  TOKEN     a certificate credential (its JWT form, or the EdDSA JWS of certificates\n"
          "            issued before it) or a QR token\n"
          "  FILE.jwt  a file holding the credential's JWT form (credential.jwt)\n"
          "  FILE.json a file holding the credential's JSON-LD form with its embedded proof\n"
          "            (credential.json)\n"
          "  URL       the URL in the QR code (<public-url>/V/<token>)\n"
          "  FILE.png  an image of the QR code (needs zbarimg from zbar-tools)\n"
          "  --jwks    verify against this JWKS document (e.g. saved from\n"
          "            <public-url>/.well-known/jwks.json: its Ed25519 keys and the P-256 keys\n"
          "            of the JWT form); default: the keys in the data dir\n"
          "  --now     judge validity at this time (seconds since the epoch) instead of now\n"
          "  --status-list  a status list credential (saved from, or the URL\n"
          "            <public-url>/status/revocation or /status/suspension), verified with\n"
          "            the same keys; give one per purpose. Without it revocation and\n"
          "            suspension are not checked (and a QR token carries no status entry)\n"
          "  --log-proof FILE --log-key VKEY\n"
          "            also check that the certificate's issuance is in the transparency log:\n"
          "            FILE is its inclusion proof (downloaded beside the PDF), VKEY the log's\n"
          "            verifier key (<public-url>/log/key)\n"
          "  exit status: 0 genuine and valid, 1 expired, revoked, suspended, not genuine,\n"
          "  a status list that does not verify or a log proof that does not prove it,\n"
          "  2 usage error\n");
}

static char *read_file(const char *path, size_t max, size_t *out_len, char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (NULL == f) {
    snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
    return NULL;
  }
  char *buf = malloc(max + 1);
  size_t n = NULL == buf ? 0 : fread(buf, 1, max + 1, f);
  fclose(f);
  if (NULL == buf || n > max) {
    snprintf(err, errlen, "%s is larger than %zu bytes", path, max);
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  *out_len = n;
  return buf;
}

/* Runs zbarimg on the image without a shell; returns its first decoded line (malloc'd). */
static char *decode_png(const char *path, char *err, size_t errlen) {
  int fds[2];
  if (0 != pipe(fds)) {
    snprintf(err, errlen, "pipe: %s", strerror(errno));
    return NULL;
  }
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(err, errlen, "fork: %s", strerror(errno));
    close(fds[0]);
    close(fds[1]);
    return NULL;
  }
  if (0 == pid) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) {
      dup2(devnull, STDERR_FILENO);
    }
    execlp("zbarimg", "zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", "--", path,
           (char *)NULL);
    _exit(127);
  }
  close(fds[1]);
  size_t cap = INPUT_MAX, len = 0;
  char *out = malloc(cap + 1);
  ssize_t n;
  while (NULL != out && len < cap && (n = read(fds[0], out + len, cap - len)) > 0) {
    len += (size_t)n;
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (NULL == out) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  out[len] = '\0';
  if (WIFEXITED(status) && 127 == WEXITSTATUS(status)) {
    snprintf(err, errlen,
             "cannot read QR images: zbarimg is not installed (apt install "
             "zbar-tools), or pass the URL or token as text");
    free(out);
    return NULL;
  }
  char *nl = strchr(out, '\n');
  if (NULL != nl) {
    *nl = '\0';
  }
  if ('\0' == out[0]) {
    snprintf(err, errlen, "no QR code found in %s", path);
    free(out);
    return NULL;
  }
  return out;
}

static void print_date(const char *label, int64_t t) {
  char buf[32];
  if (0 == time_format(buf, sizeof buf, t, TIME_DATE)) {
    snprintf(buf, sizeof buf, "?");
  }
  printf("%-22s %s\n", label, buf);
}

static void print_result(const struct cert_verification *v, const char *form) {
  static const char *const verdict_text[] = {
      [CERT_GENUINE] = "ASLI - berlaku / GENUINE - valid",
      [CERT_EXPIRED] = "KEDALUWARSA / EXPIRED",
      [CERT_REVOKED] = "DICABUT / REVOKED",
      [CERT_NOT_GENUINE] = "TIDAK ASLI / NOT GENUINE",
      [CERT_SUSPENDED] = "DIBEKUKAN / SUSPENDED",
  };
  printf("%-22s %s\n", "Hasil / Verdict:", verdict_text[v->verdict]);
  if (v->reason[0]) {
    printf("%-22s %s\n", "Alasan / Reason:", v->reason);
  }
  printf("%-22s %s\n", "Bentuk / Form:", form);
  if (!v->claims_valid) {
    return;
  }
  const struct cert_claims *c = &v->claims;
  printf("%-22s %s\n", "Nomor / Serial:", c->serial);
  printf("%-22s %s\n", "Nama / Holder:", c->holder);
  printf("%-22s %s%s%s%s\n", "Subsektor / Subsector:", c->subsector,
         c->subsector_name[0] ? " (" : "", c->subsector_name, c->subsector_name[0] ? ")" : "");
  printf("%-22s %s%s%s%s\n", "Skema / Scheme:", c->scheme_id, c->scheme_title[0] ? " (" : "",
         c->scheme_title, c->scheme_title[0] ? ")" : "");
  for (size_t i = 0; i < c->nunits; i++) {
    printf("%-22s %s %s\n", 0 == i ? "Unit:" : "", c->units[i].code, c->units[i].title);
  }
  print_date("Terbit / Issued:", c->issued);
  char until[16];
  cert_valid_until_text(until, sizeof until, c->expires); /* the last valid day */
  printf("%-22s %s\n", "Berlaku s.d. / Until:", until);
  if (c->issuer_name[0]) {
    printf("%-22s %s\n", "Penerbit / Issuer:", c->issuer_name);
  }
  printf("%-22s %s\n", "Kunci / Key id:", c->kid);
}

#define STATUS_LISTS_MAX 4
/* The largest status list credential read: an encodedList at its limit and some JSON. */
#define STATUS_LIST_FILE_MAX (STATUS_LIST_MAX_ENCODED + 65536)

/* `verify`'s command line. */
struct verify_args {
  const char *jwks_path, *input;
  const char *log_proof, *log_key; /* verify_log.h */
  int64_t now;
  const char *status_lists[STATUS_LISTS_MAX];
  size_t nstatus_lists;
};

/* Reads the command line into *a. Returns -1 to go on, or the exit status to leave with. */
static int verify_args(int argc, char **argv, struct verify_args *a) {
  for (int i = 1; i < argc; i++) {
    if (cli_is_help(argv[i])) {
      verify_usage(stdout);
      return 0;
    }
    if (0 == strcmp(argv[i], "--jwks") && i + 1 < argc) {
      a->jwks_path = argv[++i];
    } else if (0 == strcmp(argv[i], "--now") && i + 1 < argc) {
      char *end = NULL;
      errno = 0;
      long long v = strtoll(argv[++i], &end, 10);
      if (0 != errno || end == argv[i] || '\0' != *end || v < 0) {
        fprintf(stderr, "ujikom verify: --now: '%s' is not a number of seconds\n", argv[i]);
        return 2;
      }
      a->now = (int64_t)v;
    } else if (0 == strcmp(argv[i], "--status-list") && i + 1 < argc) {
      if (STATUS_LISTS_MAX == a->nstatus_lists) {
        fprintf(stderr, "ujikom verify: at most %d --status-list\n", STATUS_LISTS_MAX);
        return 2;
      }
      a->status_lists[a->nstatus_lists++] = argv[++i];
    } else if (0 == strcmp(argv[i], "--log-proof") && i + 1 < argc) {
      a->log_proof = argv[++i];
    } else if (0 == strcmp(argv[i], "--log-key") && i + 1 < argc) {
      a->log_key = argv[++i];
    } else if (cli_skip_data_dir(argc, argv, &i)) {
      continue;
    } else if (NULL == a->input && ('-' != argv[i][0] || '\0' == argv[i][1])) {
      a->input = argv[i];
    } else {
      fprintf(stderr, "ujikom verify: unexpected argument '%s'\n", argv[i]);
      verify_usage(stderr);
      return 2;
    }
  }
  if (NULL == a->input || (NULL == a->log_proof) != (NULL == a->log_key)) {
    verify_usage(stderr);
    return 2;
  }
  return -1;
}

/* The status list credential at source (a file or an http(s) URL), verified against keys,
 * in *out. 0, or -1 with the reason in err. */
static int load_status_list(struct status_list_credential *out, const char *source,
                            const struct token_pubkey *keys, size_t nkeys, char *err,
                            size_t errlen) {
  size_t len = 0;
  char *text =
      fetch_is_url(source)
          ? (0 == fetch_url(&text, &len, source, STATUS_LIST_FILE_MAX, err, errlen) ? text : NULL)
          : read_file(source, STATUS_LIST_FILE_MAX, &len, err, errlen);
  if (NULL == text) {
    return -1;
  }
  while (len > 0 && ('\n' == text[len - 1] || '\r' == text[len - 1] || ' ' == text[len - 1])) {
    len--; /* a saved file may end with a newline */
  }
  int rc = status_list_credential_verify(out, text, len, keys, nkeys, err, errlen);
  free(text);
  return rc;
}

/* Whether a status list issued by issuer is the issuer's of c: its did:web (the lists'
 * issuer, as in the OB 3.0 credential) or, for lists published before that, its URL. */
static bool list_issuer_ok(const char *issuer, const struct cert_claims *c) {
  char did[OB3_DID_SIZE];
  return 0 == strcmp(issuer, c->issuer_url) ||
         (0 == ob3_did_web(did, sizeof did, c->issuer_url) && 0 == strcmp(issuer, did));
}

/* What the status lists said, printed after the verdict they may have changed. */
struct status_report {
  char line[2][1600];
};

/* The bit for claims c in the status lists given, each checked to be the list c names (its
 * id is c's statusListCredential for that purpose, issued by c's issuer). Writes one line
 * per purpose (or the one failure) to *out; sets the verdict to REVOKED or SUSPENDED when a
 * bit is 1. Returns 0, or -1 when a list cannot be read or verified or is not the list c
 * names. */
static int check_status(struct status_report *out, struct cert_verification *v,
                        const struct verify_args *a, const struct token_pubkey *keys,
                        size_t nkeys) {
  static const char *const label[] = {[STATUS_PURPOSE_REVOCATION] = "Status (revocation):",
                                      [STATUS_PURPOSE_SUSPENSION] = "Status (suspension):"};
  static const char *const set_text[] = {[STATUS_PURPOSE_REVOCATION] = "DICABUT / REVOKED",
                                         [STATUS_PURPOSE_SUSPENSION] = "DIBEKUKAN / SUSPENDED"};
  static const char *const clear_text[] = {
      [STATUS_PURPOSE_REVOCATION] = "tidak dicabut / not revoked",
      [STATUS_PURPOSE_SUSPENSION] = "tidak dibekukan / not suspended"};
  static const char *const paths[] = {[STATUS_PURPOSE_REVOCATION] = CERT_STATUS_PATH_REVOCATION,
                                      [STATUS_PURPOSE_SUSPENSION] = CERT_STATUS_PATH_SUSPENSION};
  const struct cert_claims *c = &v->claims;
  bool checked[2] = {false, false}, set[2] = {false, false};
  char err[300];
  for (size_t i = 0; i < a->nstatus_lists; i++) {
    struct status_list_credential l;
    char expected[sizeof c->issuer_url + 32];
    if (0 != load_status_list(&l, a->status_lists[i], keys, nkeys, err, sizeof err)) {
      snprintf(out->line[0], sizeof out->line[0], "%-22s %s: %s", "Status:", a->status_lists[i],
               err);
      return -1;
    }
    snprintf(expected, sizeof expected, "%s%s", c->issuer_url, paths[l.purpose]);
    if (0 != strcmp(l.id, expected) || !list_issuer_ok(l.issuer, c)) {
      snprintf(out->line[0], sizeof out->line[0],
               "%-22s %s: this is the list %s of %s, not the one the certificate names (%s)",
               "Status:", a->status_lists[i], l.id, l.issuer, expected);
      status_list_credential_clear(&l);
      return -1;
    }
    int bit = status_list_get(l.list, c->status_index);
    status_list_credential_clear(&l);
    if (bit < 0) {
      snprintf(out->line[0], sizeof out->line[0], "%-22s %s: index %llu is outside the list",
               "Status:", a->status_lists[i], (unsigned long long)c->status_index);
      return -1;
    }
    checked[l.purpose] = true;
    set[l.purpose] = set[l.purpose] || 1 == bit;
  }
  for (int p = 0; p < 2; p++) {
    snprintf(out->line[p], sizeof out->line[p], "%-22s %s", label[p],
             !checked[p] ? "tidak diperiksa - tidak ada daftar status untuk ini / not checked - "
                           "no status list given for it"
                         : (set[p] ? set_text[p] : clear_text[p]));
  }
  if (set[STATUS_PURPOSE_REVOCATION]) {
    v->verdict = CERT_REVOKED;
  } else if (set[STATUS_PURPOSE_SUSPENSION]) {
    v->verdict = CERT_SUSPENDED;
  }
  return 0;
}

/* Verifies text (a credential, a QR URL or a QR token) against the keys, checks its status
 * in the lists given, and prints the result. Returns the exit status: 0 genuine, 1 not, 2
 * out of memory. */
/* The keys a verification may use: Ed25519 (JWS, QR token, status lists) and P-256 (JWT). */
struct key_sets {
  const struct token_pubkey *ed;
  size_t ned;
  const struct es256_pubkey *ec;
  size_t nec;
};

static int verify_text(const char *text, const struct verify_args *a, const struct key_sets *ks) {
  const struct token_pubkey *keys = ks->ed;
  size_t nkeys = ks->ned;
  struct cert_verification *v = calloc(1, sizeof *v);
  if (NULL == v) {
    return 2;
  }
  const char *tok = NULL;
  size_t tlen = 0;
  const char *form, *status_note = NULL;
  int status_rc = 0;
  char alg[16];
  if ('{' == text[0]) {
    form = "JSON-LD (credential, eddsa-rdfc-2022)";
    vc_jsonld_verify(v, text, strlen(text), keys, nkeys, a->now);
  } else if (0 == es256_jws_alg(alg, sizeof alg, text, strlen(text)) && 0 == strcmp(alg, "ES256")) {
    form = "JWT (credential, ES256)";
    vc_jwt_verify(v, text, strlen(text), ks->ec, ks->nec, a->now);
  } else if (NULL != strchr(text, '.') && NULL == strstr(text, "/V/") &&
             NULL == strstr(text, "/v/")) {
    form = "JWS (credential)";
    cert_jws_verify(v, text, strlen(text), keys, nkeys, a->now);
  } else if (0 == cert_qr_url_token(&tok, &tlen, text, strlen(text))) {
    form = "QR token (COSE_Sign1)";
    cert_qr_token_verify(v, tok, tlen, keys, nkeys, a->now);
    status_note = "tidak diperiksa - token QR tidak membawa entri status; periksa daring di "
                  "<public-url>/verify / not checked - a QR token carries no status entry; "
                  "check online at <public-url>/verify";
  } else {
    form = "unrecognised";
    v->verdict = CERT_NOT_GENUINE;
    snprintf(v->reason, sizeof v->reason, "input is neither a credential, a QR URL nor a QR token");
  }
  bool judged = v->claims_valid && CERT_NOT_GENUINE != v->verdict;
  if (judged && NULL == status_note && !v->claims.has_status) {
    status_note = "tidak diperiksa - kredensial ini tidak membawa entri status / not checked - "
                  "this credential carries no status entry";
  } else if (judged && NULL == status_note && 0 == a->nstatus_lists) {
    status_note = "tidak diperiksa - tidak ada daftar status / not checked - no status list given";
  }
  struct status_report report;
  memset(&report, 0, sizeof report);
  if (judged && NULL == status_note) {
    status_rc = check_status(&report, v, a, keys, nkeys);
  }
  print_result(v, form);
  if (judged && NULL != status_note) {
    printf("%-22s %s\n", "Status:", status_note);
  }
  for (size_t i = 0; i < 2; i++) {
    if (report.line[i][0]) {
      printf("%s\n", report.line[i]);
    }
  }
  if (judged && v->claims.replaces[0]) {
    printf("%-22s %s\n", "Menggantikan / Replaces:", v->claims.replaces);
  }
  int rc = CERT_GENUINE == v->verdict && 0 == status_rc ? 0 : 1;
  free(v);
  return rc;
}

int cmd_verify(int argc, char **argv) {
  struct verify_args a = {.now = clock_wall_s()};
  char dir[512], err[512] = "";
  int rc = verify_args(argc, argv, &a);
  if (rc >= 0) {
    return rc;
  }
  /* The key set: a JWKS file, or the data directory's keys. */
  struct token_pubkey *keys = NULL;
  struct es256_pubkey *ec_keys = NULL;
  size_t nkeys = 0, nec = 0;
  struct keystore *ks = NULL;
  char *text = NULL;
  rc = 2;
  if (NULL != a.jwks_path) {
    size_t len = 0;
    char *json = read_file(a.jwks_path, 1 << 20, &len, err, sizeof err);
    if (NULL == json || 0 != token_jwks_parse(&keys, &nkeys, json, len, err, sizeof err) ||
        0 != es256_jwks_parse(&ec_keys, &nec, json, len, err, sizeof err)) {
      fprintf(stderr, "ujikom verify: %s: %s\n", a.jwks_path, err);
      free(json);
      goto cleanup;
    }
    free(json);
  } else {
    cli_data_dir(argc, argv, dir, sizeof dir);
    if (0 != keystore_open(&ks, dir, false, err, sizeof err)) {
      fprintf(stderr, "ujikom verify: %s (or pass --jwks FILE)\n", err);
      goto cleanup;
    }
  }
  struct key_sets sets = {.ed = keys, .ned = nkeys, .ec = ec_keys, .nec = nec};
  if (NULL != ks) {
    sets.ed = keystore_public(ks, &sets.ned);
    sets.ec = keystore_es256_public(ks, &sets.nec);
  }
  /* The input: an image of a QR code, or text. */
  size_t ilen = strlen(a.input);
  if (ilen > 4 && 0 == strcmp(a.input + ilen - 4, ".png")) {
    text = decode_png(a.input, err, sizeof err);
    if (NULL == text) {
      fprintf(stderr, "ujikom verify: %s\n", err);
      goto cleanup;
    }
  } else if ((ilen > 4 && 0 == strcmp(a.input + ilen - 4, ".jwt")) ||
             (ilen > 5 && 0 == strcmp(a.input + ilen - 5, ".json"))) {
    size_t len = 0;
    text = read_file(a.input, INPUT_MAX - 1, &len, err, sizeof err);
    if (NULL == text) {
      fprintf(stderr, "ujikom verify: %s\n", err);
      goto cleanup;
    }
    while (len > 0 && ('\n' == text[len - 1] || '\r' == text[len - 1] || ' ' == text[len - 1])) {
      text[--len] = '\0'; /* a saved file may end with a newline */
    }
  } else {
    text = strdup(a.input);
  }
  if (NULL != text) {
    rc = verify_text(text, &a, &sets);
  }
  if (NULL != text && NULL != a.log_proof) {
    int logged = verify_log_proof(a.log_proof, a.log_key, text);
    rc = logged > rc ? logged : rc;
  }
cleanup:
  free(text);
  free(keys);
  free(ec_keys);
  keystore_free(ks);
  return rc;
}
