// SPDX-License-Identifier: MIT
/*
 * Topology file: the top level and link profiles. Sections are parsed in
 * dependency order (profiles, hosts, servers, switches, links, routing)
 * whatever their order in the file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/model.h"
#include "linerate/util.h"
#include "topo_int.h"

/* ---- link profiles ---- */

static const char *const link_names[] = { "ethernet", "infiniband",
					  "veth-tbf" };
static const char *const encap_names[] = { "rocev2", "ib", "tcp" };
static const char *const ip_names[] = { "ipv4", "ipv6" };

static int f_link(struct yctx *c, yaml_node_t *n, void *o)
{
	int v, ret = y_enum(c, n, "link", link_names, 3, &v);

	if (!ret)
		((struct lr_profile *)o)->link = (enum lr_link_layer)v;
	return ret;
}

static int f_transport(struct yctx *c, yaml_node_t *n, void *o)
{
	int v, ret = y_enum(c, n, "transport", encap_names, 3, &v);

	if (!ret)
		((struct lr_profile *)o)->encap = (enum lr_encap)v;
	return ret;
}

static int f_ip(struct yctx *c, yaml_node_t *n, void *o)
{
	int v, ret = y_enum(c, n, "ip", ip_names, 2, &v);

	if (!ret)
		((struct lr_profile *)o)->ipv6 = v == 1;
	return ret;
}

static int f_vlan(struct yctx *c, yaml_node_t *n, void *o)
{
	return y_bool(c, n, "vlan", &((struct lr_profile *)o)->vlan);
}

static int f_grh(struct yctx *c, yaml_node_t *n, void *o)
{
	return y_bool(c, n, "grh", &((struct lr_profile *)o)->grh);
}

static int f_ts(struct yctx *c, yaml_node_t *n, void *o)
{
	return y_bool(c, n, "tcp_timestamps",
		      &((struct lr_profile *)o)->tcp_timestamps);
}

static int f_rate(struct yctx *c, yaml_node_t *n, void *o)
{
	return y_rate(c, n, "link rate", &((struct lr_profile *)o)->rate_gbps);
}

static int f_mtu(struct yctx *c, yaml_node_t *n, void *o)
{
	unsigned long v;
	int ret = y_uint(c, n, "mtu", 576, 65535, &v);

	if (!ret)
		((struct lr_profile *)o)->mtu = (unsigned)v;
	return ret;
}

static int f_path_mtu(struct yctx *c, yaml_node_t *n, void *o)
{
	unsigned long v;
	char fb[64];

	if (y_uint(c, n, "path_mtu", 256, 4096, &v))
		return -EINVAL;
	if (v & (v - 1))
		return y_err(c, n,
			     "%s for path_mtu (expected an IB MTU: 256, "
			     "512, 1024, 2048 or 4096)",
			     y_found(n, fb, sizeof(fb)));
	((struct lr_profile *)o)->path_mtu = (unsigned)v;
	return 0;
}

static int f_lossless(struct yctx *c, yaml_node_t *n, void *o)
{
	unsigned long v;
	int ret = y_uint(c, n, "lossless_dscp", 0, 63, &v);

	if (!ret) {
		((struct lr_profile *)o)->lossless = true;
		((struct lr_profile *)o)->lossless_dscp = (unsigned)v;
	}
	return ret;
}

static const struct yfield profile_fields[] = {
	{ "link", f_link, true },
	{ "transport", f_transport, true },
	{ "rate", f_rate, true },
	{ "ip", f_ip, false },
	{ "vlan", f_vlan, false },
	{ "grh", f_grh, false },
	{ "mtu", f_mtu, false },
	{ "path_mtu", f_path_mtu, false },
	{ "tcp_timestamps", f_ts, false },
	{ "lossless_dscp", f_lossless, false },
};

