// SPDX-License-Identifier: MIT
/* One RDMA port from sysfs: sys/class/infiniband/DEV/ports/N/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inv.h"
#include "linerate/inventory.h"
#include "linerate/sysfs.h"

#define PORT_DIR "sys/class/infiniband/%s/ports/%u"

/* "4: ACTIVE" -> the number before the colon, or -1. */
static int state_number(const char *dev, unsigned int port, const char *attr)
{
	char buf[64], *end;
	long v;

	if (lr_sysfs_read(buf, sizeof(buf), PORT_DIR "/%s", dev, port, attr) <=
	    0)
		return -1;
	v = strtol(buf, &end, 10);
	return end != buf && *end == ':' ? (int)v : -1;
}

static void set_rate(json_t *p, const char *dev, unsigned int port)
{
	struct lr_ib_link link;
	char rate[64], width[8];

	if (lr_sysfs_read(rate, sizeof(rate), PORT_DIR "/rate", dev, port) <=
		    0 ||
	    lr_ib_link_parse(rate, &link)) {
		json_object_set_new(p, "rate", json_null());
		json_object_set_new(p, "rate_gbps", json_null());
		json_object_set_new(p, "speed", json_null());
		json_object_set_new(p, "width", json_null());
		return;
	}
	snprintf(width, sizeof(width), "%uX", link.lanes);
	json_object_set_new(p, "rate", json_string(rate));
	json_object_set_new(p, "rate_gbps", json_real(link.gbps));
	json_object_set_new(p, "speed", json_string(link.speed));
	json_object_set_new(p, "width", json_string(width));
}

/* The netdev of a RoCE port: the first GID's, or the device's net/ dir. */
static json_t *port_netdev(const char *dev, const json_t *gids)
{
	const char *name = inv_cstr(json_array_get(gids, 0), "netdev");
	char **names;
	json_t *r;

	if (name)
		return json_string(name);
	if (lr_sysfs_list(&names, "sys/class/infiniband/%s/device/net", dev) <=
	    0)
		return json_null();
	r = json_string(names[0]);
	lr_sysfs_free_list(names);
	return r;
}

json_t *inv_rdma_port_sysfs(const char *dev, unsigned int port)
{
	json_t *p, *gids;

	p = json_pack("{s:I}", "port", (json_int_t)port);
	json_object_set_new(p, "state",
			    inv_str(lr_ib_port_state_name(
				    state_number(dev, port, "state"))));
	json_object_set_new(p, "phys_state",
			    inv_str(lr_ib_phys_state_name(
				    state_number(dev, port, "phys_state"))));
	json_object_set_new(p, "link_layer",
			    inv_sysfs_str(PORT_DIR "/link_layer", dev, port));
	set_rate(p, dev, port);
	json_object_set_new(p, "active_mtu", json_null());
	json_object_set_new(p, "lid",
			    inv_sysfs_int(0, PORT_DIR "/lid", dev, port));
	gids = inv_gid_table(dev, port);
	json_object_set_new(p, "netdev", port_netdev(dev, gids));
	json_object_set_new(p, "gids", gids);
	return p;
}
