/*
 * The page shell every HTML page shares: <html lang>, head with the stylesheet, skip link,
 * header with navigation for the user's role and the language switch, footer; and the error
 * page. It only builds pages: sending them is reply.h's and layout_reply.h's.
 */
#ifndef UJIKOM_LAYOUT_H
#define UJIKOM_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/html.h"
#include "http/server.h"
#include "ujikom/complaint.h"
#include "ujikom/exam.h"

/* Opens the page: everything up to and including <main id="main">. title is plain text
 * (escaped; the site name is appended). Shortcut for text from the catalogue: L(r, key). */
void layout_begin(struct html *h, const struct req *r, const char *title);
/* Same, also loading the external script asset (a path from the asset table such as
 * "static/exam.js"; a literal) with defer. NULL loads nothing extra. */
void layout_begin_script(struct html *h, const struct req *r, const char *title,
                         const char *script);
/* The shell an anonymous visitor gets, made once per language (a page the world reads, such
 * as the certificate verification a QR code opens): everything layout_begin writes for a
 * request without a user, then the stylesheet asset, but the language switch's href, which
 * names the request's path. head and tail are malloc'd. */
struct layout_shell {
  char *head, *tail;
  size_t head_len, tail_len;
};
/* Makes s for lang ("id" or "en") and title (plain text, as layout_begin takes it). 0, or -1
 * when out of memory (s empty). */
int layout_shell_make(struct layout_shell *s, const char *lang, const char *title,
                      const char *stylesheet);
void layout_shell_free(struct layout_shell *s);
/* Opens the page as layout_begin(h, r, title) then layout_stylesheet(h, stylesheet) would:
 * from s (made for r's language and the same title and stylesheet) when r has no user and
 * its path is not one of the navigation's links (which would be marked as the current
 * page), else by calling them. */
void layout_shell_begin(struct html *h, const struct req *r, const struct layout_shell *s,
                        const char *title, const char *stylesheet);
/* A new page, opened by layout_begin_script and headed by an <h1>: both the catalogue's
 * text for title_key. NULL when out of memory. */
struct html *layout_page_new(const struct req *r, const char *title_key, const char *script);
/* The same with the title as text (a page about one record: "Akun: Budi Wijaya"). */
struct html *layout_page_new_text(const struct req *r, const char *title, const char *script);
/* Closes <main>, writes the footer and closes the document. */
void layout_end(struct html *h, const struct req *r);

/* The hidden CSRF field for a POST form (nothing for anonymous requests). */
void layout_csrf_field(struct html *h, const struct req *r);
/* Opens a plain POST form to action (a local path) with its CSRF field; the caller writes the
 * rest and closes it. */
void layout_post_form(struct html *h, const struct req *r, const char *action);

/* A script's words in the page's language, as attributes of the element being opened:
 * texts[i][0] (a data-t-* name) set to the catalogue's text of texts[i][1]. */
void layout_script_texts(struct html *h, const struct req *r, const char *const (*texts)[2],
                         size_t n);

/* Opens a POST form that acts through the JSON API: with static/staff.js loaded the fields
 * are sent as JSON to `api` and the browser goes to `next` on success; without JavaScript
 * the form posts to `action`, a page route that forwards the same fields to the same API
 * handler, whose answer it shows. Writes the CSRF field and an (initially hidden) error
 * line. Close with HTML_LIT(h, "</form>"). */
void layout_api_form(struct html *h, const struct req *r, const char *action, const char *api,
                     const char *next);
/* The same for an action that reports its success on the next page: without JavaScript too,
 * the form route then redirects to `next` (the hidden field LAYOUT_FORM_NEXT: post, redirect,
 * get). A `next` carrying "?notice=<code>" shows the catalogue's "notice.<code>" there. */
void layout_action_form(struct html *h, const struct req *r, const char *action, const char *api,
                        const char *next);
#define LAYOUT_FORM_NEXT "_next"

/* The success notice a page was redirected to after an action: the catalogue's
 * "notice.<code>" for the query's notice=<code> (a short lower-case word), as a status
 * message; nothing when there is none or the code is unknown. layout_page_new writes it
 * after the <h1>. */
void layout_notice(struct html *h, const struct req *r);

