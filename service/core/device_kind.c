/*
 * The kind of device a User-Agent header names (include/ujikom/device_kind.h).
 *
 * Browsers built on another one name it too ("... Chrome/120 ... Edg/120", "... Chrome/120
 * ... SamsungBrowser/23"), and every browser on iOS is a Safari underneath ("CriOS" is
 * Chrome there, "FxiOS" Firefox), so the tokens are tried from the most specific to the
 * most general and the first that appears wins. Systems likewise: Android's header also
 * says "Linux", an iPad in desktop mode says "Macintosh".
 */
#include "ujikom/device_kind.h"

#include <stdio.h>
#include <string.h>

struct token {
  const char *text;
  int kind;
};

static const struct token browser_tokens[] = {
    {"EdgA/", DEVICE_BROWSER_EDGE},
    {"EdgiOS/", DEVICE_BROWSER_EDGE},
    {"Edg/", DEVICE_BROWSER_EDGE},
    {"Edge/", DEVICE_BROWSER_EDGE},
    {"OPR/", DEVICE_BROWSER_OPERA},
    {"OPT/", DEVICE_BROWSER_OPERA},
    {"OPiOS/", DEVICE_BROWSER_OPERA},
    {"Opera", DEVICE_BROWSER_OPERA},
    {"SamsungBrowser/", DEVICE_BROWSER_SAMSUNG},
    {"UCBrowser/", DEVICE_BROWSER_UC},
    {"UCWEB", DEVICE_BROWSER_UC},
    {"MiuiBrowser/", DEVICE_BROWSER_MIUI},
    {"FxiOS/", DEVICE_BROWSER_FIREFOX},
    {"Firefox/", DEVICE_BROWSER_FIREFOX},
    {"CriOS/", DEVICE_BROWSER_CHROME},
    {"Chrome/", DEVICE_BROWSER_CHROME},
    {"Chromium/", DEVICE_BROWSER_CHROME},
    {"Safari/", DEVICE_BROWSER_SAFARI},
};

static const struct token os_tokens[] = {
    {"Android", DEVICE_OS_ANDROID}, {"iPad", DEVICE_OS_IPAD},      {"iPhone", DEVICE_OS_IPHONE},
    {"iPod", DEVICE_OS_IPHONE},     {"CrOS", DEVICE_OS_CHROMEOS},  {"Windows", DEVICE_OS_WINDOWS},
    {"Macintosh", DEVICE_OS_MACOS}, {"Mac OS X", DEVICE_OS_MACOS}, {"Linux", DEVICE_OS_LINUX},
    {"X11", DEVICE_OS_LINUX},
};

static const char *const browser_codes[DEVICE_BROWSER__COUNT] = {
    [DEVICE_BROWSER_CHROME] = "chrome",   [DEVICE_BROWSER_EDGE] = "edge",
    [DEVICE_BROWSER_FIREFOX] = "firefox", [DEVICE_BROWSER_SAFARI] = "safari",
    [DEVICE_BROWSER_SAMSUNG] = "samsung", [DEVICE_BROWSER_OPERA] = "opera",
    [DEVICE_BROWSER_UC] = "uc",           [DEVICE_BROWSER_MIUI] = "miui",
};

static const char *const browser_names[DEVICE_BROWSER__COUNT] = {
    [DEVICE_BROWSER_CHROME] = "Chrome",
    [DEVICE_BROWSER_EDGE] = "Edge",
    [DEVICE_BROWSER_FIREFOX] = "Firefox",
    [DEVICE_BROWSER_SAFARI] = "Safari",
    [DEVICE_BROWSER_SAMSUNG] = "Samsung Internet",
    [DEVICE_BROWSER_OPERA] = "Opera",
    [DEVICE_BROWSER_UC] = "UC Browser",
    [DEVICE_BROWSER_MIUI] = "Mi Browser",
};

static const char *const os_codes[DEVICE_OS__COUNT] = {
    [DEVICE_OS_ANDROID] = "android", [DEVICE_OS_IPHONE] = "iphone",
    [DEVICE_OS_IPAD] = "ipad",       [DEVICE_OS_WINDOWS] = "windows",
    [DEVICE_OS_MACOS] = "macos",     [DEVICE_OS_CHROMEOS] = "chromeos",
    [DEVICE_OS_LINUX] = "linux",
};

static const char *const os_names[DEVICE_OS__COUNT] = {
    [DEVICE_OS_ANDROID] = "Android", [DEVICE_OS_IPHONE] = "iPhone",
    [DEVICE_OS_IPAD] = "iPad",       [DEVICE_OS_WINDOWS] = "Windows",
    [DEVICE_OS_MACOS] = "macOS",     [DEVICE_OS_CHROMEOS] = "ChromeOS",
    [DEVICE_OS_LINUX] = "Linux",
};

