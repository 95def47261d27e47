/*
 * The table of an account's sign-in sessions, as its holder sees it on /account/sessions and
 * an administrator on the account's page: per session the kind of device it came from, when
 * it signed in, was last used and ends (in the reader's zone), and what sets it apart (the
 * one the page was opened on, one a test-site code started). It stacks on a narrow screen.
 */
#ifndef UJIKOM_HTTP_SESSION_TABLE_H
#define UJIKOM_HTTP_SESSION_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "http/html.h"
#include "http/server.h"
#include "store/store_users.h"

/* Appends the table of the n sessions of list (n may be 0: the header alone); caption_key
 * names it (NULL: no caption). With end_buttons, each session but the one in use has a form
 * that ends it (POST /account/sessions/:id/end, behind POST /api/auth/sessions/:id/end),
 * for the holder's own page. */
void session_table(struct html *h, struct req *r, const struct store_session_info *list, size_t n,
                   const char *caption_key, bool end_buttons);

#endif
