/* SPDX-License-Identifier: MIT */
/* The summary of a computed verdict. */
#ifndef LR_VERDICT_SUMMARY_H
#define LR_VERDICT_SUMMARY_H

#include <stdlib.h>

#include "vd.h"
#include "linerate/util.h"

struct vd_summary {
	bool pass;
	size_t n_servers, n_nics, n_flows, n_faults;
	size_t by_verdict[VD_NOJUDGE + 1];
	double worst; /* lowest ratio, 0 with a failed flow; NaN: none */
};

void vd_summary(const struct lr_verdict *v, struct vd_summary *s);

#endif
