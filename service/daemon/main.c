/*
 * ujikomd: loads the configuration, opens the store, keys and exam catalogue, serves HTTP,
 * and shuts down gracefully on SIGTERM/SIGINT (SIGHUP reloads exams and keys).
 * Any start-up failure is one clear line on stderr and a non-zero exit, before anything in
 * the data directory has been modified.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/attempts.h"
#include "common/audit_watch.h"
#include "common/catalog.h"
#include "common/certlog.h"
#include "common/complaints.h"
#include "common/config.h"
#include "common/evidence.h"
#include "common/form_index.h"
#include "common/issue.h"
#include "common/keystore.h"
#include "common/node_keys.h"
#include "common/log.h"
#include "common/application.h"
#include "common/second_factor.h"
#include "common/mailer.h"
#include "common/ratelimits.h"
#include "common/recert.h"
#include "common/svc.h"
#include "common/session_cache.h"
#include "common/verify_cache.h"
#include "heap.h"
#include "http/httpd.h"
#include "http/routes.h"
#include "http/server.h"
#include "store/store.h"
#include "ujikom/clock.h"

static void store_log(void *ctx, enum store_log_level level, const char *msg) {
  (void)ctx;
  log_msg((enum log_level)level, NULL, "store: %s", msg);
}

/* Creates the data directory if missing (mode 0700) and checks it is writable, so a
 * misconfiguration is reported before the database is touched. */
static int prepare_data_dir(const char *dir, char *err, size_t errlen) {
  struct stat st;
  if (0 != stat(dir, &st)) {
    if (ENOENT != errno || 0 != mkdir(dir, 0700)) {
      snprintf(err, errlen, "data directory %s: %s", dir, strerror(errno));
      return -1;
    }
    return 0;
  }
  if (!S_ISDIR(st.st_mode)) {
    snprintf(err, errlen, "data directory %s is not a directory", dir);
    return -1;
  }
  if (0 != access(dir, W_OK | X_OK)) {
    snprintf(err, errlen, "data directory %s is not writable: %s", dir, strerror(errno));
    return -1;
  }
  return 0;
}

static int write_port_file(const char *path, unsigned port) {
  char tmp[600];
  snprintf(tmp, sizeof(tmp), "%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  if (NULL == f) {
    return -1;
  }
  fprintf(f, "%u\n", port);
  if (0 != fclose(f)) {
    return -1;
  }
  return rename(tmp, path);
}

#define SWEEP_INTERVAL_S 15
/* The form index's slots, and how many open attempts' forms are read into it at start. */
#define FORM_INDEX_SLOTS    32768
#define FORM_INDEX_OPEN_MAX ((size_t)FORM_INDEX_SLOTS / 4 * 3)

/* Closes and scores every open attempt past its deadline (plus the save grace), at its
 * deadline. The store hands them out in batches; a bounded number of batches per sweep
 * keeps one sweep from holding the main thread for long. With several processes on one
 * PostgreSQL database one of them sweeps (store_lead), and another takes over when it goes;
 * each still closes on sight an overdue attempt it is asked about. */
static void close_overdue(struct svc *svc) {
  for (int batch = 0; batch < 64; batch++) {
    size_t closed = 0;
    enum attempts_rc rc = attempts_close_overdue(svc, clock_wall_ms(), &closed);
    if (ATTEMPTS_OK != rc) {
      log_msg(LOG_WARN, NULL, "overdue sweep: %s; retrying later", attempts_rc_name(rc));
    }
    if (ATTEMPTS_OK != rc || 0 == closed) {
      return;
    }
  }
}

/* Mails the re-certification reminders that are due (common/recert.h); each is claimed in
 * the store before it is sent and settled by its mail's fate, so another node or a restart
 * never sends it twice, and one the relay did not take is sent again. */
static void remind_recert(struct svc *svc) {
  size_t sent = 0;
  int rc = recert_sweep(svc, clock_wall_ms(), &sent);
  if (STORE_OK != rc) {
    log_msg(LOG_WARN, NULL, "re-certification reminders: store %s; retrying later",
            store_rc_name(rc));
  } else if (sent > 0) {
    log_msg(LOG_INFO, NULL, "re-certification reminders: %zu handed to the mailer", sent);
  }
}

