// SPDX-License-Identifier: MIT
/* Counter snapshots and deltas: fixture trees and the live loopback. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "fixture.h"
#include "linerate/counters.h"
#include "owned.h"

static json_t *snap_in(const char *fixture, const char *dev)
{
	json_t *s = NULL;

	use_fixture(fixture);
	cr_assert_eq(lr_counters_snapshot(dev, &s), 0, "%s in %s", dev,
		     fixture);
	return own_json(s);
}

Test(counters, rdma_snapshot_groups)
{
	json_t *s = snap_in("roce-symerr/t0", "mlx5_0");
	json_t *g = json_object_get(s, "groups");

	cr_assert_str_eq(json_string_value(json_object_get(s, "schema")),
			 LR_COUNTERS_SCHEMA);
	cr_assert_str_eq(json_string_value(json_object_get(s, "kind")), "rdma");
	cr_assert_eq(json_object_size(g), 3);
	cr_assert_eq(json_object_size(json_object_get(g, "mlx5_0/1/counters")),
		     21);
	cr_assert_eq(json_integer_value(json_object_get(
			     json_object_get(g, "mlx5_0/1/counters"),
			     "port_xmit_data")),
		     2000000);
	cr_assert_eq(
		json_object_size(json_object_get(g, "mlx5_0/1/hw_counters")),
		18);
	cr_assert_not_null(json_object_get(g, "ens1np0/statistics"));
	/* a fixture never reaches the live interface through ethtool */
	cr_assert_null(json_object_get(g, "ens1np0/ethtool"));
	release(s);
}

Test(counters, rising_symbol_errors)
{
	json_t *a = snap_in("roce-symerr/t0", "mlx5_0");
	json_t *b = snap_in("roce-symerr/t1", "mlx5_0");
	json_t *d = own_json(lr_counters_delta(a, b));
	json_t *c;

	cr_assert_not_null(d);
	c = json_object_get(json_object_get(d, "groups"), "mlx5_0/1/counters");
	cr_assert_eq(json_object_size(c), 4, "only what changed");
	cr_assert_eq(lr_counters_get(d, "mlx5_0/1/counters", "symbol_error"),
		     37);
	cr_assert_eq(
		lr_counters_get(d, "mlx5_0/1/counters", "link_error_recovery"),
		2);
	cr_assert_eq(lr_counters_get(d, "mlx5_0/1/counters", "port_rcv_errors"),
		     37);
	cr_assert_eq(lr_counters_get(d, "mlx5_0/1/counters", "port_rcv_data"),
		     250000);
	cr_assert_eq(lr_counters_get(d, "mlx5_0/1/counters", "link_downed"), 0);
	cr_assert_eq(
		json_object_size(json_object_get(json_object_get(d, "groups"),
						 "mlx5_0/1/hw_counters")),
		0);
	cr_assert(json_real_value(json_object_get(d, "seconds")) >= 0);
	release(a);
	release(b);
	release(d);
}

Test(counters, netdev_snapshot)
{
	json_t *s = snap_in("roce-cx7", "ens2np0");
	json_t *g = json_object_get(s, "groups");

	cr_assert_str_eq(json_string_value(json_object_get(s, "kind")),
			 "netdev");
	cr_assert_eq(json_object_size(g), 1);
	cr_assert_eq(json_object_size(json_object_get(g, "ens2np0/statistics")),
		     15);
	release(s);
}

Test(counters, bad_devices)
{
	json_t *s = NULL;

	use_fixture("roce-cx7");
	cr_assert_eq(lr_counters_snapshot("mlx5_9", &s), -ENODEV);
	cr_assert_eq(lr_counters_snapshot("../../etc", &s), -EINVAL);
	cr_assert_eq(lr_counters_snapshot("..", &s), -EINVAL);
	cr_assert_null(s);
	/* the device vanished: mlx5_1 of roce-partial */
	use_fixture("roce-partial");
	cr_assert_eq(lr_counters_snapshot("mlx5_1", &s), -ENODEV);
}

Test(counters, delta_needs_same_device)
{
	json_t *a = snap_in("roce-cx7", "mlx5_0");
	json_t *b = snap_in("roce-cx7", "mlx5_1");

	cr_assert_null(own_json(lr_counters_delta(a, b)));
	cr_assert_null(own_json(lr_counters_delta(a, NULL)));
	release(a);
	release(b);
}

Test(counters, live_loopback)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	char name[32] = "";
	json_t *s = NULL;

	lr_sysfs_set_root("/");
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(
		lr_netdev_for_addr((struct sockaddr *)&sin, name, sizeof(name)),
		0);
	cr_assert_str_eq(name, "lo");
	cr_assert_eq(lr_counters_snapshot("lo", &s), 0);
	own_json(s);
	cr_assert_not_null(json_object_get(
		json_object_get(json_object_get(s, "groups"), "lo/statistics"),
		"rx_bytes"));
	release(s);
	sin.sin_addr.s_addr = htonl(0xc6336401); /* 198.51.100.1 */
	cr_assert_eq(
		lr_netdev_for_addr((struct sockaddr *)&sin, name, sizeof(name)),
		-ENODEV);
}

Test(counters, ethtool_of_live_interfaces)
{
	json_t *s = NULL;

	cr_assert_eq(lr_ethtool_stats("lo", &s), -EOPNOTSUPP);
	cr_assert_eq(lr_ethtool_stats("nosuchif0", &s), -ENODEV);
	cr_assert_null(s);
}

Test(counters, begin_end_around_a_test)
{
	const char *devs[] = { "mlx5_0", "ens2np0", "mlx5_9" };
	json_t *begin, *end;

	use_fixture("roce-symerr/t0");
	begin = own_json(lr_counters_begin(devs, 3));
	cr_assert_eq(json_object_size(begin), 2, "mlx5_9 is left out");
	use_fixture("roce-symerr/t1");
	end = own_json(lr_counters_end(disown(begin)));
	cr_assert_eq(json_object_size(end), 2);
	cr_assert_eq(lr_counters_get(json_object_get(end, "mlx5_0"),
				     "mlx5_0/1/counters", "symbol_error"),
		     37);
	cr_assert_eq(json_object_size(json_object_get(
			     json_object_get(json_object_get(end, "ens2np0"),
					     "groups"),
			     "ens2np0/statistics")),
		     0);
	release(end);
}

Test(counters, netdev_of_a_socket)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	char name[32] = "";
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	cr_assert_eq(lr_netdev_for_socket(fd, name, sizeof(name)), 0);
	cr_assert_str_eq(name, "lo");
	close(fd);
}
