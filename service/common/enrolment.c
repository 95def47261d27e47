/*
 * Bulk enrolment (enrolment.h): read, check every row, then write all or nothing.
 */
#include "common/enrolment.h"

#include <ctype.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/accounts.h"
#include "common/audit_text.h"
#include "common/mailer.h"
#include "common/schedule.h"
#include "ujikom/csv.h"
#include "ujikom/password.h"
#include "ujikom/sheet.h"

static const char *const reason_names[ENROL_REASON__COUNT] = {
    [ENROL_NAME_MISSING] = "name_missing",
    [ENROL_NAME_INVALID] = "name_invalid",
    [ENROL_FORMULA] = "formula",
    [ENROL_EMAIL_MISSING] = "email_missing",
    [ENROL_EMAIL_INVALID] = "email_invalid",
    [ENROL_EMAIL_TAKEN] = "email_taken",
    [ENROL_EMAIL_REPEATED] = "email_repeated",
    [ENROL_ACCOUNT_DISABLED] = "account_disabled",
    [ENROL_ENROLLED_ALREADY] = "enrolled_already",
};

const char *enrolment_reason_name(enum enrol_reason reason) {
  return (size_t)reason < ENROL_REASON__COUNT ? reason_names[reason] : "unknown";
}

const char *enrolment_template_csv(void) {
  return "nama,email\r\nSiti Rahmawati,siti@example.org\r\nI Made Putra,made@example.org\r\n";
}

/* ------------------------------------------------------------------ reading */

/* One data row as checked. */
struct entry {
  size_t row;
  char *name;        /* normalised (accounts_name), malloc'd */
  const char *email; /* borrowed from the sheet */
  int64_t user_id;   /* an existing candidate account, or 0 (a new one) */
  bool bad;
};

/* Removes the spaces and tabs around s, in place. */
static void trim(char *s) {
  size_t start = strspn(s, " \t"), n = strlen(s);
  while (n > start && (' ' == s[n - 1] || '\t' == s[n - 1])) {
    n--;
  }
  memmove(s, s + start, n - start);
  s[n - start] = '\0';
}

static bool header_is(const char *cell, const char *const *names) {
  char buf[64];
  size_t n = strlen(cell);
  while (n > 0 && isspace((unsigned char)cell[n - 1])) {
    n--;
  }
  while (n > 0 && isspace((unsigned char)*cell)) {
    cell++;
    n--;
  }
  if (n >= sizeof buf) {
    return false;
  }
  memcpy(buf, cell, n);
  buf[n] = '\0';
  for (size_t i = 0; NULL != names[i]; i++) {
    if (0 == strcasecmp(buf, names[i])) {
      return true;
    }
  }
  return false;
}

static int add_issue(struct enrol_report *r, size_t row, enum enrol_reason why, size_t other,
                     size_t column) {
  if (0 == (r->nissues & (r->nissues + 1))) { /* grow at 0, 1, 3, 7, ... */
    struct enrol_issue *p = realloc(r->issues, (r->nissues * 2 + 2) * sizeof *p);
    if (NULL == p) {
      return -1;
    }
    r->issues = p;
  }
  r->issues[r->nissues++] = (struct enrol_issue){row, why, other, column};
  return 0;
}

static enum enrol_rc sheet_outcome(enum sheet_rc rc) {
  switch (rc) {
  case SHEET_OK:
    return ENROL_OK;
  case SHEET_TOO_LARGE:
  case SHEET_TOO_MANY_ROWS:
  case SHEET_TOO_MANY_COLS:
  case SHEET_CELL_TOO_LONG:
    return ENROL_TOO_LARGE;
  case SHEET_NO_MEMORY:
    return ENROL_INTERNAL;
  default:
    return ENROL_UNREADABLE;
  }
}

static const char *cell_of(const struct sheet_row *row, size_t col) {
  return col < row->ncells ? row->cells[col] : "";
}

static int by_email(const void *a, const void *b) {
  const struct entry *x = a, *y = b;
  int c = strcasecmp(x->email, y->email);
  return 0 != c ? c : (x->row < y->row ? -1 : x->row > y->row);
}

