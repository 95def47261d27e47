/*
 * `ujikom config`: prints the configuration table that the daemon reads, as the README's
 * markdown table or as the daemon's --help text, so documentation cannot drift from code.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "common/config.h"

int cmd_config(int argc, char **argv) {
  if (argc >= 2 && 0 == strcmp(argv[1], "--help")) {
    printf("usage: ujikom config [--markdown|--help-text]\n"
           "Prints every daemon option: flag, environment variable, default, range, meaning.\n");
    return 0;
  }
  if (argc >= 2 && 0 == strcmp(argv[1], "--help-text")) {
    config_print_help(stdout, "ujikomd", "The ujikom daemon.");
    return 0;
  }
  if (argc >= 2 && 0 != strcmp(argv[1], "--markdown")) {
    fprintf(stderr, "ujikom config: unknown option '%s'\n", argv[1]);
    return 2;
  }
  config_print_markdown(stdout);
  return 0;
}