/* Drops the evidence uploads abandoned for --upload-abandon-hours and the files nobody
 * references any more (common/evidence.h), in the process that leads (sweep). */
static void sweep_evidence(struct svc *svc) {
  struct evidence_swept swept;
  int64_t idle_before = clock_wall_ms() - svc->cfg->upload_abandon_hours * 3600 * 1000;
  enum evidence_rc rc = evidence_sweep(&swept, svc, idle_before);
  if (EVIDENCE_OK != rc) {
    log_msg(LOG_WARN, NULL, "evidence sweep failed (%d); retrying later", (int)rc);
  }
}

/* One batch of a bounded sweep: STORE_OK with *out_n, or the store's negative code. */
typedef int (*batch_fn)(size_t *out_n, struct svc *svc, int64_t now_ms);

/* Runs step at now_ms until a batch comes back short of batch_size, at most 20 batches per
 * sweep (the next sweep goes on), and logs what was done as "<what>: <n> <done>". False
 * when a batch failed (logged). */
static bool run_batches(struct svc *svc, int64_t now_ms, batch_fn step, size_t batch_size,
                        const char *what, const char *done) {
  size_t total = 0;
  bool ok = true;
  for (int batch = 0; batch < 20; batch++) {
    size_t n = 0;
    int rc = step(&n, svc, now_ms);
    if (STORE_OK != rc) {
      log_msg(LOG_WARN, NULL, "%s: store %s; retrying later", what, store_rc_name(rc));
      ok = false;
      break;
    }
    total += n;
    if (n < batch_size) {
      break;
    }
  }
  if (total > 0) {
    log_msg(LOG_INFO, NULL, "%s: %zu %s", what, total, done);
  }
  return ok;
}

/* A batch of complaints whose retention period (--complaint-retention-days) has ended,
 * erased (common/complaints.h). */
static int erase_complaints_batch(size_t *out_n, struct svc *svc, int64_t now_ms) {
  int store_rc = STORE_OK;
  enum complaints_rc rc =
      complaints_erase_due(out_n, svc, now_ms, svc->cfg->complaint_retention_days, &store_rc);
  return COMPLAINTS_OK == rc ? STORE_OK : store_rc;
}

/* A batch of the rate-limit counters whose window and back-off have ended, forgotten
 * (common/ratelimits.h). */
static int forget_rate_limits_batch(size_t *out_n, struct svc *svc, int64_t now_ms) {
  return ratelimits_forget(out_n, svc, now_ms, ratelimits_longest_window_ms(svc->cfg));
}

/* How often the rate-limit counters that count nothing any more are forgotten: a scan of
 * the counters, so not every sweep. */
#define FORGET_INTERVAL_MS ((int64_t)10 * 60 * 1000)

/* Forgets the ended rate-limit counters every FORGET_INTERVAL_MS (at the next sweep again
 * after a failure). */
static void forget_rate_limits(struct svc *svc) {
  static int64_t last_ms = 0;
  const int64_t now = clock_wall_ms();
  if (0 != last_ms && now - last_ms < FORGET_INTERVAL_MS && now >= last_ms) {
    return;
  }
  last_ms = now;
  if (!run_batches(svc, now, forget_rate_limits_batch, RATELIMITS_FORGET_BATCH,
                   "rate-limit counters", "ended ones forgotten")) {
    last_ms = 0;
  }
}

/* The periodic work, on the node that leads (store_lead): overdue attempts, abandoned
 * evidence, re-certification reminders, complaints past their retention period, then the
 * rate-limit counters that count nothing any more. */
static void sweep(struct svc *svc) {
  if (STORE_OK != store_lead(svc->store)) {
    return;
  }
  close_overdue(svc);
  sweep_evidence(svc);
  remind_recert(svc);
  run_batches(svc, clock_wall_ms(), erase_complaints_batch, COMPLAINTS_ERASE_BATCH,
              "complaint erasure", "complaints past their retention period");
  forget_rate_limits(svc);
}

/* Key sets loaded over the process's life: all stay allocated until exit because a handler
 * may still hold an older one. Reloads beyond this many are refused (restart instead). */
