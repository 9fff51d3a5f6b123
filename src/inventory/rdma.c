// SPDX-License-Identifier: MIT
/* RDMA devices: listed by libibverbs on a live system, else from sysfs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "inv.h"
#include "linerate/inventory.h"
#include "linerate/sysfs.h"
#include "linerate/util.h"

#define DEV_DIR "sys/class/infiniband/%s"

static json_t *disappeared(const char *name)
{
	return json_pack("{s:s, s:s}", "name", name, "status", "disappeared");
}

static json_t *device_attr(const char *name, const char *attr)
{
	return inv_sysfs_str(DEV_DIR "/%s", name, attr);
}

static json_t *device_ports(const char *name)
{
	json_t *ports = json_array();
	char **names;
	int n;

	n = lr_sysfs_list(&names, DEV_DIR "/ports", name);
	for (int i = 0; i < n; i++) {
		unsigned long port = strtoul(names[i], NULL, 10);

		if (port)
			json_array_append_new(
				ports,
				inv_rdma_port_sysfs(name, (unsigned)port));
	}
	if (n >= 0)
		lr_sysfs_free_list(names);
	return ports;
}

static json_t *device_pci(const char *name)
{
	char link[256];
	json_t *pci;

	snprintf(link, sizeof(link), DEV_DIR "/device", name);
	return lr_inv_pcie(link, &pci) ? json_null() : pci;
}

int lr_inv_rdma_device(const char *name, json_t **out)
{
	json_t *dev;

	if (!lr_sysfs_exists(DEV_DIR "/ports", name)) {
		*out = disappeared(name);
		return *out ? 0 : -ENOMEM;
	}
	dev = json_pack("{s:s, s:s, s:s}", "name", name, "status", "ok",
			"source", "sysfs");
	json_object_set_new(dev, "node_guid", device_attr(name, "node_guid"));
	json_object_set_new(dev, "fw_ver", device_attr(name, "fw_ver"));
	json_object_set_new(dev, "hca_type", device_attr(name, "hca_type"));
	json_object_set_new(dev, "board_id", device_attr(name, "board_id"));
	json_object_set_new(dev, "pci", device_pci(name));
	json_object_set_new(dev, "ports", device_ports(name));
	/* Gone while we read it: what we have is not to be trusted. */
	if (!lr_sysfs_exists(DEV_DIR "/ports", name)) {
		json_decref(dev);
		dev = disappeared(name);
	}
	*out = dev;
	return dev ? 0 : -ENOMEM;
}

static int device_names(char ***names, bool *verbs)
{
	int n;

	*verbs = false;
	if (lr_sysfs_is_live()) {
		n = inv_verbs_names(names);
		if (n > 0) {
			*verbs = true;
			return n;
		}
	}
	n = lr_sysfs_list(names, "sys/class/infiniband");
	if (n == -ENOENT) {
		*names = calloc(1, sizeof(**names));
		return *names ? 0 : -ENOMEM;
	}
	return n;
}

static void read_one(json_t *arr, const char *name, bool verbs)
{
	json_t *dev;

	if (lr_inv_rdma_device(name, &dev))
		return;
	if (verbs && !strcmp(inv_cstr(dev, "status"), "ok") &&
	    inv_rdma_verbs_overlay(dev) == -ENODEV) {
		json_decref(dev);
		dev = disappeared(name);
	}
	json_array_append_new(arr, dev);
}

int lr_inv_rdma_devices(json_t **out)
{
	json_t *arr;
	char **names;
	bool verbs;
	int n;

	n = device_names(&names, &verbs);
	if (n < 0) {
		lr_err("cannot list RDMA devices: %s", strerror(-n));
		return n;
	}
	arr = json_array();
	for (int i = 0; i < n; i++)
		read_one(arr, names[i], verbs);
	lr_sysfs_free_list(names);
	*out = arr;
	return 0;
}
