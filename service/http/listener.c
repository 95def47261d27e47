/*
 * The listening socket: the --listen text parsed as an IPv4 or IPv6 address and a port.
 */
#include "http/listener.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Parses "ADDR:PORT" or "[ADDR6]:PORT" into ss. */
static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *sslen) {
  char host[128];
  const char *colon;
  memset(ss, 0, sizeof(*ss));
  if ('[' == listen[0]) {
    const char *close = strchr(listen, ']');
    if (NULL == close || ':' != close[1] || (size_t)(close - listen - 1) >= sizeof(host)) {
      return -1;
    }
    memcpy(host, listen + 1, (size_t)(close - listen - 1));
    host[close - listen - 1] = '\0';
    colon = close + 1;
  } else {
    colon = strrchr(listen, ':');
    if (NULL == colon || (size_t)(colon - listen) >= sizeof(host)) {
      return -1;
    }
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
  }
  char *end = NULL;
  errno = 0;
  long port = strtol(colon + 1, &end, 10);
  if (0 != errno || end == colon + 1 || '\0' != *end || port < 0 || port > 65535) {
    return -1;
  }
  struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
  if (1 == inet_pton(AF_INET, host, &in4->sin_addr)) {
    in4->sin_family = AF_INET;
    in4->sin_port = htons((uint16_t)port);
    *sslen = sizeof(*in4);
    return 0;
  }
  if (1 == inet_pton(AF_INET6, host, &in6->sin6_addr)) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons((uint16_t)port);
    *sslen = sizeof(*in6);
    return 0;
  }
  return -1;
}

int listener_open(const char *listen_at, uint16_t *out_port, char *err, size_t errlen) {
  struct sockaddr_storage ss;
  socklen_t sslen = 0;
  *out_port = 0;
  if (0 != parse_listen(listen_at, &ss, &sslen)) {
    snprintf(err, errlen, "--listen: '%s' is not ADDR:PORT", listen_at);
    return -1;
  }
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    snprintf(err, errlen, "cannot create a socket: %s", strerror(errno));
    return -1;
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (0 != bind(fd, (struct sockaddr *)&ss, sslen) || 0 != listen(fd, 1024)) {
    snprintf(err, errlen, "cannot listen on %s: %s", listen_at, strerror(errno));
    close(fd);
    return -1;
  }
  struct sockaddr_storage bound;
  socklen_t blen = sizeof(bound);
  getsockname(fd, (struct sockaddr *)&bound, &blen);
  *out_port = ntohs(AF_INET == bound.ss_family ? ((struct sockaddr_in *)&bound)->sin_port
                                               : ((struct sockaddr_in6 *)&bound)->sin6_port);
  return fd;
}
