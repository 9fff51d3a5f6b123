// SPDX-License-Identifier: MIT
/* Network interfaces through libnl-route: links and their addresses. */
#include <errno.h>
#include <net/if.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>

#include "inv.h"
#include "linerate/inventory.h"
#include "linerate/sysfs.h"
#include "linerate/util.h"

/* libnl's error codes to -errno, logged once here. */
static int nl_fail(const char *what, int nlerr)
{
	lr_err("%s: %s", what, nl_geterror(nlerr));
	switch (-nlerr) {
	case NLE_NOMEM: return -ENOMEM;
	case NLE_PERM: return -EPERM;
	case NLE_NOACCESS: return -EACCES;
	default: return -EIO;
	}
}

static json_t *link_object(struct rtnl_link *l)
{
	char op[32], mac[64];
	struct nl_addr *a = rtnl_link_get_addr(l);
	json_t *nd;

	rtnl_link_operstate2str(rtnl_link_get_operstate(l), op, sizeof(op));
	nd = json_pack("{s:s, s:s, s:I, s:s, s:b, s:I}", "name",
		       rtnl_link_get_name(l), "status", "ok", "ifindex",
		       (json_int_t)rtnl_link_get_ifindex(l), "operstate", op,
		       "admin_up", (rtnl_link_get_flags(l) & IFF_UP) != 0,
		       "mtu", (json_int_t)rtnl_link_get_mtu(l));
	if (a && nl_addr_get_len(a))
		nl_addr2str(a, mac, sizeof(mac));
	else
		mac[0] = '\0';
	json_object_set_new(nd, "mac", inv_str(mac));
	json_object_set_new(nd, "addresses", json_array());
	inv_netdev_sysfs_extras(nd, rtnl_link_get_name(l));
	return nd;
}

static void add_address(struct nl_object *obj, void *arg)
{
	struct rtnl_addr *addr = (struct rtnl_addr *)obj;
	json_t *arr = arg;
	size_t i;
	json_t *nd;
	char buf[INET6_ADDRSTRLEN + 8];

	json_array_foreach(arr, i, nd) {
		if (inv_int(nd, "ifindex", 0) != rtnl_addr_get_ifindex(addr))
			continue;
		nl_addr2str(rtnl_addr_get_local(addr), buf, sizeof(buf));
		json_array_append_new(json_object_get(nd, "addresses"),
				      json_string(buf));
	}
}

static void add_link(struct nl_object *obj, void *arg)
{
	json_array_append_new(arg, link_object((struct rtnl_link *)obj));
}

static int read_caches(struct nl_sock *sk, json_t *arr)
{
	struct nl_cache *links, *addrs;
	int ret;

	ret = rtnl_link_alloc_cache(sk, AF_UNSPEC, &links);
	if (ret < 0)
		return nl_fail("cannot read network interfaces", ret);
	nl_cache_foreach(links, add_link, arr);
	nl_cache_free(links);
	ret = rtnl_addr_alloc_cache(sk, &addrs);
	if (ret < 0)
		return nl_fail("cannot read interface addresses", ret);
	nl_cache_foreach(addrs, add_address, arr);
	nl_cache_free(addrs);
	return 0;
}

int lr_inv_netdevs(json_t **out)
{
	struct nl_sock *sk;
	json_t *arr;
	int ret;

	if (!lr_sysfs_is_live())
		return inv_netdevs_sysfs(out);
	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	ret = nl_connect(sk, NETLINK_ROUTE);
	if (ret < 0) {
		nl_socket_free(sk);
		return nl_fail("cannot open a route netlink socket", ret);
	}
	arr = json_array();
	ret = read_caches(sk, arr);
	nl_socket_free(sk);
	if (ret) {
		json_decref(arr);
		return ret;
	}
	*out = arr;
	return 0;
}
