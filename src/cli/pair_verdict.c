// SPDX-License-Identifier: MIT
/*
 * pair --topology: the verdict of the pair just measured, against the
 * model of this NIC pair (docs/verdicts.md). The ends' names are checked
 * against the topology before the test, so that a typo costs no test.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "linerate/cli.h"
#include "linerate/util.h"
#include "linerate/verdict.h"
#include "pair_int.h"

#define CMD "pair"

static int check_name(const struct lr_topo *t, const char *flag,
		      const char *name)
{
	const char *slash = name ? strchr(name, '/') : NULL;
	const struct lr_host_tmpl *h;
	char server[256];
	long s;

	if (!name)
		return 0;
	if (!slash || slash == name || !slash[1])
		return lr_cli_usage(CMD, "--%s: '%s' is not SERVER/NIC", flag,
				    name);
	snprintf(server, sizeof(server), "%.*s", (int)(slash - name), name);
	s = lr_topo_find_server(t, server);
	if (s < 0)
		return lr_cli_usage(CMD, "--%s: no server '%s' in %s", flag,
				    server, t->file);
	h = &t->tmpls[t->servers[s].tmpl];
	for (size_t i = 0; i < h->n_nics; i++)
		if (!strcmp(h->nics[i].name, slash + 1))
			return 0;
	return lr_cli_usage(CMD,
			    "--%s: server %s (template %s) has no NIC "
			    "'%s' in %s",
			    flag, server, h->name, slash + 1, t->file);
}

int pair_topology_load(const struct pair_cli *pc, struct lr_topo **t)
{
	struct lr_diags diags = { 0 };
	int ret;

	*t = NULL;
	if (!pc->topology)
		return 0;
	ret = lr_topo_load(pc->topology, &diags, t);
	lr_diags_print(&diags, 200);
	lr_diags_free(&diags);
	if (ret)
		return LR_EXIT_USAGE;
	ret = check_name(*t, "local", pc->local);
	if (!ret)
		ret = check_name(*t, "remote", pc->remote);
	if (ret) {
		lr_topo_free(*t);
		*t = NULL;
	}
	return ret;
}

int pair_verdict(const struct pair_cli *pc, const struct lr_topo *t,
		 const json_t *doc)
{
	struct lr_verdict *v = lr_verdict_new();
	FILE *out = pc->json ? stderr : stdout;
	int ret;

	ret = v ? lr_verdict_add_result(v, doc, "pair", pc->local, pc->remote) :
		  -ENOMEM;
	if (!ret)
		ret = lr_verdict_compute(v, t);
	if (!ret) {
		fputc('\n', out);
		lr_verdict_print_text(v, out);
		ret = lr_verdict_exit(v);
	} else {
		ret = ret == -ENOMEM ? LR_EXIT_RUNTIME : LR_EXIT_USAGE;
	}
	lr_verdict_free(v);
	return ret;
}
