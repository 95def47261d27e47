/*
 * Confirmation before an irreversible action (revoke a certificate, disable an account,
 * reset a second factor): a link that leads to a confirmation page (GET says what will
 * happen and holds the form; its POST does it), which static/staff.js opens in a <dialog>
 * instead when scripts run. One mechanism for every such action: a row offers
 * confirm_link, the action's GET route answers confirm_page.
 */
#ifndef UJIKOM_CONFIRM_H
#define UJIKOM_CONFIRM_H

#include "http/html.h"
#include "http/server.h"

struct confirm {
  const char *title_key;  /* heading (catalogue key) */
  const char *what_key;   /* what will happen (catalogue key), its {name} replaced by name */
  const char *name;       /* the object acted on, as people know it */
  const char *action;     /* the page route the form posts to without scripts */
  const char *api;        /* the JSON API the form posts to with scripts */
  const char *next;       /* where the browser goes after success ("...?notice=<code>") */
  const char *back;       /* where "cancel" leads without scripts */
  const char *button_key; /* the confirming button's words (catalogue key) */
  /* Writes the form's own fields (a reason, ...); NULL when there are none. */
  void (*fields)(struct html *h, const struct req *r, const void *ctx);
  const void *ctx;
};

/* Answers the confirmation page for c (200), or 500 when out of memory. */
int confirm_page(struct req *r, const struct confirm *c);

/* The link to an action's confirmation page: label is its text (an ellipsis is added, as the
 * action asks before it acts), aria_label names the action and its object for screen
 * readers (NULL: label). */
void confirm_link(struct html *h, const char *href, const char *label, const char *aria_label);

#endif
