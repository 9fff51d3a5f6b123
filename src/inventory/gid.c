// SPDX-License-Identifier: MIT
/* The GID table of a port, with each GID's type and netdev, from sysfs. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "inv.h"
#include "linerate/sysfs.h"

#define PORT_DIR "sys/class/infiniband/%s/ports/%u"

/* "fe80:0000:...:3456" to "fe80::3456"; NULL for an empty (zero) GID. */
static int gid_text(const char *raw, char *out, size_t len)
{
	static const unsigned char zero[16];
	unsigned char bin[16];

	if (inet_pton(AF_INET6, raw, bin) != 1 || !memcmp(bin, zero, 16))
		return -1;
	if (!memcmp(bin, "\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16))
		return -1; /* fe80:: with no interface id: unused */
	return inet_ntop(AF_INET6, bin, out, (socklen_t)len) ? 0 : -1;
}

static json_t *gid_entry(const char *dev, unsigned int port, const char *index)
{
	char raw[64], text[INET6_ADDRSTRLEN], type[32], ndev[64];

	if (lr_sysfs_read(raw, sizeof(raw), PORT_DIR "/gids/%s", dev, port,
			  index) <= 0 ||
	    gid_text(raw, text, sizeof(text)))
		return NULL;
	if (lr_sysfs_read(type, sizeof(type), PORT_DIR "/gid_attrs/types/%s",
			  dev, port, index) <= 0)
		type[0] = '\0';
	if (lr_sysfs_read(ndev, sizeof(ndev), PORT_DIR "/gid_attrs/ndevs/%s",
			  dev, port, index) <= 0)
		ndev[0] = '\0';
	return json_pack("{s:I, s:s, s:o, s:o}", "index",
			 (json_int_t)strtol(index, NULL, 10), "gid", text,
			 "type", inv_str(type), "netdev", inv_str(ndev));
}

json_t *inv_gid_table(const char *dev, unsigned int port)
{
	json_t *arr = json_array();
	char **names;
	int n;

	n = lr_sysfs_list(&names, PORT_DIR "/gids", dev, port);
	if (n < 0)
		return arr;
	for (int i = 0; i < n; i++) {
		json_t *g = gid_entry(dev, port, names[i]);

		if (g)
			json_array_append_new(arr, g);
	}
	lr_sysfs_free_list(names);
	return arr;
}
