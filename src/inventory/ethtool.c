// SPDX-License-Identifier: MIT
/* Driver statistics through the ethtool ioctl (what `ethtool -S` shows). */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "linerate/counters.h"

static int ethtool_ioctl(int fd, const char *ifname, void *data)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = data;
	return ioctl(fd, SIOCETHTOOL, &ifr) ? -errno : 0;
}

static int stats_count(int fd, const char *ifname)
{
	struct ethtool_drvinfo drv = { .cmd = ETHTOOL_GDRVINFO };
	int ret = ethtool_ioctl(fd, ifname, &drv);

	if (ret)
		return ret;
	return drv.n_stats ? (int)drv.n_stats : -EOPNOTSUPP;
}

static json_t *stats_object(const struct ethtool_gstrings *names,
			    const struct ethtool_stats *vals, unsigned int n)
{
	json_t *obj = json_object();
	char name[ETH_GSTRING_LEN + 1];

	for (unsigned int i = 0; i < n; i++) {
		memcpy(name, names->data + (size_t)i * ETH_GSTRING_LEN,
		       ETH_GSTRING_LEN);
		name[ETH_GSTRING_LEN] = '\0';
		json_object_set_new(obj, name,
				    json_integer((json_int_t)vals->data[i]));
	}
	return obj;
}

static int read_stats(int fd, const char *ifname, unsigned int n, json_t **out)
{
	struct ethtool_gstrings *names;
	struct ethtool_stats *vals;
	int ret = -ENOMEM;

	names = calloc(1, sizeof(*names) + (size_t)n * ETH_GSTRING_LEN);
	vals = calloc(1, sizeof(*vals) + (size_t)n * sizeof(vals->data[0]));
	if (!names || !vals)
		goto free_bufs;
	names->cmd = ETHTOOL_GSTRINGS;
	names->string_set = ETH_SS_STATS;
	names->len = n;
	vals->cmd = ETHTOOL_GSTATS;
	vals->n_stats = n;
	ret = ethtool_ioctl(fd, ifname, names);
	if (!ret)
		ret = ethtool_ioctl(fd, ifname, vals);
	/* the set may change size between the calls: use the smaller */
	if (!ret)
		*out = stats_object(names, vals,
				    names->len < vals->n_stats ? names->len :
								 vals->n_stats);
free_bufs:
	free(vals);
	free(names);
	return ret;
}

int lr_ethtool_stats(const char *ifname, json_t **out)
{
	int fd, n;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	n = stats_count(fd, ifname);
	if (n > 0)
		n = read_stats(fd, ifname, (unsigned int)n, out);
	close(fd);
	return n < 0 ? n : 0;
}
