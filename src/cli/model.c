// SPDX-License-Identifier: MIT
/* linerate model TOPOLOGY [--pattern NAME]... [--json] */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/cli.h"
#include "linerate/model.h"
#include "linerate/util.h"

#define CMD "model"
/* all-to-all by default only up to this many NICs (N^2 flows). */
#define DEFAULT_A2A_NICS 4096

static void usage(FILE *out)
{
	fprintf(out,
		"usage: linerate model TOPOLOGY [--pattern NAME]... [--op OP] "
		"[--size BYTES]\n"
		"                      [--qps N] [--outstanding N] "
		"[--memory host|gpu]\n"
		"                      [--numa local|remote] [--json]\n\n"
		"What the fabric of TOPOLOGY should deliver: per NIC type, "
		"per server and for\nthe fabric, the nominal rate, the "
		"expected goodput and the factor that limits it.\n"
		"Gb/s means 10^9 bits of payload per second.\n\n"
		"  -p, --pattern NAME  pair, server, rail, all-to-all, "
		"bisection or all\n"
		"                      (repeatable or comma-separated; default: "
		"all, all-to-all\n"
		"                      only up to %d NICs)\n"
		"  -o, --op OP         write (default), read or send: the "
		"per-message headers\n"
		"  -s, --size BYTES    message size (default: the "
		"large-message limit)\n"
		"  -q, --qps N         QPs per flow (default: the topology's "
		"qps_per_flow)\n"
		"  -r, --outstanding N READs in flight per QP (default: the "
		"NIC's max_rd_atom)\n"
		"  -m, --memory WHERE  host (default) or gpu: GPU buffers "
		"skip the PCIe switch\n"
		"                      uplink and the inter-socket link\n"
		"  -n, --numa WHERE    local (default) or remote: buffers "
		"across the\n"
		"                      inter-socket link\n"
		"  -j, --json          the versioned JSON document "
		"(linerate.model/1)\n"
		"  -h, --help          this help\n",
		DEFAULT_A2A_NICS);
}

struct opts {
	const char *topo;
	enum lr_pattern pats[LR_PAT_COUNT];
	size_t n_pats;
	bool json;
	struct lr_model_opts model;
};

/* --NAME VALUE among two or three words; returns 0 or LR_EXIT_USAGE. */
static int word(const char *flag, const char *val, const char *const *words,
		int n, int *out)
{
	for (int i = 0; i < n; i++) {
		if (!strcmp(val, words[i])) {
			*out = i;
			return 0;
		}
	}
	return lr_cli_usage(CMD, "--%s: '%s' is not one of %s, %s%s%s", flag,
			    val, words[0], words[1], n > 2 ? " or " : "",
			    n > 2 ? words[2] : "");
}

static int parse_model_opt(struct opts *o, int c, const char *val)
{
	static const char *const ops[] = { "write", "read", "send" };
	static const char *const mem[] = { "host", "gpu" };
	static const char *const numa[] = { "local", "remote" };
	uint64_t size;
	int v = 0, ret;

	switch (c) {
	case 'o':
		ret = word("op", val, ops, 3, &v);
		o->model.op = (enum lr_op)v;
		return ret;
	case 's':
		ret = lr_cli_size(CMD, "size", val, 1, 1ULL << 30, &size);
		o->model.msg = size;
		return ret;
	case 'q':
		ret = lr_cli_uint(CMD, "qps", val, 1, 65536, &size);
		o->model.qps = (unsigned)size;
		return ret;
	case 'r':
		ret = lr_cli_uint(CMD, "outstanding", val, 1, 1024, &size);
		o->model.outstanding = (unsigned)size;
		return ret;
	case 'm':
		ret = word("memory", val, mem, 2, &v);
		o->model.gpu_buffers = v == 1;
		return ret;
	default:
		ret = word("numa", val, numa, 2, &v);
		o->model.remote_numa = v == 1;
		return ret;
	}
}

static void add_pattern(struct opts *o, enum lr_pattern p)
{
	for (size_t i = 0; i < o->n_pats; i++)
		if (o->pats[i] == p)
			return;
	o->pats[o->n_pats++] = p;
}

