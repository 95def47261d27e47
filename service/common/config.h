/*
 * Configuration: one table (config.c) gives every option its flag, environment variable,
 * type, default, bounds and help. --help, the README table and validation all come from it.
 */
#ifndef UJIKOM_CONFIG_H
#define UJIKOM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct config {
  /* --- server --- */
  char listen[128];   /* ADDR:PORT; port 0 picks a free port */
  char data_dir[512]; /* database, signing keys */
  char exams_dir[512];
  char public_url[256]; /* base of links in QR codes and e-mails, no trailing slash */
  long threads;         /* 0 = four per CPU */
  char event_loop[8];   /* epoll or poll */
  long write_threads;   /* 0 = state-changing requests run on the HTTP workers */
  char port_file[512];  /* if set, the bound port is written here once listening */
  /* --- limits --- */
  long max_body;     /* bytes */
  long max_url;      /* bytes */
  long max_header;   /* bytes of all request headers (libmicrohttpd memory pool) */
  long conn_timeout; /* seconds of inactivity before a connection is closed */
  long body_timeout; /* seconds a request body may take to arrive, from the end of its head */
  long max_conns;
  long max_conns_per_addr; /* open connections from one client address; 0: no cap */
  long shutdown_grace;     /* seconds to finish in-flight requests on SIGTERM */
  long json_max_depth;
  long form_max_fields;
  /* --- store --- */
  char database[1024];              /* sqlite:PATH or postgresql://...; "" = DATA_DIR/ujikom.db */
  char database_password_file[512]; /* PostgreSQL password, first line; "" = libpq's own */
  long busy_timeout_ms;             /* bounded wait for the database write lock */
  /* --- exams --- */
  long save_grace_s;         /* answers accepted this long after the deadline (network latency) */
  long upload_abandon_hours; /* an open upload untouched this long is dropped by the sweep */
  /* --- accounts and sessions --- */
  long session_idle_s;
  long session_max_s;
  long kdf_log2n;                /* scrypt cost: N = 2^kdf_log2n */
  long login_max_failures;       /* wrong passwords per account before the back-off starts */
  long login_ip_max_failures;    /* wrong passwords per client address before its back-off */
  long login_backoff_s;          /* first back-off; doubles with each further failure */
  long login_backoff_max_s;      /* longest back-off */
  long login_window_s;           /* failures older than this are forgotten */
  long verify_lookups_per_hour;  /* serial look-ups per client address per hour */
  long register_per_hour;        /* new accounts per client address per hour */
  long complaints_per_hour;      /* complaints one client address may lodge per hour */
  long complaint_retention_days; /* a closed complaint's personal data is erased after (0: never) */
  char staff_2fa[12];            /* optional or required: a second factor for staff */
  /* --- account recovery --- */
  long reset_ttl_s;          /* lifetime of a password-reset link */
  long reset_per_hour;       /* reset-link requests per client address per hour */
  long reset_mails_per_hour; /* reset mails per e-mail address per hour */
  char smtp_url[256];        /* empty: no e-mail; links are issued by administrators only */
  char smtp_from[256];       /* sender address of reset mails */
  long smtp_retry_s;         /* seconds before a mail not taken is tried again */
  /* --- certificates --- */
  long cert_validity_years;
  char cert_issuer[256];       /* issuer name on certificates (signed claim) */
  char cert_licence[128];      /* the LSP's BNSP licence number (OB 3.0 otherIdentifier), or "" */
  char recert_remind_days[64]; /* days before expiry to remind, e.g. "90,30,7" (recert.h) */
  /* --- reviews --- */
  long claim_ttl_s;
  long appeal_days;
  /* --- audit --- */
  long audit_check_s; /* seconds between full checks of the audit log's chain (audit_watch.h) */
  /* --- logging --- */
  char log_level[16]; /* error, warn, info, debug */
  long log_flush_ms;
};

enum config_type { CONFIG_STRING, CONFIG_LONG };

struct config_option {
  const char *name; /* flag without "--", e.g. "data-dir"; env is UJIKOM_DATA_DIR */
  enum config_type type;
  size_t offset;   /* into struct config */
  size_t size;     /* for strings: buffer size */
  const char *def; /* default, as text */
  long min, max;   /* for numbers */
  const char *help;
};

extern const struct config_option config_options[];
extern const size_t config_options_count;

/* Fills cfg with defaults, then environment variables, then argv flags (--name VALUE or
 * --name=VALUE). Returns 0, or -1 with a one-line message in err (e.g. "--threads: must be
 * between 0 and 256"). Sets *want_help when --help was given. */
int config_load(struct config *cfg, int argc, char **argv, bool *want_help, char *err,
                size_t errlen);
/* Writes the --help text generated from the table. */
void config_print_help(FILE *out, const char *progname, const char *summary);
/* Writes the README's configuration table (markdown). */
void config_print_markdown(FILE *out);

/* The database inside a data directory, DIR/ujikom.db: the one place that says where the
 * daemon and every CLI command find it. Writes it into out as snprintf does (cut short when
 * outlen is too small); returns out. */
char *config_db_path(char *out, size_t outlen, const char *data_dir);

/* The database store_open is given: --database, or the data directory's ujikom.db. */
char *config_database(char *out, size_t outlen, const struct config *cfg);

/* Refuses a --database that is neither sqlite:PATH nor a postgresql:// URI, and a URI that
 * carries a password. 0, or -1 with a message in err. */
int config_database_check(const char *database, char *err, size_t errlen);

/* Reads the first line of a password file into out. 0, or -1 with a message in err. */
int config_read_password(const char *path, char *out, size_t outlen, char *err, size_t errlen);

#endif
