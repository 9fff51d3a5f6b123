// SPDX-License-Identifier: MIT
/*
 * Wiring: NIC instances for every server, leaves to NICs (by rail), explicit
 * links (irregular wiring, degraded rates) and switches to the switches
 * above them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "topo_int.h"

static int make_nics(struct lr_topo *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n_servers; i++) {
		t->servers[i].first_nic = (uint32_t)n;
		n += t->tmpls[t->servers[i].tmpl].n_nics;
	}
	t->nics = calloc(n + 1, sizeof(*t->nics));
	if (!t->nics)
		return -ENOMEM;
	t->n_nics = n;
	for (size_t i = 0; i < t->n_servers; i++) {
		const struct lr_host_tmpl *h = &t->tmpls[t->servers[i].tmpl];

		for (size_t j = 0; j < h->n_nics; j++)
			t->nics[t->servers[i].first_nic + j] =
				(struct lr_nic){ .server = (uint32_t)i,
						 .idx = (uint32_t)j,
						 .leaf = -1 };
	}
	return 0;
}

static void attach(struct yctx *c, uint32_t nic, uint32_t sw)
{
	struct lr_topo *t = c->t;
	struct lr_nic *n = &t->nics[nic];

	if (n->leaf >= 0) {
		struct lr_switch *old = &t->switches[n->leaf];

		old->n_down--;
		old->down_gbps -= lr_topo_nic_rate(t, n);
	}
	n->leaf = (int32_t)sw;
	t->switches[sw].n_down++;
	t->switches[sw].down_gbps += lr_topo_nic_rate(t, n);
}

/* Connect the NICs of one server a leaf lists; count what is missing. */
static int wire_server(struct yctx *c, uint32_t sw, long srv)
{
	struct lr_topo *t = c->t;
	const struct sw_wiring *w = &c->wiring[sw];
	const struct lr_server *s = &t->servers[srv];
	const struct lr_host_tmpl *h = &t->tmpls[s->tmpl];
	int found = 0;

	for (size_t j = 0; j < h->n_nics; j++) {
		uint32_t nic = s->first_nic + (uint32_t)j;

		if (w->rail >= 0 && h->nics[j].rail != (uint32_t)w->rail)
			continue;
		found++;
		if (t->nics[nic].leaf >= 0) {
			lr_diag_add(c->d, w->srv_line, w->srv_col,
				    "NIC %s/%s is connected to both '%s' and "
				    "'%s' (expected one leaf per NIC)",
				    s->name, h->nics[j].name,
				    t->switches[t->nics[nic].leaf].name,
				    t->switches[sw].name);
			c->bad = true;
			continue;
		}
		attach(c, nic, sw);
	}
	if (!found) {
		lr_diag_add(c->d, w->srv_line, w->srv_col,
			    "server '%s' (host "
			    "'%s') has no NIC on rail %ld, which '%s' connects "
			    "(expected a NIC with rail: %ld)",
			    s->name, h->name, w->rail, t->switches[sw].name,
			    w->rail);
		c->bad = true;
	}
	return 0;
}

static int wire_leaf(struct yctx *c, uint32_t sw)
{
	const struct sw_wiring *w = &c->wiring[sw];
	struct lr_names names = { 0 };
	const char *why;
	int ret = lr_hostrange_expand(w->servers, 10000000, &names, &why);

	if (ret < 0 && ret != -ENOMEM) {
		lr_diag_add(c->d, w->srv_line, w->srv_col,
			    "bad host range "
			    "'%s': %s (expected e.g. gpu[001-064])",
			    w->servers, why);
		c->bad = true;
	}
	for (size_t i = 0; ret >= 0 && i < names.n; i++) {
		long srv = lr_topo_find_server(c->t, names.v[i]);

		if (srv >= 0) {
			wire_server(c, sw, srv);
			continue;
		}
		lr_diag_add(c->d, w->srv_line, w->srv_col,
			    "unknown server "
			    "'%s' under '%s' (expected a server defined under "
			    "'servers')",
			    names.v[i], c->t->switches[sw].name);
		c->bad = true;
	}
	lr_names_free(&names);
	return ret == -ENOMEM ? ret : 0;
}

static long find_nic(const struct lr_topo *t, long srv, const char *name)
{
	const struct lr_server *s = &t->servers[srv];
	const struct lr_host_tmpl *h = &t->tmpls[s->tmpl];

	for (size_t j = 0; j < h->n_nics; j++)
		if (!strcmp(h->nics[j].name, name))
			return (long)(s->first_nic + j);
	return -1;
}

