// SPDX-License-Identifier: MIT
/* linerate serve: answer 'pair' tests, over TCP or over stdin/stdout. */
#include <getopt.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "linerate/cli.h"
#include "linerate/control.h"
#include "linerate/place.h"
#include "linerate/util.h"

static void serve_usage(void)
{
	printf("usage: linerate serve [--listen ADDR[:PORT]] [--once] "
	       "[--timeout S] [--numa auto|N|off] [--cpus LIST] [-q|-v]\n"
	       "       linerate serve --stdio\n\n"
	       "  --listen ADDR[:PORT]  control address (default: every "
	       "address, port %d)\n"
	       "  --once                serve one session, then exit\n"
	       "  --stdio               one session on stdin/stdout (for ssh)\n"
	       "  --timeout S           bound on data connection set-up "
	       "(default 10)\n"
	       "  --numa auto|N|off     each test's buffers, rings and workers "
	       "on its device's\n"
	       "                        NUMA node (default auto), on node N, "
	       "or not placed\n"
	       "  --cpus LIST           pin the workers to these CPUs, one each "
	       "(tests at once\n"
	       "                        take different cores)\n"
	       "  -q, --quiet           warnings and errors only\n"
	       "  -v, --verbose         debug messages\n\n"
	       "With LINERATE_SECRET in the environment (a cluster run under "
	       "Slurm), every client\nmust present it.\n"
	       "Limits a client cannot exceed: %u streams, %llu MiB messages, "
	       "%g s tests, %u-byte control frames, %d sessions at once.\n",
	       LR_CTL_PORT, LR_MAX_STREAMS, LR_MAX_MSG_SIZE >> 20,
	       LR_MAX_DURATION_S, LR_CTL_MAX_FRAME_SERVER, LR_CTL_MAX_SESSIONS);
}

static int serve_stdio(int timeout_ms)
{
	/* ssh authenticated the other end: it may drive this agent */
	struct lr_serve_opts o = { .timeout_ms = timeout_ms, .agents = true };
	struct lr_ctl c;
	int ret;

	lr_ctl_init(&c, STDIN_FILENO, STDOUT_FILENO, LR_CTL_MAX_FRAME_SERVER,
		    "stdio client");
	ret = lr_serve_session_opts(&c, NULL, &o);
	return ret ? LR_EXIT_RUNTIME : LR_EXIT_OK;
}

/*
 * LINERATE_SECRET (never an argument: ps shows arguments to every user):
 * clients must present it, and those that do may drive this server as a
 * cluster agent. Taken out of the environment once read.
 */
static int take_secret(char *out, size_t len)
{
	const char *s = getenv("LINERATE_SECRET");
	size_t n = s ? strlen(s) : 0;

	if (!s)
		return 0;
	if (n < 32 || n >= len || strspn(s, "0123456789abcdef") != n) {
		lr_err("LINERATE_SECRET must be 32 to 128 hex digits");
		return -1;
	}
	memcpy(out, s, n + 1);
	unsetenv("LINERATE_SECRET");
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "once", no_argument, NULL, '1' },
		{ "stdio", no_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "numa", required_argument, NULL, 'n' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct lr_serve_opts o = { .port = LR_CTL_PORT, .timeout_ms = 10000 };
	char host[256] = "", secret[129] = "";
	struct lr_place_cfg place = { .numa = LR_NUMA_AUTO };
	char err[160];
	double timeout = 10;
	int c, stdio = 0;

	lr_log_set_level(LR_LOG_INFO);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (lr_parse_hostport(optarg, host, sizeof(host),
					      &o.port))
				return lr_cli_usage(
					"serve",
					"--listen: '%s' is "
					"not ADDR, ADDR:PORT or [V6]:PORT",
					optarg);
			if (!strcmp(host, "*"))
				host[0] = '\0';
			break;
		case '1': o.once = 1; break;
		case 's': stdio = 1; break;
		case 't':
			if (lr_cli_seconds("serve", "timeout", optarg, 0.1,
					   3600, &timeout))
				return LR_EXIT_USAGE;
			break;
		case 'n':
		case 'c':
			if ((c == 'n' ? lr_place_parse_numa :
					lr_place_parse_cpus)(optarg, &place,
							     err, sizeof(err)))
				return lr_cli_usage("serve", "%s", err);
			break;
		case 'q': lr_log_set_level(LR_LOG_WARN); break;
		case 'v': lr_log_set_level(LR_LOG_DEBUG); break;
		case 'h': serve_usage(); return LR_EXIT_OK;
		default: return lr_cli_bad_option("serve", argv, opts);
		}
	}
	if (optind < argc)
		return lr_cli_usage("serve", "unexpected argument '%s'",
				    argv[optind]);
	o.timeout_ms = (int)(timeout * 1000);
	lr_place_configure(&place);
	if (stdio)
		return serve_stdio(o.timeout_ms);
	o.listen_host = host[0] ? host : NULL;
	if (take_secret(secret, sizeof(secret)))
		return LR_EXIT_USAGE;
	if (secret[0]) {
		/* a cluster run under Slurm (docs/cluster.md) */
		o.secret = secret;
		o.agents = true;
	}
	return lr_serve_tcp(&o) ? LR_EXIT_RUNTIME : LR_EXIT_OK;
}
