// SPDX-License-Identifier: MIT
/* util: a shared budget taken and given back by concurrent threads. */
#include "linerate/util.h"

bool lr_budget_take(_Atomic uint64_t *used, uint64_t want, uint64_t limit,
		    uint64_t *seen)
{
	uint64_t cur = atomic_load(used);

	/* Compare and exchange: a request that does not fit never shows in
	 * the count, so it cannot make another one that fits look too big. */
	do {
		if (want > limit || cur > limit - want) {
			if (seen)
				*seen = cur;
			return false;
		}
	} while (!atomic_compare_exchange_weak(used, &cur, cur + want));
	if (seen)
		*seen = cur;
	return true;
}

void lr_budget_give(_Atomic uint64_t *used, uint64_t n)
{
	atomic_fetch_sub(used, n);
}