#define MAX_KEY_RELOADS 64

/* SIGHUP: re-read the exam files (an invalid file keeps its previous version in service)
 * and the signing keys (after `ujikom keys rotate`). */
static void reload(struct svc *svc, struct keystore **old_keys, size_t *n_old_keys) {
  char err[1024] = "";
  if (0 != catalog_reload(svc->catalog, err, sizeof(err))) {
    log_msg(LOG_ERROR, NULL, "SIGHUP: exams not reloaded: %s", err);
  } else {
    log_msg(LOG_INFO, NULL, "SIGHUP: exams reloaded");
  }
  if (*n_old_keys >= MAX_KEY_RELOADS) {
    log_msg(LOG_ERROR, NULL, "SIGHUP: keys not reloaded: too many reloads, restart instead");
    return;
  }
  struct keystore *ks = NULL;
  if (0 != keystore_open(&ks, svc->cfg->data_dir, false, err, sizeof(err))) {
    log_msg(LOG_ERROR, NULL, "SIGHUP: keys not reloaded: %s", err);
    return;
  }
  if (0 != node_keys_check(svc->store, svc->cfg->data_dir, ks, clock_wall_ms(), err, sizeof(err))) {
    log_msg(LOG_ERROR, NULL, "SIGHUP: keys not reloaded: %s", err);
    keystore_free(ks);
    return;
  }
  old_keys[(*n_old_keys)++] = ks;
  svc->keys = ks;
  log_msg(LOG_INFO, NULL, "SIGHUP: signing keys reloaded");
}

/* `ujikomd --routes`: the route table as JSON lines, for the role x route matrix test and
 * for operators auditing what the daemon exposes. */
static void print_routes(void) {
  static const struct {
    unsigned bit;
    const char *name;
  } names[] = {{ROLE_ANON, "anon"},
               {ROLE_CANDIDATE, "candidate"},
               {ROLE_ASSESSOR, "assessor"},
               {ROLE_ADMIN, "admin"}};
  for (size_t i = 0; i < routes_count; i++) {
    const struct route *rt = &routes[i];
    printf("{\"method\":\"%s\",\"pattern\":\"%s\",\"roles\":[", rt->method, rt->pattern);
    const char *sep = "";
    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
      if (rt->roles & names[k].bit) {
        printf("%s\"%s\"", sep, names[k].name);
        sep = ",";
      }
    }
    /* what a check-in session reaches here (routes.h ROUTE_CHECKIN_ANY): null for nothing */
    unsigned f = rt->flags;
    printf("],\"checkin\":%s}\n", (f & ROUTE_CHECKIN)           ? "\"any\""
                                  : (f & ROUTE_CHECKIN_EXAM)    ? "\"exam\""
                                  : (f & ROUTE_CHECKIN_ATTEMPT) ? "\"attempt\""
                                  : (f & ROUTE_CHECKIN_UPLOAD)  ? "\"upload\""
                                                                : "null");
  }
}

/* Reads the command line into cfg. Returns -1 to go on and start, or the exit status of a
 * command that ends here (--routes, --pool-size, --help, or 2 for a bad option). */
