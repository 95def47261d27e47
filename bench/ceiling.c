/*
 * The ceiling: the fastest answer libmicrohttpd can give on this machine with the same
 * thread settings as ujikomd (internal thread pool, poll, inter-thread channel). It answers
 * every request with a fixed 1 KB body over keep-alive, so a scenario's requests per second
 * divided by this figure shows how much of the budget the service itself spends.
 *
 * The response is queued on the SECOND access-handler call: queuing on the first makes
 * libmicrohttpd 0.9.75 answer "Connection: close" and the ceiling would measure TCP set-up.
 *
 * usage: ceiling [--listen-port N] [--threads N] [--port-file FILE] [--max-conns N]
 *                [--memory-limit BYTES]   (per-connection memory pool, as ujikomd --max-header)
 *                [--event-loop poll|epoll] (as ujikomd --event-loop)
 * Runs until SIGTERM or SIGINT.
 */
#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BODY_SIZE 1024

struct ceiling {
  struct MHD_Response *resp; /* shared, immutable, reference-counted by libmicrohttpd */
};

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls) {
  struct ceiling *c = cls;
  (void)url;
  (void)method;
  (void)version;
  (void)upload_data;
  if (NULL == *con_cls) {
    *con_cls = c; /* first call: headers only; answer on the next call */
    return MHD_YES;
  }
  if (*upload_data_size > 0) {
    *upload_data_size = 0; /* discard any body */
    return MHD_YES;
  }
  return MHD_queue_response(conn, MHD_HTTP_OK, c->resp);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  (void)cls;
  (void)conn;
  (void)toe;
  *con_cls = NULL;
}

/* Parses a whole decimal number in [min, max]; -1 when it is not one. */
static long parse_long(const char *s, long min, long max) {
  char *end = NULL;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (0 != errno || end == s || '\0' != *end || v < min || v > max) {
    return -1;
  }
  return v;
}

static int write_port_file(const char *path, unsigned port) {
  char tmp[PATH_MAX];
  if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
    return -1;
  }
  FILE *f = fopen(tmp, "w");
  if (NULL == f) {
    return -1;
  }
  fprintf(f, "%u\n", port);
  if (0 != fclose(f)) {
    return -1;
  }
  return rename(tmp, path);
}

int main(int argc, char **argv) {
  long port = 0, threads = 0, max_conns = 16384, memory_limit = 32768;
  const char *port_file = NULL;
  unsigned loop_flag = MHD_USE_EPOLL;
  for (int i = 1; i < argc; i++) {
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (NULL != v && 0 == strcmp(argv[i], "--listen-port")) {
      port = parse_long(v, 0, 65535);
    } else if (NULL != v && 0 == strcmp(argv[i], "--threads")) {
      threads = parse_long(v, 0, 256);
    } else if (NULL != v && 0 == strcmp(argv[i], "--max-conns")) {
      max_conns = parse_long(v, 16, 1000000);
    } else if (NULL != v && 0 == strcmp(argv[i], "--memory-limit")) {
      memory_limit = parse_long(v, 4096, 1048576);
    } else if (NULL != v && 0 == strcmp(argv[i], "--port-file")) {
      port_file = v;
    } else if (NULL != v && 0 == strcmp(argv[i], "--event-loop") &&
               (0 == strcmp(v, "poll") || 0 == strcmp(v, "epoll"))) {
      loop_flag = 0 == strcmp(v, "poll") ? MHD_USE_POLL : MHD_USE_EPOLL;
    } else {
      fprintf(stderr,
              "usage: ceiling [--listen-port N] [--threads N] [--max-conns N] [--port-file F]\n"
              "               [--memory-limit BYTES] [--event-loop poll|epoll]\n");
      return 2;
    }
    if (port < 0 || threads < 0 || max_conns < 0 || memory_limit < 0) {
      fprintf(stderr, "ceiling: bad value for %s: '%s'\n", argv[i], v);
      return 2;
    }
    i++;
  }
  if (0 == threads) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    threads = n > 0 ? n : 1;
  }

  static char body[BODY_SIZE];
  for (size_t i = 0; i < sizeof body; i++) {
    body[i] = (char)('a' + (char)(i % 26));
  }
  body[sizeof body - 1] = '\n';
  struct ceiling c = {0};
  c.resp = MHD_create_response_from_buffer(sizeof body, body, MHD_RESPMEM_PERSISTENT);
  if (NULL == c.resp) {
    fprintf(stderr, "ceiling: cannot create the response\n");
    return 1;
  }
  MHD_add_response_header(c.resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");

  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, NULL);
  signal(SIGPIPE, SIG_IGN);

  struct MHD_Daemon *d = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | loop_flag | MHD_USE_ITC | MHD_USE_ERROR_LOG, (uint16_t)port,
      NULL, NULL, on_request, &c, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
      MHD_OPTION_CONNECTION_LIMIT, (unsigned)max_conns + 64, MHD_OPTION_CONNECTION_TIMEOUT,
      (unsigned)30, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)memory_limit,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
      MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, MHD_OPTION_END);
  if (NULL == d) {
    fprintf(stderr, "ceiling: cannot start on port %ld\n", port);
    MHD_destroy_response(c.resp);
    return 1;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  unsigned bound = NULL != info ? info->port : (unsigned)port;
  if (NULL != port_file && 0 != write_port_file(port_file, bound)) {
    fprintf(stderr, "ceiling: cannot write %s\n", port_file);
    MHD_stop_daemon(d);
    MHD_destroy_response(c.resp);
    return 1;
  }
  fprintf(stderr, "ceiling: listening on port %u with %ld threads\n", bound, threads);
  int sig = 0;
  while (0 != sigwait(&sigs, &sig)) {
    ;
  }
  MHD_stop_daemon(d);
  MHD_destroy_response(c.resp);
  return 0;
}
