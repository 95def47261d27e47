/*
 * The accounts JSON API: register, log in (cookie, optionally a bearer token), log out,
 * log out everywhere, change password, and who am I. The work is in the auth module; these
 * only read the JSON body and shape the answers.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "http/auth.h"
#include "http/handlers.h"

/* A string member of the JSON body, or NULL when the body is not an object or the member
 * is missing, not a string, or contains a NUL. */
static const char *json_str(const struct req *r, const char *name) {
  json_t *v;
  const char *s;
  if (NULL == r->json || !json_is_object(r->json)) {
    return NULL;
  }
  v = json_object_get(r->json, name);
  if (!json_is_string(v)) {
    return NULL;
  }
  s = json_string_value(v);
  return strlen(s) == json_string_length(v) ? s : NULL;
}

static json_t *user_json(int64_t id, const char *name, const char *email, enum role role) {
  return json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id, "name", name, "email", email,
                   "role", role_name(role));
}

static int require_object(struct req *r) {
  if (NULL == r->json || !json_is_object(r->json)) {
    reply_error(r, ERR_INVALID_FIELD, "A JSON object body is required.");
    return -1;
  }
  return 0;
}

int h_auth_register(struct req *r) {
  const char *name;
  const char *email;
  int64_t id = 0;
  if (!auth_same_origin(r)) {
    return reply_error(r, ERR_CSRF, NULL);
  }
  if (require_object(r)) {
    return 0;
  }
  name = json_str(r, "name");
  email = json_str(r, "email");
  if (0 != auth_register(r, name, email, json_str(r, "password"), &id)) {
    return 0; /* already answered */
  }
  return reply_json(r, 201, json_pack("{s:o}", "user", user_json(id, name, email, ROLE_CANDIDATE)));
}

int h_auth_login(struct req *r) {
  struct req_user u;
  char token[44];
  json_t *body = NULL;
  json_t *bearer;
  int ret;
  if (!auth_same_origin(r)) {
    return reply_error(r, ERR_CSRF, NULL);
  }
  if (require_object(r)) {
    return 0;
  }
  bearer = json_object_get(r->json, "bearer");
  if (NULL != bearer && !json_is_boolean(bearer)) {
    return reply_error(r, ERR_INVALID_FIELD, "bearer: must be true or false.");
  }
  if (0 != auth_login(r, json_str(r, "email"), json_str(r, "password"), token, &u)) {
    return 0; /* already answered */
  }
  body = json_pack("{s:o, s:s}", "user", user_json(u.id, u.name, u.email, u.role), "csrf", u.csrf);
  if (NULL != body && json_is_true(bearer)) {
    json_object_set_new(body, "token", json_string(token));
  }
  auth_set_cookie(r, token);
  reply_header(r, "Cache-Control", "no-store");
  ret = reply_json(r, 200, body);
  OPENSSL_cleanse(token, sizeof token);
  OPENSSL_cleanse(&u, sizeof u);
  return ret;
}

int h_auth_logout(struct req *r) {
  if (0 != auth_logout(r)) {
    return 0;
  }
  auth_set_cookie(r, NULL);
  return reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

int h_auth_logout_all(struct req *r) {
  int64_t n = 0;
  if (0 != auth_logout_all(r, r->user->id, &n)) {
    return 0;
  }
  auth_set_cookie(r, NULL);
  return reply_json(r, 200, json_pack("{s:b, s:I}", "ok", 1, "sessions", (json_int_t)n));
}

int h_auth_me(struct req *r) {
  const struct req_user *u = r->user;
  return reply_json(r, 200,
                    json_pack("{s:o, s:s}", "user", user_json(u->id, u->name, u->email, u->role),
                              "csrf", u->csrf));
}

int h_auth_password(struct req *r) {
  struct req_user u;
  char token[44];
  json_t *body;
  int ret;
  if (require_object(r)) {
    return 0;
  }
  if (0 != auth_change_password(r, json_str(r, "current_password"), json_str(r, "new_password"),
                                token, &u)) {
    return 0; /* already answered */
  }
  body = json_pack("{s:o, s:s}", "user", user_json(u.id, u.name, u.email, u.role), "csrf", u.csrf);
  auth_set_cookie(r, token);
  reply_header(r, "Cache-Control", "no-store");
  ret = reply_json(r, 200, body);
  OPENSSL_cleanse(token, sizeof token);
  OPENSSL_cleanse(&u, sizeof u);
  return ret;
}