/* Combinations the physics does not allow. */
static int profile_check(struct yctx *c, yaml_node_t *n, struct lr_profile *p)
{
	struct lr_framing f;

	if (p->encap == LR_ENCAP_IB && p->link != LR_LINK_INFINIBAND)
		return y_err(c, n,
			     "profile '%s': transport ib on a %s link "
			     "(expected link: infiniband)",
			     p->name, link_names[p->link]);
	if (p->encap != LR_ENCAP_IB && p->link == LR_LINK_INFINIBAND)
		return y_err(c, n,
			     "profile '%s': transport %s on an "
			     "infiniband link (expected transport: ib)",
			     p->name, encap_names[p->encap]);
	if (p->encap == LR_ENCAP_ROCEV2 && !p->path_mtu && !p->mtu)
		return y_err(c, n,
			     "profile '%s' has neither mtu nor path_mtu "
			     "(expected e.g. mtu: 9000)",
			     p->name);
	if (p->encap == LR_ENCAP_ROCEV2 && p->mtu && p->path_mtu &&
	    p->path_mtu > lr_roce_path_mtu(p->mtu))
		return y_err(c, n,
			     "profile '%s': path_mtu %u does not fit in "
			     "mtu %u (expected at most %u: MTU - 96)",
			     p->name, p->path_mtu, p->mtu,
			     lr_roce_path_mtu(p->mtu));
	if (p->lossless && p->encap != LR_ENCAP_ROCEV2)
		return y_err(c, n,
			     "profile '%s': lossless_dscp needs transport "
			     "rocev2",
			     p->name);
	if (lr_profile_framing(p, LR_OP_SEND, &f))
		return y_err(c, n, "profile '%s': mtu %u leaves no payload",
			     p->name, p->mtu);
	return 0;
}

static int parse_profile(struct yctx *c, yaml_node_t *k, yaml_node_t *v,
			 void *o)
{
	struct lr_topo *t = c->t;
	struct lr_profile *p;
	int ret;

	(void)o;
	for (size_t i = 0; i < t->n_profiles; i++)
		if (!strcmp(t->profiles[i].name, y_scalar(k)))
			return y_err(c, k, "duplicate profile '%s'",
				     y_scalar(k));
	p = &t->profiles[t->n_profiles];
	*p = (struct lr_profile){ .tcp_timestamps = true,
				  .line = y_line(k),
				  .col = y_col(k) };
	p->name = strdup(y_scalar(k));
	if (!p->name)
		return -ENOMEM;
	t->n_profiles++;
	ret = y_map(c, v, profile_fields, LR_ARRAY_SIZE(profile_fields), p,
		    "a link profile");
	return ret ? ret : profile_check(c, v, p);
}

int topo_parse_profiles(struct yctx *c, yaml_node_t *n)
{
	size_t count = n->type == YAML_MAPPING_NODE ?
			       (size_t)(n->data.mapping.pairs.top -
					n->data.mapping.pairs.start) :
			       0;

	c->t->profiles = calloc(count + 1, sizeof(*c->t->profiles));
	if (!c->t->profiles)
		return -ENOMEM;
	return y_pairs(c, n, parse_profile, NULL, "profiles");
}

/* ---- the top level ---- */

enum {
	SEC_VERSION,
	SEC_NAME,
	SEC_PROFILES,
	SEC_HOSTS,
	SEC_SERVERS,
	SEC_SWITCHES,
	SEC_LINKS,
	SEC_ROUTING,
	SEC_TOLERANCE,
	SEC_COUNT
};

static const char *const sections[SEC_COUNT] = {
	"version",  "name",  "profiles", "hosts",     "servers",
	"switches", "links", "routing",	 "tolerance",
};

static int top_keys(struct yctx *c, yaml_node_t *root, yaml_node_t **sec)
{
	char fb[64];
	int ret = 0;

	if (root->type != YAML_MAPPING_NODE)
		return y_err(c, root,
			     "%s at the top (expected a mapping with "
			     "version, profiles, hosts, servers, switches)",
			     y_found(root, fb, sizeof(fb)));
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		const char *key = y_scalar(k);
		size_t i;

		for (i = 0; key && i < SEC_COUNT; i++)
			if (!strcmp(key, sections[i]))
				break;
		if (!key || i == SEC_COUNT)
			ret = y_err(c, k,
				    "unknown key %s at the top (expected "
				    "one of: version, name, profiles, hosts, "
				    "servers, switches, links, routing, "
				    "tolerance)",
				    y_found(k, fb, sizeof(fb)));
		else if (sec[i])
			ret = y_err(c, k, "duplicate key '%s'", key);
		else
			sec[i] = yaml_document_get_node(c->doc, p->value);
	}
	return ret;
}

static int top_version(struct yctx *c, yaml_node_t *root, yaml_node_t **sec)
{
	unsigned long v;

	if (!sec[SEC_VERSION])
		return y_err(c, root, "no 'version' (expected version: 1)");
	if (y_uint(c, sec[SEC_VERSION], "version", 1, 1, &v))
		return -EINVAL;
	if (sec[SEC_NAME] && y_str(c, sec[SEC_NAME], "name", &c->t->name))
		return -EINVAL;
	for (int i = SEC_PROFILES; i <= SEC_SERVERS; i++)
		if (!sec[i])
			return y_err(c, root,
				     "no '%s' section (expected "
				     "profiles, hosts and servers)",
				     sections[i]);
	return 0;
}

