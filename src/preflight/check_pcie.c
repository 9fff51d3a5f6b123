// SPDX-License-Identifier: MIT
/* PCIe: the NIC's link, its switch's uplink, and its NUMA node. */
#include <stdio.h>
#include <string.h>

#include "pf.h"

static void gen_width(char *buf, size_t len, double gen, double width)
{
	if (gen > 0 && width > 0)
		snprintf(buf, len, "Gen%g x%g", gen, width);
	else
		snprintf(buf, len, "unknown");
}

/* The MPS and MRRS the host runs with, where known and lower. */
static void found_sizes(const struct pf_nic *n, struct lr_nic_spec *s)
{
	double mps = pf_num(n->pci, "max_payload", 0);
	double mrrs = pf_num(n->pci, "max_read_request", 0);

	if (mps > 0 && mps < s->max_payload)
		s->max_payload = (unsigned)mps;
	if (mrrs > 0 && (!s->max_read_req || mrrs < s->max_read_req))
		s->max_read_req = (unsigned)mrrs;
}

static void size_finding(struct pf_nic *n, const char *check,
			 const char *subject, unsigned want, double got)
{
	struct lr_nic_spec found = n->spec;
	char w[16], g[16];

	if (!(got > 0) || got >= want)
		return;
	found_sizes(n, &found);
	snprintf(w, sizeof(w), "%u B", want);
	snprintf(g, sizeof(g), "%.0f B", got);
	pf_finding(n, check, subject, w, g, &found, NULL);
}

/* PCIe max payload and max read request sizes (DevCtl, docs/model.md). */
void pf_check_pcie_sizes(struct pf_nic *n)
{
	if (!n->pci || !n->spec.pcie_gen)
		return;
	size_finding(n, "pcie_max_payload", "PCIe max payload",
		     n->spec.max_payload ? n->spec.max_payload : 256,
		     pf_num(n->pci, "max_payload", 0));
	size_finding(n, "pcie_max_read_request", "PCIe max read request",
		     n->spec.max_read_req ? n->spec.max_read_req : 512,
		     pf_num(n->pci, "max_read_request", 0));
}

void pf_check_pcie(struct pf_nic *n)
{
	double gen = pf_num(n->pci, "gen", 0), w = pf_num(n->pci, "width", 0);
	struct lr_nic_spec found = n->spec;
	char want[32], got[32];

	if (!n->spec.pcie_gen || !n->pci)
		return;
	if (gen >= n->spec.pcie_gen && w >= n->spec.pcie_width)
		return;
	gen_width(want, sizeof(want), n->spec.pcie_gen, n->spec.pcie_width);
	gen_width(got, sizeof(got), gen, w);
	if (!gen || !w) {
		pf_finding(n, "pcie", "PCIe", want, got, NULL,
			   "cannot tell the slot's ceiling");
		return;
	}
	found.pcie_gen = (unsigned)gen;
	found.pcie_width = (unsigned)w;
	found_sizes(n, &found);
	pf_finding(n, "pcie", "PCIe", want, got, &found, NULL);
}

static const json_t *switch_uplink(const struct pf_nic *n)
{
	size_t i;
	json_t *b;

	json_array_foreach(json_object_get(n->pci, "upstream"), i, b) {
		const char *role = pf_str(b, "role");

		if (role && !strcmp(role, "switch_upstream"))
			return b;
	}
	return NULL;
}

void pf_check_switch(struct pf_nic *n)
{
	const struct lr_pcie_switch *sw;
	const json_t *up = switch_uplink(n);
	struct lr_nic_spec found = n->spec;
	double gen = pf_num(up, "gen", 0), w = pf_num(up, "width", 0);
	char want[32], got[32], subject[96];

	if (n->tmpl->pcie_switch < 0 || !up || !gen || !w)
		return;
	sw = &n->host->pswitches[n->tmpl->pcie_switch];
	if (gen >= sw->gen && w >= sw->width)
		return;
	if (!found.pcie_gen || gen < found.pcie_gen)
		found.pcie_gen = (unsigned)gen;
	if (!found.pcie_width || w < found.pcie_width)
		found.pcie_width = (unsigned)w;
	found_sizes(n, &found);
	gen_width(want, sizeof(want), sw->gen, sw->width);
	gen_width(got, sizeof(got), gen, w);
	snprintf(subject, sizeof(subject), "PCIe switch %s uplink (%s)",
		 sw->name, pf_str(up, "address"));
	pf_finding(n, "pcie_switch", subject, want, got, &found, NULL);
}

void pf_check_numa(struct pf_nic *n)
{
	json_t *node = json_object_get(n->pci, "numa_node");
	struct lr_nic_spec found = n->spec;
	char want[16], got[16];

	if (n->host->sockets < 2 || !json_is_integer(node) ||
	    json_integer_value(node) == n->tmpl->numa)
		return;
	found.remote_numa = true;
	snprintf(want, sizeof(want), "%u", n->tmpl->numa);
	snprintf(got, sizeof(got), "%lld", (long long)json_integer_value(node));
	pf_finding(n, "numa", "NUMA node", want, got, &found, NULL);
}
