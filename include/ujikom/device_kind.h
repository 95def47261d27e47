/*
 * What kind of device a sign-in came from, as its holder would name it ("Chrome di
 * Android", "Safari di iPhone"), read from the request's User-Agent header: a browser
 * family and a system family, each from a fixed list. Only that pair is kept with the
 * session (its code, "chrome/android"), never the header: a full User-Agent string, with
 * its versions and device model, can single a person out, and the pair is all the holder
 * needs to tell the test site's computer from their own phone on the sessions page.
 *
 * The header is outside input of any length and bytes; only its first
 * DEVICE_KIND_UA_MAX bytes are looked at, for fixed product tokens. What it names is a
 * claim, not a proof: any client can send any header, so the kind is shown as a help to
 * recognise a session and is never used to decide anything.
 */
#ifndef UJIKOM_DEVICE_KIND_H
#define UJIKOM_DEVICE_KIND_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Bytes of a User-Agent header that are read; the rest is ignored. */
#define DEVICE_KIND_UA_MAX 512
/* Room for the longest code device_kind_code writes, with its NUL. */
#define DEVICE_KIND_CODE_SIZE 24

enum device_browser {
  DEVICE_BROWSER_UNKNOWN = 0,
  DEVICE_BROWSER_CHROME,
  DEVICE_BROWSER_EDGE,
  DEVICE_BROWSER_FIREFOX,
  DEVICE_BROWSER_SAFARI,
  DEVICE_BROWSER_SAMSUNG,
  DEVICE_BROWSER_OPERA,
  DEVICE_BROWSER_UC,
  DEVICE_BROWSER_MIUI,
  DEVICE_BROWSER__COUNT
};

enum device_os {
  DEVICE_OS_UNKNOWN = 0,
  DEVICE_OS_ANDROID,
  DEVICE_OS_IPHONE,
  DEVICE_OS_IPAD,
  DEVICE_OS_WINDOWS,
  DEVICE_OS_MACOS,
  DEVICE_OS_CHROMEOS,
  DEVICE_OS_LINUX,
  DEVICE_OS__COUNT
};

struct device_kind {
  enum device_browser browser;
  enum device_os os;
};

/* The kind named by the first len bytes of a User-Agent header (NULL or empty: unknown,
 * unknown). Any bytes are accepted; nothing is allocated. */
struct device_kind device_kind_of(const char *user_agent, size_t len);

/* Writes the kind's stored code into out (cap >= DEVICE_KIND_CODE_SIZE): "browser/os" from
 * the lower-case names below, either part "" when unknown ("chrome/", "/android"), or ""
 * when both are. Returns its length, or 0 when out is too small (out then ""). */
size_t device_kind_code(struct device_kind k, char *out, size_t cap);

/* Reads a stored code back. false, with *out unknown/unknown, for anything
 * device_kind_code does not write (NULL and "" read as unknown/unknown and true). */
bool device_kind_parse(const char *code, struct device_kind *out);

/* A stored code in words, for a mail or a console (pages take theirs from the catalogue):
 * "Chrome di Android" / "Chrome on Android", "Chrome" (system not recognised), "peramban
 * lain di Android" / "another browser on Android", "tidak dikenali" / "not recognised" (""
 * or a code device_kind_code does not write). Returns the length written into out (cut to
 * fit cap). */
size_t device_kind_words(const char *code, bool english, char *out, size_t cap);

/* A stored code as the API writes it: {"browser": "chrome", "os": "android"}, either member
 * null when not recognised, or JSON null when neither is (or code is not one
 * device_kind_code writes). A new reference; NULL only when out of memory. */
json_t *device_kind_json(const char *code);

/* A family's code ("chrome", "android") and its name as people write it ("Chrome",
 * "Samsung Internet", "iPhone"); NULL for unknown or out of range. Names are product
 * names, the same in every language. */
const char *device_browser_code(enum device_browser b);
const char *device_browser_name(enum device_browser b);
const char *device_os_code(enum device_os o);
const char *device_os_name(enum device_os o);

#endif
