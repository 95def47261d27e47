/*
 * Confirmation pages and the links to them (see confirm.h).
 */
#include "http/confirm.h"

#include "http/layout.h"
#include "http/layout_reply.h"

int confirm_page(struct req *r, const struct confirm *c) {
  struct html *h = layout_page_new(r, c->title_key, "static/staff.js");
  if (NULL == h) {
    return layout_reply(r, 500, NULL);
  }
  /* staff.js takes this block (the text and the form) into its dialog */
  HTML_LIT(h, "<div class=\"confirm\" data-confirm-body><p class=\"notice warn\">");
  html_text_sub(h, L(r, c->what_key), "name", c->name, NULL);
  HTML_LIT(h, "</p>");
  layout_action_form(h, r, c->action, c->api, c->next);
  if (NULL != c->fields) {
    c->fields(h, r, c->ctx);
  }
  HTML_LIT(h, "<p class=\"actions\"><button type=\"submit\" class=\"danger\">");
  html_text(h, L(r, c->button_key));
  HTML_LIT(h, "</button> <a class=\"button secondary\" data-confirm-cancel");
  html_attr_url(h, "href", c->back);
  HTML_LIT(h, ">");
  html_text(h, L(r, "confirm.cancel"));
  HTML_LIT(h, "</a></p></form></div>");
  layout_end(h, r);
  return layout_reply(r, 200, h);
}

void confirm_link(struct html *h, const char *href, const char *label, const char *aria_label) {
  HTML_LIT(h, "<a class=\"button secondary\" data-confirm");
  html_attr_url(h, "href", href);
  html_attr(h, "aria-label", NULL != aria_label ? aria_label : label);
  HTML_LIT(h, ">");
  html_text(h, label);
  HTML_LIT(h, "\xE2\x80\xA6</a>");
}
