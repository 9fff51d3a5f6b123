// SPDX-License-Identifier: MIT
/* Topology lifetime, file loading and lookups. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/util.h"
#include "topo_int.h"

static int read_all(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "r");
	size_t cap = 1 << 16, n = 0;
	char *b = NULL, *nb;

	if (!f)
		return -errno;
	for (;;) {
		nb = realloc(b, cap + 1);
		if (!nb) {
			free(b);
			fclose(f);
			return -ENOMEM;
		}
		b = nb;
		n += fread(b + n, 1, cap - n, f);
		if (n < cap)
			break;
		cap *= 2;
	}
	if (ferror(f)) {
		free(b);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

int lr_topo_load(const char *path, struct lr_diags *diags, struct lr_topo **out)
{
	char *text = NULL;
	size_t len = 0;
	int ret = read_all(path, &text, &len);

	if (ret) {
		lr_err("cannot read topology '%s': %s", path, strerror(-ret));
		return ret;
	}
	ret = lr_topo_load_string(path, text, len, diags, out);
	free(text);
	return ret;
}

static void free_tmpl(struct lr_host_tmpl *h)
{
	for (size_t j = 0; j < h->n_nics; j++)
		free(h->nics[j].name);
	for (size_t j = 0; j < h->n_pswitches; j++)
		free(h->pswitches[j].name);
	free(h->nics);
	free(h->pswitches);
	free(h->name);
}

void lr_topo_free(struct lr_topo *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_profiles; i++)
		free(t->profiles[i].name);
	for (size_t i = 0; i < t->n_tmpls; i++)
		free_tmpl(&t->tmpls[i]);
	for (size_t i = 0; i < t->n_servers; i++)
		free(t->servers[i].name);
	for (size_t i = 0; i < t->n_switches; i++) {
		free(t->switches[i].name);
		free(t->switches[i].up);
	}
	for (size_t i = 0; i < t->n_groups; i++)
		free(t->groups[i].members);
	lr_map_free(t->server_map);
	lr_map_free(t->switch_map);
	free(t->profiles);
	free(t->tmpls);
	free(t->servers);
	free(t->nics);
	free(t->switches);
	free(t->groups);
	free(t->file);
	free(t->name);
	free(t);
}

long lr_topo_find_server(const struct lr_topo *t, const char *name)
{
	return lr_map_get(t->server_map, name);
}

long lr_topo_find_switch(const struct lr_topo *t, const char *name)
{
	return lr_map_get(t->switch_map, name);
}

double lr_topo_nic_rate(const struct lr_topo *t, const struct lr_nic *n)
{
	if (n->rate_gbps > 0)
		return n->rate_gbps;
	return lr_topo_nic_profile(t, n)->rate_gbps;
}
