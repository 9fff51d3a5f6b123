// SPDX-License-Identifier: MIT
/* Counter snapshots of an RDMA device or a netdev, and their deltas. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inv.h"
#include "linerate/counters.h"
#include "linerate/sysfs.h"
#include "linerate/util.h"

/* Every readable file of a directory as {name: value}; NULL if none. */
static json_t *read_dir(const char *dir)
{
	json_t *obj;
	char **names;
	int n;

	n = lr_sysfs_list(&names, "%s", dir);
	if (n < 0)
		return NULL;
	obj = json_object();
	for (int i = 0; i < n; i++) {
		char buf[32], *end;
		unsigned long long v;

		if (lr_sysfs_read(buf, sizeof(buf), "%s/%s", dir, names[i]) <=
		    0)
			continue;
		v = strtoull(buf, &end, 0);
		if (*end == '\0')
			json_object_set_new(obj, names[i],
					    json_integer((json_int_t)v));
	}
	lr_sysfs_free_list(names);
	return obj;
}

static void add_group(json_t *groups, const char *name, json_t *obj)
{
	if (obj)
		json_object_set_new(groups, name, obj);
}

static void snap_netdev(json_t *groups, const char *ifname)
{
	char dir[256], group[256];
	json_t *eth;

	snprintf(dir, sizeof(dir), "sys/class/net/%s/statistics", ifname);
	snprintf(group, sizeof(group), "%s/statistics", ifname);
	add_group(groups, group, read_dir(dir));
	/* ethtool reaches the live interface: not for a fixture tree */
	if (!lr_sysfs_is_live() || lr_ethtool_stats(ifname, &eth))
		return;
	snprintf(group, sizeof(group), "%s/ethtool", ifname);
	add_group(groups, group, eth);
}

static void snap_port(json_t *groups, const char *dev, const char *port)
{
	static const char *const kinds[] = { "counters", "hw_counters" };
	char dir[256], group[256];

	for (size_t i = 0; i < LR_ARRAY_SIZE(kinds); i++) {
		snprintf(dir, sizeof(dir),
			 "sys/class/infiniband/%s/ports/%s/%s", dev, port,
			 kinds[i]);
		snprintf(group, sizeof(group), "%s/%s/%s", dev, port, kinds[i]);
		add_group(groups, group, read_dir(dir));
	}
}

static void snap_rdma(json_t *groups, const char *dev)
{
	char **names;
	int n;

	n = lr_sysfs_list(&names, "sys/class/infiniband/%s/ports", dev);
	for (int i = 0; i < n; i++)
		snap_port(groups, dev, names[i]);
	if (n >= 0)
		lr_sysfs_free_list(names);
	n = lr_sysfs_list(&names, "sys/class/infiniband/%s/device/net", dev);
	for (int i = 0; i < n; i++)
		snap_netdev(groups, names[i]);
	if (n >= 0)
		lr_sysfs_free_list(names);
}

int lr_counters_snapshot(const char *dev, json_t **snap)
{
	const char *kind;
	json_t *groups;

	if (strchr(dev, '/') || !strcmp(dev, ".") || !strcmp(dev, ".."))
		return -EINVAL;
	if (lr_sysfs_exists("sys/class/infiniband/%s/ports", dev))
		kind = "rdma";
	else if (lr_sysfs_exists("sys/class/net/%s", dev))
		kind = "netdev";
	else
		return -ENODEV;
	groups = json_object();
	if (!strcmp(kind, "rdma"))
		snap_rdma(groups, dev);
	else
		snap_netdev(groups, dev);
	*snap = json_pack("{s:s, s:s, s:s, s:I, s:o}", "schema",
			  LR_COUNTERS_SCHEMA, "device", dev, "kind", kind,
			  "time_ns", (json_int_t)lr_now_ns(), "groups", groups);
	return *snap ? 0 : -ENOMEM;
}

static json_t *group_delta(const json_t *before, const json_t *after)
{
	json_t *out = json_object(), *a;
	const char *name;

	json_object_foreach((json_t *)after, name, a) {
		json_t *b = json_object_get(before, name);
		json_int_t d;

		if (!json_is_integer(b) || !json_is_integer(a))
			continue;
		d = json_integer_value(a) - json_integer_value(b);
		if (d)
			json_object_set_new(out, name, json_integer(d));
	}
	return out;
}

json_t *lr_counters_delta(const json_t *before, const json_t *after)
{
	const char *dev = inv_cstr(before, "device"), *name;
	json_t *bg = json_object_get(before, "groups"), *ag, *g, *groups;
	double secs;

	ag = json_object_get(after, "groups");
	if (!dev || !inv_cstr(after, "device") ||
	    strcmp(dev, inv_cstr(after, "device")) || !json_is_object(bg) ||
	    !json_is_object(ag))
		return NULL;
	groups = json_object();
	json_object_foreach(ag, name, g)
		if (json_object_get(bg, name))
			json_object_set_new(
				groups, name,
				group_delta(json_object_get(bg, name), g));
	secs = (double)(inv_int(after, "time_ns", 0) -
			inv_int(before, "time_ns", 0)) /
	       1e9;
	return json_pack("{s:s, s:f, s:o}", "device", dev, "seconds", secs,
			 "groups", groups);
}

long long lr_counters_get(const json_t *delta, const char *group,
			  const char *name)
{
	json_t *g = json_object_get(json_object_get(delta, "groups"), group);

	return (long long)inv_int(g, name, 0);
}
