// SPDX-License-Identifier: MIT
/*
 * `devices` on real RDMA devices through libibverbs: Soft-RoCE in the VM
 * (scripts/rxe-vm), or hardware. Skips when libibverbs sees no device.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <infiniband/verbs.h>

#include "linerate/counters.h"
#include "linerate/inventory.h"
#include "linerate/sysfs.h"
#include "owned.h"

static void need_device(void)
{
	struct ibv_device **list;
	int n = 0;

	list = ibv_get_device_list(&n);
	if (list)
		ibv_free_device_list(list);
	if (n <= 0)
		cr_skip_test("no RDMA device (run under scripts/rxe-vm)");
	lr_sysfs_set_root("/");
}

static bool has_roce_v2(const json_t *port)
{
	size_t i;
	json_t *g;

	json_array_foreach(json_object_get(port, "gids"), i, g)
		if (!strcmp(json_string_value(json_object_get(g, "type")),
			    "RoCE v2"))
			return true;
	return false;
}

static void check_port(const json_t *doc, const json_t *p)
{
	const char *ll = json_string_value(json_object_get(p, "link_layer"));
	json_int_t mtu = json_integer_value(json_object_get(p, "active_mtu"));
	const json_t *nd;

	cr_assert_not_null(json_object_get(p, "state"));
	cr_assert_gt(json_number_value(json_object_get(p, "rate_gbps")), 0);
	cr_assert(mtu >= 256 && mtu <= 4096 && !(mtu & (mtu - 1)));
	if (strcmp(ll, "Ethernet"))
		return;
	cr_assert(has_roce_v2(p));
	nd = lr_inv_find_netdev(
		doc, json_string_value(json_object_get(p, "netdev")));
	cr_assert_not_null(nd, "the RoCE port's netdev is listed");
	cr_assert_eq(mtu,
		     lr_roce_active_mtu((int)json_integer_value(
			     json_object_get(nd, "mtu"))),
		     "verbs and netdev MTU agree");
}

Test(verbs, devices_from_libibverbs)
{
	json_t *doc, *d, *p;
	size_t i, j;

	need_device();
	cr_assert_eq(lr_inventory_collect(&doc), 0);
	own_json(doc);
	cr_assert_gt(json_array_size(json_object_get(doc, "rdma")), 0);
	json_array_foreach(json_object_get(doc, "rdma"), i, d) {
		cr_assert_str_eq(
			json_string_value(json_object_get(d, "source")),
			"verbs");
		cr_assert_gt(json_array_size(json_object_get(d, "ports")), 0);
		json_array_foreach(json_object_get(d, "ports"), j, p)
			check_port(doc, p);
	}
	release(doc);
}

Test(verbs, rxe_devices_named_by_the_vm)
{
	const char *devs = getenv("RXE_DEVS");
	char buf[256], *save, *name;
	json_t *doc, *snap;

	need_device();
	if (!devs)
		cr_skip_test("RXE_DEVS is not set (not in scripts/rxe-vm)");
	cr_assert_eq(lr_inventory_collect(&doc), 0);
	own_json(doc);
	snprintf(buf, sizeof(buf), "%s", devs);
	for (name = strtok_r(buf, " ", &save); name;
	     name = strtok_r(NULL, " ", &save)) {
		cr_assert_not_null(lr_inv_find_rdma(doc, name), "%s", name);
		cr_assert_eq(lr_counters_snapshot(name, &snap), 0);
		own_json(snap);
		cr_assert_gt(json_object_size(json_object_get(snap, "groups")),
			     0);
		release(snap);
	}
	release(doc);
}
