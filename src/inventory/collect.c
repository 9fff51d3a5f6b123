// SPDX-License-Identifier: MIT
/* The whole "linerate.devices/1" document. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "inv.h"
#include "linerate/inventory.h"
#include "linerate/sysfs.h"

json_t *lr_inv_find_rdma(const json_t *doc, const char *name)
{
	size_t i;
	json_t *d;

	json_array_foreach(json_object_get(doc, "rdma"), i, d)
		if (!strcmp(inv_cstr(d, "name"), name))
			return d;
	return NULL;
}

json_t *lr_inv_find_netdev(const json_t *doc, const char *name)
{
	size_t i;
	json_t *d;

	json_array_foreach(json_object_get(doc, "netdevs"), i, d)
		if (!strcmp(inv_cstr(d, "name"), name))
			return d;
	return NULL;
}

/* Tie a RoCE port to its netdev; derive its active MTU when unknown. */
static void link_port(json_t *doc, const char *dev, json_t *port)
{
	const char *name = inv_cstr(port, "netdev");
	json_t *nd = name ? lr_inv_find_netdev(doc, name) : NULL;
	int64_t mtu = inv_int(nd, "mtu", 0);
	const char *ll = inv_cstr(port, "link_layer");

	if (!nd)
		return;
	json_object_set_new(nd, "rdma_device", json_string(dev));
	json_object_set_new(nd, "rdma_port",
			    json_integer(inv_int(port, "port", 0)));
	json_object_set_new(port, "netdev_mtu",
			    inv_int(nd, "mtu", -1) < 0 ? json_null() :
							 json_integer(mtu));
	if (ll && !strcmp(ll, "Ethernet") &&
	    json_is_null(json_object_get(port, "active_mtu")) && mtu > 0)
		json_object_set_new(port, "active_mtu",
				    json_integer(lr_roce_active_mtu((int)mtu)));
}

static void link_ports(json_t *doc)
{
	size_t i, j;
	json_t *d, *p;

	json_array_foreach(json_object_get(doc, "rdma"), i, d)
		json_array_foreach(json_object_get(d, "ports"), j, p)
			link_port(doc, inv_cstr(d, "name"), p);
}

int lr_inventory_collect(json_t **out)
{
	json_t *doc, *rdma, *net;
	char host[256];
	int ret;

	ret = lr_inv_rdma_devices(&rdma);
	if (ret)
		return ret;
	ret = lr_inv_netdevs(&net);
	if (ret) {
		json_decref(rdma);
		return ret;
	}
	if (gethostname(host, sizeof(host)))
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	doc = json_pack("{s:s, s:o, s:s, s:o, s:o}", "schema",
			LR_DEVICES_SCHEMA, "host", inv_str(host), "sysfs_root",
			lr_sysfs_root(), "rdma", rdma, "netdevs", net);
	if (!doc)
		return -ENOMEM;
	link_ports(doc);
	lr_inventory_mark_problems(doc);
	lr_inventory_mark_warnings(doc);
	*out = doc;
	return 0;
}
