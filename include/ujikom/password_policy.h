/*
 * The password policy for new passwords, judged by how many guesses a password would take
 * rather than by lists and patterns alone. The candidate is normalised first (NFKC, default
 * ignorable characters such as zero-width spaces dropped, every Unicode white-space
 * character removed), so fullwidth letters, spacing out a common word or padding with
 * spaces buy nothing. The normalised form is then checked against the compiled-in common
 * list and the existing pattern rules (password_check_strength), against the person's own
 * e-mail and name, and finally estimated with zxcvbn, whose user dictionary holds the
 * person's words, the service's words, common Indonesian password words and any extra
 * words the caller passes.
 *
 * Threshold: PASSWORD_POLICY_MIN_BITS = log2(10^10). zxcvbn's own score 4 starts at 10^10
 * guesses ("strong protection from an offline slow-hash attack"): with the default scrypt
 * cost an attacker holding a stolen database pays tens of milliseconds of a core and 32 MiB
 * per guess, so 10^10 guesses stay out of reach per account, while the login back-off makes
 * online guessing far slower still. Below it, the answer is PASSWORD_POLICY_TOO_GUESSABLE.
 *
 * Only the policy decision uses the normalised form; what the caller hashes is its choice
 * (see password_policy_normalize for the form to hash if logins should also fold).
 */
#ifndef UJIKOM_PASSWORD_POLICY_H
#define UJIKOM_PASSWORD_POLICY_H

#include <stddef.h>

/* log2(10^10): the fewest guesses, in bits of zxcvbn's estimate, a new password must take. */
#define PASSWORD_POLICY_MIN_BITS 33.22
/* Fewest characters (Unicode code points, after normalisation and white-space removal). */
#define PASSWORD_POLICY_MIN_CHARS 10
/* Most extra dictionary words a caller may pass, and the longest word considered. */
#define PASSWORD_POLICY_MAX_EXTRA_WORDS 256
#define PASSWORD_POLICY_MAX_WORD        64

enum password_policy_verdict {
  PASSWORD_POLICY_OK = 0,
  PASSWORD_POLICY_TOO_SHORT,         /* fewer than PASSWORD_POLICY_MIN_CHARS once normalised */
  PASSWORD_POLICY_TOO_LONG,          /* more than PASSWORD_MAX_LEN bytes as given */
  PASSWORD_POLICY_INVALID,           /* not UTF-8, or a control character that is no space */
  PASSWORD_POLICY_TOO_COMMON,        /* a common password, alone or lightly decorated */
  PASSWORD_POLICY_CONTAINS_PERSONAL, /* contains the e-mail name or a word of the name */
  PASSWORD_POLICY_TOO_GUESSABLE,     /* estimated below PASSWORD_POLICY_MIN_BITS */
  PASSWORD_POLICY_ERROR,             /* out of memory */
};

/* What the policy found, for logs and tests (never the password itself). */
struct password_policy_report {
  enum password_policy_verdict verdict;
  size_t chars; /* code points after normalisation */
  double bits;  /* zxcvbn's estimate in bits; 0 when the check stopped earlier */
};

/* Normalises a password the way the policy sees it: NFKC, default ignorable code points
 * removed, Unicode white space (categories Zs, Zl, Zp and U+0009..U+000D, U+0085) removed.
 * On PASSWORD_POLICY_OK *out is a newly allocated NUL-terminated string the caller frees
 * with password_policy_free; otherwise *out is NULL and the verdict is
 * PASSWORD_POLICY_INVALID (bad UTF-8, another control character), PASSWORD_POLICY_TOO_LONG
 * or PASSWORD_POLICY_ERROR. */
enum password_policy_verdict password_policy_normalize(char **out, const char *password);

/* Applies the policy to a new password. email and name may be NULL. extra_words may be NULL
 * or a NULL-terminated array (at most PASSWORD_POLICY_MAX_EXTRA_WORDS are used; longer
 * words than PASSWORD_POLICY_MAX_WORD bytes are skipped) of words to treat as cheap to
 * guess, e.g. the site's name or the exam's title. report may be NULL. Allocates nothing
 * the caller must free; intermediate copies of the password are wiped. */
enum password_policy_verdict password_policy_check(struct password_policy_report *report,
                                                   const char *password, const char *email,
                                                   const char *name,
                                                   const char *const *extra_words);

/* The verdict's stable code for API errors and logs: "ok", "too_short", "too_long",
 * "invalid", "too_common", "contains_personal", "too_guessable", "error". */
const char *password_policy_code(enum password_policy_verdict v);

/* A short English explanation of the verdict (static string). */
const char *password_policy_message(enum password_policy_verdict v);

/* Wipes and frees a string from password_policy_normalize. NULL is allowed. */
void password_policy_free(char *s);

#endif
