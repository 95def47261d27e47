/*
 * The one configuration table. Each option has a flag (--name), an environment variable
 * (UJIKOM_NAME), a default, bounds and help; --help and the README table come from here.
 */
#include "common/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/cert.h"
#include "ujikom/ob3.h"

#define S(field) CONFIG_STRING, offsetof(struct config, field), sizeof(((struct config *)0)->field)
#define L(field) CONFIG_LONG, offsetof(struct config, field), 0

const struct config_option config_options[] = {
    /* --- server --- */
    {"listen", S(listen), "127.0.0.1:8080", 0, 0,
     "Address and port to listen on (port 0: any free port)"},
    {"data-dir", S(data_dir), "var", 0, 0, "Directory for the database and signing keys"},
    {"exams-dir", S(exams_dir), "exams", 0, 0, "Directory of exam definitions (*.exam.yaml)"},
    {"public-url", S(public_url), "http://127.0.0.1:8080", 0, 0,
     "Public base URL used in QR codes and links; a browser's state-changing request must "
     "come from its origin (scheme, host and port)"},
    {"threads", L(threads), "0", 0, 256, "HTTP worker threads (0: four per CPU, at most 256)"},
    {"event-loop", S(event_loop), "epoll", 0, 0,
     "How HTTP workers wait for their connections: epoll (cost per event independent of the "
     "number of open connections) or poll (scans every connection of the worker per event)"},
    {"write-threads", L(write_threads), "32", 0, 1024,
     "Threads that run state-changing requests while their connections wait, so HTTP workers "
     "never block on a commit (0: run them on the HTTP workers); with SQLite, answer saves "
     "need none: the worker queues them for the group commit and goes on"},
    {"port-file", S(port_file), "", 0, 0, "Write the bound port to this file once listening"},
    /* --- limits --- */
    {"max-body", L(max_body), "65536", 1024, 16777216, "Largest request body accepted, in bytes"},
    {"max-url", L(max_url), "2048", 256, 65536, "Longest request URL accepted, in bytes"},
    {"max-header", L(max_header), "4096", 4096, 262144,
     "Largest total size of a request's headers, in bytes (431 above it); each connection's "
     "memory pool is twice this plus 2 KB"},
    {"conn-timeout", L(conn_timeout), "30", 1, 3600,
     "Seconds an idle or slow connection may hold a worker"},
    {"body-timeout", L(body_timeout), "30", 1, 3600,
     "Seconds a request body may take to arrive after its head; a slower one is cut"},
    {"max-conns", L(max_conns), "16384", 16, 1000000,
     "Open connections before new requests get 503"},
    {"max-conns-per-addr", L(max_conns_per_addr), "2048", 0, 1000000,
     "Open connections one client address may hold; more are closed at once (0: no cap; a "
     "test site's cohort may share one address)"},
    {"shutdown-grace", L(shutdown_grace), "10", 0, 600,
     "Seconds to finish in-flight requests on SIGTERM (then as many to send queued mail)"},
    {"json-max-depth", L(json_max_depth), "32", 2, 1000, "Deepest nesting accepted in a JSON body"},
    {"form-max-fields", L(form_max_fields), "1000", 1, 100000,
     "Most fields accepted in a form or query string"},
    /* --- store --- */
    {"database", S(database), "", 0, 0,
     "The database: sqlite:PATH, or a postgresql://... URI without a password (empty: the "
     "SQLite file ujikom.db in the data directory)"},
    {"database-password-file", S(database_password_file), "", 0, 0,
     "File whose first line is the PostgreSQL password (empty: PGPASSWORD, PGPASSFILE or "
     "~/.pgpass, as libpq reads them)"},
    {"busy-timeout", L(busy_timeout_ms), "2000", 1, 60000,
     "Milliseconds to wait for the database write lock before answering 503"},
    /* --- exams --- */
    {"save-grace", L(save_grace_s), "30", 0, 600,
     "Seconds after the deadline an answer save is still accepted"},
    {"upload-abandon-hours", L(upload_abandon_hours), "48", 1, 8760,
     "Hours after its last chunk an unfinished evidence upload is dropped with its chunks by "
     "the periodic sweep"},
    /* --- accounts and sessions --- */
    {"session-idle", L(session_idle_s), "7200", 1, 2592000,
     "Seconds of inactivity after which a session ends"},
    {"session-max", L(session_max_s), "43200", 1, 31536000,
     "Seconds after login after which a session ends"},
    {"kdf-log2n", L(kdf_log2n), "15", 10, 20, "scrypt cost for new password hashes: N = 2^value"},
    {"login-max-failures", L(login_max_failures), "5", 1, 1000,
     "Wrong passwords for one account before logins to it are slowed down"},
    {"login-ip-max-failures", L(login_ip_max_failures), "100", 1, 100000,
     "Wrong passwords from one client address (a test site's cohort may share one) before "
     "its logins are slowed down"},
    {"login-backoff", L(login_backoff_s), "30", 1, 86400,
     "Seconds of the first login back-off; each further failure doubles it"},
    {"login-backoff-max", L(login_backoff_max_s), "900", 1, 86400,
     "Longest login back-off, in seconds"},
    {"login-window", L(login_window_s), "3600", 1, 604800,
     "Seconds after which counted login failures are forgotten"},
    {"verify-lookups-per-hour", L(verify_lookups_per_hour), "120", 1, 1000000,
     "Certificate-number look-ups on the verify form one client address may make per hour"},
    {"staff-2fa", S(staff_2fa), "optional", 0, 0,
     "optional or required: whether admins and assessors must enrol a second factor (TOTP)"},
    {"register-per-hour", L(register_per_hour), "50", 1, 100000,
     "New accounts one client address may register per hour (a test site's cohort may share "
     "one address)"},
    {"complaints-per-hour", L(complaints_per_hour), "10", 1, 100000,
     "Complaints (and replies to them) one client address (anonymous) or one account "
     "(signed in) may send per hour"},
    {"complaint-retention-days", L(complaint_retention_days), "1825", 0, 36500,
     "Days after its closing a complaint's personal data and texts are erased by the periodic "
     "sweep, its record (reference, category, dates, outcome) kept (0: never)"},
    /* --- account recovery --- */
    {"reset-ttl", L(reset_ttl_s), "3600", 1, 86400,
     "Seconds a password-reset link stays valid (it works once)"},
    {"reset-per-hour", L(reset_per_hour), "10", 1, 100000,
     "Password-reset e-mail requests one client address may make per hour"},
    {"reset-mails-per-hour", L(reset_mails_per_hour), "3", 1, 1000,
     "Password-reset mails sent to one e-mail address per hour (further requests get the same "
     "answer and no mail)"},
    {"smtp-url", S(smtp_url), "", 0, 0,
     "SMTP server for the mails the service sends (password-reset and activation links, "
     "e-mail address changes, re-certification reminders, notices to account holders of a "
     "sign-in from a new browser or a changed password or second factor), e.g. "
     "smtp://127.0.0.1:25 or smtps://host:465 (empty: no mail; candidates cannot ask for a "
     "link by e-mail, administrators issue links)"},
    {"smtp-from", S(smtp_from), "ujikom@localhost", 0, 0, "Sender address of the service's mails"},
    {"smtp-retry", L(smtp_retry_s), "60", 0, 3600,
     "Seconds before a mail the SMTP server did not take for a passing reason (no connection, "
     "a timeout, a 4xx answer) is sent again; the next tries wait four and sixteen times longer "
     "(a 5xx refusal is not retried; 0: no tries again)"},
    /* --- certificates --- */
    {"cert-validity-years", L(cert_validity_years), "3", 1, 10,
     "Default certificate validity when an exam does not say"},
    {"cert-issuer", S(cert_issuer), "LSP Ekonomi Kreatif", 0, 0,
     "Issuer name printed on certificates and signed into them (the LSP; no control "
     "characters)"},
    {"cert-licence", S(cert_licence), "", 0, 0,
     "The LSP's BNSP licence number, in the Open Badges credential as the issuer's "
     "otherIdentifier (empty: none; no control characters)"},
    {"recert-remind-days", S(recert_remind_days), "90,30,7", 0, 0,
     "Days before a certificate expires when its holder is reminded to re-certify, on their "
     "page from the farthest and by e-mail (with --smtp-url) once per threshold; comma-separated, "
     "1-3650, at most 8 (empty: no reminders; re-certification then opens 90 days before)"},
    /* --- reviews --- */
    {"claim-ttl", L(claim_ttl_s), "1800", 30, 86400,
     "Seconds an assessor's claim on an attempt lasts"},
    {"appeal-days", L(appeal_days), "14", 1, 365,
     "Days after a decision during which a candidate may appeal"},
    /* --- audit --- */
    {"audit-check-interval", L(audit_check_s), "3600", 60, 604800,
     "Seconds between full re-computations of the audit log's hash chain by a thread of its "
     "own (the first a minute after start; at most a tenth of one core); in between, the audit "
     "page checks only the entries appended since"},
    /* --- logging --- */
    {"log-level", S(log_level), "info", 0, 0, "error, warn, info or debug"},
    {"log-flush-ms", L(log_flush_ms), "100", 0, 10000,
     "Milliseconds log lines are gathered before a thread of their own writes them (sooner "
     "when 64 KiB wait); a warning or an error is written before its caller goes on (0: "
     "every line written at once by its caller)"},
};

