// SPDX-License-Identifier: MIT
/* Topology file: servers, switches, explicit links and routing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/util.h"
#include "topo_int.h"

#define MAX_NAMES 10000000

/* ---- servers ---- */

struct server_spec {
	yaml_node_t *hosts;
	long tmpl;
};

static int s_hosts(struct yctx *c, yaml_node_t *n, void *o)
{
	char fb[64];

	if (!y_scalar(n))
		return y_err(c, n,
			     "%s for hosts (expected a host range, e.g. "
			     "gpu[001-064])",
			     y_found(n, fb, sizeof(fb)));
	((struct server_spec *)o)->hosts = n;
	return 0;
}

static int s_template(struct yctx *c, yaml_node_t *n, void *o)
{
	const char *s = y_scalar(n);
	char fb[64];

	for (size_t i = 0; s && i < c->t->n_tmpls; i++) {
		if (!strcmp(c->t->tmpls[i].name, s)) {
			((struct server_spec *)o)->tmpl = (long)i;
			return 0;
		}
	}
	return y_err(c, n,
		     "unknown host template %s (expected a name "
		     "defined under 'hosts')",
		     y_found(n, fb, sizeof(fb)));
}

static const struct yfield server_fields[] = {
	{ "hosts", s_hosts, true },
	{ "template", s_template, true },
};

static int add_server(struct yctx *c, yaml_node_t *at, char *name, long tmpl)
{
	struct lr_topo *t = c->t;
	struct lr_server *s;
	long prev = lr_map_get(t->server_map, name);

	if (prev >= 0) { /* inconsistent, but the rest can be checked */
		lr_diag_add(c->d, y_line(at), y_col(at),
			    "duplicate server "
			    "'%s' (first defined at %d:%d)",
			    name, t->servers[prev].line, t->servers[prev].col);
		free(name);
		return 0;
	}
	if (t->n_servers == c->cap_servers) {
		size_t cap = c->cap_servers ? c->cap_servers * 2 : 64;

		s = realloc(t->servers, cap * sizeof(*s));
		if (!s)
			return -ENOMEM;
		t->servers = s;
		c->cap_servers = cap;
	}
	s = &t->servers[t->n_servers];
	*s = (struct lr_server){ .name = name,
				 .tmpl = (uint32_t)tmpl,
				 .line = y_line(at),
				 .col = y_col(at) };
	if (lr_map_put(t->server_map, name, (long)t->n_servers) == -2)
		return -ENOMEM;
	t->n_servers++;
	return 0;
}

int y_range(struct yctx *c, yaml_node_t *n, const char *what,
	    struct lr_names *out)
{
	const char *why;
	int ret = lr_hostrange_expand(y_scalar(n), MAX_NAMES, out, &why);

	if (ret == -ENOMEM)
		return ret;
	if (ret < 0)
		return y_err(c, n,
			     "bad %s '%s': %s (expected e.g. "
			     "gpu[001-064] or a[1-3,7])",
			     what, y_scalar(n), why);
	return 0;
}

static int parse_server(struct yctx *c, yaml_node_t *n, void *o)
{
	struct server_spec sp = { .tmpl = -1 };
	struct lr_names names = { 0 };
	int ret;

	(void)o;
	if (y_map(c, n, server_fields, LR_ARRAY_SIZE(server_fields), &sp,
		  "a server entry") ||
	    !sp.hosts || sp.tmpl < 0)
		return -EINVAL;
	ret = y_range(c, sp.hosts, "host range", &names);
	for (size_t i = 0; !ret && i < names.n; i++) {
		ret = add_server(c, sp.hosts, names.v[i], sp.tmpl);
		names.v[i] = NULL;
	}
	for (size_t i = 0; i < names.n; i++)
		free(names.v[i]);
	free(names.v);
	return ret;
}

int topo_parse_servers(struct yctx *c, yaml_node_t *n)
{
	c->t->server_map = lr_map_new(1024);
	if (!c->t->server_map)
		return -ENOMEM;
	return y_seq(c, n, parse_server, NULL, "server entries");
}

/* ---- routing ---- */

static int r_mode(struct yctx *c, yaml_node_t *n, void *o)
{
	static const char *const modes[] = { "adaptive", "ecmp" };
	int v, ret = y_enum(c, n, "routing mode", modes, 2, &v);

	(void)o;
	if (!ret)
		c->t->routing = (enum lr_routing)v;
	return ret;
}

static int r_qps(struct yctx *c, yaml_node_t *n, void *o)
{
	unsigned long v;
	int ret = y_uint(c, n, "qps_per_flow", 1, 1024, &v);

	(void)o;
	if (!ret)
		c->t->qps_per_flow = (unsigned)v;
	return ret;
}

static const struct yfield routing_fields[] = {
	{ "mode", r_mode, true },
	{ "qps_per_flow", r_qps, false },
};

int topo_parse_routing(struct yctx *c, yaml_node_t *n)
{
	return y_map(c, n, routing_fields, LR_ARRAY_SIZE(routing_fields), NULL,
		     "routing");
}

/* ---- explicit links ---- */

static int l_nic(struct yctx *c, yaml_node_t *n, void *o)
{
	struct link_spec *l = o;
	const char *s = y_scalar(n), *slash = s ? strchr(s, '/') : NULL;
	char fb[64];

	if (!slash || slash == s || !slash[1])
		return y_err(c, n,
			     "%s for nic (expected SERVER/NIC, e.g. "
			     "gpu001/mlx5_0)",
			     y_found(n, fb, sizeof(fb)));
	l->server = strndup(s, (size_t)(slash - s));
	l->nic = strdup(slash + 1);
	return l->server && l->nic ? 0 : -ENOMEM;
}

static int l_switch(struct yctx *c, yaml_node_t *n, void *o)
{
	return y_str(c, n, "switch", &((struct link_spec *)o)->sw);
}

static int l_rate(struct yctx *c, yaml_node_t *n, void *o)
{
	return y_rate(c, n, "link rate", &((struct link_spec *)o)->rate_gbps);
}

static const struct yfield link_fields[] = {
	{ "nic", l_nic, true },
	{ "switch", l_switch, false },
	{ "rate", l_rate, false },
};

static int parse_link(struct yctx *c, yaml_node_t *n, void *o)
{
	struct link_spec *l = &c->links[c->n_links];

	(void)o;
	*l = (struct link_spec){ .line = y_line(n), .col = y_col(n) };
	c->n_links++;
	return y_map(c, n, link_fields, LR_ARRAY_SIZE(link_fields), l,
		     "a link");
}

int topo_parse_links(struct yctx *c, yaml_node_t *n)
{
	size_t count = n->type == YAML_SEQUENCE_NODE ?
			       (size_t)(n->data.sequence.items.top -
					n->data.sequence.items.start) :
			       0;

	c->links = calloc(count + 1, sizeof(*c->links));
	if (!c->links)
		return -ENOMEM;
	return y_seq(c, n, parse_link, NULL, "links");
}
