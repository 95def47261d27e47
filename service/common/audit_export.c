/*
 * The audit log as CSV (see audit_export.h).
 */
#include "common/audit_export.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/accounts.h"
#include "common/audit_text.h"
#include "common/svc.h"
#include "ujikom/csv.h"
#include "ujikom/timefmt.h"

/* Entries read per statement. */
#define EXPORT_PAGE 1000
/* Acting accounts remembered by id: staff are few, so each is read once. */
#define ACTORS_KEPT 64

struct actor {
  int64_t id;
  char name[PERSON_NAME_SIZE];
  char email[255]; /* as store_user's */
};

struct actors {
  struct actor list[ACTORS_KEPT];
  size_t n, next;
};

/* The account id as people know it, read once (an account gone: its number). */
static const struct actor *actor_of(struct actors *a, struct store_rd *rd, int64_t id) {
  for (size_t i = 0; i < a->n; i++) {
    if (a->list[i].id == id) {
      return &a->list[i];
    }
  }
  struct actor *slot = &a->list[a->n < ACTORS_KEPT ? a->n++ : a->next++ % ACTORS_KEPT];
  struct store_user u;
  memset(&u, 0, sizeof u);
  memset(slot, 0, sizeof *slot);
  slot->id = id;
  if (STORE_OK == accounts_read(rd, id, &u)) {
    snprintf(slot->name, sizeof slot->name, "%s", u.name);
    snprintf(slot->email, sizeof slot->email, "%s", u.email);
  } else {
    snprintf(slot->name, sizeof slot->name, "#%lld", (long long)id);
  }
  memset(u.password_hash, 0, sizeof u.password_hash);
  return slot;
}

static void entry_record(struct csv *c, const struct store_audit_entry *e,
                         const struct audit_csv_texts *t, struct actors *actors,
                         struct store_rd *rd) {
  char num[24], when[TIME_TEXT_SIZE], key[40];
  struct audit_description d;
  audit_describe(&d, e->action, e->after);
  snprintf(num, sizeof num, "%lld", (long long)e->seq);
  if (0 == time_format(when, sizeof when, e->at_ms / 1000, TIME_ISO)) {
    snprintf(when, sizeof when, "?");
  }
  csv_text(c, num);
  csv_text(c, when);
  if (e->actor <= 0) {
    csv_text(c, t->system);
    csv_text(c, "");
  } else {
    const struct actor *a = actor_of(actors, rd, e->actor);
    csv_text(c, a->name);
    csv_text(c, a->email);
  }
  csv_text(c, 0 == strcmp(d.key, "audit.other") ? e->action : t->label(t->ctx, d.key));
  csv_text(c, e->action);
  if ('\0' != d.field[0]) {
    char detail[400];
    snprintf(key, sizeof key, "audit.field.%s", d.field);
    snprintf(detail, sizeof detail, "%s: %s", t->label(t->ctx, key), d.value);
    csv_text(c, detail);
  } else {
    csv_text(c, "");
  }
  csv_text(c, e->subject);
  csv_text(c, e->before);
  csv_text(c, e->after);
  csv_text(c, e->hash);
  csv_end_record(c);
}

/* The most bytes entry_record can write for e: every text doubled (a cell of quotes), with
 * room for the rest of the record (names, words, numbers, the hash). */
static size_t entry_room(const struct store_audit_entry *e) {
  size_t texts = strlen(e->subject) + (NULL == e->before ? 0 : strlen(e->before)) +
                 (NULL == e->after ? 0 : strlen(e->after));
  return 2 * texts + 8192;
}

/* The export's own entry: who took a copy of the log, of which entries, how many. */
struct export_note {
  int64_t actor;
  const struct store_audit_filter *f;
  size_t rows;
};

static int note_txn(struct store_tx *tx, void *arg) {
  const struct export_note *n = arg;
  json_t *filter = json_object();
  const struct store_audit_filter *f = n->f;
  if (NULL != f && NULL != filter) {
    if (NULL != f->subject) {
      json_object_set_new(filter, "subject", json_string(f->subject));
    }
    if (NULL != f->action) {
      json_object_set_new(filter, "action", json_string(f->action));
    }
    if (NULL != f->actor_text) {
      json_object_set_new(filter, "actor", json_string(f->actor_text));
    }
    if (f->from_ms > 0) {
      json_object_set_new(filter, "from_ms", json_integer((json_int_t)f->from_ms));
    }
    if (f->to_ms > 0) {
      json_object_set_new(filter, "to_ms", json_integer((json_int_t)f->to_ms));
    }
  }
  char *after = audit_text(json_pack("{s:I, s:o}", "rows", (json_int_t)n->rows, "filter",
                                     NULL != filter ? filter : json_null()));
  if (NULL == after) {
    return STORE_HARD;
  }
  int rc = store_audit_append(tx, NULL, n->actor, "audit.export", "audit_log", NULL, after);
  free(after);
  return rc;
}

enum audit_export_rc audit_export_csv(struct svc *svc, int64_t actor,
                                      const struct store_audit_filter *f,
                                      const struct audit_csv_texts *t, char **out,
                                      size_t *out_len) {
  struct store_rd *rd = NULL;
  struct actors *actors = calloc(1, sizeof *actors);
  struct csv *c = csv_new(AUDIT_EXPORT_MAX_BYTES);
  int64_t before = 0;
  size_t rows = 0;
  bool more = true, full = false;
  int rc = NULL == actors || NULL == c ? STORE_UNAVAILABLE : store_rd_begin(svc->store, &rd);
  *out = NULL;
  *out_len = 0;
  for (size_t k = 0; STORE_OK == rc && k < AUDIT_CSV_COLS; k++) {
    csv_text(c, t->headings[k]);
  }
  if (STORE_OK == rc) {
    csv_end_record(c);
  }
  while (STORE_OK == rc && more) {
    struct store_audit_entry *list = NULL;
    size_t n = 0;
    rc = store_audit_search(rd, &list, &n, f, before, EXPORT_PAGE, &more);
    for (size_t i = 0; STORE_OK == rc && i < n && !full; i++) {
      full = csv_length(c) + entry_room(&list[i]) > AUDIT_EXPORT_MAX_BYTES;
      if (!full) {
        entry_record(c, &list[i], t, actors, rd);
        rows++;
      }
    }
    if (n > 0) {
      before = list[n - 1].seq;
    }
    more = more && n > 0 && !full;
    store_audit_list_free(list, n);
  }
  store_rd_end(rd);
  free(actors);
  if (STORE_OK != rc || full) {
    csv_free(c);
    return full ? AUDIT_EXPORT_TOO_LARGE : AUDIT_EXPORT_FAILED;
  }
  size_t len = 0;
  char *text = csv_take(c, &len);
  if (NULL == text) {
    return AUDIT_EXPORT_FAILED; /* out of memory */
  }
  struct export_note note = {actor, f, rows};
  if (STORE_OK != store_txn(svc->store, note_txn, &note)) {
    free(text); /* a copy nobody can tell was taken is not handed out */
    return AUDIT_EXPORT_FAILED;
  }
  *out = text;
  *out_len = len;
  return AUDIT_EXPORT_OK;
}
