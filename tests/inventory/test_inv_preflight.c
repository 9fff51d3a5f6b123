// SPDX-License-Identifier: MIT
/* Preflight: each fixture host against its topology, exact findings. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "fixture.h"
#include "linerate/counters.h"
#include "linerate/inventory.h"
#include "linerate/preflight.h"
#include "owned.h"

static struct lr_topo *topo;
static json_t *doc;

static void fini(void)
{
	json_decref(doc);
	doc = NULL;
	if (topo)
		lr_topo_free(topo);
	topo = NULL;
}

TestSuite(preflight, .fini = fini);

static void load(const char *name)
{
	struct lr_diags d = { 0 };
	char path[4096];
	const char *src = getenv("LINERATE_SOURCE_ROOT");

	snprintf(path, sizeof(path), "%s/tests/fixtures/topo/%s",
		 src ? src : ".", name);
	d.file = path;
	if (lr_topo_load(path, &d, &topo))
		lr_diags_print(&d, 20);
	lr_diags_free(&d);
	cr_assert_not_null(topo, "%s does not load", path);
}

/* Run preflight of fixture host against server; counters may be NULL. */
static json_t *check(const char *fixture, const char *topology,
		     const char *server, const json_t *counters)
{
	json_t *inv;
	long s;

	load(topology);
	s = lr_topo_find_server(topo, server);
	cr_assert_geq(s, 0, "no server %s", server);
	use_fixture(fixture);
	cr_assert_eq(lr_inventory_collect(&inv), 0);
	own_json(inv);
	cr_assert_eq(lr_preflight_check(topo, (size_t)s, inv, counters, &doc),
		     0);
	release(inv);
	cr_assert_str_eq(json_string_value(json_object_get(doc, "schema")),
			 LR_PREFLIGHT_SCHEMA);
	return doc;
}

static const json_t *finding(size_t i)
{
	return json_array_get(json_object_get(doc, "findings"), i);
}

static const char *message(size_t i)
{
	return json_string_value(json_object_get(finding(i), "message"));
}

static void assert_one(const char *msg)
{
	cr_assert_eq(lr_preflight_count(doc), 1, "%zu findings, first: %s",
		     lr_preflight_count(doc), message(0));
	cr_assert_str_eq(message(0), msg);
}

