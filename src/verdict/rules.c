// SPDX-License-Identifier: MIT
/*
 * The localisation rules, in the order they run. A rule that explains a
 * flow claims it; "below" names what no rule could localise.
 * docs/verdicts.md describes each.
 */
#include "vd.h"
#include "linerate/util.h"

const struct vd_rule vd_rules[] = {
	{ "failed", vd_rule_failed, "a flow that has no result" },
	{ "mismatch", vd_rule_mismatch,
	  "above the model: the topology is wrong about the resource that "
	  "the model says limits it" },
	{ "below", vd_rule_below,
	  "below the model, not localised by any rule: test each end with "
	  "other partners" },
};

const size_t vd_n_rules = LR_ARRAY_SIZE(vd_rules);