static int top_tolerance(struct yctx *c, yaml_node_t *n)
{
	const char *s = y_scalar(n);
	char *end, fb[64];
	double v = s ? strtod(s, &end) : -1;

	if (s && end != s && !*end && v >= 0 && v < 1) {
		c->t->tolerance = v;
		return 0;
	}
	return y_err(c, n,
		     "%s for tolerance (expected a fraction from 0 to "
		     "0.99, e.g. 0.05)",
		     y_found(n, fb, sizeof(fb)));
}

static int parse_sections(struct yctx *c, yaml_node_t **sec)
{
	int ret = 0;

	if (topo_parse_profiles(c, sec[SEC_PROFILES]) == -ENOMEM ||
	    topo_parse_hosts(c, sec[SEC_HOSTS]) == -ENOMEM ||
	    topo_parse_servers(c, sec[SEC_SERVERS]) == -ENOMEM)
		return -ENOMEM;
	if (sec[SEC_SWITCHES] &&
	    topo_parse_switches(c, sec[SEC_SWITCHES]) == -ENOMEM)
		return -ENOMEM;
	if (sec[SEC_LINKS] && topo_parse_links(c, sec[SEC_LINKS]) == -ENOMEM)
		return -ENOMEM;
	if (sec[SEC_ROUTING])
		topo_parse_routing(c, sec[SEC_ROUTING]);
	if (sec[SEC_TOLERANCE])
		top_tolerance(c, sec[SEC_TOLERANCE]);
	return ret;
}

static int parse_document(struct yctx *c)
{
	yaml_node_t *root = yaml_document_get_root_node(c->doc);
	yaml_node_t *sec[SEC_COUNT] = { 0 };
	int ret;

	if (!root) {
		lr_diag_add(c->d, 0, 0,
			    "empty file (expected a topology "
			    "with version, profiles, hosts, servers)");
		return -EINVAL;
	}
	if (top_keys(c, root, sec) || top_version(c, root, sec))
		return -EINVAL;
	ret = parse_sections(c, sec);
	if (ret)
		return ret;
	if (c->bad) /* the structure is incomplete: stop here */
		return -EINVAL;
	ret = topo_wire(c);
	if (!ret && !c->bad)
		ret = topo_groups(c);
	if (!ret)
		ret = topo_check(c); /* safe after any wiring problem */
	if (ret)
		return ret;
	return c->bad || c->d->n ? -EINVAL : 0; /* any problem rejects */
}

static void syntax_error(struct lr_diags *d, const yaml_parser_t *p)
{
	const yaml_mark_t *m = p->problem ? &p->problem_mark : &p->context_mark;

	lr_diag_add(d, (int)m->line + 1, (int)m->column + 1,
		    "YAML syntax: %s%s%s", p->problem ? p->problem : "error",
		    p->context ? " " : "", p->context ? p->context : "");
}

static void wiring_free(struct yctx *c)
{
	for (size_t i = 0; c->wiring && i < c->t->n_switches; i++) {
		free(c->wiring[i].up);
		free(c->wiring[i].servers);
	}
	free(c->wiring);
	for (size_t i = 0; i < c->n_links; i++) {
		free(c->links[i].server);
		free(c->links[i].nic);
		free(c->links[i].sw);
	}
	free(c->links);
}

int lr_topo_load_string(const char *file, const char *text, size_t len,
			struct lr_diags *diags, struct lr_topo **out)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct yctx c = { .d = diags, .doc = &doc };
	int ret;

	diags->file = file;
	c.t = calloc(1, sizeof(*c.t));
	if (!c.t || !yaml_parser_initialize(&parser)) {
		free(c.t);
		return -ENOMEM;
	}
	c.t->file = strdup(file);
	c.t->qps_per_flow = 1;
	c.t->tolerance = 0.05;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		syntax_error(diags, &parser);
		yaml_parser_delete(&parser);
		lr_topo_free(c.t);
		return -EINVAL;
	}
	ret = parse_document(&c);
	wiring_free(&c);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (ret) {
		lr_topo_free(c.t);
		return ret;
	}
	*out = c.t;
	return 0;
}
