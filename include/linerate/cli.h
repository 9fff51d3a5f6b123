/* SPDX-License-Identifier: MIT */
/*
 * cli: the subcommand table (src/main.c) and helpers shared by the thin
 * per-subcommand files in src/cli/.
 */
#ifndef LINERATE_CLI_H
#define LINERATE_CLI_H

#include <getopt.h>
#include <stdint.h>

struct lr_cmd {
	const char *name;
	int (*fn)(int argc, char **argv); /* returns an enum lr_exit */
	const char *summary;
};

int cmd_serve(int argc, char **argv);
int cmd_pair(int argc, char **argv);
int cmd_devices(int argc, char **argv);
int cmd_preflight(int argc, char **argv);
int cmd_model(int argc, char **argv);
int cmd_cluster(int argc, char **argv);
int cmd_report(int argc, char **argv);

/*
 * Report a usage error as "linerate CMD: MESSAGE" on stderr and return
 * LR_EXIT_USAGE.
 */
int lr_cli_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The message for a getopt_long failure ('?' or ':'), returns LR_EXIT_USAGE. */
int lr_cli_bad_option(const char *cmd, char **argv, const struct option *opts);

/* Parse an option value, or print "--NAME: 'VALUE' ... (expected RANGE)". */
int lr_cli_size(const char *cmd, const char *flag, const char *val,
		uint64_t min, uint64_t max, uint64_t *out);
int lr_cli_uint(const char *cmd, const char *flag, const char *val,
		uint64_t min, uint64_t max, uint64_t *out);
int lr_cli_seconds(const char *cmd, const char *flag, const char *val,
		   double min, double max, double *out);

#endif
