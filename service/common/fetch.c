/*
 * One bounded HTTP GET with libcurl (see fetch.h).
 */
#include "common/fetch.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool fetch_is_url(const char *text) {
  return 0 == strncmp(text, "https://", 8) || 0 == strncmp(text, "http://", 7);
}

struct body {
  char *data;
  size_t len, max;
  bool too_large;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *arg) {
  struct body *b = arg;
  size_t n = size * nmemb;
  if (n > b->max - b->len) {
    b->too_large = true;
    return 0; /* stops the transfer */
  }
  memcpy(b->data + b->len, ptr, n);
  b->len += n;
  return n;
}

int fetch_url(char **out, size_t *out_len, const char *url, size_t max, char *err, size_t errlen) {
  struct body b = {.data = malloc(max + 1), .max = max};
  long status = 0;
  int rc = -1;
  *out = NULL;
  *out_len = 0;
  CURL *curl = NULL == b.data ? NULL : curl_easy_init();
  if (NULL == curl) {
    snprintf(err, errlen, "%s: out of memory", url);
    free(b.data);
    return -1;
  }
  curl_easy_setopt(curl, CURLOPT_URL, url);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 3L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
  CURLcode cc = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  if (b.too_large) {
    snprintf(err, errlen, "%s: larger than %zu bytes", url, max);
  } else if (CURLE_OK != cc) {
    snprintf(err, errlen, "%s: %s", url, curl_easy_strerror(cc));
  } else if (200 != status) {
    snprintf(err, errlen, "%s: HTTP status %ld", url, status);
  } else {
    b.data[b.len] = '\0';
    *out = b.data;
    *out_len = b.len;
    b.data = NULL;
    rc = 0;
  }
  curl_easy_cleanup(curl);
  free(b.data);
  return rc;
}
