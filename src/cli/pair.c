// SPDX-License-Identifier: MIT
/* linerate pair: measure one NIC pair against a 'serve' peer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/cli.h"
#include "linerate/control.h"
#include "linerate/result.h"
#include "linerate/topology.h"
#include "linerate/util.h"
#include "pair_int.h"

/* A failed test: its errors alone, on stderr (the JSON keeps the rest). */
static void report_errors(const struct lr_result *r)
{
	size_t i;
	json_t *e;

	json_array_foreach(r->errors, i, e)
		lr_err("test failed (%s): %s",
		       json_string_value(json_object_get(e, "where")),
		       json_string_value(json_object_get(e, "message")));
}

static int render(const struct pair_cli *pc, const struct lr_result *r,
		  json_t **out)
{
	json_t *doc = lr_result_to_json(r);
	char *text;
	int ret = 0;

	/* the names in the topology travel with the document (for report) */
	if (pc->local)
		json_object_set_new(doc, "flow",
				    json_pack("{s:s, s:s}", "local", pc->local,
					      "remote", pc->remote));
	text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(10));

	*out = doc;
	if (!text)
		return -1;
	if (pc->output && lr_write_file_atomic(pc->output, text, strlen(text)))
		ret = -1;
	if (pc->json)
		printf("%s\n", text);
	else if (lr_result_ok(r))
		lr_result_print_text(r, stdout);
	fflush(stdout);
	free(text);
	return ret;
}

int cmd_pair(int argc, char **argv)
{
	struct pair_cli pc;
	struct lr_result r;
	struct lr_pair_opts o;
	struct lr_topo *topo;
	json_t *doc = NULL;
	int ret = pair_parse(argc, argv, &pc), verdict = LR_EXIT_OK;

	if (ret >= 0)
		return ret;
	lr_place_configure(&pc.place);
	ret = pair_topology_load(&pc, &topo);
	if (ret) {
		json_decref(pc.opts);
		return ret;
	}
	o = (struct lr_pair_opts){
		.peer_host = pc.host,
		.port = pc.port,
		.connect_timeout_ms = (int)(pc.connect_timeout_s * 1000),
		.params = &pc.params,
		.opts = pc.opts,
		.dev = pc.dev,
		.peer_dev = pc.peer_dev,
	};
	ret = lr_pair_run(&o, &r);
	if (pc.qps_why[0])
		json_object_set_new(json_object_get(r.local, "endpoint"),
				    "qps_why", json_string(pc.qps_why));
	if (ret && lr_result_ok(&r)) /* never a failure without its reason */
		lr_result_add_error(&r, "client", "%s", strerror(-ret));
	if (!lr_result_ok(&r))
		report_errors(&r);
	if (render(&pc, &r, &doc) || !lr_result_ok(&r))
		ret = -1;
	if (!ret && topo)
		verdict = pair_verdict(&pc, topo, doc);
	json_decref(doc);
	lr_result_free(&r);
	lr_topo_free(topo);
	json_decref(pc.opts);
	return ret ? LR_EXIT_RUNTIME : verdict;
}
