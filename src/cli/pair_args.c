// SPDX-License-Identifier: MIT
/* linerate pair: the command line, generic options and every transport's. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/cli.h"
#include "linerate/control.h"
#include "linerate/util.h"
#include "pair_int.h"

#define CMD "pair"
#define TOPT_BASE 1000 /* getopt val of the first transport option */
#define MAX_TOPTS 64

enum {
	O_PEER = 256,
	O_PORT,
	O_TRANSPORT,
	O_SIZE,
	O_STREAMS,
	O_DURATION,
	O_BYTES,
	O_WARMUP,
	O_INTERVAL,
	O_BIDIR,
	O_REVERSE,
	O_LATENCY,
	O_JSON,
	O_OUTPUT,
	O_CTIMEOUT,
	O_DEV,
	O_PEER_DEV,
	O_NUMA,
	O_CPUS,
	O_TOPOLOGY,
	O_LOCAL,
	O_REMOTE,
};

static const struct option base_opts[] = {
	{ "peer", required_argument, NULL, O_PEER },
	{ "port", required_argument, NULL, O_PORT },
	{ "transport", required_argument, NULL, O_TRANSPORT },
	{ "size", required_argument, NULL, O_SIZE },
	{ "streams", required_argument, NULL, O_STREAMS },
	{ "qps", required_argument, NULL, O_STREAMS },
	{ "duration", required_argument, NULL, O_DURATION },
	{ "bytes", required_argument, NULL, O_BYTES },
	{ "warmup", required_argument, NULL, O_WARMUP },
	{ "interval", required_argument, NULL, O_INTERVAL },
	{ "bidir", no_argument, NULL, O_BIDIR },
	{ "reverse", no_argument, NULL, O_REVERSE },
	{ "latency", no_argument, NULL, O_LATENCY },
	{ "json", no_argument, NULL, O_JSON },
	{ "output", required_argument, NULL, O_OUTPUT },
	{ "connect-timeout", required_argument, NULL, O_CTIMEOUT },
	{ "dev", required_argument, NULL, O_DEV },
	{ "peer-dev", required_argument, NULL, O_PEER_DEV },
	{ "numa", required_argument, NULL, O_NUMA },
	{ "cpus", required_argument, NULL, O_CPUS },
	{ "topology", required_argument, NULL, O_TOPOLOGY },
	{ "local", required_argument, NULL, O_LOCAL },
	{ "remote", required_argument, NULL, O_REMOTE },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
};

struct topt_ref {
	const struct lr_transport_ops *ops;
	const struct lr_transport_opt *opt;
};

struct opt_table {
	struct option opts[LR_ARRAY_SIZE(base_opts) + MAX_TOPTS + 1];
	struct topt_ref refs[MAX_TOPTS];
	unsigned nrefs;
};

static void build_table(struct opt_table *t)
{
	const struct lr_transport_ops *ops;
	unsigned n = LR_ARRAY_SIZE(base_opts);

	memset(t, 0, sizeof(*t));
	memcpy(t->opts, base_opts, sizeof(base_opts));
	for (unsigned i = 0; (ops = lr_transport_at(i)); i++) {
		for (const struct lr_transport_opt *o = ops->options;
		     o && o->name && t->nrefs < MAX_TOPTS; o++) {
			t->refs[t->nrefs] = (struct topt_ref){ ops, o };
			t->opts[n++] = (struct option){
				o->name,
				o->type == LR_OPT_BOOL ? no_argument :
							 required_argument,
				NULL, TOPT_BASE + (int)t->nrefs++
			};
		}
	}
}

static void pair_usage(const struct opt_table *t)
{
	printf("usage: linerate pair --peer HOST[:PORT] [options]\n\n"
	       "  --transport NAME   tcp (default) or another transport below\n"
	       "  --size BYTES       message size (default 128K; 1 to 64M)\n"
	       "  --streams N        connections or QPs per direction (1-128; "
	       "--qps is the same)\n"
	       "  --duration S       measured time (default 10)\n"
	       "  --bytes N          a fixed byte count per direction instead\n"
	       "  --warmup S         not counted (default 1)\n"
	       "  --interval S       sample period (default 1)\n"
	       "  --bidir            both directions at once\n"
	       "  --reverse          the server sends\n"
	       "  --latency          ping-pong latency instead of bandwidth\n"
	       "  --dev NAME         local device or interface\n"
	       "  --peer-dev NAME    the server's device or interface\n"
	       "  --numa auto|N|off  buffers, rings and workers on the device's "
	       "NUMA node\n"
	       "                     (auto, the default), on node N, or not "
	       "placed\n"
	       "  --cpus LIST        pin the workers to these CPUs (e.g. 2-5), "
	       "one each\n"
	       "  --json             print the linerate.result/1 document\n"
	       "  --output FILE      also write the document to FILE "
	       "(atomically)\n"
	       "  --connect-timeout S  bound on reaching the server "
	       "(default 5)\n"
	       "  --topology FILE    after the test, the verdict against the "
	       "model of FILE\n"
	       "  --local SERVER/NIC --remote SERVER/NIC  the ends' names in "
	       "the topology\n"
	       "                     (default: the hosts' names and the "
	       "devices used)\n");
	for (unsigned i = 0; i < t->nrefs; i++)
		printf("  --%-17s [%s] %s\n", t->refs[i].opt->name,
		       t->refs[i].ops->name, t->refs[i].opt->help);
	printf("\nGb/s = 10^9 bits of payload per second. Exit: 0 ok, 1 below the "
	       "model (--topology),\n2 usage, 3 runtime failure.\n");
}

