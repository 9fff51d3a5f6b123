// SPDX-License-Identifier: MIT
/*
 * The localisation rules, in the order they run. A rule that explains a
 * flow claims it; "below" names what no rule could localise.
 * docs/verdicts.md describes each.
 */
#include "vd.h"
#include "linerate/util.h"

const struct vd_rule vd_rules[] = {
	{ "window", vd_rule_window,
	  "a flow whose window barely overlaps its set's measured a different "
	  "set (a note: its verdict compares it with flows it did not run "
	  "beside)" },
	{ "failed", vd_rule_failed, "a flow that has no result" },
	{ "mismatch", vd_rule_mismatch,
	  "above the model: the topology is wrong about the resource that "
	  "the model says limits it" },
	{ "ecmp", vd_rule_ecmp,
	  "static ECMP: below the fair share but within the model's hashing "
	  "expectation: a design limit, not a fault" },
	{ "share", vd_rule_share,
	  "flows bound by one resource split it unevenly while their sum "
	  "passes: judged together (a note)" },
	{ "intermittent", vd_rule_intermittent,
	  "interval minimum below the expectation while the median passes" },
	{ "host", vd_rule_host,
	  "a server's NICs fine alone but below together: the host side" },
	{ "uplink", vd_rule_uplink,
	  "flows through one leaf's uplinks below while its NICs are fine "
	  "within the leaf" },
	{ "nic", vd_rule_nic,
	  "one NIC below with two or more partners that are fine elsewhere" },
	{ "pair-path", vd_rule_pair_path,
	  "below with one partner only, both ends fine elsewhere: the path" },
	{ "errors", vd_rule_errors,
	  "error counters rising, TCP retransmits: evidence, and a finding "
	  "of their own at full rate" },
	{ "below", vd_rule_below,
	  "below the model, not localised by any rule: test each end with "
	  "other partners" },
};

const size_t vd_n_rules = LR_ARRAY_SIZE(vd_rules);
