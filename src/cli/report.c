// SPDX-License-Identifier: MIT
/*
 * linerate report RESULT... --topology FILE [--preflight FILE]... [--json]
 *                 [--junit FILE] [--html FILE]
 * Result documents and result streams against the model: the verdict.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/cli.h"
#include "linerate/preflight.h"
#include "linerate/util.h"
#include "linerate/verdict.h"

#define CMD "report"
#define MAX_PREFLIGHT 4096

static void usage(FILE *out)
{
	fprintf(out,
		"usage: linerate report RESULT... --topology FILE "
		"[--preflight FILE]... [--json]\n"
		"                       [--junit FILE] [--html FILE]\n\n"
		"Every flow of the results against the model of the flows "
		"that ran with it;\nfindings named and located with their "
		"evidence (docs/verdicts.md).\n"
		"RESULT: a linerate.result/1 document (pair --json or "
		"--output) or a stream\nof them, one per line (a cluster "
		"run's results.jsonl); '-' reads stdin.\n\n"
		"  -t, --topology FILE   the topology the results ran on "
		"(required)\n"
		"  -P, --preflight FILE  linerate.preflight/1 documents as "
		"evidence: one document,\n"
		"                        or {SERVER: document} (repeatable)\n"
		"  -j, --json            print linerate.report/1 instead of "
		"the text\n"
		"  -x, --junit FILE      also write JUnit XML\n"
		"  -H, --html FILE       also write a self-contained HTML page\n"
		"  -h, --help            this help\n\n"
		"exit: 0 pass, 1 findings, 2 bad input (named with its "
		"place), 3 runtime\n");
}

struct opts {
	const char *topo, *junit, *html;
	const char *preflight[64];
	size_t n_preflight;
	bool json;
};

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option lopts[] = {
		{ "topology", required_argument, NULL, 't' },
		{ "preflight", required_argument, NULL, 'P' },
		{ "json", no_argument, NULL, 'j' },
		{ "junit", required_argument, NULL, 'x' },
		{ "html", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "t:P:jx:H:h", lopts, NULL)) != -1) {
		switch (c) {
		case 't': o->topo = optarg; break;
		case 'P':
			if (o->n_preflight == LR_ARRAY_SIZE(o->preflight))
				return lr_cli_usage(CMD, "--preflight: at "
							 "most 64 files");
			o->preflight[o->n_preflight++] = optarg;
			break;
		case 'j': o->json = true; break;
		case 'x': o->junit = optarg; break;
		case 'H': o->html = optarg; break;
		case 'h': usage(stdout); return -1;
		default: return lr_cli_bad_option(CMD, argv, lopts);
		}
	}
	if (!o->topo)
		return lr_cli_usage(CMD, "--topology FILE is required");
	if (optind >= argc)
		return lr_cli_usage(CMD, "no RESULT file given");
	return 0;
}

/* One preflight document, or {SERVER: document}. */
static int add_preflight(struct lr_verdict *v, const char *path)
{
	json_error_t err;
	json_t *j = json_load_file(path, 0, &err), *wrap;
	const char *server;
	int ret;

	if (!j) {
		lr_err("%s:%d:%d: %s", path, err.line, err.column, err.text);
		return -EINVAL;
	}
	server = json_string_value(json_object_get(j, "server"));
	if (server && json_object_get(j, "schema")) {
		wrap = json_object();
		json_object_set(wrap, server, j);
		ret = lr_verdict_add_preflight(v, wrap);
		json_decref(wrap);
	} else {
		ret = lr_verdict_add_preflight(v, j);
	}
	json_decref(j);
	return ret;
}

static int load(struct lr_verdict *v, const struct opts *o, int argc,
		char **argv)
{
	int ret = 0;

	for (int i = optind; i < argc && !ret; i++)
		ret = lr_verdict_load_file(v, argv[i]);
	for (size_t i = 0; i < o->n_preflight && !ret; i++)
		ret = add_preflight(v, o->preflight[i]);
	return ret;
}

static int render(struct lr_verdict *v, const struct opts *o)
{
	int ret = 0;

	if (o->junit)
		ret = lr_verdict_write_junit(v, o->junit);
	if (!ret && o->html)
		ret = lr_verdict_write_html(v, o->html);
	if (ret)
		return LR_EXIT_RUNTIME;
	if (o->json) {
		if (lr_verdict_print_json(v, NULL, stdout))
			return LR_EXIT_RUNTIME;
	} else {
		lr_verdict_print_text(v, stdout);
	}
	return lr_verdict_exit(v);
}

int cmd_report(int argc, char **argv)
{
	struct lr_diags diags = { 0 };
	struct opts o = { 0 };
	struct lr_verdict *v;
	struct lr_topo *t;
	int ret = parse(argc, argv, &o);

	if (ret)
		return ret < 0 ? LR_EXIT_OK : ret;
	ret = lr_topo_load(o.topo, &diags, &t);
	lr_diags_print(&diags, 200);
	lr_diags_free(&diags);
	if (ret)
		return LR_EXIT_USAGE;
	v = lr_verdict_new();
	ret = v ? load(v, &o, argc, argv) : -ENOMEM;
	if (!ret)
		ret = lr_verdict_compute(v, t);
	if (!ret)
		ret = render(v, &o);
	else
		ret = ret == -ENOMEM ? LR_EXIT_RUNTIME : LR_EXIT_USAGE;
	lr_verdict_free(v);
	lr_topo_free(t);
	return ret;
}
