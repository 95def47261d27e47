/*
 * The audit log as a spreadsheet: every entry a search of the log finds (the viewer's
 * filters), newest first, one CSV record each (ujikom/csv.h: RFC 4180, UTF-8 with a BOM,
 * formula-like text guarded), for the LSP's own records and for the certification
 * authority's surveillance visits. Read in one snapshot, so the export is one consistent
 * state of the log however long it takes; the export is itself an entry of the log.
 */
#ifndef UJIKOM_AUDIT_EXPORT_H
#define UJIKOM_AUDIT_EXPORT_H

#include <stddef.h>

#include "store/store.h"

struct svc;

/* The largest export: beyond it the caller is asked to narrow the filters (a date range). */
#define AUDIT_EXPORT_MAX_BYTES ((size_t)64 << 20)

/* The columns, in order. Their headings, the actions and fields in words (label(ctx,
 * "audit.<action>"), label(ctx, "audit.field.<field>"), as audit_describe names them) and
 * the word for the system as actor are the caller's (the reader's language). */
enum audit_csv_col {
  AUDIT_CSV_SEQ,         /* the entry's number */
  AUDIT_CSV_AT,          /* when, RFC 3339 UTC */
  AUDIT_CSV_ACTOR,       /* the acting account's name, or the system */
  AUDIT_CSV_ACTOR_EMAIL, /* its e-mail address ("" for the system) */
  AUDIT_CSV_WHAT,        /* the action in words */
  AUDIT_CSV_ACTION,      /* the action's code ("user.disable") */
  AUDIT_CSV_DETAIL,      /* its telling detail in words ("Alasan: …"), or "" */
  AUDIT_CSV_SUBJECT,     /* the record acted on ("user:7") */
  AUDIT_CSV_BEFORE,      /* the state before, as stored (JSON), or "" */
  AUDIT_CSV_AFTER,       /* the state after, likewise */
  AUDIT_CSV_HASH,        /* the entry's hash in the chain */
  AUDIT_CSV_COLS
};
struct audit_csv_texts {
  const char *headings[AUDIT_CSV_COLS];
  const char *system;
  const char *(*label)(const void *ctx, const char *key);
  const void *ctx;
};

enum audit_export_rc {
  AUDIT_EXPORT_OK,
  AUDIT_EXPORT_TOO_LARGE, /* past AUDIT_EXPORT_MAX_BYTES */
  AUDIT_EXPORT_FAILED,    /* the store could not be read, or memory ran out */
};

/* The entries matching f (NULL: all) as CSV, for actor: on AUDIT_EXPORT_OK *out (malloc'd,
 * free()) and *out_len. The export is itself recorded in the
 * log ("audit.export": the rows and the filters; after the snapshot it was read in, so not
 * in it); when that cannot be written, nothing is handed out (AUDIT_EXPORT_FAILED). */
enum audit_export_rc audit_export_csv(struct svc *svc, int64_t actor,
                                      const struct store_audit_filter *f,
                                      const struct audit_csv_texts *t, char **out, size_t *out_len);

#endif
