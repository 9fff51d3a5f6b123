/* SPDX-License-Identifier: MIT */
/* verbs tests: what every file needs (device discovery, skips). */
#ifndef LINERATE_TEST_VERBS_COMMON_H
#define LINERATE_TEST_VERBS_COMMON_H

#include <criterion/criterion.h>
#include <infiniband/verbs.h>
#include <stdio.h>
#include <string.h>

/* Name of the first device whose port 1 is active with the given MTU
 * (0: any) into buf; false when there is none. */
static inline bool verbs_find_dev(enum ibv_mtu mtu, char *buf, size_t len)
{
	struct ibv_device **l;
	bool found = false;
	int n = 0;

	l = ibv_get_device_list(&n);
	for (int i = 0; l && i < n && !found; i++) {
		struct ibv_context *c = ibv_open_device(l[i]);
		struct ibv_port_attr pa;

		if (!c)
			continue;
		if (!ibv_query_port(c, 1, &pa) && pa.state == IBV_PORT_ACTIVE &&
		    (!mtu || pa.active_mtu == mtu)) {
			snprintf(buf, len, "%s", ibv_get_device_name(l[i]));
			found = true;
		}
		ibv_close_device(c);
	}
	if (l)
		ibv_free_device_list(l);
	return found;
}

/* Skip the test (never pass it by doing nothing) without a device. */
#define REQUIRE_DEV(mtu, buf)                                                \
	do {                                                                 \
		if (!verbs_find_dev(mtu, buf, sizeof(buf)))                  \
			cr_skip_test("no RDMA device: %s (run the verbs "    \
				     "suite through scripts/test-verbs)",    \
				     (mtu) ? "none with the MTU asked for" : \
					     "none with an active port");    \
	} while (0)

#endif
