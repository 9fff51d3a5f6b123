// SPDX-License-Identifier: MIT
/*
 * Consistency of a wired topology (every problem is listed): NICs without a
 * leaf, switches with more links than ports, duplicate NIC names; and the
 * groups of equivalent upper switches that routing spreads flows over.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo_int.h"

static void check_unwired(struct yctx *c)
{
	const struct lr_topo *t = c->t;

	for (size_t i = 0; i < t->n_nics; i++) {
		const struct lr_nic *n = &t->nics[i];
		const struct lr_server *s = &t->servers[n->server];
		const struct lr_nic_tmpl *nt = lr_topo_nic_tmpl(t, n);

		if (n->leaf >= 0)
			continue;
		lr_diag_add(c->d, s->line, s->col,
			    "NIC %s/%s on rail %u has "
			    "no leaf switch (expected a leaf with rail: %u "
			    "whose servers include %s, or a link)",
			    s->name, nt->name, nt->rail, nt->rail, s->name);
		c->bad = true;
	}
}

static void check_ports(struct yctx *c)
{
	const struct lr_topo *t = c->t;

	for (size_t i = 0; i < t->n_switches; i++) {
		const struct lr_switch *s = &t->switches[i];
		unsigned used = s->n_down + s->uplinks;

		if (!s->ports || used <= s->ports)
			continue;
		lr_diag_add(c->d, s->line, s->col,
			    "switch '%s' needs %u ports "
			    "(%u down, %u up) but has %u (expected at most %u "
			    "links)",
			    s->name, used, s->n_down, s->uplinks, s->ports,
			    s->ports);
		c->bad = true;
	}
}

static void check_nic_names(struct yctx *c)
{
	const struct lr_topo *t = c->t;

	for (size_t i = 0; i < t->n_tmpls; i++) {
		const struct lr_host_tmpl *h = &t->tmpls[i];

		for (size_t j = 0; j < h->n_nics; j++)
			for (size_t k = 0; k < j; k++)
				if (!strcmp(h->nics[j].name, h->nics[k].name)) {
					lr_diag_add(c->d, h->nics[j].line,
						    h->nics[j].col,
						    "duplicate NIC '%s' in "
						    "host '%s'",
						    h->nics[j].name, h->name);
					c->bad = true;
				}
	}
}

int topo_check(struct yctx *c)
{
	check_nic_names(c);
	check_unwired(c);
	check_ports(c);
	return 0;
}

/* ---- groups of equivalent upper switches ---- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static char *group_key(uint32_t *up, size_t n)
{
	size_t len = n * 11 + 1, off = 0;
	char *k = malloc(len);

	if (!k)
		return NULL;
	qsort(up, n, sizeof(*up), cmp_u32);
	k[0] = '\0';
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(k + off, len - off, "%u,", up[i]);
	return k;
}

static int new_group(struct lr_topo *t, const uint32_t *up, size_t n)
{
	struct lr_group *g = realloc(t->groups, (t->n_groups + 1) * sizeof(*g));

	if (!g)
		return -ENOMEM;
	t->groups = g;
	g = &t->groups[t->n_groups];
	g->members = malloc(n * sizeof(*up));
	if (!g->members)
		return -ENOMEM;
	memcpy(g->members, up, n * sizeof(*up));
	g->n = n;
	g->up_group = -1;
	return (int)t->n_groups++;
}

static int assign_groups(struct lr_topo *t, struct lr_name_map *m, char **keys)
{
	for (size_t i = 0; i < t->n_switches; i++) {
		struct lr_switch *s = &t->switches[i];
		long g;

		if (!s->n_up)
			continue;
		keys[i] = group_key(s->up, s->n_up);
		if (!keys[i])
			return -ENOMEM;
		g = lr_map_get(m, keys[i]);
		if (g < 0) {
			g = new_group(t, s->up, s->n_up);
			if (g < 0 || lr_map_put(m, keys[i], g) == -2)
				return -ENOMEM;
		}
		s->up_group = (int)g;
	}
	return 0;
}

/* All members of a group must go up to the same group. */
static void link_groups(struct yctx *c)
{
	struct lr_topo *t = c->t;

	for (size_t g = 0; g < t->n_groups; g++) {
		struct lr_group *gr = &t->groups[g];
		const struct lr_switch *first = &t->switches[gr->members[0]];

		gr->up_group = first->up_group;
		for (size_t k = 1; k < gr->n; k++) {
			const struct lr_switch *s =
				&t->switches[gr->members[k]];

			if (s->up_group == first->up_group)
				continue;
			lr_diag_add(c->d, s->line, s->col,
				    "'%s' and '%s' are "
				    "reached as one group but go up to "
				    "different switches (expected the same "
				    "'up' for both)",
				    first->name, s->name);
			c->bad = true;
		}
		if (gr->up_group == (int)g) {
			lr_diag_add(c->d, first->line, first->col,
				    "'%s' goes "
				    "up to itself",
				    first->name);
			c->bad = true;
		}
	}
}

int topo_groups(struct yctx *c)
{
	struct lr_topo *t = c->t;
	struct lr_name_map *m = lr_map_new(64);
	char **keys = calloc(t->n_switches + 1, sizeof(*keys));
	int ret = m && keys ? assign_groups(t, m, keys) : -ENOMEM;

	if (!ret)
		link_groups(c);
	for (size_t i = 0; keys && i < t->n_switches; i++)
		free(keys[i]);
	free(keys);
	lr_map_free(m);
	return ret;
}