static int read_options(struct config *cfg, int argc, char **argv) {
  char err[1024] = "";
  bool help = false;

  if (2 == argc && 0 == strcmp(argv[1], "--routes")) {
    print_routes();
    return 0;
  }
  /* `ujikomd [options] --pool-size`: the per-connection memory pool those options give, so
   * a benchmark can give its reference server exactly the same. */
  bool pool_size = false;
  int nargs = argc > 0 ? 1 : 0;
  for (int i = 1; i < argc; i++) {
    if (0 == strcmp(argv[i], "--pool-size")) {
      pool_size = true;
    } else {
      argv[nargs++] = argv[i]; /* the flag is taken out; the options are read as usual */
    }
  }
  if (0 != config_load(cfg, nargs, argv, &help, err, sizeof(err))) {
    fprintf(stderr, "ujikomd: %s\n", err);
    return 2;
  }
  if (pool_size) {
    printf("%zu\n", server_pool_size(cfg));
    return 0;
  }
  if (help) {
    config_print_help(stdout, "ujikomd",
                      "The ujikom daemon: competency exams, assessment and signed certificates.");
    return 0;
  }
  if (0 != log_set_level(cfg->log_level)) {
    fprintf(stderr, "ujikomd: --log-level: '%s' is not error, warn, info or debug\n",
            cfg->log_level);
    return 2;
  }
  if (0 != strcmp(cfg->event_loop, "epoll") && 0 != strcmp(cfg->event_loop, "poll")) {
    fprintf(stderr, "ujikomd: --event-loop: '%s' is not epoll or poll\n", cfg->event_loop);
    return 2;
  }
  if (!second_factor_mode_valid(cfg->staff_2fa)) {
    fprintf(stderr, "ujikomd: --staff-2fa: '%s' is not optional or required\n", cfg->staff_2fa);
    return 2;
  }
  struct recert_thresholds thresholds;
  if (0 != recert_thresholds_parse(&thresholds, cfg->recert_remind_days, err, sizeof err)) {
    fprintf(stderr, "ujikomd: %s\n", err);
    return 2;
  }
  if (0 != config_database_check(cfg->database, err, sizeof err)) {
    fprintf(stderr, "ujikomd: %s\n", err);
    return 2;
  }
  return -1;
}

/* Signals are taken by sigwait() in the main thread only; worker threads inherit the mask. */
static void block_signals(sigset_t *sigs) {
  sigemptyset(sigs);
  sigaddset(sigs, SIGTERM);
  sigaddset(sigs, SIGINT);
  sigaddset(sigs, SIGHUP);
  pthread_sigmask(SIG_BLOCK, sigs, NULL);
  signal(SIGPIPE, SIG_IGN);
  /* A file-size limit (or a full quota) must fail the write with EFBIG, answered 503, not
   * kill the daemon. */
  signal(SIGXFSZ, SIG_IGN);
}

/* Opens what the service runs on: the data directory, the store, the signing keys (also kept
 * in old_keys for the clean-up), the exam catalogue and the form index. Returns 0, or -1
 * after printing why; what was opened is in svc either way. */