const size_t config_options_count = sizeof(config_options) / sizeof(config_options[0]);

static void env_name(const char *name, char *out, size_t outlen) {
  size_t o = 0;
  const char *prefix = "UJIKOM_";
  for (; prefix[o] && o < outlen - 1; o++) {
    out[o] = prefix[o];
  }
  for (size_t i = 0; name[i] && o < outlen - 1; i++) {
    out[o++] = '-' == name[i] ? '_' : (char)toupper((unsigned char)name[i]);
  }
  out[o] = '\0';
}

static int set_value(struct config *cfg, const struct config_option *opt, const char *value,
                     const char *source, char *err, size_t errlen) {
  char *base = (char *)cfg;
  if (CONFIG_STRING == opt->type) {
    size_t n = strlen(value);
    if (n >= opt->size) {
      snprintf(err, errlen, "%s%s: longer than %zu bytes", source, opt->name, opt->size - 1);
      return -1;
    }
    memcpy(base + opt->offset, value, n + 1);
    return 0;
  }
  char *end = NULL;
  errno = 0;
  long v = strtol(value, &end, 10);
  if (0 != errno || end == value || '\0' != *end) {
    snprintf(err, errlen, "%s%s: '%s' is not a whole number", source, opt->name, value);
    return -1;
  }
  if (v < opt->min || v > opt->max) {
    snprintf(err, errlen, "%s%s: must be between %ld and %ld", source, opt->name, opt->min,
             opt->max);
    return -1;
  }
  memcpy(base + opt->offset, &v, sizeof(v));
  return 0;
}

