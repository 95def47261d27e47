/*
 * One bounded GET with libcurl (see fetch.h).
 */
#include "common/fetch.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct body {
  char *data;
  size_t len, max;
  bool too_large;
};

static size_t write_cb(char *ptr, size_t size, size_t nmemb, void *arg) {
  struct body *b = arg;
  size_t n = size * nmemb;
  if (n > b->max - b->len) {
    b->too_large = true;
    return 0; /* aborts the transfer */
  }
  char *grown = realloc(b->data, b->len + n + 1);
  if (NULL == grown) {
    return 0;
  }
  b->data = grown;
  memcpy(b->data + b->len, ptr, n);
  b->len += n;
  b->data[b->len] = '\0';
  return n;
}

long fetch_url(char **out, size_t *out_len, const char *url, size_t max, char *err, size_t errlen) {
  struct body b = {.data = NULL, .len = 0, .max = max, .too_large = false};
  long status = -1;
  *out = NULL;
  *out_len = 0;
  CURL *curl = curl_easy_init();
  if (NULL == curl) {
    snprintf(err, errlen, "cannot start an HTTP client");
    return -1;
  }
  curl_easy_setopt(curl, CURLOPT_URL, url);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)FETCH_TIMEOUT_S);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
  CURLcode rc = curl_easy_perform(curl);
  if (CURLE_OK == rc) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  } else if (b.too_large) {
    snprintf(err, errlen, "%s: larger than %zu bytes", url, max);
  } else {
    snprintf(err, errlen, "%s: %s", url, curl_easy_strerror(rc));
  }
  curl_easy_cleanup(curl);
  if (200 == status) {
    if (NULL == b.data && NULL == (b.data = calloc(1, 1))) {
      snprintf(err, errlen, "out of memory");
      return -1;
    }
    *out = b.data;
    *out_len = b.len;
    return status;
  }
  free(b.data);
  return status;
}