static int open_service(struct svc *svc, struct keystore **old_keys, size_t *n_old_keys) {
  const struct config *cfg = svc->cfg;
  char err[1024] = "";

  if (0 != prepare_data_dir(cfg->data_dir, err, sizeof(err))) {
    fprintf(stderr, "ujikomd: %s\n", err);
    return -1;
  }
  char db_path[1100];
  char password[256] = "";
  config_database(db_path, sizeof(db_path), cfg);
  if ('\0' != cfg->database_password_file[0] &&
      0 != config_read_password(cfg->database_password_file, password, sizeof password, err,
                                sizeof err)) {
    fprintf(stderr, "ujikomd: %s\n", err);
    return -1;
  }
  struct store_opts sopts = {.busy_timeout_ms = cfg->busy_timeout_ms,
                             .txn_retries = 3,
                             .migrate_to = 0,
                             .log = store_log,
                             .log_ctx = NULL,
                             .password = '\0' == password[0] ? NULL : password,
                             .cert_locator = true};
  int src = store_open(&svc->store, db_path, &sopts, err, sizeof(err));
  explicit_bzero(password, sizeof password);
  if (STORE_OK != src) {
    fprintf(stderr, "ujikomd: %s\n", err);
    return -1;
  }
  struct keystore *ks = NULL;
  if (0 != keystore_open(&ks, cfg->data_dir, true, err, sizeof(err))) {
    fprintf(stderr, "ujikomd: signing keys: %s\n", err);
    return -1;
  }
  svc->keys = ks;
  old_keys[(*n_old_keys)++] = ks;
  if (0 != second_factor_key_open(&svc->second_factor_key, cfg->data_dir, true, err, sizeof(err))) {
    fprintf(stderr, "ujikomd: second factor key: %s\n", err);
    return -1;
  }
  if (0 != application_key_open(&svc->application_key, cfg->data_dir, true, err, sizeof(err))) {
    fprintf(stderr, "ujikomd: application key: %s\n", err);
    return -1;
  }
  if (0 !=
      certlog_open(&svc->log, svc->store, cfg->data_dir, cfg->public_url, true, err, sizeof(err))) {
    fprintf(stderr, "ujikomd: transparency log: %s\n", err);
    return -1;
  }
  /* Every node on one database must have the same key files (common/node_keys.h). */
  if (0 != node_keys_check(svc->store, cfg->data_dir, ks, clock_wall_ms(), err, sizeof(err))) {
    fprintf(stderr, "ujikomd: shared keys: %s\n", err);
    return -1;
  }
  size_t backfilled = 0; /* certificates issued before the log existed */
  int logged = certlog_backfill(svc->store, &backfilled);
  if (STORE_OK != logged) {
    fprintf(stderr, "ujikomd: transparency log: backfill: store %s\n", store_rc_name(logged));
    return -1;
  }
  if (backfilled > 0) {
    log_msg(LOG_INFO, NULL, "transparency log: appended %zu certificates issued before it",
            backfilled);
  }
  if (0 != catalog_open(&svc->catalog, cfg->exams_dir, err, sizeof(err))) {
    fprintf(stderr, "ujikomd: exams: %s\n", err);
    return -1;
  }
  /* Answer saves look up the item in the candidate's form; 32,768 forms' items (~10 MB)
   * cover an exam day's open attempts. Without it every save rebuilds the form. */
  if (0 != form_index_new(&svc->forms, FORM_INDEX_SLOTS)) {
    log_msg(LOG_WARN, NULL, "no memory for the form index; saves rebuild each form");
  }
  /* Repeat verifications of a certificate (a QR code scanned again, a number looked up
   * again) skip its row and seal while nothing about it changed: 2,048 certificates, about
   * 3 KB each when full (~6 MB). */
  if (0 != verify_cache_new(&svc->verdicts, 2048)) {
    log_msg(LOG_WARN, NULL, "no memory for the verification cache; each one reads its row");
  }
  /* A logged-in request reads its session and user from here while nothing about them
   * changed: 32,768 sessions in sets of 8 (an exam day's candidates with room, so that few
   * are pushed out by their set's others), 256 bytes each (8 MB when full). */
  if (0 != session_cache_new(&svc->sessions, 32768)) {
    log_msg(LOG_WARN, NULL, "no memory for the session cache; each request reads its session");
  }
  size_t displayed = 0; /* certificates issued before their display text was stored */
  if (STORE_OK != issue_display_backfill(svc, &displayed)) {
    log_msg(LOG_WARN, NULL, "certificates: some lack their display text, verified the long way");
  } else if (displayed > 0) {
    log_msg(LOG_INFO, NULL, "certificates: stored the display text of %zu older ones", displayed);
  }
  return 0;
}

/* Waits for signals until SIGTERM or SIGINT: SIGHUP reloads, and between signals every
 * SWEEP_INTERVAL_S the attempts whose deadline passed while nobody looked at them are
 * closed, so results do not wait for the next read, and due reminders are mailed. Returns the
 * signal that ends it. */
static int serve(struct svc *svc, const sigset_t *sigs, struct keystore **old_keys,
                 size_t *n_old_keys) {
  /* After the first sweep, the open attempts' forms go into the form index a page at a time
   * (signals are looked at between pages), up to three quarters of its slots. */
  int64_t index_after = 0;
  size_t indexed = 0;
  bool indexing = NULL != svc->forms;
  sweep(svc);
  for (;;) {
    if (indexing) {
      size_t n = 0;
      enum attempts_rc rc = attempts_index_open(svc, &index_after, &n);
      indexed += n;
      indexing = ATTEMPTS_OK == rc && n > 0 && indexed < FORM_INDEX_OPEN_MAX;
      if (!indexing) {
        log_msg(ATTEMPTS_OK == rc ? LOG_INFO : LOG_WARN, NULL,
                "form index: %zu open attempts' forms read at start (%s)", indexed,
                attempts_rc_name(rc));
      }
    }
    struct timespec interval = {indexing ? 0 : SWEEP_INTERVAL_S, 0};
    int sig = sigtimedwait(sigs, NULL, &interval);
    if (sig < 0) {
      if (EAGAIN == errno && !indexing) {
        sweep(svc);
        heap_release(); /* on every node, leading or not */
      }
      continue;
    }
    if (SIGHUP == sig) {
      reload(svc, old_keys, n_old_keys);
      continue;
    }
    return sig;
  }
}

