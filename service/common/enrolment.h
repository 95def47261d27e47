/*
 * Bulk enrolment: candidates imported into a schedule from a CSV file or an XLSX workbook
 * (the templates are in docs/operations.md and on the admin page). A dry run reads the whole
 * file and reports every row's problem before anything is written; a commit does the same
 * checks again and, only when there are none, creates the new accounts, enrols everyone and
 * stores each new account's one-time activation link, in one transaction (all or nothing).
 * Staff never type passwords: a new account has none until its holder follows the link
 * (mailed when SMTP is configured, else handed over by the administrator).
 *
 * The file's first row names the columns: nama/name and email/e-mail (any order, any case;
 * other columns are ignored). An e-mail of an existing candidate account enrols that
 * account; one of a staff account is refused.
 */
#ifndef UJIKOM_COMMON_ENROLMENT_H
#define UJIKOM_COMMON_ENROLMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/recovery.h"
#include "common/svc.h"

#define ENROL_MAX_ROWS     5000 /* data rows of one file (a schedule holds at most 5000) */
#define ENROL_MAX_UNZIPPED ((size_t)32 * 1024 * 1024)
#define ENROL_MAX_COLS     26
#define ENROL_MAX_CELL     1000
#define ENROL_LINK_TTL_S   (14L * 24 * 3600) /* an activation link lasts two weeks */

/* Why a row cannot be imported. */
enum enrol_reason {
  ENROL_NAME_MISSING = 0,
  ENROL_NAME_INVALID, /* refused by the one name validator */
  ENROL_FORMULA,      /* a cell holds a formula, or text that starts like one (= + - @) */
  ENROL_EMAIL_MISSING,
  ENROL_EMAIL_INVALID,
  ENROL_EMAIL_TAKEN,      /* by a staff account */
  ENROL_EMAIL_REPEATED,   /* by an earlier row of the file (other_row) */
  ENROL_ACCOUNT_DISABLED, /* the existing account is disabled */
  ENROL_ENROLLED_ALREADY, /* the account is in this schedule already */
  ENROL_REASON__COUNT
};

struct enrol_issue {
  size_t row; /* the row's number in the file */
  enum enrol_reason reason;
  size_t other_row; /* ENROL_EMAIL_REPEATED: the earlier row */
  size_t column;    /* ENROL_FORMULA: 1-based column */
};

/* What a file as a whole can be refused for (before rows are looked at). */
enum enrol_rc {
  ENROL_OK = 0,
  ENROL_PROBLEMS,      /* rows have problems: see issues (nothing written) */
  ENROL_UNREADABLE,    /* not a CSV/XLSX this reader understands (file_error says) */
  ENROL_TOO_LARGE,     /* past a limit: bytes, unzipped bytes, rows, columns, cell */
  ENROL_NO_HEADER,     /* the first row does not name the name and e-mail columns */
  ENROL_EMPTY,         /* a header and no rows */
  ENROL_OVER_CAPACITY, /* more candidates than the schedule has room for (room says) */
  ENROL_SCHEDULE_NOT_FOUND,
  ENROL_STORE_FAILED, /* see store_rc */
  ENROL_INTERNAL,
};

/* One new account's activation link (commit only). */
struct enrol_link {
  size_t row;
  int64_t user_id;
  char name[PERSON_NAME_SIZE];
  char email[255];
  char url[RECOVERY_URL_MAX];
  int64_t expires_ms;
};

struct enrol_report {
  enum enrol_rc rc;
  char file_error[256]; /* ENROL_UNREADABLE / ENROL_TOO_LARGE: where and what */
  size_t rows;          /* data rows read */
  size_t new_accounts, existing_accounts;
  int64_t room; /* places left in the schedule before the import */
  struct enrol_issue *issues;
  size_t nissues;
  bool committed;
  bool mailing;             /* svc has a mailer: the links are to be mailed */
  bool mailed;              /* every link was queued for mailing */
  size_t mailed_links;      /* links queued for mailing */
  struct enrol_link *links; /* commit: the new accounts' links, in row order */
  size_t nlinks;
  int store_rc;
};

/* Reads data (CSV, or XLSX when it starts like a zip archive) and checks every row for
 * schedule_id; with commit and no problem, writes it all in one transaction (audited as
 * "schedule.import" by actor, each new account's link as "user.activation_link"), then mails
 * the links when svc has a mailer. out->rc says the outcome; the report is the caller's to
 * free with enrolment_report_free (which wipes the links). */
void enrolment_import(struct enrol_report *out, struct svc *svc, int64_t actor, int64_t schedule_id,
                      const void *data, size_t len, bool commit);
void enrolment_report_free(struct enrol_report *r);

/* A stable name of a reason ("email_taken"), for the API; the pages and the API's messages
 * say it in the reader's language from the catalogue (enrol.reason.<name>). */
const char *enrolment_reason_name(enum enrol_reason reason);

/* The template of the import in CSV (text, static). */
const char *enrolment_template_csv(void);

#endif
