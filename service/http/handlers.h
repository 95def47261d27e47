/*
 * Every handler, declared once, grouped by resource file (service/http/h_<resource>.c).
 * Add your declarations inside your resource's group.
 */
#ifndef UJIKOM_HANDLERS_H
#define UJIKOM_HANDLERS_H

#include "http/http.h"

/* --- health (h_health.c) --- */
int h_healthz(struct req *r);
int h_readyz(struct req *r);

/* --- auth (h_auth.c) --- */
int h_auth_register(struct req *r);
int h_auth_login(struct req *r);
int h_auth_logout(struct req *r);
int h_auth_logout_all(struct req *r);
int h_auth_me(struct req *r);

/* --- exams and attempts (h_subsectors.c, h_exams.c, h_attempts.c) --- */

/* --- certificates and verification (h_certificates.c, h_verify.c, h_jwks.c) --- */

/* --- reviews, appeals, admin (h_reviews.c, h_appeals.c, h_admin.c) --- */

/* --- pages and static assets (h_page_*.c, h_static.c, h_lang.c) --- */
int h_static(struct req *r);
int h_lang(struct req *r);
int h_page_login_form(struct req *r);
int h_page_login(struct req *r);
int h_page_register_form(struct req *r);
int h_page_register(struct req *r);
int h_page_logout(struct req *r);
int h_page_home(struct req *r);

#endif
