/* SPDX-License-Identifier: MIT */
/*
 * inventory: what this host has - RDMA devices and ports (libibverbs, with
 * GIDs from sysfs), network interfaces (libnl-route, speed from sysfs), and
 * the PCIe path of every NIC (link speed and width of the function and of
 * each upstream bridge, NUMA node, PCIe switch).
 *
 * The result is one JSON document, schema "linerate.devices/1", described in
 * docs/inventory.md. A value that cannot be read is JSON null ("unknown" in
 * text), never an error; a device that vanishes while it is read is kept
 * with "status": "disappeared".
 *
 * Every sysfs access goes through linerate/sysfs.h. When the sysfs root is
 * not "/" (a fixture tree), or libibverbs sees no device, RDMA devices are
 * read from sysfs alone; netdevs are read from sysfs when the root is not
 * "/", through libnl-route otherwise.
 */
#ifndef LINERATE_INVENTORY_H
#define LINERATE_INVENTORY_H

#include <stdio.h>

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define LR_DEVICES_SCHEMA "linerate.devices/1"

/* ---- link tables (rate.c) ---- */

/* One InfiniBand/RoCE link: lanes x per-lane speed. */
struct lr_ib_link {
	const char *speed; /* "SDR" ... "NDR", "XDR", or NULL */
	unsigned int lanes; /* 1, 2, 4, 8, 12, or 0 when unknown */
	double gbps; /* nominal rate as the kernel reports it */
};

/* verbs active_speed/active_width (IB_SPEED_*, IB_WIDTH_*) to a link. */
int lr_ib_link_from_verbs(unsigned int speed, unsigned int width,
			  struct lr_ib_link *out);
/* Parse sysfs "rate": "400 Gb/sec (4X NDR)". Returns 0 or -EINVAL. */
int lr_ib_link_parse(const char *rate, struct lr_ib_link *out);
/* Per-lane nominal Gb/s of a speed name, or 0 when unknown. */
double lr_ib_speed_lane_gbps(const char *speed);
/* "ACTIVE", "DOWN"... for enum ibv_port_state; NULL when unknown. */
const char *lr_ib_port_state_name(int state);
/* "LinkUp", "Polling"... for the physical state (1..7). */
const char *lr_ib_phys_state_name(int phys);
/* Largest IB MTU (256..4096) a RoCE port gets from a netdev MTU. */
int lr_roce_active_mtu(int netdev_mtu);
/* PCIe generation (1..6) from GT/s (2.5, 5, 8, 16, 32, 64); 0 unknown. */
int lr_pcie_gen(double gts);

/* ---- readers: each returns 0 or -errno and sets *out only on success ---- */

/* All RDMA devices (array of device objects). */
int lr_inv_rdma_devices(json_t **out);
/* One RDMA device by name, read from sysfs (verbs adds what it knows). */
int lr_inv_rdma_device(const char *name, json_t **out);
/* All network interfaces (array of netdev objects). */
int lr_inv_netdevs(json_t **out);
/* One netdev from sysfs alone (fixture trees, and speed/PCI when live). */
int lr_inv_netdev_sysfs(const char *name, json_t **out);
/*
 * The PCIe path behind a device link such as "sys/class/net/eth0/device":
 * the function, each upstream bridge, NUMA node and PCIe switch.
 * -ENOENT when there is no PCI device (virtual interfaces).
 */
int lr_inv_pcie(const char *device_link, json_t **out);

/* The transfer sizes a PCIe function runs with (Device Control). */
struct lr_pcie_sizes {
	unsigned max_payload; /* bytes */
	unsigned max_read_req; /* bytes */
};

/*
 * From config space bytes: 0, -ENODATA (cut short, e.g. an unprivileged
 * read of 64 bytes), -ENOENT (no PCI Express capability) or -EINVAL.
 */
int lr_pcie_devctl_sizes(const uint8_t *cfg, size_t len,
			 struct lr_pcie_sizes *out);
/* The same from the `config` file of a sysfs device directory. */
int lr_inv_pcie_sizes(const char *dir, struct lr_pcie_sizes *out);

/* The whole "linerate.devices/1" document, with problems marked. */
int lr_inventory_collect(json_t **out);
/* Mark the problems seen without a topology (added to "problems" arrays). */
void lr_inventory_mark_problems(json_t *doc);
/*
 * Mark error counters that are already high (not 0 since they were
 * cleared) as "warnings": ["mlx5_0/1/counters symbol_error = 37 since the
 * counters were cleared"] on each RDMA device and netdev.
 */
void lr_inventory_mark_warnings(json_t *doc);

/* One line per port and per interface, problems marked with '!'. */
void lr_inventory_print(FILE *out, const json_t *doc);

/* Helpers over the document (NULL when absent). */
json_t *lr_inv_find_rdma(const json_t *doc, const char *name);
json_t *lr_inv_find_netdev(const json_t *doc, const char *name);

#endif
