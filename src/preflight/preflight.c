// SPDX-License-Identifier: MIT
/* Each NIC of the server's template against this host's inventory. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pf.h"
#include "linerate/inventory.h"
#include "linerate/preflight.h"

static void expected_spec(const struct lr_topo *t, const struct lr_nic *nic,
			  struct pf_nic *n)
{
	n->spec = (struct lr_nic_spec){
		.profile = lr_topo_nic_profile(t, nic),
		.rate_gbps = lr_topo_nic_rate(t, nic),
		.pcie_gen = n->tmpl->pcie_gen,
		.pcie_width = n->tmpl->pcie_width,
		.max_payload = n->host->max_payload,
		.max_read_req = n->host->max_read_req,
		.read_completion = n->host->read_completion,
		.inter_socket_gbps = n->host->inter_socket_gbps,
		.model = n->tmpl->model,
	};
	n->expected = pf_ceiling(&n->spec, NULL, 0);
}

/* The RDMA device of that name, else the netdev (tcp profiles). */
static void find_found(struct pf_nic *n, const json_t *inv)
{
	const char *nd;

	n->dev = lr_inv_find_rdma(inv, n->name);
	n->port = json_array_get(json_object_get(n->dev, "ports"), 0);
	nd = n->port ? pf_str(n->port, "netdev") : n->name;
	n->netdev = nd ? lr_inv_find_netdev(inv, nd) : NULL;
	n->pci = json_object_get(n->dev ? n->dev : n->netdev, "pci");
	if (!json_is_object(n->pci))
		n->pci = NULL;
}

static void check_nic(struct pf_nic *n, const json_t *counters)
{
	if (pf_check_presence(n))
		return;
	pf_check_high_counters(n);
	if (pf_check_state(n))
		return;
	pf_check_link(n);
	pf_check_mtu(n);
	pf_check_gid(n);
	pf_check_pcie(n);
	pf_check_pcie_sizes(n);
	pf_check_switch(n);
	pf_check_numa(n);
	pf_check_dcb(n);
	pf_check_counters(n, counters);
}

/* The lowest ceiling of this NIC's findings, or the expected one. */
static double found_ceiling(const struct pf_nic *n, size_t first)
{
	double gbps = n->expected;
	size_t i;
	json_t *f;

	json_array_foreach(n->findings, i, f) {
		json_t *c = json_object_get(f, "ceiling_gbps");

		if (i >= first && json_is_number(c) &&
		    json_number_value(c) < gbps)
			gbps = json_number_value(c);
	}
	return gbps;
}

static json_t *nic_summary(const struct pf_nic *n, size_t first)
{
	const char *dev = pf_str(n->dev ? n->dev : n->netdev, "name");

	return json_pack("{s:s, s:o, s:f, s:f, s:I}", "nic", n->name, "device",
			 dev ? json_string(dev) : json_null(), "expected_gbps",
			 n->expected, "ceiling_gbps", found_ceiling(n, first),
			 "findings",
			 (json_int_t)(json_array_size(n->findings) - first));
}

int lr_preflight_check(const struct lr_topo *t, size_t server,
		       const json_t *inv, const json_t *counters, json_t **out)
{
	const struct lr_server *s;
	const struct lr_host_tmpl *h;
	json_t *findings, *nics, *warnings;

	if (server >= t->n_servers)
		return -EINVAL;
	s = &t->servers[server];
	h = &t->tmpls[s->tmpl];
	findings = json_array();
	warnings = json_array();
	nics = json_array();
	for (size_t i = 0; i < h->n_nics; i++) {
		const struct lr_nic *nic = &t->nics[s->first_nic + i];
		struct pf_nic n = { .name = h->nics[i].name,
				    .host = h,
				    .tmpl = &h->nics[i],
				    .findings = findings,
				    .warnings = warnings };
		size_t first = json_array_size(findings);

		expected_spec(t, nic, &n);
		find_found(&n, inv);
		check_nic(&n, counters);
		json_array_append_new(nics, nic_summary(&n, first));
	}
	*out = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "schema",
			 LR_PREFLIGHT_SCHEMA, "topology",
			 t->file ? t->file : "", "server", s->name, "template",
			 h->name, "nics", nics, "findings", findings,
			 "warnings", warnings);
	return *out ? 0 : -ENOMEM;
}

char **lr_preflight_devices(const struct lr_topo *t, size_t server)
{
	const struct lr_host_tmpl *h = &t->tmpls[t->servers[server].tmpl];
	char **v = calloc(h->n_nics + 1, sizeof(*v));

	for (size_t i = 0; v && i < h->n_nics; i++)
		v[i] = h->nics[i].name;
	return v;
}

size_t lr_preflight_count(const json_t *doc)
{
	return json_array_size(json_object_get(doc, "findings"));
}