static double num(const json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

Test(preflight, healthy_roce_is_clean)
{
	check("roce-cx7", "roce-cx7.yaml", "node1", NULL);
	cr_assert_eq(lr_preflight_count(doc), 0, "%s", message(0));
	cr_assert_eq(json_array_size(json_object_get(doc, "nics")), 2);
	cr_assert_float_eq(num(json_array_get(json_object_get(doc, "nics"), 0),
			       "expected_gbps"),
			   392.14, 1e-9);
}

Test(preflight, healthy_ndr_is_clean)
{
	check("ib-ndr", "ib-ndr.yaml", "dgx02", NULL);
	cr_assert_eq(lr_preflight_count(doc), 0, "%s", message(0));
	cr_assert_float_eq(num(json_array_get(json_object_get(doc, "nics"), 1),
			       "expected_gbps"),
			   397.47, 1e-9);
}

Test(preflight, port_at_200g)
{
	check("roce-200g", "roce-cx7.yaml", "node1", NULL);
	assert_one("mlx5_0 link 200 Gb/s (4X HDR), expected 400 Gb/s: "
		   "ceiling ~196.07 Gb/s instead of 392.14 Gb/s");
	cr_assert_str_eq(
		json_string_value(json_object_get(finding(0), "check")),
		"rate");
	cr_assert_str_eq(
		json_string_value(json_object_get(finding(0), "expected")),
		"400 Gb/s");
	cr_assert_float_eq(num(finding(0), "ceiling_gbps"), 196.07, 1e-9);
	cr_assert_float_eq(num(finding(0), "expected_gbps"), 392.14, 1e-9);
}

Test(preflight, width_2x)
{
	check("roce-2x", "roce-cx7.yaml", "node2", NULL);
	assert_one("mlx5_1 link 200 Gb/s (2X NDR), expected 400 Gb/s: "
		   "ceiling ~196.07 Gb/s instead of 392.14 Gb/s");
}

Test(preflight, gen4_slot)
{
	const json_t *nic;

	check("roce-gen4", "roce-cx7.yaml", "node1", NULL);
	assert_one("mlx5_0 PCIe Gen4 x16, expected Gen5 x16: "
		   "ceiling ~225.51 Gb/s instead of 392.14 Gb/s");
	cr_assert_str_eq(
		json_string_value(json_object_get(finding(0), "limited_by")),
		"PCIe Gen4 x16, max payload 256 B");
	nic = json_array_get(json_object_get(doc, "nics"), 0);
	cr_assert_float_eq(num(nic, "ceiling_gbps"), 225.51, 1e-9);
	cr_assert_float_eq(num(nic, "findings"), 1, 1e-9);
	nic = json_array_get(json_object_get(doc, "nics"), 1);
	cr_assert_float_eq(num(nic, "ceiling_gbps"), 392.14, 1e-9);
	cr_assert_float_eq(num(nic, "findings"), 0, 1e-9);
}

Test(preflight, far_numa)
{
	check("roce-far-numa", "roce-cx7.yaml", "node1", NULL);
	assert_one("mlx5_1 NUMA node 0, expected 1: "
		   "ceiling ~300.00 Gb/s instead of 392.14 Gb/s");
}

Test(preflight, roce_v1_gids_only)
{
	check("roce-gid-v1", "roce-cx7.yaml", "node1", NULL);
	assert_one("mlx5_1 GID table has no RoCE v2 IPv4 GID, expected one: "
		   "no traffic (0 Gb/s instead of 392.14 Gb/s)");
}

Test(preflight, pcie_switch_uplink_at_gen4)
{
	check("roce-switch-gen4", "roce-cx7.yaml", "node1", NULL);
	assert_one("mlx5_0 PCIe switch psw0 uplink (0000:16:00.0) Gen4 x16, "
		   "expected Gen5 x16: ceiling ~225.51 Gb/s instead of "
		   "392.14 Gb/s");
	cr_assert_str_eq(
		json_string_value(json_object_get(finding(0), "check")),
		"pcie_switch");
}

Test(preflight, mtu_1500)
{
	check("roce-mtu1500", "roce-cx7.yaml", "node1", NULL);
	assert_one("mlx5_0 netdev MTU 1500, expected 9000: "
		   "ceiling ~370.34 Gb/s instead of 392.14 Gb/s");
}

Test(preflight, port_down)
{
	check("roce-down", "roce-cx7.yaml", "node1", NULL);
	assert_one("mlx5_1 port DOWN (Polling), expected ACTIVE (LinkUp): "
		   "no traffic (0 Gb/s instead of 392.14 Gb/s)");
}

Test(preflight, vanished_device)
{
	check("roce-partial", "roce-cx7.yaml", "node1", NULL);
	assert_one("mlx5_1 device disappeared while it was read, expected "
		   "present: no traffic (0 Gb/s instead of 392.14 Gb/s)");
}

Test(preflight, wrong_fabric)
{
	check("ib-ndr", "roce-cx7.yaml", "node1", NULL);
	cr_assert_eq(lr_preflight_count(doc), 6);
	cr_assert_str_eq(message(0),
			 "mlx5_0 link layer InfiniBand, expected "
			 "Ethernet: no traffic (0 Gb/s instead of 392.14 "
			 "Gb/s)");
	cr_assert_str_eq(message(1),
			 "mlx5_0 netdev MTU 4092, expected 9000: "
			 "ceiling ~384.60 Gb/s instead of 392.14 Gb/s");
	cr_assert_str_eq(message(2),
			 "mlx5_0 GID table has no RoCE v2 IPv4 "
			 "GID, expected one: no traffic (0 Gb/s instead of "
			 "392.14 Gb/s)");
}

Test(preflight, rising_symbol_errors)
{
	const char *devs[] = { "mlx5_0", "mlx5_1" };
	json_t *begin, *counters;

	use_fixture("roce-symerr/t0");
	begin = own_json(lr_counters_begin(devs, 2));
	use_fixture("roce-symerr/t1");
	counters = own_json(lr_counters_end(disown(begin)));
	json_object_set_new(json_object_get(counters, "mlx5_0"), "seconds",
			    json_real(1.0));
	check("roce-symerr/t1", "roce-cx7.yaml", "node1", counters);
	release(counters);
	assert_one("mlx5_0 error counters link_error_recovery +2, "
		   "port_rcv_errors +37, symbol_error +37 in 1.0 s, expected "
		   "no increase: retransmissions and retraining cost goodput "
		   "below the 392.14 Gb/s ceiling");
	cr_assert(json_is_null(json_object_get(finding(0), "ceiling_gbps")));
}

Test(preflight, server_out_of_range)
{
	json_t *out = NULL;

	load("roce-cx7.yaml");
	cr_assert_eq(lr_preflight_check(topo, 2, NULL, NULL, &out), -EINVAL);
	cr_assert_null(out);
}

Test(preflight, devices_to_watch)
{
	char **devs;

	load("roce-cx7.yaml");
	devs = own(lr_preflight_devices(topo, 0), free);
	cr_assert_str_eq(devs[0], "mlx5_0");
	cr_assert_str_eq(devs[1], "mlx5_1");
	cr_assert_null(devs[2]);
	release(devs);
}

/*
 * The host's own MPS and MRRS (sysfs config, Device Control): mlx5_0 at
 * 128/128 where the topology says 256/512. At Gen5 x16 that costs nothing
 * on its own: writes at MPS 128 are 504.12 x 370/371 x (1 - 16/468) x
 * 128/152 = 408.91, above the link's 392.14. mlx5_1's config space reads
 * as the 64-byte header only (an unprivileged read): unknown, no finding.
 */
Test(preflight, max_payload_and_read_request_sizes)
{
	check("roce-mps128", "roce-cx7.yaml", "node1", NULL);
	cr_assert_eq(lr_preflight_count(doc), 2, "%s", message(0));
	cr_assert_str_eq(message(0),
			 "mlx5_0 PCIe max payload 128 B, expected 256 B: no "
			 "bandwidth cost on its own (ceiling 392.14 Gb/s)");
	cr_assert_str_eq(
		json_string_value(json_object_get(finding(0), "check")),
		"pcie_max_payload");
	cr_assert_str_eq(message(1),
			 "mlx5_0 PCIe max read request 128 B, expected 512 B: "
			 "no bandwidth cost on its own (ceiling 392.14 Gb/s)");
}

/*
 * A Gen4 x16 slot on a host running MPS 128: the PCIe finding's ceiling
 * uses the size found, 252.06 x 370/371 x (1 - 16/468) x 128/152 = 204.45
 * (225.51 at MPS 256).
 */
Test(preflight, gen4_slot_at_max_payload_128)
{
	check("roce-gen4-mps128", "roce-cx7.yaml", "node1", NULL);
	cr_assert_eq(lr_preflight_count(doc), 2, "%s", message(0));
	cr_assert_str_eq(message(0), "mlx5_0 PCIe Gen4 x16, expected Gen5 x16: "
				     "ceiling ~204.45 Gb/s instead of 392.14 "
				     "Gb/s");
	cr_assert_str_eq(message(1),
			 "mlx5_0 PCIe max payload 128 B, expected 256 B: no "
			 "bandwidth cost on its own (ceiling 392.14 Gb/s)");
}

/* A lossless class in the topology (lossless_dscp: 26): mlx5_0 maps DSCP
 * 26 to priority 3 with PFC and ECN on; mlx5_1 has PFC on priority 4 only
 * and DCQCN's reaction point off on 3 (roce-dcb: the `dcb -j` outputs in
 * dcb/IF/, ECN in sysfs). */
Test(preflight, lossless_class_checked)
{
	check("roce-dcb", "roce-lossless.yaml", "node1", NULL);
	cr_assert_eq(lr_preflight_count(doc), 2, "%zu findings, first: %s",
		     lr_preflight_count(doc), message(0));
	cr_assert_str_eq(message(0),
			 "mlx5_1 PFC on priority 3 (DSCP 26) off, expected on: "
			 "RoCE on a lossy class: a drop under congestion costs "
			 "a go-back-N retransmit of everything in flight, the "
			 "rate collapses far below the model");
	cr_assert(strstr(message(1), "mlx5_1 ECN reaction point (roce_rp) on "
				     "priority 3 disabled, expected enabled"),
		  "%s", message(1));
	cr_assert_str_eq(
		json_string_value(json_object_get(finding(0), "check")), "dcb");
}

/* Without any DCB answer the lossless class cannot be confirmed. */
Test(preflight, lossless_class_without_dcb)
{
	check("roce-cx7", "roce-lossless.yaml", "node1", NULL);
	cr_assert_eq(lr_preflight_count(doc), 2);
	cr_assert(strstr(message(0), "DCB state of ens1np0 unknown"), "%s",
		  message(0));
}

/* The same host against the profile without a lossless class: clean. */
Test(preflight, dcb_not_checked_without_lossless_class)
{
	check("roce-dcb", "roce-cx7.yaml", "node1", NULL);
	cr_assert_eq(lr_preflight_count(doc), 0, "%s", message(0));
}

static const char *warning(size_t i)
{
	return json_string_value(json_object_get(
		json_array_get(json_object_get(doc, "warnings"), i),
		"message"));
}

/*
 * Counters already high when read (t1: symbol errors and link recoveries
 * since the counters were cleared, and 5 losses of carrier where a healthy
 * netdev has 1, as its driver starts) are warnings with their values, not
 * findings; a healthy host (carrier_down_count 1) has none.
 */
Test(preflight, already_high_counters_are_warnings)
{
	check("roce-symerr/t1", "roce-cx7.yaml", "node1", NULL);
	cr_assert_eq(lr_preflight_count(doc), 0, "%s", message(0));
	cr_assert_eq(json_array_size(json_object_get(doc, "warnings")), 4);
	cr_assert_str_eq(warning(0), "mlx5_0 mlx5_0/1/counters "
				     "link_error_recovery = 2 since the "
				     "counters were cleared");
	cr_assert(strstr(warning(2), "symbol_error = 37"), "%s", warning(2));
	cr_assert_str_eq(warning(3), "mlx5_0 ens1np0 carrier_down_count = 5: "
				     "the link lost its carrier 4 times after "
				     "it first came up");
}

Test(preflight, healthy_host_has_no_warnings)
{
	check("roce-cx7", "roce-cx7.yaml", "node1", NULL);
	cr_assert_eq(json_array_size(json_object_get(doc, "warnings")), 0, "%s",
		     warning(0));
}
