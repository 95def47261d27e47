/*
 * Pages as answers, over the page shell (layout.c) and the replies (reply.c).
 */
#include "http/layout_reply.h"

#include "http/html.h"
#include "http/layout.h"
#include "http/reply.h"
#include "store/store.h"

int layout_reply(struct req *r, unsigned status, struct html *h) {
  return reply_html(r, status, h);
}

int layout_store_error(struct req *r, int store_rc) {
  return reply_store_error(r, store_rc, r->path);
}

struct html *layout_page_open(struct req *r, int store_rc, const char *title_key,
                              const char *script, int *ret) {
  if (STORE_OK != store_rc) {
    *ret = layout_store_error(r, store_rc);
    return NULL;
  }
  struct html *h = layout_page_new(r, title_key, script);
  if (NULL == h) {
    *ret = reply_error(r, ERR_INTERNAL, NULL);
  }
  return h;
}

int layout_message_page(struct req *r, unsigned status, const char *title_key,
                        const char *message_key) {
  int ret = 0;
  struct html *h = layout_page_open(r, STORE_OK, title_key, NULL, &ret);
  if (NULL == h) {
    return ret;
  }
  HTML_LIT(h, "<p>");
  html_text(h, L(r, message_key));
  HTML_LIT(h, "</p><p><a href=\"/\">");
  html_text(h, L(r, "layout.back_home"));
  HTML_LIT(h, "</a></p>");
  layout_end(h, r);
  return layout_reply(r, status, h);
}

int layout_reply_with_back(struct req *r, struct html *h, const char *back) {
  HTML_LIT(h, "<p><a");
  html_attr_url(h, "href", back);
  HTML_LIT(h, ">");
  html_text(h, L(r, "page.back"));
  HTML_LIT(h, "</a></p>");
  layout_end(h, r);
  return layout_reply(r, 200, h);
}
