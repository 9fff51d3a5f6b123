// SPDX-License-Identifier: MIT
/* linerate devices [--json]: this host's RDMA ports, interfaces and PCIe. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/cli.h"
#include "linerate/inventory.h"
#include "linerate/sysfs.h"
#include "linerate/util.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: linerate devices [--json]\n\n"
		     "List this host's RDMA devices and ports (state, rate, "
		     "MTU, GIDs), network\ninterfaces (state, MTU, addresses, "
		     "speed) and the PCIe path of each NIC\n(link speed and "
		     "width of the function and its bridges, NUMA node, "
		     "switch).\nProblems are marked with '!'.\n\n"
		     "  --json   print the linerate.devices/1 document "
		     "(docs/inventory.md)\n\n"
		     "LINERATE_SYSFS_ROOT=DIR reads a copy of /sys under "
		     "DIR instead.\n");
}

static int print_json(const json_t *doc)
{
	char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	int ret;

	if (!s)
		return LR_EXIT_RUNTIME;
	ret = puts(s) < 0 ? LR_EXIT_RUNTIME : LR_EXIT_OK;
	free(s);
	return ret;
}

int cmd_devices(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false;
	char err[512];
	json_t *doc;
	int c, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+jh", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return LR_EXIT_OK;
		}
		if (c != 'j')
			return lr_cli_bad_option("devices", argv, opts);
		json = true;
	}
	if (optind < argc)
		return lr_cli_usage("devices", "unexpected argument '%s'",
				    argv[optind]);
	if (lr_sysfs_check_root(err, sizeof(err)))
		return lr_cli_usage("devices", "%s", err);
	ret = lr_inventory_collect(&doc);
	if (ret)
		return LR_EXIT_RUNTIME;
	if (json)
		ret = print_json(doc);
	else
		lr_inventory_print(stdout, doc);
	json_decref(doc);
	return ret;
}
