// SPDX-License-Identifier: MIT
/* The devices document read from fixture trees, problems and all. */
#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include "fixture.h"
#include "linerate/inventory.h"
#include "owned.h"

static json_t *doc;

static json_t *collect(const char *fixture)
{
	use_fixture(fixture);
	cr_assert_eq(lr_inventory_collect(&doc), 0, "%s", fixture);
	cr_assert_str_eq(json_string_value(json_object_get(doc, "schema")),
			 LR_DEVICES_SCHEMA);
	return doc;
}

static void fini(void)
{
	json_decref(doc);
	doc = NULL;
}

static json_t *port(const char *dev)
{
	json_t *d = lr_inv_find_rdma(doc, dev);

	cr_assert_not_null(d, "%s", dev);
	return json_array_get(json_object_get(d, "ports"), 0);
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static long long num(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* The problems of an object, joined with "; " ("" when none). */
static const char *problems(const json_t *o)
{
	static char buf[1024];
	size_t i;
	json_t *p;

	buf[0] = '\0';
	json_array_foreach(json_object_get(o, "problems"), i, p) {
		if (i)
			strcat(buf, "; ");
		strcat(buf, json_string_value(p));
	}
	return buf;
}

TestSuite(devices, .fini = fini);

Test(devices, healthy_roce_cx7)
{
	json_t *p, *pci, *g3, *nd;

	collect("roce-cx7");
	cr_assert_eq(json_array_size(json_object_get(doc, "rdma")), 2);
	p = port("mlx5_0");
	cr_assert_str_eq(str(p, "state"), "ACTIVE");
	cr_assert_str_eq(str(p, "phys_state"), "LinkUp");
	cr_assert_str_eq(str(p, "link_layer"), "Ethernet");
	cr_assert_float_eq(json_real_value(json_object_get(p, "rate_gbps")),
			   400, 1e-9);
	cr_assert_str_eq(str(p, "speed"), "NDR");
	cr_assert_str_eq(str(p, "width"), "4X");
	cr_assert_eq(num(p, "active_mtu"), 4096);
	cr_assert_str_eq(str(p, "netdev"), "ens1np0");
	cr_assert_eq(json_array_size(json_object_get(p, "gids")), 4);
	g3 = json_array_get(json_object_get(p, "gids"), 3);
	cr_assert_eq(num(g3, "index"), 3);
	cr_assert_str_eq(str(g3, "gid"), "::ffff:10.0.0.2");
	cr_assert_str_eq(str(g3, "type"), "RoCE v2");
	pci = json_object_get(lr_inv_find_rdma(doc, "mlx5_1"), "pci");
	cr_assert_str_eq(str(pci, "address"), "0000:38:00.0");
	cr_assert_eq(num(pci, "gen"), 5);
	cr_assert_eq(num(pci, "width"), 16);
	cr_assert_eq(num(pci, "numa_node"), 1);
	cr_assert_str_eq(str(pci, "switch"), "0000:36:00.0");
	cr_assert_eq(json_array_size(json_object_get(pci, "upstream")), 3);
	cr_assert_str_eq(problems(p), "");
	cr_assert_str_eq(problems(port("mlx5_1")), "");
	nd = lr_inv_find_netdev(doc, "ens1np0");
	cr_assert_eq(num(nd, "mtu"), 9000);
	cr_assert_eq(num(nd, "speed_mbps"), 400000);
	cr_assert_str_eq(str(nd, "rdma_device"), "mlx5_0");
	cr_assert(json_is_null(
		json_object_get(lr_inv_find_netdev(doc, "lo"), "pci")));
}

Test(devices, healthy_ndr_infiniband)
{
	json_t *p;

	collect("ib-ndr");
	p = port("mlx5_1");
	cr_assert_str_eq(str(p, "link_layer"), "InfiniBand");
	cr_assert_str_eq(str(p, "speed"), "NDR");
	cr_assert_eq(num(p, "lid"), 0x1b);
	cr_assert_str_eq(str(p, "netdev"), "ibp56s0");
	/* sysfs has no active MTU for InfiniBand: unknown, not guessed */
	cr_assert(json_is_null(json_object_get(p, "active_mtu")));
	cr_assert_eq(json_array_size(json_object_get(p, "gids")), 1);
	cr_assert_str_eq(
		str(json_array_get(json_object_get(p, "gids"), 0), "gid"),
		"fe80::a088:c203:1:1e2a");
	cr_assert_str_eq(problems(p), "");
}

Test(devices, port_at_200g_is_not_a_problem_without_topology)
{
	collect("roce-200g");
	cr_assert_str_eq(str(port("mlx5_0"), "speed"), "HDR");
	cr_assert_str_eq(problems(port("mlx5_0")), "");
}

Test(devices, width_2x)
{
	collect("roce-2x");
	cr_assert_str_eq(problems(port("mlx5_1")), "link at 2X width");
	cr_assert_str_eq(problems(port("mlx5_0")), "");
}

Test(devices, gen4_slot)
{
	collect("roce-gen4");
	cr_assert_str_eq(problems(port("mlx5_0")),
			 "PCIe 0000:18:00.0 at Gen4 x16, capable of Gen5 x16 "
			 "(slot 0000:17:00.0: Gen4 x16 at most)");
	cr_assert_str_eq(problems(port("mlx5_1")), "");
}

Test(devices, roce_v1_gids_only)
{
	collect("roce-gid-v1");
	cr_assert_str_eq(problems(port("mlx5_1")), "no RoCE v2 GID");
	cr_assert_str_eq(problems(port("mlx5_0")), "");
}

Test(devices, pcie_switch_uplink_at_gen4)
{
	const json_t *up;

	collect("roce-switch-gen4");
	cr_assert_str_eq(problems(port("mlx5_0")),
			 "PCIe switch uplink "
			 "0000:16:00.0 at Gen4 x16, capable of Gen5 x16");
	up = json_array_get(
		json_object_get(
			json_object_get(lr_inv_find_rdma(doc, "mlx5_0"), "pci"),
			"upstream"),
		1);
	cr_assert_str_eq(str(up, "role"), "switch_upstream");
	cr_assert_eq(num(up, "gen"), 4);
	cr_assert_eq(num(up, "max_gen"), 5);
}

Test(devices, mtu_1500)
{
	collect("roce-mtu1500");
	cr_assert_eq(num(port("mlx5_0"), "active_mtu"), 1024);
	cr_assert_str_eq(problems(port("mlx5_0")),
			 "RoCE active MTU 1024 (netdev MTU 1500)");
}

Test(devices, port_down)
{
	collect("roce-down");
	cr_assert_str_eq(problems(port("mlx5_1")),
			 "state DOWN; physical state Polling");
}

Test(devices, far_numa_is_a_topology_question)
{
	collect("roce-far-numa");
	cr_assert_eq(
		num(json_object_get(lr_inv_find_rdma(doc, "mlx5_1"), "pci"),
		    "numa_node"),
		0);
	cr_assert_str_eq(problems(port("mlx5_1")), "");
}

Test(devices, missing_files_and_vanished_device)
{
	json_t *d, *p;

	collect("roce-partial");
	p = port("mlx5_0");
	cr_assert(json_is_null(json_object_get(p, "rate_gbps")));
	cr_assert_str_eq(problems(p), "rate unknown");
	cr_assert(json_is_null(json_object_get(
		json_object_get(lr_inv_find_rdma(doc, "mlx5_0"), "pci"),
		"numa_node")));
	d = lr_inv_find_rdma(doc, "mlx5_1");
	cr_assert_str_eq(str(d, "status"), "disappeared");
	cr_assert_str_eq(problems(d), "disappeared while it was being read");
	cr_assert_str_eq(str(lr_inv_find_netdev(doc, "ens2np0"), "status"),
			 "disappeared");
}

Test(devices, device_gone_before_the_read)
{
	json_t *d = NULL;

	use_fixture("roce-cx7");
	cr_assert_eq(lr_inv_rdma_device("mlx5_7", &d), 0);
	own_json(d);
	cr_assert_str_eq(str(d, "status"), "disappeared");
	release(d);
}

Test(devices, empty_root)
{
	collect("no-such-fixture");
	cr_assert_eq(json_array_size(json_object_get(doc, "rdma")), 0);
	cr_assert_eq(json_array_size(json_object_get(doc, "netdevs")), 0);
}

Test(devices, text_output_marks_problems)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	collect("roce-2x");
	lr_inventory_print(f, doc);
	fclose(f);
	own_str(buf);
	cr_assert_not_null(strstr(buf, "\n  mlx5_0/1  Ethernet  ACTIVE/LinkUp"
				       "  400 Gb/s 4X NDR  mtu 4096"));
	cr_assert_not_null(strstr(buf, "\n! mlx5_1/1  Ethernet  ACTIVE/LinkUp"
				       "  200 Gb/s 2X NDR"));
	cr_assert_not_null(strstr(buf, "  ! link at 2X width\n"));
	release(buf);
}

/* Device Control of the PCI Express capability (the sysfs config file). */
Test(devices, max_payload_and_read_request)
{
	json_t *pci;

	collect("roce-cx7");
	pci = json_object_get(lr_inv_find_rdma(doc, "mlx5_0"), "pci");
	cr_assert_eq(num(pci, "max_payload"), 256);
	cr_assert_eq(num(pci, "max_read_request"), 512);
	json_decref(doc);
	collect("roce-mps128");
	pci = json_object_get(lr_inv_find_rdma(doc, "mlx5_0"), "pci");
	cr_assert_eq(num(pci, "max_payload"), 128);
	cr_assert_eq(num(pci, "max_read_request"), 128);
	/* mlx5_1: 64 bytes of config, as an unprivileged read gives */
	pci = json_object_get(lr_inv_find_rdma(doc, "mlx5_1"), "pci");
	cr_assert(json_is_null(json_object_get(pci, "max_payload")));
	cr_assert(json_is_null(json_object_get(pci, "max_read_request")));
}

/* Config space bytes by hand: header, capability list, Device Control. */
Test(devices, devctl_decoding)
{
	uint8_t cfg[256] = { 0 };
	struct lr_pcie_sizes z;

	cfg[0x06] = 0x10; /* capability list */
	cfg[0x34] = 0x40;
	cfg[0x40] = 0x01; /* power management -> 0x50 */
	cfg[0x41] = 0x50;
	cfg[0x50] = 0x10; /* PCI Express, last */
	/* DevCtl 0x5050: bits 5-7 = 2 (512 B), bits 12-14 = 5 (4096 B) */
	cfg[0x58] = 0x50;
	cfg[0x59] = 0x50;
	cr_assert_eq(lr_pcie_devctl_sizes(cfg, sizeof(cfg), &z), 0);
	cr_assert_eq(z.max_payload, 512);
	cr_assert_eq(z.max_read_req, 4096);
	cr_assert_eq(lr_pcie_devctl_sizes(cfg, 64, &z), -ENODATA,
		     "the unprivileged 64 bytes");
	cfg[0x58] = 0xe0; /* MPS code 7: reserved */
	cr_assert_eq(lr_pcie_devctl_sizes(cfg, sizeof(cfg), &z), -EINVAL);
	cfg[0x50] = 0x05; /* MSI only: no PCI Express capability */
	cr_assert_eq(lr_pcie_devctl_sizes(cfg, sizeof(cfg), &z), -ENOENT);
	cfg[0x51] = 0x40; /* a loop in the list ends */
	cr_assert_eq(lr_pcie_devctl_sizes(cfg, sizeof(cfg), &z), -ENOENT);
	cfg[0x06] = 0; /* no capability list */
	cr_assert_eq(lr_pcie_devctl_sizes(cfg, sizeof(cfg), &z), -ENOENT);
}
