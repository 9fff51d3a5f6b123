// SPDX-License-Identifier: MIT
/* Which netdev holds a local address. */
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "linerate/counters.h"

static int same_addr(const struct sockaddr *a, const struct sockaddr *b)
{
	if (!a || !b || a->sa_family != b->sa_family)
		return 0;
	if (a->sa_family == AF_INET)
		return !memcmp(&((const struct sockaddr_in *)a)->sin_addr,
			       &((const struct sockaddr_in *)b)->sin_addr,
			       sizeof(struct in_addr));
	if (a->sa_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr,
			       sizeof(struct in6_addr));
	return 0;
}

int lr_netdev_for_addr(const struct sockaddr *sa, char *name, size_t len)
{
	struct ifaddrs *list, *i;
	int ret = -ENODEV;

	if (getifaddrs(&list))
		return -errno;
	for (i = list; i; i = i->ifa_next) {
		if (!same_addr(i->ifa_addr, sa))
			continue;
		snprintf(name, len, "%s", i->ifa_name);
		ret = 0;
		break;
	}
	freeifaddrs(list);
	return ret;
}

int lr_netdev_for_socket(int fd, char *name, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &sl))
		return -errno;
	return lr_netdev_for_addr((struct sockaddr *)&ss, name, len);
}