static int by_row(const void *a, const void *b) {
  const struct entry *x = a, *y = b;
  return x->row < y->row ? -1 : x->row > y->row;
}

static int by_issue_row(const void *a, const void *b) {
  const struct enrol_issue *x = a, *y = b;
  return x->row < y->row ? -1 : x->row > y->row;
}

static int cmp_id(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

/* Checks the cells of each row (no store): fills entries[0..*n). */
static int check_cells(struct enrol_report *r, struct sheet *s, size_t name_col, size_t email_col,
                       struct entry *entries, size_t *n) {
  *n = 0;
  for (size_t i = 1; i < s->nrows; i++) {
    struct sheet_row *row = &s->rows[i];
    struct entry *e = &entries[(*n)++];
    memset(e, 0, sizeof *e);
    e->row = row->line;
    const char *name = cell_of(row, name_col);
    if (email_col < row->ncells) {
      trim(row->cells[email_col]); /* a spreadsheet cell often keeps a stray space */
    }
    e->email = cell_of(row, email_col);
    int rc = 0;
    if (0 != row->formula_col) {
      rc = add_issue(r, e->row, ENROL_FORMULA, 0, row->formula_col);
      e->bad = true;
    } else if (csv_needs_guard(name) || csv_needs_guard(e->email)) {
      rc = add_issue(r, e->row, ENROL_FORMULA, 0,
                     csv_needs_guard(name) ? name_col + 1 : email_col + 1);
      e->bad = true;
    }
    if (e->bad) {
      /* one problem per cause is enough: the row is fixed as a whole */
    } else if ('\0' == name[strspn(name, " \t")]) {
      rc = add_issue(r, e->row, ENROL_NAME_MISSING, 0, 0);
      e->bad = true;
    } else if (ACCOUNTS_OK != accounts_name(&e->name, name, NULL, 0)) {
      rc = add_issue(r, e->row, ENROL_NAME_INVALID, 0, 0);
      e->bad = true;
    }
    if (0 != rc) {
      return -1;
    }
    if ('\0' == e->email[0]) {
      rc = add_issue(r, e->row, ENROL_EMAIL_MISSING, 0, 0);
      e->bad = true;
    } else if (!accounts_email_valid(e->email)) {
      rc = add_issue(r, e->row, ENROL_EMAIL_INVALID, 0, 0);
      e->bad = true;
    }
    if (0 != rc) {
      return -1;
    }
  }
  /* An e-mail given twice: the later rows are reported against the first. */
  qsort(entries, *n, sizeof *entries, by_email);
  for (size_t i = 1; i < *n; i++) {
    if ('\0' != entries[i].email[0] && 0 == strcasecmp(entries[i].email, entries[i - 1].email)) {
      size_t first = entries[i - 1].row;
      for (size_t k = i - 1; k > 0 && 0 == strcasecmp(entries[k - 1].email, entries[i].email);
           k--) {
        first = entries[k - 1].row;
      }
      if (0 != add_issue(r, entries[i].row, ENROL_EMAIL_REPEATED, first, 0)) {
        return -1;
      }
      entries[i].bad = true;
    }
  }
  qsort(entries, *n, sizeof *entries, by_row);
  return 0;
}

/* Checks the rows against the accounts and the batch (through rd): existing accounts,
 * staff e-mails, disabled accounts, enrolled already. STORE_OK or negative. */
static int check_accounts(struct enrol_report *r, struct store_rd *rd, int64_t schedule_id,
                          struct entry *entries, size_t n) {
  struct store_enrolment *batch = NULL;
  size_t nbatch = 0;
  int rc = store_enrolment_list(rd, &batch, &nbatch, schedule_id);
  if (STORE_OK != rc) {
    return rc;
  }
  int64_t *ids = malloc((nbatch + 1) * sizeof *ids);
  if (NULL == ids) {
    store_enrolment_list_free(batch, nbatch);
    return STORE_UNAVAILABLE;
  }
  for (size_t i = 0; i < nbatch; i++) {
    ids[i] = batch[i].user_id;
  }
  store_enrolment_list_free(batch, nbatch);
  qsort(ids, nbatch, sizeof *ids, cmp_id);
  r->new_accounts = r->existing_accounts = 0;
  for (size_t i = 0; STORE_OK == rc && i < n; i++) {
    struct entry *e = &entries[i];
    struct store_user u;
    e->user_id = 0;
    if (e->bad) {
      continue;
    }
    rc = store_user_by_email(rd, &u, e->email);
    OPENSSL_cleanse(u.password_hash, sizeof u.password_hash);
    if (STORE_NONE == rc) {
      r->new_accounts++;
      rc = STORE_OK;
      continue;
    }
    if (STORE_OK != rc) {
      break;
    }
    enum enrol_reason why = ENROL_REASON__COUNT;
    if (ROLE_CANDIDATE != u.role) {
      why = ENROL_EMAIL_TAKEN;
    } else if (u.disabled) {
      why = ENROL_ACCOUNT_DISABLED;
    } else if (NULL != bsearch(&u.id, ids, nbatch, sizeof *ids, cmp_id)) {
      why = ENROL_ENROLLED_ALREADY;
    }
    if (ENROL_REASON__COUNT != why) {
      e->bad = true;
      rc = 0 == add_issue(r, e->row, why, 0, 0) ? STORE_OK : STORE_UNAVAILABLE;
    } else {
      e->user_id = u.id;
      r->existing_accounts++;
    }
  }
  free(ids);
  return rc;
}

/* ------------------------------------------------------------------ writing */

struct commit_ctx {
  int64_t actor, schedule_id;
  struct entry *entries;
  size_t n;
  struct enrol_link *links; /* one per new account, url and hash made before */
  size_t nlinks;
  char (*hashes)[SESSION_HASH_LEN + 1];
  /* What a new account holds until its link is used: a hash no password matches
   * (password_unusable), so nobody logs in with a password before then. */
  char **unusable;
  struct enrol_report *report;
};

static int commit_txn(struct store_tx *tx, void *arg) {
  struct commit_ctx *c = arg;
  struct store_rd *rd = store_tx_rd(tx);
  struct store_schedule s;
  /* Everything is checked again inside the transaction: the file may have raced another. */
  free(c->report->issues);
  c->report->issues = NULL;
  c->report->nissues = 0;
  int rc = store_schedule_get(rd, &s, c->schedule_id);
  if (STORE_OK != rc) {
    return rc;
  }
  rc = check_accounts(c->report, rd, c->schedule_id, c->entries, c->n);
  if (STORE_OK != rc) {
    return rc;
  }
  if (c->report->nissues > 0) {
    c->report->rc = ENROL_PROBLEMS;
    return STORE_CONFLICT;
  }
  if ((int64_t)c->n > s.capacity - s.enrolled) {
    c->report->room = s.capacity - s.enrolled;
    c->report->rc = ENROL_OVER_CAPACITY;
    return STORE_CONFLICT;
  }
  size_t k = 0;
  for (size_t i = 0; STORE_OK == rc && i < c->n; i++) {
    struct entry *e = &c->entries[i];
    int64_t id = e->user_id;
    if (0 == id) {
      if (k >= c->nlinks) {
        return STORE_HARD; /* more new accounts than links made: a broken invariant */
      }
      struct enrol_link *l = &c->links[k];
      rc = store_user_create(tx, &id, e->email, e->name, ROLE_CANDIDATE, c->unusable[k]);
      if (STORE_OK == rc) {
        rc = audit_user_entry(
            tx, c->actor, "user.create", id,
            json_pack("{s:s, s:s, s:s}", "email", e->email, "name", e->name, "via", "import"));
      }
      if (STORE_OK == rc) {
        rc = recovery_link_store(tx, id, c->hashes[k], c->actor, "user.activation_link",
                                 ENROL_LINK_TTL_S, &l->expires_ms);
      }
      l->row = e->row;
      l->user_id = id;
      snprintf(l->name, sizeof l->name, "%s", e->name);
      snprintf(l->email, sizeof l->email, "%s", e->email);
      k++;
    }
    if (STORE_OK == rc) {
      rc = store_enrolment_add(tx, c->schedule_id, id, c->actor);
    }
  }
  if (STORE_OK != rc) {
    return STORE_EXISTS == rc ? STORE_BUSY : rc; /* raced: run again, it is checked again */
  }
  return audit_creation(tx, c->actor, "schedule.import", "schedule", c->schedule_id,
                        json_pack("{s:I, s:I, s:I}", "rows", (json_int_t)c->n, "new_accounts",
                                  (json_int_t)c->report->new_accounts, "existing_accounts",
                                  (json_int_t)c->report->existing_accounts));
}

static void mail_links(struct svc *svc, struct enrol_report *r, const struct store_schedule *s) {
  if (NULL == svc->mailer) {
    return;
  }
  r->mailing = true;
  bool all = true;
  for (size_t i = 0; i < r->nlinks; i++) {
    char body[3000];
    const struct enrol_link *l = &r->links[i];
    snprintf(
        body, sizeof body,
        "Yth. %s,\r\n\r\nAnda terdaftar pada jadwal uji kompetensi \"%s\" di %s, tanggal %s.\r\n"
        "Buat kata sandi akun ujikom Anda melalui tautan berikut (sekali pakai, berlaku "
        "14 hari):\r\n%s\r\n\r\nYou are enrolled in the competency test \"%s\" at %s on %s.\r\n"
        "Set the password of your ujikom account with this one-time link (valid 14 days):"
        "\r\n%s\r\n",
        l->name, s->title, s->tuk_name, s->exam_date, l->url, s->title, s->tuk_name, s->exam_date,
        l->url);
    if (mailer_send(svc->mailer, l->email, "Aktivasi akun ujikom / Activate your account", body)) {
      r->mailed_links++;
    } else {
      all = false;
    }
    OPENSSL_cleanse(body, sizeof body);
  }
  r->mailed = all;
}

void enrolment_report_free(struct enrol_report *r) {
  if (NULL == r) {
    return;
  }
  free(r->issues);
  if (NULL != r->links) {
    OPENSSL_cleanse(r->links, r->nlinks * sizeof *r->links);
  }
  free(r->links);
  memset(r, 0, sizeof *r);
}

void enrolment_import(struct enrol_report *out, struct svc *svc, int64_t actor, int64_t schedule_id,
                      const void *data, size_t len, bool commit) {
  struct sheet *s = NULL;
  struct entry *entries = NULL;
  struct store_schedule sched;
  struct store_rd *rd = NULL;
  char(*hashes)[SESSION_HASH_LEN + 1] = NULL;
  char **unusable = NULL;
  size_t n = 0, nnew = 0;
  memset(out, 0, sizeof *out);
  out->store_rc = STORE_OK;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_schedule_get(rd, &sched, schedule_id);
  }
  store_rd_end(rd);
  rd = NULL;
  if (STORE_OK != rc) {
    out->rc = STORE_NONE == rc ? ENROL_SCHEDULE_NOT_FOUND : ENROL_STORE_FAILED;
    out->store_rc = rc;
    return;
  }
  out->room = sched.capacity - sched.enrolled;
  const struct sheet_limits lim = {.max_bytes = ENROL_MAX_UNZIPPED,
                                   .max_unzipped = ENROL_MAX_UNZIPPED,
                                   .max_rows = ENROL_MAX_ROWS + 1,
                                   .max_cols = ENROL_MAX_COLS,
                                   .max_cell = ENROL_MAX_CELL};
  enum sheet_rc src =
      sheet_looks_like_zip(data, len)
          ? sheet_read_xlsx(&s, data, len, &lim, out->file_error, sizeof out->file_error)
          : sheet_read_csv(&s, data, len, &lim, out->file_error, sizeof out->file_error);
  if (SHEET_TOO_MANY_ROWS == src) {
    snprintf(out->file_error, sizeof out->file_error,
             "the file has more than %d rows; import at most %d candidates at once", ENROL_MAX_ROWS,
             ENROL_MAX_ROWS);
  }
  out->rc = sheet_outcome(src);
  if (ENROL_OK != out->rc) {
    goto cleanup;
  }
  static const char *const name_heads[] = {"nama", "name", "nama lengkap", "full name", NULL};
  static const char *const email_heads[] = {"email", "e-mail", "surel", "alamat email", NULL};
  size_t name_col = SIZE_MAX, email_col = SIZE_MAX;
  for (size_t c = 0; s->nrows > 0 && c < s->rows[0].ncells; c++) {
    if (SIZE_MAX == name_col && header_is(s->rows[0].cells[c], name_heads)) {
      name_col = c;
    } else if (SIZE_MAX == email_col && header_is(s->rows[0].cells[c], email_heads)) {
      email_col = c;
    }
  }
  if (SIZE_MAX == name_col || SIZE_MAX == email_col) {
    out->rc = ENROL_NO_HEADER;
    goto cleanup;
  }
  if (s->nrows < 2) {
    out->rc = ENROL_EMPTY;
    goto cleanup;
  }
  entries = calloc(s->nrows, sizeof *entries);
  if (NULL == entries || 0 != check_cells(out, s, name_col, email_col, entries, &n)) {
    out->rc = ENROL_INTERNAL;
    goto cleanup;
  }
  out->rows = n;
  rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = check_accounts(out, rd, schedule_id, entries, n);
  }
  store_rd_end(rd);
  if (STORE_OK != rc) {
    out->rc = ENROL_STORE_FAILED;
    out->store_rc = rc;
    goto cleanup;
  }
  if (out->nissues > 0) {
    out->rc = ENROL_PROBLEMS;
  } else if ((int64_t)n > out->room) {
    out->rc = ENROL_OVER_CAPACITY;
  }
  if (ENROL_OK != out->rc || !commit) {
    goto cleanup;
  }
  /* Links for the new accounts, made before the transaction (it may run more than once). */
  /* The transaction checks again and may find fewer new accounts (one registered meanwhile),
   * never more: accounts are not removed. */
  nnew = out->new_accounts;
  out->links = calloc(nnew + 1, sizeof *out->links);
  hashes = calloc(nnew + 1, sizeof *hashes);
  unusable = calloc(nnew + 1, sizeof *unusable);
  if (NULL == out->links || NULL == hashes || NULL == unusable) {
    out->rc = ENROL_INTERNAL;
    goto cleanup;
  }
  for (size_t i = 0; i < nnew; i++) {
    if (0 != recovery_link_new(out->links[i].url, hashes[i], svc->cfg->public_url) ||
        PASSWORD_OK != password_unusable(&unusable[i], (unsigned)svc->cfg->kdf_log2n)) {
      out->rc = ENROL_INTERNAL;
      goto cleanup;
    }
  }
  struct commit_ctx c = {.actor = actor,
                         .schedule_id = schedule_id,
                         .entries = entries,
                         .n = n,
                         .links = out->links,
                         .nlinks = nnew,
                         .hashes = hashes,
                         .unusable = unusable,
                         .report = out};
  rc = store_txn(svc->store, commit_txn, &c);
  if (STORE_CONFLICT == rc && ENROL_OK != out->rc) {
    goto cleanup;
  }
  if (STORE_OK != rc) {
    out->rc = ENROL_STORE_FAILED;
    out->store_rc = rc;
    goto cleanup;
  }
  out->nlinks = out->new_accounts;
  out->committed = true;
  mail_links(svc, out, &sched);
cleanup:
  if (!out->committed && NULL != out->links) {
    OPENSSL_cleanse(out->links, (nnew + 1) * sizeof *out->links);
    free(out->links);
    out->links = NULL;
  }
  if (NULL != hashes) {
    OPENSSL_cleanse(hashes, (nnew + 1) * sizeof *hashes);
  }
  free(hashes);
  for (size_t i = 0; NULL != unusable && i < nnew; i++) {
    password_free(unusable[i]);
  }
  free(unusable);
  for (size_t i = 0; NULL != entries && i < n; i++) {
    free(entries[i].name);
  }
  free(entries);
  sheet_free(s);
  if (out->nissues > 1) {
    qsort(out->issues, out->nissues, sizeof *out->issues, by_issue_row);
  }
}
