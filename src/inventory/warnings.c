// SPDX-License-Identifier: MIT
/*
 * Warnings: error counters that are already high when first read (link
 * downs, symbol errors, CRC errors since the counters were cleared, and
 * carrier losses since the interface was created). Not
 * problems of the configuration, but a link with a history: reported with
 * their values, by `devices` and by preflight, and evidence in verdicts.
 */
#include <stdio.h>
#include <string.h>

#include "inv.h"
#include "linerate/counters.h"
#include "linerate/inventory.h"
#include "linerate/sysfs.h"

static void warn(json_t *obj, const char *msg)
{
	json_t *arr = json_object_get(obj, "warnings");

	if (!json_is_array(arr)) {
		arr = json_array();
		json_object_set_new(obj, "warnings", arr);
	}
	json_array_append_new(arr, json_string(msg));
}

/* Every error counter of the device's snapshot that is not 0. */
static void high_counters(json_t *obj, const char *dev)
{
	const char *group, *name;
	json_t *snap, *g, *v;
	char msg[320];

	if (!dev || lr_counters_snapshot(dev, &snap))
		return;
	json_object_foreach(json_object_get(snap, "groups"), group, g)
		json_object_foreach(g, name, v) {
			if (json_integer_value(v) <= 0 ||
			    !lr_counter_is_error(group, name))
				continue;
			snprintf(msg, sizeof(msg),
				 "%s %s = %lld since the counters were "
				 "cleared",
				 group, name, (long long)json_integer_value(v));
			warn(obj, msg);
		}
	json_decref(snap);
}

/*
 * carrier_down_count counts every loss of carrier since the interface was
 * created, and a driver takes the carrier down once as it starts (a new
 * veth, a virtio or mlx5 netdev read here: 1, with carrier_up_count 1):
 * more than that is a link that went down after it came up (a flap, a
 * cable, a switch port, or `ip link set down` by hand).
 */
static void carrier_downs(json_t *obj, const char *netdev)
{
	int64_t downs;
	char msg[320];

	if (!netdev ||
	    lr_sysfs_read_int(&downs, "sys/class/net/%s/carrier_down_count",
			      netdev) ||
	    downs <= 1)
		return;
	snprintf(msg, sizeof(msg),
		 "%s carrier_down_count = %lld: the link lost its carrier "
		 "%lld time%s after it first came up",
		 netdev, (long long)downs, (long long)(downs - 1),
		 downs == 2 ? "" : "s");
	warn(obj, msg);
}

void lr_inventory_mark_warnings(json_t *doc)
{
	size_t i;
	json_t *o;

	json_array_foreach(json_object_get(doc, "rdma"), i, o)
		if (!strcmp(inv_cstr(o, "status") ? inv_cstr(o, "status") : "",
			    "ok"))
			high_counters(o, inv_cstr(o, "name"));
	json_array_foreach(json_object_get(doc, "netdevs"), i, o) {
		if (!json_object_get(o, "rdma_device"))
			high_counters(o, inv_cstr(o, "name"));
		carrier_downs(o, inv_cstr(o, "name"));
	}
}