/* Whether text (n bytes, not NUL-terminated, may hold NULs) contains the token. */
static bool contains(const char *text, size_t n, const char *token) {
  size_t t = strlen(token);
  if (t > n) {
    return false;
  }
  for (const char *p = text, *last = text + (n - t); p <= last; p++) {
    p = memchr(p, token[0], (size_t)(last - p) + 1);
    if (NULL == p) {
      return false;
    }
    if (0 == memcmp(p, token, t)) {
      return true;
    }
  }
  return false;
}

static int first_match(const char *text, size_t n, const struct token *tokens, size_t count) {
  for (size_t i = 0; i < count; i++) {
    if (contains(text, n, tokens[i].text)) {
      return tokens[i].kind;
    }
  }
  return 0;
}

struct device_kind device_kind_of(const char *user_agent, size_t len) {
  struct device_kind k = {DEVICE_BROWSER_UNKNOWN, DEVICE_OS_UNKNOWN};
  if (NULL == user_agent) {
    return k;
  }
  if (len > DEVICE_KIND_UA_MAX) {
    len = DEVICE_KIND_UA_MAX;
  }
  k.browser = (enum device_browser)first_match(user_agent, len, browser_tokens,
                                               sizeof browser_tokens / sizeof browser_tokens[0]);
  k.os = (enum device_os)first_match(user_agent, len, os_tokens,
                                     sizeof os_tokens / sizeof os_tokens[0]);
  return k;
}

const char *device_browser_code(enum device_browser b) {
  return (unsigned)b < DEVICE_BROWSER__COUNT ? browser_codes[b] : NULL;
}

const char *device_browser_name(enum device_browser b) {
  return (unsigned)b < DEVICE_BROWSER__COUNT ? browser_names[b] : NULL;
}

const char *device_os_code(enum device_os o) {
  return (unsigned)o < DEVICE_OS__COUNT ? os_codes[o] : NULL;
}

const char *device_os_name(enum device_os o) {
  return (unsigned)o < DEVICE_OS__COUNT ? os_names[o] : NULL;
}

size_t device_kind_code(struct device_kind k, char *out, size_t cap) {
  const char *b = device_browser_code(k.browser);
  const char *o = device_os_code(k.os);
  if (NULL == out || 0 == cap) {
    return 0;
  }
  out[0] = '\0';
  if (NULL == b && NULL == o) {
    return 0;
  }
  size_t bn = NULL == b ? 0 : strlen(b), on = NULL == o ? 0 : strlen(o);
  if (bn + 1 + on + 1 > cap) {
    return 0;
  }
  memcpy(out, NULL == b ? "" : b, bn);
  out[bn] = '/';
  memcpy(out + bn + 1, NULL == o ? "" : o, on);
  out[bn + 1 + on] = '\0';
  return bn + 1 + on;
}

/* The index of the code of n bytes in codes (count entries, [0] unused), 0 for n == 0, -1
 * when it is none of them. */
static int code_index(const char *code, size_t n, const char *const *codes, int count) {
  if (0 == n) {
    return 0;
  }
  for (int i = 1; i < count; i++) {
    if (strlen(codes[i]) == n && 0 == memcmp(codes[i], code, n)) {
      return i;
    }
  }
  return -1;
}

bool device_kind_parse(const char *code, struct device_kind *out) {
  out->browser = DEVICE_BROWSER_UNKNOWN;
  out->os = DEVICE_OS_UNKNOWN;
  if (NULL == code || '\0' == code[0]) {
    return true;
  }
  const char *slash = strchr(code, '/');
  if (NULL == slash || NULL != strchr(slash + 1, '/')) {
    return false;
  }
  int b = code_index(code, (size_t)(slash - code), browser_codes, DEVICE_BROWSER__COUNT);
  int o = code_index(slash + 1, strlen(slash + 1), os_codes, DEVICE_OS__COUNT);
  if (b < 0 || o < 0 || (0 == b && 0 == o)) {
    return false;
  }
  out->browser = (enum device_browser)b;
  out->os = (enum device_os)o;
  return true;
}

json_t *device_kind_json(const char *code) {
  struct device_kind k;
  if (!device_kind_parse(code, &k) ||
      (DEVICE_BROWSER_UNKNOWN == k.browser && DEVICE_OS_UNKNOWN == k.os)) {
    return json_null();
  }
  return json_pack("{s:s?, s:s?}", "browser", device_browser_code(k.browser), "os",
                   device_os_code(k.os));
}

size_t device_kind_words(const char *code, bool english, char *out, size_t cap) {
  struct device_kind k;
  const char *b = NULL, *o = NULL;
  int n;
  if (NULL == out || 0 == cap) {
    return 0;
  }
  if (device_kind_parse(code, &k)) {
    b = device_browser_name(k.browser);
    o = device_os_name(k.os);
  }
  if (NULL != b && NULL != o) {
    n = snprintf(out, cap, "%s %s %s", b, english ? "on" : "di", o);
  } else if (NULL != b) {
    n = snprintf(out, cap, "%s", b);
  } else if (NULL != o) {
    n = snprintf(out, cap, english ? "another browser on %s" : "peramban lain di %s", o);
  } else {
    n = snprintf(out, cap, "%s", english ? "not recognised" : "tidak dikenali");
  }
  return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}
