// SPDX-License-Identifier: MIT
/* linerate: the subcommand table. One small file per subcommand in cli/. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "linerate/cli.h"
#include "linerate/util.h"

static const struct lr_cmd commands[] = {
	{ "serve", cmd_serve, "answer tests from 'pair' (TCP or --stdio)" },
	{ "pair", cmd_pair, "measure one NIC pair against a 'serve' peer" },
	{ "devices", cmd_devices,
	  "list RDMA ports, interfaces and PCIe links" },
	{ "preflight", cmd_preflight, "check this host against a topology" },
	{ "model", cmd_model, "what a topology should deliver, and why" },
	{ "report", cmd_report,
	  "results against the model: the verdict, located findings" },
	{ "cluster", cmd_cluster,
	  "accept a rack: agents on every server, phases, verdict" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: linerate COMMAND [OPTIONS]\n\n"
		     "Measure RDMA and Ethernet fabrics against a model of "
		     "what the hardware should deliver.\n"
		     "Gb/s means 10^9 bits of payload per second.\n\n"
		     "commands:\n");
	for (size_t i = 0; i < LR_ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out, "\n'linerate COMMAND --help' describes each command.\n"
		     "exit codes: 0 ok, 1 below expectation or findings, "
		     "2 usage or input error, 3 runtime failure\n"
		     "(cluster: 130 when interrupted)\n");
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : NULL;

	/* A peer that closes a socket must give EPIPE, not kill us. */
	signal(SIGPIPE, SIG_IGN);
	if (!name) {
		usage(stderr);
		return LR_EXIT_USAGE;
	}
	if (!strcmp(name, "-h") || !strcmp(name, "--help") ||
	    !strcmp(name, "help")) {
		usage(stdout);
		return LR_EXIT_OK;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("linerate %s\n", LINERATE_VERSION);
		return LR_EXIT_OK;
	}
	for (size_t i = 0; i < LR_ARRAY_SIZE(commands); i++) {
		if (!strcmp(name, commands[i].name)) {
			char prefix[64];

			snprintf(prefix, sizeof(prefix), "linerate %s", name);
			lr_log_set_prefix(prefix);
			return commands[i].fn(argc - 1, argv + 1);
		}
	}
	fprintf(stderr,
		"linerate: unknown command '%s' (expected one of:", name);
	for (size_t i = 0; i < LR_ARRAY_SIZE(commands); i++)
		fprintf(stderr, " %s", commands[i].name);
	fprintf(stderr, ")\n");
	return LR_EXIT_USAGE;
}
