/*
 * Pages as answers, over the page shell (layout.c) and the replies (reply.c).
 */
#include "http/layout_reply.h"

#include "http/html.h"
#include "http/layout.h"
#include "http/reply.h"

int layout_reply(struct req *r, unsigned status, struct html *h) {
  return reply_html(r, status, h);
}

int layout_store_error(struct req *r, int store_rc) {
  return reply_store_error(r, store_rc, r->path);
}

int layout_message_page(struct req *r, unsigned status, const char *title_key,
                        const char *message_key) {
  struct html *h = html_new();
  if (NULL == h) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  layout_begin(h, r, L(r, title_key));
  HTML_LIT(h, "<h1>");
  html_text(h, L(r, title_key));
  HTML_LIT(h, "</h1><p>");
  html_text(h, L(r, message_key));
  HTML_LIT(h, "</p><p><a href=\"/\">");
  html_text(h, L(r, "layout.back_home"));
  HTML_LIT(h, "</a></p>");
  layout_end(h, r);
  return layout_reply(r, status, h);
}