static int topt_value(const struct topt_ref *ref, const char *val, json_t *opts)
{
	const struct lr_transport_opt *o = ref->opt;
	char key[64];
	uint64_t v;
	json_t *j;

	snprintf(key, sizeof(key), "%s", o->name);
	for (char *c = key; *c; c++)
		*c = *c == '-' ? '_' : *c;
	if (o->type == LR_OPT_BOOL)
		j = json_true();
	else if (o->type == LR_OPT_ENUM || o->type == LR_OPT_STRING)
		j = json_string(val);
	else if ((o->type == LR_OPT_SIZE ? lr_cli_size : lr_cli_uint)(
			 CMD, o->name, val, o->min, o->max, &v))
		return LR_EXIT_USAGE;
	else
		j = json_integer((json_int_t)v);
	json_object_set_new(opts, key, j);
	return 0;
}

/* Transport options must belong to the chosen transport, with good values. */
static int check_topts(const struct opt_table *t, struct pair_cli *pc,
		       const bool *given)
{
	const struct lr_transport_ops *ops;
	char err[256];

	ops = lr_transport_lookup(pc->params.transport, err, sizeof(err));
	if (!ops)
		return lr_cli_usage(CMD, "--transport: %s", err);
	for (unsigned i = 0; i < t->nrefs; i++)
		if (given[i] && t->refs[i].ops != ops)
			return lr_cli_usage(CMD,
					    "--%s belongs to transport %s, "
					    "not %s",
					    t->refs[i].opt->name,
					    t->refs[i].ops->name, ops->name);
	if (lr_transport_check(ops, &pc->params, pc->opts, err, sizeof(err)))
		return lr_cli_usage(CMD, "%s", err);
	return -1;
}

static int generic_opt(int c, const char *arg, struct pair_cli *pc,
		       bool *warmup_set)
{
	struct lr_test_params *p = &pc->params;
	uint64_t v;

	switch (c) {
	case O_PEER:
		return lr_parse_hostport(arg, pc->host, sizeof(pc->host),
					 &pc->port) ||
				       !pc->port ?
			       lr_cli_usage(
				       CMD,
				       "--peer: '%s' is not HOST, HOST:PORT "
				       "or [V6]:PORT",
				       arg) :
			       -1;
	case O_PORT:
		if (lr_cli_uint(CMD, "port", arg, 1, 65535, &v))
			return LR_EXIT_USAGE;
		pc->port = (uint16_t)v;
		return -1;
	case O_TRANSPORT:
		if (strlen(arg) >= sizeof(p->transport))
			return lr_cli_usage(
				CMD, "--transport: '%s' is too long", arg);
		snprintf(p->transport, sizeof(p->transport), "%s", arg);
		return -1;
	case O_SIZE:
		return lr_cli_size(CMD, "size", arg, 1, LR_MAX_MSG_SIZE,
				   &p->msg_size) ?
			       LR_EXIT_USAGE :
			       -1;
	case O_STREAMS:
		pc->streams_given = true;
		if (lr_cli_uint(CMD, "streams", arg, 1, LR_MAX_STREAMS, &v))
			return LR_EXIT_USAGE;
		p->streams = (uint32_t)v;
		return -1;
	case O_DURATION:
		return lr_cli_seconds(CMD, "duration", arg, 0.01,
				      LR_MAX_DURATION_S, &p->duration_s) ?
			       LR_EXIT_USAGE :
			       -1;
	case O_BYTES:
		return lr_cli_size(CMD, "bytes", arg, 1, 1ull << 50,
				   &p->bytes) ?
			       LR_EXIT_USAGE :
			       -1;
	case O_WARMUP:
		*warmup_set = true;
		return lr_cli_seconds(CMD, "warmup", arg, 0, 3600,
				      &p->warmup_s) ?
			       LR_EXIT_USAGE :
			       -1;
	case O_INTERVAL:
		return lr_cli_seconds(CMD, "interval", arg, 0.01, 3600,
				      &p->interval_s) ?
			       LR_EXIT_USAGE :
			       -1;
	case O_BIDIR: p->bidir = true; return -1;
	case O_REVERSE: p->reverse = true; return -1;
	case O_LATENCY: p->mode = LR_MODE_LAT; return -1;
	case O_JSON: pc->json = true; return -1;
	case O_OUTPUT: pc->output = arg; return -1;
	case O_CTIMEOUT:
		return lr_cli_seconds(CMD, "connect-timeout", arg, 0.1, 600,
				      &pc->connect_timeout_s) ?
			       LR_EXIT_USAGE :
			       -1;
	case O_DEV: pc->dev = arg; return -1;
	case O_PEER_DEV: pc->peer_dev = arg; return -1;
	case O_NUMA:
	case O_CPUS: {
		char err[160];

		if ((c == O_NUMA ? lr_place_parse_numa : lr_place_parse_cpus)(
			    arg, &pc->place, err, sizeof(err)))
			return lr_cli_usage(CMD, "%s", err);
		return -1;
	}
	case O_TOPOLOGY: pc->topology = arg; return -1;
	case O_LOCAL: pc->local = arg; return -1;
	case O_REMOTE: pc->remote = arg; return -1;
	case 'v': lr_log_set_level(LR_LOG_DEBUG); return -1;
	}
	return LR_EXIT_USAGE;
}

