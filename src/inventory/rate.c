// SPDX-License-Identifier: MIT
/*
 * Link tables: the kernel's (drivers/infiniband/core/sysfs.c rate_show) and
 * ibv_devinfo's names for speeds, widths, port and physical states.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "linerate/inventory.h"

static const struct {
	unsigned int code; /* IB_SPEED_* */
	const char *name;
	double lane_gbps; /* nominal, as the kernel prints it */
} speeds[] = {
	{ 1, "SDR", 2.5 },  { 2, "DDR", 5 },	 { 4, "QDR", 10 },
	{ 8, "FDR10", 10 }, { 16, "FDR", 14 },	 { 32, "EDR", 25 },
	{ 64, "HDR", 50 },  { 128, "NDR", 100 }, { 256, "XDR", 200 },
};

static const struct {
	unsigned int code; /* IB_WIDTH_* */
	unsigned int lanes;
} widths[] = {
	{ 1, 1 }, { 16, 2 }, { 2, 4 }, { 4, 8 }, { 8, 12 },
};

int lr_ib_link_from_verbs(unsigned int speed, unsigned int width,
			  struct lr_ib_link *out)
{
	const char *name = NULL;
	unsigned int lanes = 0;
	double lane = 0;

	for (size_t i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++)
		if (speeds[i].code == speed) {
			name = speeds[i].name;
			lane = speeds[i].lane_gbps;
		}
	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++)
		if (widths[i].code == width)
			lanes = widths[i].lanes;
	if (!name || !lanes)
		return -EINVAL;
	out->speed = name;
	out->lanes = lanes;
	out->gbps = lane * lanes;
	return 0;
}

double lr_ib_speed_lane_gbps(const char *speed)
{
	for (size_t i = 0; speed && i < sizeof(speeds) / sizeof(speeds[0]); i++)
		if (!strcmp(speeds[i].name, speed))
			return speeds[i].lane_gbps;
	return 0;
}

static const char *speed_name(const char *s)
{
	for (size_t i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++)
		if (!strcmp(speeds[i].name, s))
			return speeds[i].name;
	return NULL;
}

int lr_ib_link_parse(const char *rate, struct lr_ib_link *out)
{
	char name[16] = "";
	unsigned int lanes;
	double gbps;
	int n;

	n = sscanf(rate, "%lf Gb/sec (%uX%*[ ]%15[A-Z0-9])", &gbps, &lanes,
		   name);
	if (n < 2 || !lanes || lanes > 12 || gbps <= 0)
		return -EINVAL;
	/* The kernel prints no name for SDR: "10 Gb/sec (4X)". */
	out->speed = n == 3 ? speed_name(name) : "SDR";
	if (!out->speed)
		return -EINVAL;
	out->lanes = lanes;
	out->gbps = gbps;
	return 0;
}

const char *lr_ib_port_state_name(int state)
{
	static const char *const names[] = {
		"NOP", "DOWN", "INIT", "ARMED", "ACTIVE", "ACTIVE_DEFER",
	};

	if (state < 0 || state >= (int)(sizeof(names) / sizeof(names[0])))
		return NULL;
	return names[state];
}

const char *lr_ib_phys_state_name(int phys)
{
	static const char *const names[] = {
		NULL,
		"Sleep",
		"Polling",
		"Disabled",
		"PortConfigurationTraining",
		"LinkUp",
		"LinkErrorRecovery",
		"PhyTest",
	};

	if (phys < 0 || phys >= (int)(sizeof(names) / sizeof(names[0])))
		return NULL;
	return names[phys];
}

int lr_roce_active_mtu(int netdev_mtu)
{
	/* The kernel's iboe_get_mtu(): GRH, UDP, BTH, XRC, AtomicETH, ICRC */
	int room = netdev_mtu - 96;
	int mtu;

	for (mtu = 4096; mtu >= 256; mtu /= 2)
		if (mtu <= room)
			return mtu;
	return 0;
}

int lr_pcie_gen(double gts)
{
	static const double rates[] = { 2.5, 5, 8, 16, 32, 64 };

	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++)
		if (gts > rates[i] - 0.01 && gts < rates[i] + 0.01)
			return (int)i + 1;
	return 0;
}