static const struct config_option *find_option(const char *name, size_t len) {
  for (size_t i = 0; i < config_options_count; i++) {
    if (strlen(config_options[i].name) == len && 0 == strncmp(config_options[i].name, name, len)) {
      return &config_options[i];
    }
  }
  return NULL;
}

int config_load(struct config *cfg, int argc, char **argv, bool *want_help, char *err,
                size_t errlen) {
  memset(cfg, 0, sizeof(*cfg));
  *want_help = false;
  for (size_t i = 0; i < config_options_count; i++) {
    if (0 != set_value(cfg, &config_options[i], config_options[i].def, "default --", err, errlen)) {
      return -1;
    }
  }
  for (size_t i = 0; i < config_options_count; i++) {
    char env[96];
    env_name(config_options[i].name, env, sizeof(env));
    const char *v = getenv(env);
    if (v && 0 != set_value(cfg, &config_options[i], v, "environment --", err, errlen)) {
      return -1;
    }
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (0 == strcmp(a, "--help") || 0 == strcmp(a, "-h")) {
      *want_help = true;
      continue;
    }
    if (0 != strncmp(a, "--", 2)) {
      snprintf(err, errlen, "unexpected argument '%s' (see --help)", a);
      return -1;
    }
    const char *name = a + 2;
    const char *eq = strchr(name, '=');
    size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
    const struct config_option *opt = find_option(name, nlen);
    if (NULL == opt) {
      snprintf(err, errlen, "unknown option '%.*s' (see --help)", (int)nlen + 2, a);
      return -1;
    }
    const char *value = eq ? eq + 1 : NULL;
    if (NULL == value) {
      if (i + 1 >= argc) {
        snprintf(err, errlen, "--%s needs a value", opt->name);
        return -1;
      }
      value = argv[++i];
    }
    if (0 != set_value(cfg, opt, value, "--", err, errlen)) {
      return -1;
    }
  }
  /* The public URL names the issuer in every credential (its did:web), the status lists and
   * the log: one that gives no did:web would fail each issuance, so it is refused here. */
  char did[OB3_DID_SIZE];
  if (0 != ob3_did_web(did, sizeof did, cfg->public_url)) {
    snprintf(err, errlen,
             "--public-url: '%s' is not an http:// or https:// URL of a host (a port and a "
             "path may follow; no query or fragment)",
             cfg->public_url);
    return -1;
  }
  /* Both are signed into every certificate or credential, whose signers refuse control
   * characters and broken UTF-8: such a value would fail each issuance, so it is refused
   * here. The issuer's name is printed on every certificate: it may not be empty. */
  if (!cfg->cert_issuer[0] || !cert_text_signable(cfg->cert_issuer, strlen(cfg->cert_issuer))) {
    snprintf(err, errlen,
             "--cert-issuer: the issuer's name must be 1-255 bytes of UTF-8 text without "
             "control characters (tabs and line breaks included)");
    return -1;
  }
  if (!cert_text_signable(cfg->cert_licence, strlen(cfg->cert_licence))) {
    snprintf(err, errlen,
             "--cert-licence: the licence number must be UTF-8 text without control "
             "characters (tabs and line breaks included)");
    return -1;
  }
  return 0;
}

