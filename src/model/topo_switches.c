// SPDX-License-Identifier: MIT
/*
 * Topology file: switches. One entry may name many switches with a host
 * range; with "rail: 0-8" the i-th name serves rail i, and "{rail}" in
 * "up" is replaced by that rail.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/util.h"
#include "topo_int.h"

#define MAX_SWITCHES 1000000

struct sw_spec {
	yaml_node_t *name, *servers, *up, *rail_node;
	int tier;
	unsigned long ports, uplinks;
	double uplink_gbps;
	long rail_lo, rail_hi;
};

static int w_name(struct yctx *c, yaml_node_t *n, void *o)
{
	char fb[64];

	if (!y_scalar(n))
		return y_err(c, n,
			     "%s for a switch name (expected a name or "
			     "range, e.g. leaf[1-8])",
			     y_found(n, fb, 64));
	((struct sw_spec *)o)->name = n;
	return 0;
}

static int w_tier(struct yctx *c, yaml_node_t *n, void *o)
{
	static const char *const tiers[] = { "leaf", "spine", "core" };
	int v, ret = y_enum(c, n, "tier", tiers, 3, &v);

	if (!ret)
		((struct sw_spec *)o)->tier = v + LR_TIER_LEAF;
	return ret;
}

static int w_ports(struct yctx *c, yaml_node_t *n, void *o)
{
	return y_uint(c, n, "ports", 1, 4096, &((struct sw_spec *)o)->ports);
}

static int w_uplinks(struct yctx *c, yaml_node_t *n, void *o)
{
	return y_uint(c, n, "uplinks", 0, 4096,
		      &((struct sw_spec *)o)->uplinks);
}

static int w_rate(struct yctx *c, yaml_node_t *n, void *o)
{
	return y_rate(c, n, "uplink rate", &((struct sw_spec *)o)->uplink_gbps);
}

static int w_rail(struct yctx *c, yaml_node_t *n, void *o)
{
	struct sw_spec *w = o;
	const char *s = y_scalar(n);
	long lo, hi;
	char tail, fb[64];
	int k = s ? sscanf(s, "%ld-%ld%c", &lo, &hi, &tail) : 0;

	if ((k == 1 || k == 2) && lo >= 0 && lo < 1024 &&
	    (k == 1 || (hi >= lo && hi < 1024))) {
		w->rail_lo = lo;
		w->rail_hi = k == 2 ? hi : lo;
		w->rail_node = n;
		return 0;
	}
	return y_err(c, n,
		     "%s for rail (expected a rail number or a range "
		     "such as 0-8)",
		     y_found(n, fb, sizeof(fb)));
}

static int w_servers(struct yctx *c, yaml_node_t *n, void *o)
{
	char fb[64];

	if (!y_scalar(n))
		return y_err(c, n, "%s for servers (expected a host range)",
			     y_found(n, fb, sizeof(fb)));
	((struct sw_spec *)o)->servers = n;
	return 0;
}

static int w_up(struct yctx *c, yaml_node_t *n, void *o)
{
	char fb[64];

	if (!y_scalar(n))
		return y_err(c, n,
			     "%s for up (expected a switch range, e.g. "
			     "spine[1-4])",
			     y_found(n, fb, sizeof(fb)));
	((struct sw_spec *)o)->up = n;
	return 0;
}

static const struct yfield sw_fields[] = {
	{ "name", w_name, true },	  { "tier", w_tier, true },
	{ "ports", w_ports, false },	  { "rail", w_rail, false },
	{ "servers", w_servers, false },  { "uplinks", w_uplinks, false },
	{ "uplink_rate", w_rate, false }, { "up", w_up, false },
};

static int spec_check(struct yctx *c, yaml_node_t *n, struct sw_spec *w,
		      size_t count)
{
	int ret = 0;

	if (w->servers && w->tier != LR_TIER_LEAF)
		ret = y_err(c, w->servers,
			    "servers under a %s switch "
			    "(expected servers only on leaf switches)",
			    w->tier == LR_TIER_SPINE ? "spine" : "core");
	if (w->rail_node && w->rail_hi > w->rail_lo &&
	    (size_t)(w->rail_hi - w->rail_lo + 1) != count)
		ret = y_err(c, w->rail_node,
			    "rails %ld-%ld for %zu switch "
			    "names (expected one rail per name)",
			    w->rail_lo, w->rail_hi, count);
	if (w->uplinks && !w->up)
		ret = y_err(c, n,
			    "uplinks without 'up' (expected the "
			    "switches above, e.g. up: spine[1-4])");
	if (w->up && !w->uplinks)
		ret = y_err(c, w->up,
			    "'up' without uplinks (expected "
			    "uplinks: N)");
	if (w->uplinks && !w->uplink_gbps)
		ret = y_err(c, n,
			    "uplinks without uplink_rate (expected "
			    "e.g. uplink_rate: 400G)");
	return ret;
}

static int grow_switches(struct yctx *c)
{
	size_t cap = c->cap_switches ? c->cap_switches * 2 : 64;
	struct lr_switch *s = realloc(c->t->switches, cap * sizeof(*s));
	struct sw_wiring *w;

	if (!s)
		return -ENOMEM;
	c->t->switches = s;
	w = realloc(c->wiring, cap * sizeof(*w));
	if (!w)
		return -ENOMEM;
	c->wiring = w;
	c->cap_switches = cap;
	return 0;
}

/* Copy s with "{rail}" replaced by the rail number. */
static char *subst_rail(const char *s, long rail)
{
	const char *at = strstr(s, "{rail}");
	char *out;

	if (!at || rail < 0)
		return strdup(s);
	if (asprintf(&out, "%.*s%ld%s", (int)(at - s), s, rail, at + 6) < 0)
		return NULL;
	return out;
}

