/*
 * The one way to produce HTML: a growable buffer whose text-appending functions escape by
 * default. Raw markup can only come from string literals (HTML_LIT, the html_fmt format,
 * attribute names), so text from users, exams or the database cannot become markup.
 *
 * Text is validated as UTF-8 on the way in: invalid sequences and control characters other
 * than tab, LF and CR become U+FFFD, so every page is well-formed UTF-8.
 *
 * Errors are sticky: after an allocation failure every append is a no-op and html_failed()
 * is true; the caller checks once at the end (reply_html treats a failed buffer as a 500).
 */
#ifndef UJIKOM_HTML_H
#define UJIKOM_HTML_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct html;

/* A new, empty buffer; NULL when out of memory. Free with html_free(). */
struct html *html_new(void);
/* Frees the buffer; NULL is allowed. */
void html_free(struct html *h);

/* True after any append failed (out of memory or a size limit); the content is then
 * incomplete and must not be sent. */
bool html_failed(const struct html *h);
/* The bytes so far (always NUL-terminated; "" for a failed buffer) and their length. The
 * pointer stays valid until the next append or html_free(). */
const char *html_data(const struct html *h);
size_t html_len(const struct html *h);
/* Hands the bytes over: returns a malloc'd NUL-terminated string (caller frees with free())
 * and frees the buffer itself. NULL (buffer freed too) when the buffer had failed. */
char *html_take(struct html *h, size_t *out_len);

/* Raw markup. Use through HTML_LIT, which accepts string literals only. */
void html_raw_(struct html *h, const char *lit, size_t len);
#define HTML_LIT(h, lit) html_raw_((h), "" lit "", sizeof(lit) - 1)

/* Appends text, escaping & < > " ' (safe inside elements and quoted attributes). NULL
 * appends nothing. */
void html_text(struct html *h, const char *s);
/* Same for the first n bytes of s (s need not be NUL-terminated). */
void html_textn(struct html *h, const char *s, size_t n);
/* Appends ` name="value"` with value escaped; the name must be a string literal. A NULL
 * value appends nothing. */
void html_attr_(struct html *h, const char *name, const char *value);
#define html_attr(h, name, value) html_attr_((h), "" name "", (value))
/* Like html_attr for URL attributes (href, action, src): only a local path ("/x", not
 * "//x"), "#fragment", or an absolute http(s) URL is kept; anything else (javascript:,
 * data:, ...) is replaced by "#". */
void html_attr_url_(struct html *h, const char *name, const char *url);
/* <a href="url">text</a>: url as html_attr_url keeps it (else "#"), text escaped. */
void html_link(struct html *h, const char *url, const char *text);
/* A labelled form control: <label for="id">label</label> (label escaped), then the opening
 * of the control, `open` (a string literal such as "<input type=\"text\""), with the id and
 * name attributes; the caller adds any further attributes and closes the tag ">". */
void html_labelled_(struct html *h, const char *id, const char *label, const char *open,
                    size_t openlen, const char *name);
#define html_labelled(h, id, label, open, name)                                                    \
  html_labelled_((h), (id), (label), "" open "", sizeof(open) - 1, (name))
#define html_attr_url(h, name, url) html_attr_url_((h), "" name "", (url))
/* A hidden form field: <input type="hidden" name="NAME" value="VALUE"> (no value when NULL). */
void html_hidden_(struct html *h, const char *name, const char *value);
#define html_hidden(h, name, value) html_hidden_((h), "" name "", (value))

/* printf-like with a literal format. Conversions: %s (ALWAYS escaped; NULL prints nothing),
 * %d %i %u %ld %lu %lld %llu %zu (numbers), %% (a percent sign). There is no unescaped
 * conversion and no width/precision; an unsupported conversion marks the buffer failed.
 * Needs at least one argument: use HTML_LIT for plain markup. */
void html_fmt_(struct html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define html_fmt(h, fmt, ...) html_fmt_((h), "" fmt "", __VA_ARGS__)

/* Appends the template text escaped, with each "{name}" replaced by the escaped value of the
 * matching pair; the pairs are (const char *name, const char *value) and end with NULL.
 * Unknown placeholders are kept as text. For catalogue strings with parameters. */
void html_text_sub(struct html *h, const char *tmpl, ...);

/* Appends <script type="application/json" id="ID">JSON</script>, where the JSON is
 * serialised so that it can never close the element (< > & and U+2028/2029 escaped as \u).
 * The id must be a literal. Does not take ownership of value. */
void html_json_script_(struct html *h, const char *id, const json_t *value);
#define html_json_script(h, id, value) html_json_script_((h), "" id "", (value))

/* True when s is a safe local redirect target: starts with a single '/', no backslash, no
 * control characters. */
bool html_local_path(const char *s);

#endif