static void wire_link(struct yctx *c, const struct link_spec *l)
{
	struct lr_topo *t = c->t;
	long srv = lr_topo_find_server(t, l->server), nic, sw = -1;

	nic = srv >= 0 ? find_nic(t, srv, l->nic) : -1;
	if (nic < 0) {
		lr_diag_add(c->d, l->line, l->col,
			    "unknown NIC '%s/%s' "
			    "(expected SERVER/NIC of a defined server)",
			    l->server, l->nic);
		c->bad = true;
		return;
	}
	if (l->sw && (sw = lr_topo_find_switch(t, l->sw)) < 0) {
		lr_diag_add(c->d, l->line, l->col,
			    "unknown switch '%s' "
			    "(expected a switch defined under 'switches')",
			    l->sw);
		c->bad = true;
		return;
	}
	if (l->rate_gbps > 0) {
		int32_t leaf = t->nics[nic].leaf;

		if (leaf >= 0)
			t->switches[leaf].down_gbps +=
				l->rate_gbps -
				lr_topo_nic_rate(t, &t->nics[nic]);
		t->nics[nic].rate_gbps = (float)l->rate_gbps;
	}
	if (sw >= 0)
		attach(c, (uint32_t)nic, (uint32_t)sw);
}

static int up_one(struct yctx *c, uint32_t sw, const char *name, size_t k)
{
	struct lr_topo *t = c->t;
	struct lr_switch *s = &t->switches[sw];
	const struct sw_wiring *w = &c->wiring[sw];
	long up = lr_topo_find_switch(t, name);

	if (up < 0) {
		lr_diag_add(c->d, w->up_line, w->up_col,
			    "unknown switch '%s' "
			    "above '%s' (expected a switch defined under "
			    "'switches')",
			    name, s->name);
		c->bad = true;
		return -EINVAL;
	}
	if (t->switches[up].tier <= s->tier) {
		lr_diag_add(c->d, w->up_line, w->up_col,
			    "'%s' above '%s' is "
			    "not a higher tier (expected leaf < spine < core)",
			    name, s->name);
		c->bad = true;
		return -EINVAL;
	}
	s->up[k] = (uint32_t)up;
	t->switches[up].n_down += s->uplinks / (unsigned)s->n_up;
	t->switches[up].down_gbps +=
		s->uplink_gbps * s->uplinks / (double)s->n_up;
	return 0;
}

static int wire_up(struct yctx *c, uint32_t sw)
{
	struct lr_switch *s = &c->t->switches[sw];
	const struct sw_wiring *w = &c->wiring[sw];
	struct lr_names names = { 0 };
	const char *why;
	int ret = lr_hostrange_expand(w->up, 100000, &names, &why);

	if (ret < 0) {
		lr_diag_add(c->d, w->up_line, w->up_col,
			    "bad switch range "
			    "'%s': %s (expected e.g. spine[1-4])",
			    w->up, why);
		c->bad = true;
		return ret == -ENOMEM ? ret : 0;
	}
	s->up = calloc(names.n, sizeof(*s->up));
	if (!s->up) {
		lr_names_free(&names);
		return -ENOMEM;
	}
	s->n_up = names.n;
	if (s->uplinks % names.n) {
		lr_diag_add(c->d, w->up_line, w->up_col,
			    "%u uplinks of '%s' "
			    "do not spread evenly over %zu switches (expected "
			    "a multiple of %zu)",
			    s->uplinks, s->name, names.n, names.n);
		c->bad = true;
	}
	for (size_t k = 0; k < names.n; k++)
		up_one(c, sw, names.v[k], k);
	lr_names_free(&names);
	return 0;
}

int topo_wire(struct yctx *c)
{
	struct lr_topo *t = c->t;
	int ret = make_nics(t);

	for (uint32_t i = 0; !ret && i < t->n_switches; i++)
		if (c->wiring[i].servers)
			ret = wire_leaf(c, i);
	for (size_t i = 0; !ret && i < c->n_links; i++)
		wire_link(c, &c->links[i]);
	for (uint32_t i = 0; !ret && i < t->n_switches; i++)
		if (c->wiring[i].up)
			ret = wire_up(c, i);
	return ret;
}