/* The button that removes a file handed in (an exam's evidence, an application's document):
 * " <button class="file-remove" data-sha=SHA aria-label="Hapus NAME">Hapus</button>", with
 * the texts from the catalogue keys text_key and label_key ("{name}" in the label). upload.js
 * sends the removal; the same button is what it adds for a file sent from the page. */
void layout_file_remove(struct html *h, const struct req *r, const char *sha256, const char *name,
                        const char *text_key, const char *label_key);

/* Header cells of a table, one <th scope="col"> per catalogue key, in order. */
void layout_th(struct html *h, const struct req *r, const char *const *keys, size_t nkeys);
/* Opens a table up to its opened <tbody>: a header row with layout_th's cells, after a "#"
 * column when numbered. */
void layout_table_begin(struct html *h, const struct req *r, bool numbered, const char *const *keys,
                        size_t nkeys);
/* Opens a table that stacks on a narrow screen up to its opened <tbody>: table.stack, each
 * row a block of "column: value" lines under 40rem, so no column scrolls out of view, with
 * explicit ARIA roles that keep it a table for screen readers (browsers drop a table's
 * semantics once its display changes); its caption (catalogue key; NULL: none) and header
 * cells. Rows are <tr role="row">, cells opened with layout_stack_cell. */
void layout_stack_table_begin(struct html *h, const struct req *r, const char *caption_key,
                              const char *const *keys, size_t nkeys);
/* Opens a cell of such a table, labelled with its column's name (catalogue key). */
void layout_stack_cell(struct html *h, const struct req *r, const char *key);

/* Appends, as text, the kind of device a stored code names (device_kind_code) in the
 * request's language: "Chrome di Android", "Chrome" (system not recognised), "Peramban lain
 * di Android" (browser not recognised), or "Tidak dikenali" for "" and any other text. */
void layout_device_text(struct html *h, const struct req *r, const char *code);

/* The catalogue's text for a domain state, in the request's language: the one place a state
 * becomes words on a page. A verdict of VERDICT_NONE reads "not finished". */
const char *layout_role_text(const struct req *r, enum role role);
const char *layout_status_text(const struct req *r, enum attempt_status status);
const char *layout_verdict_text(const struct req *r, enum verdict verdict);
const char *layout_appeal_text(const struct req *r, enum appeal_status status);
/* An item's type for staff ("Pilihan tunggal", not "single"). */
const char *layout_item_type_text(const struct req *r, enum exam_item_type type);
/* A complaint's category, status and outcome as words. */
const char *layout_complaint_category_text(const struct req *r, enum complaint_category category);
const char *layout_complaint_status_text(const struct req *r, enum complaint_status status);
const char *layout_complaint_outcome_text(const struct req *r, enum complaint_outcome outcome);

/* A catalogue string in the request's language. */
const char *layout_t(const struct req *r, const char *key);
#define L(r, key) layout_t((r), (key))
/* L for a text about n things (i18n_count): "1 point", "2 points". */
const char *layout_count(const struct req *r, const char *key, long long n);
#define LN(r, key, n) layout_count((r), (key), (n))
/* layout_t for callers that take a label function and a context (ctx: the struct req). */
const char *layout_label(const void *ctx, const char *key);

/* An error page for browsers, for reply_error when the client wants HTML:
 * the title follows the status, the text is the catalogue's "err.<error_name>" when it
 * exists, else message (reply_error passes error_name NULL and the catalogue's text for the
 * error and its reason, http/errors.h err_text). Offers a way back to the
 * form after a failed log-in or registration. NULL when out of memory; the caller passes
 * the buffer to reply_html. */
struct html *layout_error_html(const struct req *r, unsigned status, const char *error_name,
                               const char *message);

/* The versioned URL of an asset for links: "/static/app.css?v=<hash>" into out. Returns
 * false when the asset does not exist or out is too small. */
bool layout_asset_url(char *out, size_t outlen, const char *asset_path);
/* A deferred <script> of the versioned asset (nothing when asset is NULL or unknown): a page's
 * second script, written into its body. */
void layout_script(struct html *h, const char *asset);
/* A prefetch link of the versioned script asset (nothing when unknown): a page the exam page
 * is reached from fetches the exam page's script ahead, at low priority, so that the exam
 * page itself brings only its HTML. */
void layout_prefetch_script(struct html *h, const char *asset);
/* A stylesheet link of the versioned asset (nothing when unknown): a page's own styles beside
 * app.css, written into its body. */
void layout_stylesheet(struct html *h, const char *asset);

#endif
