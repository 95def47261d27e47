/*
 * Raw secret key files under the data directory (the second factor's sealing key, the
 * transparency log's signing key): a fixed number of random bytes, created once with
 * O_EXCL|O_NOFOLLOW and mode 0600, and refused when anyone else could read or replace them.
 */
#ifndef UJIKOM_KEYFILE_H
#define UJIKOM_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reads exactly len bytes of key material from path into out, first creating the file with
 * len fresh random bytes (RAND_bytes, fsync'd) when it is missing and create is true.
 * Refuses, with one line in err: a symlink, anything but a regular file, a file readable or
 * writable by group or others, a file of another size. Returns 0, or -1 (out is then wiped). */
int keyfile_secret(uint8_t *out, size_t len, const char *path, bool create, char *err,
                   size_t errlen);

#endif