static int add_switch(struct yctx *c, const struct sw_spec *w, char *name,
		      long rail)
{
	struct lr_topo *t = c->t;
	struct lr_switch *s;
	struct sw_wiring *wr;
	long prev = lr_map_get(t->switch_map, name);

	if (prev >= 0) { /* inconsistent, but the rest can be checked */
		lr_diag_add(c->d, y_line(w->name), y_col(w->name),
			    "duplicate "
			    "switch '%s' (first defined at %d:%d)",
			    name, t->switches[prev].line,
			    t->switches[prev].col);
		free(name);
		return 0;
	}
	if (t->n_switches == c->cap_switches && grow_switches(c))
		return -ENOMEM;
	s = &t->switches[t->n_switches];
	*s = (struct lr_switch){ .name = name,
				 .tier = (enum lr_tier)w->tier,
				 .ports = (unsigned)w->ports,
				 .uplinks = (unsigned)w->uplinks,
				 .uplink_gbps = w->uplink_gbps,
				 .up_group = -1,
				 .line = y_line(w->name),
				 .col = y_col(w->name) };
	wr = &c->wiring[t->n_switches];
	*wr = (struct sw_wiring){ .rail = rail };
	t->n_switches++;
	if (w->up) {
		wr->up = subst_rail(y_scalar(w->up), rail);
		wr->up_line = y_line(w->up);
		wr->up_col = y_col(w->up);
	}
	if (w->servers) {
		wr->servers = strdup(y_scalar(w->servers));
		wr->srv_line = y_line(w->servers);
		wr->srv_col = y_col(w->servers);
	}
	return lr_map_put(t->switch_map, name, (long)t->n_switches - 1) == -2 ?
		       -ENOMEM :
		       0;
}

static long rail_of(const struct sw_spec *w, size_t i)
{
	if (!w->rail_node)
		return -1;
	return w->rail_hi > w->rail_lo ? w->rail_lo + (long)i : w->rail_lo;
}

static int parse_switch(struct yctx *c, yaml_node_t *n, void *o)
{
	struct sw_spec w = { .tier = 0 };
	struct lr_names names = { 0 };
	int ret;

	(void)o;
	if (y_map(c, n, sw_fields, LR_ARRAY_SIZE(sw_fields), &w, "a switch") ||
	    !w.name || !w.tier)
		return -EINVAL;
	ret = y_range(c, w.name, "switch name range", &names);
	if (!ret)
		ret = spec_check(c, n, &w, names.n);
	for (size_t i = 0; !ret && i < names.n; i++) {
		ret = add_switch(c, &w, names.v[i], rail_of(&w, i));
		names.v[i] = NULL;
	}
	lr_names_free(&names);
	return ret;
}

int topo_parse_switches(struct yctx *c, yaml_node_t *n)
{
	c->t->switch_map = lr_map_new(256);
	if (!c->t->switch_map)
		return -ENOMEM;
	return y_seq(c, n, parse_switch, NULL, "switches");
}
