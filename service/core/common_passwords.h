/*
 * The common-password list, generated at build time from the text file of the same name
 * beside this header. Internal to the core: the public interface is password_is_common()
 * in ujikom/password.h.
 */
#ifndef UJIKOM_CORE_COMMON_PASSWORDS_H
#define UJIKOM_CORE_COMMON_PASSWORDS_H

#include <stddef.h>

/* Lower-case entries, in the order of the text file. */
extern const char *const common_passwords[];
extern const size_t common_passwords_count;

#endif
