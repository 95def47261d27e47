/*
 * Fuzzes a JSON request body the way the dispatcher and the accounts API take it: the depth
 * pre-check, jansson with duplicate keys refused, then the fields a login or registration
 * reads (e-mail, name, password, bearer) through the password policy, and a stored-hash
 * string through the hash parser. Also checks that the depth pre-check never lets through
 * what jansson would nest deeper than allowed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "http/parse.h"
#include "ujikom/utf8.h"
#include "ujikom/password.h"
#include "ujikom/session_token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_DEPTH 8

static int depth_of(const json_t *j) {
  int deepest = 0;
  if (json_is_object(j)) {
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)(uintptr_t)j, k, v) {
      int d = depth_of(v);
      deepest = d > deepest ? d : deepest;
    }
    return deepest + 1;
  }
  if (json_is_array(j)) {
    size_t i;
    const json_t *v;
    json_array_foreach(j, i, v) {
      int d = depth_of(v);
      deepest = d > deepest ? d : deepest;
    }
    return deepest + 1;
  }
  return 0;
}

static const char *str_field(const json_t *obj, const char *name) {
  const json_t *v = json_object_get(obj, name);
  if (!json_is_string(v)) {
    return NULL;
  }
  const char *s = json_string_value(v);
  return strlen(s) == json_string_length(v) ? s : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  json_error_t err;
  json_t *j;
  if (!json_depth_ok((const char *)data, size, MAX_DEPTH)) {
    return 0;
  }
  j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &err);
  if (NULL == j) {
    return 0;
  }
  if (depth_of(j) > MAX_DEPTH) {
    abort(); /* the pre-check let a too-deep document through */
  }
  if (json_is_object(j)) {
    const char *email = str_field(j, "email");
    const char *name = str_field(j, "name");
    const char *password = str_field(j, "password");
    const char *token = str_field(j, "token");
    const char *hash = str_field(j, "hash");
    if (NULL != hash && !password_needs_rehash(hash, PASSWORD_LOG2N_DEFAULT) &&
        0 != strncmp(hash, "$scrypt$ln=15,r=8,p=1$", 22)) {
      abort(); /* only a hash with the current parameters may be "up to date" */
    }
    if (NULL != email && !utf8_well_formed(email, strlen(email))) {
      abort(); /* jansson promised UTF-8 */
    }
    if (NULL != password) {
      enum password_strength s = password_check_strength(password, email, name);
      if (PASSWORD_STRONG == s && strlen(password) < PASSWORD_MIN_LEN) {
        abort();
      }
      if (NULL == password_strength_message(s)) {
        abort();
      }
      (void)password_is_common(password);
    }
    if (NULL != token && session_token_well_formed(token) && strlen(token) != SESSION_TOKEN_LEN) {
      abort();
    }
  }
  json_decref(j);
  return 0;
}
