// SPDX-License-Identifier: MIT
/* linerate preflight TOPOLOGY: this host against what the topology says. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linerate/cli.h"
#include "linerate/sysfs.h"
#include "linerate/counters.h"
#include "linerate/inventory.h"
#include "linerate/preflight.h"
#include "linerate/topology.h"
#include "linerate/util.h"

struct pf_args {
	const char *topology;
	const char *host;
	double interval;
	bool json;
};

static void usage(FILE *out)
{
	fprintf(out, "usage: linerate preflight TOPOLOGY [--host NAME] "
		     "[--interval S] [--json]\n\n"
		     "Compare this host's RDMA ports, interfaces and PCIe "
		     "links with what TOPOLOGY\nexpects of server NAME "
		     "(default: this host's name). Each mismatch is a\n"
		     "finding with its cost in Gb/s according to the model.\n\n"
		     "  --host NAME     the server of the topology to check "
		     "against\n"
		     "  --interval S    watch error counters for S seconds "
		     "(default 1, 0: off)\n"
		     "  --json          print the linerate.preflight/1 "
		     "document\n\n"
		     "exit: 0 clean, 1 findings, 2 bad input, 3 runtime "
		     "failure\n");
}

static int parse(int argc, char **argv, struct pf_args *a)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "interval", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "H:i:jh", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return -1;
		} else if (c == 'H') {
			a->host = optarg;
		} else if (c == 'j') {
			a->json = true;
		} else if (c != 'i') {
			return lr_cli_bad_option("preflight", argv, opts);
		} else if (lr_cli_seconds("preflight", "interval", optarg, 0,
					  3600, &a->interval)) {
			return LR_EXIT_USAGE;
		}
	}
	if (optind != argc - 1)
		return lr_cli_usage("preflight",
				    optind < argc ?
					    "one TOPOLOGY file expected" :
					    "missing TOPOLOGY (see 'linerate "
					    "preflight --help')");
	a->topology = argv[optind];
	return 0;
}

static int load(const char *path, struct lr_topo **t)
{
	struct lr_diags d = { .file = path };
	int ret = lr_topo_load(path, &d, t);

	if (ret == -EINVAL)
		lr_diags_print(&d, 20);
	lr_diags_free(&d);
	return ret;
}

/* The server called host, or this host's name (tried in tried, with its
 * short form when it has a domain). */
static long find_server(const struct lr_topo *t, const char *host, char *tried,
			size_t len)
{
	char name[256], *dot;
	long s;

	snprintf(tried, len, "%s", host ? host : "");
	if (host)
		return lr_topo_find_server(t, host);
	if (gethostname(name, sizeof(name)))
		return -1;
	name[sizeof(name) - 1] = '\0';
	s = lr_topo_find_server(t, name);
	dot = strchr(name, '.');
	if (s < 0 && dot) {
		snprintf(tried, len, "%s' or '%.*s", name, (int)(dot - name),
			 name);
		*dot = '\0';
		s = lr_topo_find_server(t, name);
	} else {
		snprintf(tried, len, "%s", name);
	}
	return s;
}

static json_t *watch(const struct lr_topo *t, size_t server, double secs)
{
	char **devs;
	size_t n = 0;
	json_t *begin;

	if (secs <= 0)
		return NULL;
	devs = lr_preflight_devices(t, server);
	if (!devs)
		return NULL;
	while (devs[n])
		n++;
	begin = lr_counters_begin((const char *const *)devs, n);
	free(devs);
	lr_sleep_ns((uint64_t)(secs * 1e9));
	return lr_counters_end(begin);
}

static int output(const json_t *doc, bool json)
{
	char *s;

	if (!json) {
		lr_preflight_print(stdout, doc);
		return 0;
	}
	s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!s)
		return -ENOMEM;
	puts(s);
	free(s);
	return 0;
}

static int run(const struct pf_args *a, const struct lr_topo *t, long server)
{
	json_t *inv, *counters, *doc;
	int ret;

	ret = lr_inventory_collect(&inv);
	if (ret)
		return LR_EXIT_RUNTIME;
	counters = watch(t, (size_t)server, a->interval);
	ret = lr_preflight_check(t, (size_t)server, inv, counters, &doc);
	json_decref(counters);
	json_decref(inv);
	if (ret || output(doc, a->json)) {
		json_decref(doc);
		return LR_EXIT_RUNTIME;
	}
	ret = lr_preflight_count(doc) ? LR_EXIT_BELOW : LR_EXIT_OK;
	json_decref(doc);
	return ret;
}

int cmd_preflight(int argc, char **argv)
{
	struct pf_args a = { .interval = 1 };
	struct lr_topo *t;
	char tried[600], err[512];
	long server;
	int ret;

	ret = parse(argc, argv, &a);
	if (ret)
		return ret < 0 ? LR_EXIT_OK : ret;
	if (lr_sysfs_check_root(err, sizeof(err)))
		return lr_cli_usage("preflight", "%s", err);
	if (load(a.topology, &t))
		return LR_EXIT_USAGE;
	server = find_server(t, a.host, tried, sizeof(tried));
	if (server < 0) {
		ret = lr_cli_usage("preflight",
				   "%s: no server '%s' (%suse --host NAME "
				   "with a server of the topology)",
				   a.topology, tried,
				   a.host ? "" : "this host's name; ");
		lr_topo_free(t);
		return ret;
	}
	ret = run(&a, t, server);
	lr_topo_free(t);
	return ret;
}
