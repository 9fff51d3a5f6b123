// SPDX-License-Identifier: MIT
/*
 * Problems visible without a topology: a port not up, a narrow link, no
 * RoCE v2 GID, a RoCE MTU below 4096, a PCIe link trained below what it
 * can do. Preflight (with a topology) says what they cost.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "inv.h"
#include "linerate/inventory.h"

static bool str_is(const json_t *o, const char *key, const char *want)
{
	const char *v = inv_cstr(o, key);

	return v && !strcmp(v, want);
}

static bool has_roce_v2(const json_t *port)
{
	size_t i;
	json_t *g;

	json_array_foreach(json_object_get(port, "gids"), i, g)
		if (str_is(g, "type", "RoCE v2"))
			return true;
	return false;
}

/* Software devices (rxe, siw) have no PCI function and a made-up width. */
static void port_link_problems(json_t *p, bool hw)
{
	const char *v;

	v = inv_cstr(p, "state");
	if (!v || strcmp(v, "ACTIVE"))
		inv_problem(p, "state %s", v ? v : "unknown");
	v = inv_cstr(p, "phys_state");
	if (!v || strcmp(v, "LinkUp"))
		inv_problem(p, "physical state %s", v ? v : "unknown");
	v = inv_cstr(p, "width");
	if (!v)
		inv_problem(p, "rate unknown");
	else if (hw && (!strcmp(v, "1X") || !strcmp(v, "2X")))
		inv_problem(p, "link at %s width", v);
}

static void port_roce_problems(json_t *p)
{
	int64_t mtu = inv_int(p, "active_mtu", 0);

	if (!str_is(p, "link_layer", "Ethernet"))
		return;
	if (!has_roce_v2(p))
		inv_problem(p, "no RoCE v2 GID");
	if (mtu && mtu < 4096)
		inv_problem(p, "RoCE active MTU %lld (netdev MTU %lld)",
			    (long long)mtu,
			    (long long)inv_int(p, "netdev_mtu", 0));
}

/* A link trained below the speed or width both of its ends support. */
static void link_problem(json_t *target, const json_t *l, const char *what,
			 const char *why)
{
	int64_t gen = inv_int(l, "gen", 0), max_gen = inv_int(l, "max_gen", 0);
	int64_t w = inv_int(l, "width", 0), max_w = inv_int(l, "max_width", 0);

	if (!gen || !w || (gen >= max_gen && w >= max_w))
		return;
	inv_problem(target,
		    "%s %s at Gen%lld x%lld, capable of Gen%lld x%lld%s", what,
		    inv_cstr(l, "address"), (long long)gen, (long long)w,
		    (long long)max_gen, (long long)max_w, why);
}

/* The NIC's own link, and what the slot above it can do. */
static void function_problem(json_t *target, const json_t *pci)
{
	const json_t *slot =
		json_array_get(json_object_get(pci, "upstream"), 0);
	int64_t gen = inv_int(slot, "max_gen", 0);
	int64_t w = inv_int(slot, "max_width", 0);
	char what[128];

	if (!gen || !w ||
	    (gen >= inv_int(pci, "max_gen", 0) &&
	     w >= inv_int(pci, "max_width", 0))) {
		link_problem(target, pci, "PCIe", "");
		return;
	}
	snprintf(what, sizeof(what), " (slot %s: Gen%lld x%lld at most)",
		 inv_cstr(slot, "address"), (long long)gen, (long long)w);
	link_problem(target, pci, "PCIe", what);
}

static void pci_problems(json_t *target, const json_t *pci)
{
	size_t i;
	json_t *b;

	if (!json_is_object(pci))
		return;
	function_problem(target, pci);
	json_array_foreach(json_object_get(pci, "upstream"), i, b)
		if (str_is(b, "role", "switch_upstream"))
			link_problem(target, b, "PCIe switch uplink", "");
}

static void device_problems(json_t *d)
{
	size_t i;
	json_t *p;

	if (str_is(d, "status", "disappeared"))
		inv_problem(d, "disappeared while it was being read");
	json_array_foreach(json_object_get(d, "ports"), i, p) {
		port_link_problems(p,
				   json_is_object(json_object_get(d, "pci")));
		port_roce_problems(p);
		pci_problems(p, json_object_get(d, "pci"));
	}
}

static void netdev_problems(json_t *nd)
{
	if (str_is(nd, "status", "disappeared"))
		inv_problem(nd, "disappeared while it was being read");
	if (json_is_true(json_object_get(nd, "admin_up")) &&
	    !str_is(nd, "operstate", "up") &&
	    !str_is(nd, "operstate", "unknown"))
		inv_problem(nd, "administratively up, link %s",
			    inv_cstr(nd, "operstate") ?
				    inv_cstr(nd, "operstate") :
				    "unknown");
	if (!json_object_get(nd, "rdma_device"))
		pci_problems(nd, json_object_get(nd, "pci"));
}

void lr_inventory_mark_problems(json_t *doc)
{
	size_t i;
	json_t *o;

	json_array_foreach(json_object_get(doc, "rdma"), i, o)
		device_problems(o);
	json_array_foreach(json_object_get(doc, "netdevs"), i, o)
		netdev_problems(o);
}