void config_print_help(FILE *out, const char *progname, const char *summary) {
  fprintf(out, "usage: %s [OPTIONS]\n%s\n\noptions (each also read from UJIKOM_<NAME>):\n",
          progname, summary);
  for (size_t i = 0; i < config_options_count; i++) {
    const struct config_option *o = &config_options[i];
    char flag[64];
    snprintf(flag, sizeof(flag), "--%s %s", o->name, CONFIG_LONG == o->type ? "N" : "VALUE");
    fprintf(out, "  %-28s %s (default: %s)\n", flag, o->help, o->def[0] ? o->def : "none");
  }
  fprintf(out, "  %-28s %s\n", "--help", "Show this help");
}

void config_print_markdown(FILE *out) {
  fprintf(out, "| flag | environment | default | range | meaning |\n|---|---|---|---|---|\n");
  for (size_t i = 0; i < config_options_count; i++) {
    const struct config_option *o = &config_options[i];
    char env[96];
    env_name(o->name, env, sizeof(env));
    char range[64] = "";
    if (CONFIG_LONG == o->type) {
      snprintf(range, sizeof(range), "%ld–%ld", o->min, o->max);
    }
    fprintf(out, "| `--%s` | `%s` | `%s` | %s | %s |\n", o->name, env, o->def, range, o->help);
  }
}

char *config_db_path(char *out, size_t outlen, const char *data_dir) {
  snprintf(out, outlen, "%s/ujikom.db", data_dir);
  return out;
}

char *config_database(char *out, size_t outlen, const struct config *cfg) {
  if ('\0' == cfg->database[0]) {
    return config_db_path(out, outlen, cfg->data_dir);
  }
  snprintf(out, outlen, "%s", cfg->database);
  return out;
}

/* Whether a PostgreSQL URI carries a password: user:password@ before the host, or a
 * password= parameter. */
static bool uri_has_password(const char *uri) {
  const char *auth = strstr(uri, "://");
  if (NULL == auth) {
    return false;
  }
  auth += 3;
  size_t authlen = strcspn(auth, "/?");
  const char *at = memchr(auth, '@', authlen);
  if (NULL != at && NULL != memchr(auth, ':', (size_t)(at - auth))) {
    return true;
  }
  const char *q = strchr(auth, '?');
  for (const char *p = q; NULL != p; p = strchr(p + 1, '&')) {
    if (0 == strncmp(p + 1, "password=", 9)) {
      return true;
    }
  }
  return false;
}

int config_database_check(const char *database, char *err, size_t errlen) {
  if ('\0' == database[0] || 0 == strncmp(database, "sqlite:", 7)) {
    return 0;
  }
  if (0 != strncmp(database, "postgresql://", 13) && 0 != strncmp(database, "postgres://", 11)) {
    snprintf(err, errlen, "--database: '%s' is not sqlite:PATH or a postgresql:// URI", database);
    return -1;
  }
  if (uri_has_password(database)) {
    snprintf(err, errlen,
             "--database: the URI carries a password; give it in --database-password-file, "
             "PGPASSWORD or PGPASSFILE instead (a command line is visible to every user)");
    return -1;
  }
  return 0;
}

int config_read_password(const char *path, char *out, size_t outlen, char *err, size_t errlen) {
  FILE *fp = fopen(path, "re");
  out[0] = '\0';
  if (NULL == fp) {
    snprintf(err, errlen, "--database-password-file: %s: %s", path, strerror(errno));
    return -1;
  }
  bool ok = NULL != fgets(out, (int)outlen, fp);
  fclose(fp);
  out[strcspn(out, "\r\n")] = '\0';
  if (!ok || '\0' == out[0]) {
    snprintf(err, errlen, "--database-password-file: %s: no password on its first line", path);
    return -1;
  }
  return 0;
}