static int parse_patterns(struct opts *o, const char *arg)
{
	char *copy = strdup(arg), *save = NULL, *tok;
	enum lr_pattern p;
	int ret = 0;

	if (!copy)
		return LR_EXIT_RUNTIME;
	for (tok = strtok_r(copy, ",", &save); tok && !ret;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "all")) {
			for (int i = 0; i < LR_PAT_COUNT; i++)
				add_pattern(o, (enum lr_pattern)i);
		} else if (!lr_pattern_parse(tok, &p)) {
			add_pattern(o, p);
		} else {
			ret = lr_cli_usage(CMD,
					   "--pattern: '%s' is not a "
					   "pattern (expected pair, server, "
					   "rail, all-to-all, bisection or "
					   "all)",
					   tok);
		}
	}
	free(copy);
	return ret;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option opts[] = {
		{ "pattern", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "op", required_argument, NULL, 'o' },
		{ "size", required_argument, NULL, 's' },
		{ "memory", required_argument, NULL, 'm' },
		{ "numa", required_argument, NULL, 'n' },
		{ "qps", required_argument, NULL, 'q' },
		{ "outstanding", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:jho:s:m:n:q:r:", opts, NULL)) !=
	       -1) {
		if (c == 'p')
			ret = parse_patterns(o, optarg);
		else if (c == 'j')
			o->json = true;
		else if (c == 'h')
			return usage(stdout), -1;
		else if (c && strchr("osmnqr", c))
			ret = parse_model_opt(o, c, optarg);
		else
			return lr_cli_bad_option(CMD, argv, opts);
		if (ret)
			return ret;
	}
	if (optind != argc - 1)
		return lr_cli_usage(CMD,
				    "%s (expected one TOPOLOGY file; see "
				    "'linerate model --help')",
				    optind < argc ? "more than one topology" :
						    "no topology");
	o->topo = argv[optind];
	return 0;
}

static void default_patterns(struct opts *o, const struct lr_topo *t)
{
	for (int i = 0; i < LR_PAT_COUNT; i++)
		if (i != LR_PAT_ALLTOALL || t->n_nics <= DEFAULT_A2A_NICS)
			add_pattern(o, (enum lr_pattern)i);
}

static int render(const struct lr_model_report *r, bool json)
{
	json_t *doc;
	int ret;

	if (!json) {
		lr_model_print_text(r, stdout);
		return 0;
	}
	doc = lr_model_json(r);
	if (!doc) {
		lr_err("cannot build the JSON document");
		return -ENOMEM;
	}
	ret = json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	json_decref(doc);
	fputc('\n', stdout);
	return ret ? -EIO : 0;
}

static int run(const struct opts *o, const struct lr_topo *t)
{
	struct lr_model_report r;
	int ret = lr_model_report(t, &o->model, o->pats, o->n_pats, &r);

	if (!ret)
		ret = render(&r, o->json);
	for (size_t i = 0; !ret && i < r.n_pats; i++)
		if (r.pats[i].status)
			ret = r.pats[i].status;
	lr_model_report_free(&r);
	if (ret == -EHOSTUNREACH || ret == -E2BIG || ret == -EINVAL)
		return LR_EXIT_USAGE;
	return ret ? LR_EXIT_RUNTIME : LR_EXIT_OK;
}

int cmd_model(int argc, char **argv)
{
	struct opts o = { 0 };
	struct lr_diags diags = { 0 };
	struct lr_topo *t;
	int ret = parse_args(argc, argv, &o);

	if (ret)
		return ret < 0 ? LR_EXIT_OK : ret;
	ret = lr_topo_load(o.topo, &diags, &t);
	lr_diags_print(&diags, 200);
	lr_diags_free(&diags);
	if (ret)
		return LR_EXIT_USAGE; /* unreadable or bad topology */
	if (!o.n_pats)
		default_patterns(&o, t);
	ret = run(&o, t);
	lr_topo_free(t);
	return ret;
}
