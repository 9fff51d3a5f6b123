// SPDX-License-Identifier: MIT
/* What libibverbs says about a device, laid over its sysfs reading. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <infiniband/verbs.h>

#include "inv.h"
#include "linerate/inventory.h"
#include "linerate/sysfs.h"
#include "linerate/util.h"

int inv_verbs_names(char ***names)
{
	struct ibv_device **list;
	char **v;
	int n;

	list = ibv_get_device_list(&n);
	if (!list || n <= 0) {
		/* ENOSYS: no RDMA in this kernel, as good as no device */
		if (list)
			ibv_free_device_list(list);
		return list || errno == ENOSYS ? 0 : -errno;
	}
	v = calloc((size_t)n + 1, sizeof(*v));
	for (int i = 0; v && i < n; i++)
		v[i] = strdup(ibv_get_device_name(list[i]));
	ibv_free_device_list(list);
	if (!v)
		return -ENOMEM;
	*names = v;
	return n;
}

static const char *link_layer_name(uint8_t ll)
{
	switch (ll) {
	case IBV_LINK_LAYER_INFINIBAND: return "InfiniBand";
	case IBV_LINK_LAYER_ETHERNET: return "Ethernet";
	default: return NULL;
	}
}

static void overlay_port(json_t *p, const struct ibv_port_attr *a)
{
	struct lr_ib_link link;

	json_object_set_new(p, "state",
			    inv_str(lr_ib_port_state_name(a->state)));
	json_object_set_new(p, "phys_state",
			    inv_str(lr_ib_phys_state_name(a->phys_state)));
	json_object_set_new(p, "link_layer",
			    inv_str(link_layer_name(a->link_layer)));
	json_object_set_new(p, "active_mtu",
			    json_integer(128 << a->active_mtu));
	json_object_set_new(p, "lid", json_integer(a->lid));
	/* rdma-core 44 has no active_speed_ex: XDR stays with sysfs. */
	if (!lr_ib_link_from_verbs(a->active_speed, a->active_width, &link)) {
		char width[8];

		snprintf(width, sizeof(width), "%uX", link.lanes);
		json_object_set_new(p, "rate_gbps", json_real(link.gbps));
		json_object_set_new(p, "speed", json_string(link.speed));
		json_object_set_new(p, "width", json_string(width));
	}
}

static int overlay_ports(struct ibv_context *ctx, json_t *ports)
{
	size_t i;
	json_t *p;

	json_array_foreach(ports, i, p) {
		struct ibv_port_attr attr;
		int ret;

		ret = ibv_query_port(ctx, (uint8_t)inv_int(p, "port", 0),
				     &attr);
		if (ret)
			return -ret;
		overlay_port(p, &attr);
	}
	return 0;
}

static struct ibv_context *open_by_name(const char *name)
{
	struct ibv_context *ctx = NULL;
	struct ibv_device **list;
	int n;

	list = ibv_get_device_list(&n);
	if (!list)
		return NULL;
	errno = ENODEV;
	for (int i = 0; i < n; i++)
		if (!strcmp(ibv_get_device_name(list[i]), name))
			ctx = ibv_open_device(list[i]);
	ibv_free_device_list(list);
	return ctx;
}

int inv_rdma_verbs_overlay(json_t *dev)
{
	const char *name = inv_cstr(dev, "name");
	struct ibv_context *ctx;
	int ret;

	ctx = open_by_name(name);
	if (!ctx) {
		ret = errno == ENXIO || errno == ENOENT ? -ENODEV : -errno;
		if (ret != -ENODEV)
			lr_warn("%s: cannot open with libibverbs: %s", name,
				strerror(-ret));
		return ret;
	}
	ret = overlay_ports(ctx, json_object_get(dev, "ports"));
	ibv_close_device(ctx);
	if (ret == -ENODEV || ret == -ENXIO)
		return -ENODEV;
	if (ret)
		lr_warn("%s: ibv_query_port: %s", name, strerror(-ret));
	else
		json_object_set_new(dev, "source", json_string("verbs"));
	return ret;
}
