// SPDX-License-Identifier: MIT
/*
 * The max payload size and max read request size a PCIe function runs
 * with, from its config space (the sysfs `config` file): the PCI Express
 * capability (ID 0x10) in the list that starts at offset 0x34; its Device
 * Control register (capability + 8) has MPS in bits 5-7 and MRRS in bits
 * 12-14, each 128 << value bytes (lspci -vv: "DevCtl: ... MaxPayload 256
 * bytes, MaxReadReq 512 bytes"). An unprivileged read of `config` stops
 * after the 64-byte header: then the sizes are unknown.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "linerate/inventory.h"
#include "linerate/sysfs.h"

enum {
	CFG_STATUS = 0x06,
	STATUS_CAP_LIST = 0x10,
	CFG_CAP_PTR = 0x34,
	CFG_HEADER = 0x40,
	CAP_ID_PCIE = 0x10,
	PCIE_DEVCTL = 0x08,
	CFG_MAX = 256, /* the capability list lives in the first 256 bytes */
	MAX_CAPS = 48, /* (256 - 64) / 4: a loop in the list ends here */
};

/* Bytes of config space read (at most CFG_MAX), or -errno. */
static int read_config(const char *dir, uint8_t *cfg)
{
	char path[1024];
	ssize_t n;
	int fd, ret = lr_sysfs_path(path, sizeof(path), "%s/config", dir);

	if (ret)
		return ret;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, cfg, CFG_MAX, 0);
	ret = n < 0 ? -errno : (int)n;
	close(fd);
	return ret;
}

int lr_pcie_devctl_sizes(const uint8_t *cfg, size_t len,
			 struct lr_pcie_sizes *out)
{
	unsigned ptr, devctl, mps, mrrs;

	if (len < CFG_HEADER)
		return -ENODATA;
	if (!(cfg[CFG_STATUS] & STATUS_CAP_LIST))
		return -ENOENT;
	ptr = cfg[CFG_CAP_PTR] & 0xfc;
	for (int i = 0; i < MAX_CAPS && ptr >= CFG_HEADER; i++) {
		if (ptr + PCIE_DEVCTL + 2 > len)
			return -ENODATA; /* cut short: unprivileged read */
		if (cfg[ptr] == CAP_ID_PCIE) {
			devctl = cfg[ptr + PCIE_DEVCTL] |
				 (unsigned)cfg[ptr + PCIE_DEVCTL + 1] << 8;
			mps = (devctl >> 5) & 7;
			mrrs = (devctl >> 12) & 7;
			if (mps > 5 || mrrs > 5) /* 6 and 7 are reserved */
				return -EINVAL;
			out->max_payload = 128u << mps;
			out->max_read_req = 128u << mrrs;
			return 0;
		}
		ptr = cfg[ptr + 1] & 0xfc;
	}
	return -ENOENT;
}

int lr_inv_pcie_sizes(const char *dir, struct lr_pcie_sizes *out)
{
	uint8_t cfg[CFG_MAX];
	int n = read_config(dir, cfg);

	if (n < 0)
		return n;
	return lr_pcie_devctl_sizes(cfg, (size_t)n, out);
}
