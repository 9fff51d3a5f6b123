// SPDX-License-Identifier: MIT
/*
 * Every tolerance and threshold of the verdicts, in one place. The same
 * table is in docs/verdicts.md: change both.
 */
#include "vd.h"

const struct vd_limits vd_limits = {
	/* pass >= (1 - t) x expected; above > (1 + t) x expected. The
	 * topology's "tolerance" replaces it. */
	.tolerance = 0.05,
	/* a NIC's rate is "explained" by preflight when it is within 5% of
	 * the ceiling that preflight predicted from what it found */
	.explained = 0.05,
	/* a flow whose window shares less than 90% with its set's common
	 * window measured a different set */
	.window_overlap = 0.90,
	/* TCP: more than 1 segment in 1000 retransmitted is evidence of loss */
	.retrans_ratio = 0.001,
	/* an error counter that rose by at least 1 during a flow */
	.min_error_delta = 1,
	/* a server's NICs are "alone" in a set when only one is active */
	.host_alone_share = 1,
	/* an interval below half the expectation: the flow stopped for at
	 * least half an interval (0.5 s at the default 1 s), far beyond a
	 * host's scheduling delay (milliseconds) or one TCP retransmission
	 * timeout (200 ms): a flap, a pause storm, a reset. An interval
	 * between this and (1 - tolerance) x expected is a dip: a note, as
	 * a loaded host pausing a sender for tens of milliseconds shows */
	.stopped = 0.5,
	/* per-interval rates kept per flow (the HTML plots) */
	.max_intervals = 600,
};
