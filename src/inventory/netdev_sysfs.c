// SPDX-License-Identifier: MIT
/* A network interface from sysfs: sys/class/net/NAME/. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inv.h"
#include "linerate/inventory.h"
#include "linerate/sysfs.h"

#define NET_DIR "sys/class/net/%s"

static json_t *net_attr_str(const char *name, const char *attr)
{
	return inv_sysfs_str(NET_DIR "/%s", name, attr);
}

static json_t *net_attr_int(const char *name, const char *attr, int64_t min)
{
	return inv_sysfs_int(min, NET_DIR "/%s", name, attr);
}

static json_t *admin_up(const char *name)
{
	int64_t flags;

	if (lr_sysfs_read_int(&flags, NET_DIR "/flags", name))
		return json_null();
	return json_boolean(flags & 1); /* IFF_UP */
}

/* Speed (reading fails with EINVAL on a link that is down) and PCI path. */
void inv_netdev_sysfs_extras(json_t *nd, const char *name)
{
	char link[256];
	json_t *pci;

	json_object_set_new(nd, "speed_mbps", net_attr_int(name, "speed", 1));
	snprintf(link, sizeof(link), NET_DIR "/device", name);
	if (lr_inv_pcie(link, &pci))
		pci = json_null();
	json_object_set_new(nd, "pci", pci);
}

int lr_inv_netdev_sysfs(const char *name, json_t **out)
{
	json_t *nd;

	if (!lr_sysfs_exists(NET_DIR, name)) {
		*out = json_pack("{s:s, s:s}", "name", name, "status",
				 "disappeared");
		return *out ? 0 : -ENOMEM;
	}
	nd = json_pack("{s:s, s:s}", "name", name, "status", "ok");
	json_object_set_new(nd, "ifindex", net_attr_int(name, "ifindex", 1));
	json_object_set_new(nd, "operstate", net_attr_str(name, "operstate"));
	json_object_set_new(nd, "admin_up", admin_up(name));
	json_object_set_new(nd, "mtu", net_attr_int(name, "mtu", 0));
	json_object_set_new(nd, "mac", net_attr_str(name, "address"));
	json_object_set_new(nd, "addresses", json_null());
	inv_netdev_sysfs_extras(nd, name);
	*out = nd;
	return 0;
}

int inv_netdevs_sysfs(json_t **out)
{
	json_t *arr, *nd;
	char **names;
	int n;

	n = lr_sysfs_list(&names, "sys/class/net");
	if (n == -ENOENT) {
		*out = json_array();
		return 0;
	}
	if (n < 0)
		return n;
	arr = json_array();
	for (int i = 0; i < n; i++)
		if (!lr_inv_netdev_sysfs(names[i], &nd))
			json_array_append_new(arr, nd);
	lr_sysfs_free_list(names);
	*out = arr;
	return 0;
}
