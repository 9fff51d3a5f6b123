// SPDX-License-Identifier: MIT
/*
 * The PCIe path of a NIC: the function and every upstream bridge, read from
 * the device's real sysfs path (sys/devices/pci0000:15/0000:15:01.0/...).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "inv.h"
#include "linerate/inventory.h"
#include "linerate/sysfs.h"

#define PCI_MAX_DEPTH 16

/* "0000:17:00.0": domain:bus:slot.function, the first n chars of s. */
static int is_pci_addr(const char *s, size_t n)
{
	unsigned int d, b, s2, f;
	char buf[16], tail;

	if (n != 12)
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return sscanf(buf, "%4x:%2x:%2x.%1x%c", &d, &b, &s2, &f, &tail) == 4;
}

static json_t *link_speed(const char *dir, const char *attr)
{
	char buf[64];
	double gts;

	if (lr_sysfs_read(buf, sizeof(buf), "%s/%s", dir, attr) <= 0 ||
	    sscanf(buf, "%lf GT/s", &gts) != 1 || gts <= 0)
		return json_null();
	return json_real(gts);
}

static json_t *link_width(const char *dir, const char *attr)
{
	return inv_sysfs_int(1, "%s/%s", dir, attr);
}

static json_t *gen_of(const json_t *gts)
{
	int gen = json_is_real(gts) ? lr_pcie_gen(json_real_value(gts)) : 0;

	return gen ? json_integer(gen) : json_null();
}

/* {"address", "speed_gts", "gen", "width", "max_...": ...} of one device. */
static json_t *pci_link(const char *dir, const char *addr)
{
	json_t *cur = link_speed(dir, "current_link_speed");
	json_t *max = link_speed(dir, "max_link_speed");

	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "address", addr,
			 "speed_gts", cur, "gen", gen_of(cur), "width",
			 link_width(dir, "current_link_width"), "max_speed_gts",
			 max, "max_gen", gen_of(max), "max_width",
			 link_width(dir, "max_link_width"));
}

/* Split a devices path into the directories of its PCI components. */
static int pci_chain(const char *path, const char *dirs[], int max)
{
	int n = 0;

	for (const char *p = strchr(path, '/'); p; p = strchr(p + 1, '/')) {
		const char *next = strchr(p + 1, '/');
		size_t len = next ? (size_t)(next - p - 1) : strlen(p + 1);

		if (!is_pci_addr(p + 1, len))
			continue;
		if (n == max)
			return -E2BIG;
		dirs[n++] = p + 1;
	}
	return n;
}

/* "max_payload", "max_read_request": bytes, null when unreadable. */
static void add_sizes(json_t *fn, const char *dir)
{
	struct lr_pcie_sizes z;
	bool ok = !lr_inv_pcie_sizes(dir, &z);

	json_object_set_new(fn, "max_payload",
			    ok ? json_integer(z.max_payload) : json_null());
	json_object_set_new(fn, "max_read_request",
			    ok ? json_integer(z.max_read_req) : json_null());
}

static void add_function_attrs(json_t *fn, const char *dir)
{
	add_sizes(fn, dir);
	json_object_set_new(fn, "numa_node",
			    inv_sysfs_int(0, "%s/numa_node", dir));
	json_object_set_new(fn, "vendor", inv_sysfs_str("%s/vendor", dir));
	json_object_set_new(fn, "device", inv_sysfs_str("%s/device", dir));
}

/*
 * Position from the root complex: root port, then pairs of switch upstream
 * and downstream ports. The link a switch upstream port reports is the
 * switch's uplink, which the NICs under it share.
 */
static const char *role_of(int i)
{
	if (!i)
		return "root_port";
	return i % 2 ? "switch_upstream" : "switch_downstream";
}

/* Build the object for chain[n-1], with chain[0..n-2] as bridges. */
static json_t *pci_object(const char *real, const char *dirs[], int n)
{
	json_t *fn = NULL, *bridge, *up = json_array();
	char dir[1024], addr[16];

	for (int i = n - 1; i >= 0; i--) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(dirs[i] - real + 12),
			 real);
		snprintf(addr, sizeof(addr), "%.12s", dirs[i]);
		if (i == n - 1) {
			fn = pci_link(dir, addr);
			continue;
		}
		bridge = pci_link(dir, addr);
		json_object_set_new(bridge, "role", json_string(role_of(i)));
		json_array_append_new(up, bridge);
	}
	snprintf(dir, sizeof(dir), "%.*s", (int)(dirs[n - 1] - real + 12),
		 real);
	add_function_attrs(fn, dir);
	json_object_set_new(fn, "upstream", up);
	/* root port, switch upstream port, switch downstream port, NIC */
	snprintf(addr, sizeof(addr), "%.12s", n >= 4 ? dirs[n - 3] : "");
	json_object_set_new(fn, "switch", inv_str(addr));
	return fn;
}

int lr_inv_pcie(const char *device_link, json_t **out)
{
	const char *dirs[PCI_MAX_DEPTH];
	char real[1024];
	int ret, n;

	ret = lr_sysfs_resolve(real, sizeof(real), "%s", device_link);
	if (ret)
		return ret;
	n = pci_chain(real, dirs, PCI_MAX_DEPTH);
	if (n <= 0)
		return n ? n : -ENOENT;
	*out = pci_object(real, dirs, n);
	return *out ? 0 : -ENOMEM;
}