int main(int argc, char **argv) {
  struct config cfg;
  struct svc svc = {0};
  struct server *srv = NULL;
  struct keystore *old_keys[MAX_KEY_RELOADS];
  size_t n_old_keys = 0;
  char err[1024] = "";
  int arenas = heap_limit_arenas(); /* before any thread */
  int status = read_options(&cfg, argc, argv);
  if (status >= 0) {
    return status;
  }
  status = 1;
  svc.cfg = &cfg;
  svc.started_ms = clock_wall_ms();
  /* The database holds password hashes and personal data, the key directory the signing
   * keys: nothing the daemon creates is readable by anyone else. */
  umask(077);
  sigset_t sigs;
  block_signals(&sigs);

  if ('\0' != cfg.smtp_url[0] && 0 != mailer_start(&svc.mailer, cfg.smtp_url, cfg.smtp_from,
                                                   cfg.smtp_retry_s, err, sizeof(err))) {
    fprintf(stderr, "ujikomd: %s\n", err);
    goto cleanup;
  }
  if (0 != open_service(&svc, old_keys, &n_old_keys)) {
    goto cleanup;
  }
  if (0 != http_start(&svc, &srv, err, sizeof(err))) {
    fprintf(stderr, "ujikomd: %s\n", err);
    goto cleanup;
  }
  /* After the listener: the first full check of the audit chain runs beside the first
   * requests, never before them. */
  if (0 != audit_watch_start(&svc.audit, svc.store, cfg.audit_check_s, err, sizeof(err))) {
    log_msg(LOG_WARN, NULL, "%s; the audit page checks the whole chain itself", err);
  }
  log_msg(LOG_INFO, NULL, "ujikomd %s listening on %s (port %u), data in %s", UJIKOM_VERSION,
          cfg.listen, server_port(srv), cfg.data_dir);
  if (arenas > 0) {
    log_msg(LOG_DEBUG, NULL, "heap: at most %d malloc arenas", arenas);
  }
  if (cfg.port_file[0] && 0 != write_port_file(cfg.port_file, server_port(srv))) {
    log_msg(LOG_WARN, NULL, "cannot write port file %s: %s", cfg.port_file, strerror(errno));
  }
  /* From here log lines are gathered and written by the log's own thread every
   * --log-flush-ms, not a write per request; a warning or an error is still written before
   * its caller goes on. */
  if (0 != log_buffer_start(cfg.log_flush_ms)) {
    log_msg(LOG_WARN, NULL, "log lines are written one by one: cannot start gathering them");
  }

  int sig = serve(&svc, &sigs, old_keys, &n_old_keys);
  log_msg(LOG_INFO, NULL, "%s: shutting down (grace %lds)", SIGTERM == sig ? "SIGTERM" : "SIGINT",
          cfg.shutdown_grace);
  unsigned left = server_stop(srv, cfg.shutdown_grace);
  srv = NULL;
  if (left) {
    log_msg(LOG_WARN, NULL, "%u request(s) still running at the end of the grace period", left);
  }
  status = 0;

cleanup:
  server_stop(srv, 0);
  /* Stopped cleanly: the mail queued by the last requests (an import's links) goes out
   * first, for as long as the requests had to finish. */
  mailer_stop(svc.mailer, 0 == status ? cfg.shutdown_grace : 0);
  audit_watch_stop(svc.audit); /* reads the store */
  form_index_free(svc.forms);  /* borrows items from the catalogue: free it first */
  verify_cache_free(svc.verdicts);
  catalog_free(svc.catalog);
  for (size_t i = 0; i < n_old_keys; i++) {
    keystore_free(old_keys[i]);
  }
  second_factor_key_free(svc.second_factor_key);
  application_key_free(svc.application_key);
  certlog_free(svc.log);
  store_close(svc.store);
  /* After the store: closing it settles the session touches still queued, which tell the
   * session cache. */
  session_cache_free(svc.sessions);
  if (0 == status) {
    log_msg(LOG_INFO, NULL, "stopped cleanly");
  }
  log_buffer_stop();
  return status;
}
