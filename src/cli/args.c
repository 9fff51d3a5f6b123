// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "linerate/cli.h"
#include "linerate/util.h"

int lr_cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "linerate %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return LR_EXIT_USAGE;
}

int lr_cli_bad_option(const char *cmd, char **argv, const struct option *opts)
{
	const char *arg = argv[optind - 1];

	(void)opts;
	if (optopt) {
		for (const struct option *o = opts; o->name; o++)
			if (o->val == optopt && o->has_arg == required_argument)
				return lr_cli_usage(
					cmd,
					"option '--%s' needs a value "
					"(see 'linerate %s --help')",
					o->name, cmd);
		return lr_cli_usage(cmd,
				    "unknown option '-%c' "
				    "(see 'linerate %s --help')",
				    optopt, cmd);
	}
	if (strchr(arg, '=') || !strncmp(arg, "--", 2)) {
		/* getopt_long leaves optopt 0 for long options */
		for (const struct option *o = opts; o->name; o++) {
			size_t n = strlen(o->name);

			if (!strncmp(arg + 2, o->name, n) &&
			    (arg[2 + n] == '\0' || arg[2 + n] == '=') &&
			    o->has_arg == required_argument)
				return lr_cli_usage(
					cmd,
					"option '--%s' needs a value "
					"(see 'linerate %s --help')",
					o->name, cmd);
		}
	}
	return lr_cli_usage(cmd,
			    "unknown option '%s' (see 'linerate %s --help')",
			    arg, cmd);
}

int lr_cli_size(const char *cmd, const char *flag, const char *val,
		uint64_t min, uint64_t max, uint64_t *out)
{
	char lo[32], hi[32];
	int ret = lr_parse_size(val, min, max, out);

	if (!ret)
		return 0;
	lr_fmt_size(min, lo, sizeof(lo));
	lr_fmt_size(max, hi, sizeof(hi));
	return lr_cli_usage(cmd,
			    "--%s: '%s' is %s (expected %s to %s, "
			    "e.g. 64K or 1M)",
			    flag, val,
			    ret == -ERANGE ? "out of range" : "not a size", lo,
			    hi);
}

int lr_cli_uint(const char *cmd, const char *flag, const char *val,
		uint64_t min, uint64_t max, uint64_t *out)
{
	int ret = lr_parse_uint(val, min, max, out);

	if (!ret)
		return 0;
	return lr_cli_usage(cmd,
			    "--%s: '%s' is %s (expected an integer "
			    "from %llu to %llu)",
			    flag, val,
			    ret == -ERANGE ? "out of range" : "not a number",
			    (unsigned long long)min, (unsigned long long)max);
}

int lr_cli_seconds(const char *cmd, const char *flag, const char *val,
		   double min, double max, double *out)
{
	int ret = lr_parse_seconds(val, min, max, out);

	if (!ret)
		return 0;
	return lr_cli_usage(cmd,
			    "--%s: '%s' is %s (expected seconds from "
			    "%g to %g, e.g. 10 or 500ms)",
			    flag, val,
			    ret == -ERANGE ? "out of range" : "not a duration",
			    min, max);
}
