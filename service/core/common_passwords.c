/*
 * The lookup in the common-password list that the password policy refuses. The list itself
 * is data, a text file beside this one that the build compiles in. It is searched linearly:
 * a few thousand comparisons are nothing beside one scrypt hash.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "core/common_passwords.h"
#include "ujikom/password.h"

bool password_is_common(const char *password) {
  char lower[PASSWORD_MAX_LEN + 1];
  size_t n = 0;

  if (NULL == password) {
    return false;
  }
  for (; password[n] != '\0'; n++) {
    if (n >= PASSWORD_MAX_LEN) {
      return false; /* longer than anything in the list */
    }
    char c = password[n];
    lower[n] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
  }
  lower[n] = '\0';
  for (size_t i = 0; i < common_passwords_count; i++) {
    if (0 == strcmp(common_passwords[i], lower)) {
      return true;
    }
  }
  return false;
}

size_t password_common_count(void) {
  return common_passwords_count;
}
