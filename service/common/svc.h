/*
 * Process-wide state, in one struct handed to every handler (no scattered globals).
 * Each part is owned by its module; this header only names them.
 */
#ifndef UJIKOM_SVC_H
#define UJIKOM_SVC_H

#include <stdint.h>

#include "common/config.h"

struct store;      /* service/store/store.h */
struct catalog;    /* service/common/catalog.h: exams and subsectors loaded from exams/ */
struct keystore;   /* service/common/keystore.h: Ed25519 signing keys under the data dir */
struct form_index; /* service/common/form_index.h: items of recently used attempt forms */
/* service/common/second_factor.h: the keys that seal staff TOTP secrets */
struct second_factor_key;
struct mailer; /* service/common/mailer.h: outgoing mail */
/* service/common/application.h: the key that seals national identity numbers */
struct application_key;
struct certlog;     /* service/common/certlog.h: the published transparency log */
struct audit_watch; /* service/common/audit_watch.h: the audit log's chain, checked */

struct svc {
  const struct config *cfg;
  struct store *store;
  struct catalog *catalog; /* thread-safe itself; reloaded in place on SIGHUP */
  /* Immutable once loaded; SIGHUP swaps in a new one atomically and the old one stays
   * allocated until exit, so a handler holding it never sees it freed. */
  struct keystore *_Atomic keys;
  int64_t started_ms;       /* wall clock at start, for /healthz uptime */
  struct form_index *forms; /* thread-safe itself; may be NULL (no cache) */
  /* common/second_factor.h: seals staff TOTP secrets; immutable once loaded */
  struct second_factor_key *second_factor_key;
  struct mailer *mailer; /* thread-safe itself; NULL without --smtp-url */
  struct certlog *log;   /* thread-safe itself: tiles, checkpoints and proofs */
  /* common/application.h: seals applicants' NIKs; immutable once loaded; NULL: not loaded */
  struct application_key *application_key;
  /* common/verify_cache.h: what verification proved about certificates; thread-safe
   * itself; NULL: every verification reads and checks the row */
  struct verify_cache *verdicts;
  /* common/session_cache.h: the sessions read, with their users; thread-safe itself; NULL:
   * every request reads its session */
  struct session_cache *sessions;
  /* common/audit_watch.h: full checks of the audit chain and what they found; thread-safe
   * itself; NULL: the audit page checks the whole chain itself */
  struct audit_watch *audit;
};

#endif