/*
 * verbs bandwidth without --qps: mlx5 issues 16 READs at a time per QP
 * (max_qp_init_rd_atom), and published ConnectX-7 figures show 1 QP short
 * of line rate for READ (ib_read_bw 328.6 vs 392.3 Gb/s WRITE) and for 1 MiB
 * messages (284 Gb/s on 1 QP, 391.5 on 8). NVIDIA's own default is 4 QPs.
 */
static void verbs_default_qps(struct pair_cli *pc)
{
	struct lr_test_params *p = &pc->params;
	const char *op = json_string_value(json_object_get(pc->opts, "op"));
	bool read = op && !strcmp(op, "read");

	if (pc->streams_given || strcmp(p->transport, "verbs") ||
	    p->mode != LR_MODE_BW)
		return;
	if (p->msg_size >= (1u << 20)) {
		p->streams = 8;
		snprintf(pc->qps_why, sizeof(pc->qps_why),
			 "8 QPs by default for messages of 1 MiB and more: "
			 "one QP falls short of line rate on fast NICs "
			 "(CX-7: 284 Gb/s on 1 QP, 391.5 on 8); --qps sets it");
	} else if (read) {
		p->streams = 4;
		snprintf(pc->qps_why, sizeof(pc->qps_why),
			 "4 QPs by default for READ: mlx5 keeps 16 READs in "
			 "flight per QP and 1 QP falls short of line rate "
			 "(CX-7: 328.6 Gb/s vs 392.3 for WRITE); --qps sets "
			 "it");
	}
}

static int finish(struct pair_cli *pc, bool warmup_set)
{
	struct lr_test_params *p = &pc->params;
	char err[256];

	if (!pc->host[0])
		return lr_cli_usage(CMD, "--peer HOST is required "
					 "(see 'linerate pair --help')");
	if (p->bytes && !warmup_set)
		p->warmup_s = 0;
	if (p->bytes)
		p->duration_s = 0;
	if (p->bidir && p->reverse)
		return lr_cli_usage(CMD, "--bidir and --reverse exclude each "
					 "other");
	if ((pc->local || pc->remote) && !pc->topology)
		return lr_cli_usage(CMD, "--local/--remote name the ends in a "
					 "topology: give --topology FILE");
	if (!pc->local != !pc->remote)
		return lr_cli_usage(CMD, "--local and --remote go together");
	verbs_default_qps(pc);
	if (lr_params_check(p, err, sizeof(err)))
		return lr_cli_usage(CMD, "%s", err);
	return -1;
}

static int parse_all(int argc, char **argv, struct pair_cli *pc)
{
	struct opt_table t;
	bool given[MAX_TOPTS] = { false }, warmup_set = false;
	int c, ret;

	build_table(&t);
	memset(pc, 0, sizeof(*pc));
	lr_params_default(&pc->params);
	pc->port = LR_CTL_PORT;
	pc->connect_timeout_s = 5;
	pc->opts = json_object();
	opterr = 0;
	while ((c = getopt_long(argc, argv, "vh", t.opts, NULL)) != -1) {
		if (c == 'h') {
			pair_usage(&t);
			return LR_EXIT_OK;
		}
		if (c >= TOPT_BASE && c < TOPT_BASE + (int)t.nrefs) {
			given[c - TOPT_BASE] = true;
			ret = topt_value(&t.refs[c - TOPT_BASE], optarg,
					 pc->opts) ?
				      LR_EXIT_USAGE :
				      -1;
		} else if (c == '?' || c == ':') {
			ret = lr_cli_bad_option(CMD, argv, t.opts);
		} else {
			ret = generic_opt(c, optarg, pc, &warmup_set);
		}
		if (ret >= 0)
			return ret;
	}
	if (optind < argc)
		return lr_cli_usage(CMD, "unexpected argument '%s'",
				    argv[optind]);
	ret = finish(pc, warmup_set);
	return ret >= 0 ? ret : check_topts(&t, pc, given);
}

int pair_parse(int argc, char **argv, struct pair_cli *pc)
{
	int ret = parse_all(argc, argv, pc);

	if (ret >= 0) {
		json_decref(pc->opts);
		pc->opts = NULL;
	}
	return ret;
}
