/* SPDX-License-Identifier: MIT */
/*
 * dcb: a netdev's Data Center Bridging state, what a lossless RoCE class
 * depends on: the DSCP-to-priority map and the PFC-enabled priorities
 * (iproute2's `dcb -j -N app|pfc show dev IF`, i.e. the dcbnl netlink
 * family), and ECN per priority (sysfs ecn/roce_np|roce_rp/enable/N, mlx5).
 *
 * With a sysfs root other than "/" (tests), the two `dcb` outputs are read
 * from ROOT/dcb/IF/app.json and ROOT/dcb/IF/pfc.json instead.
 */
#ifndef LINERATE_DCB_H
#define LINERATE_DCB_H

#include <stdbool.h>
#include <stdint.h>

#define LR_DCB_PRIOS 8

struct lr_dcb {
	bool have_pfc; /* the device answered for PFC */
	uint8_t pfc_en; /* bit p: priority p is lossless */
	bool have_app; /* the device answered for the app table */
	int dscp_prio[64]; /* -1: DSCP not in the table */
	int ecn_np[LR_DCB_PRIOS], ecn_rp[LR_DCB_PRIOS]; /* -1 unknown, 0, 1 */
};

/* Read everything there is for ifname; never fails (have_* say what). */
void lr_dcb_read(const char *ifname, struct lr_dcb *d);
/* Parse `dcb -j pfc show` / `dcb -j -N app show` output. 0 or -EINVAL. */
int lr_dcb_parse_pfc(const char *json, struct lr_dcb *d);
int lr_dcb_parse_app(const char *json, struct lr_dcb *d);
/* The priority DSCP dscp travels on: the app table's, else 0 (the
 * default priority when DSCP is not mapped). */
int lr_dcb_prio_of(const struct lr_dcb *d, unsigned dscp);

#endif
