// SPDX-License-Identifier: MIT
/* Counters of several devices around one test. */
#include <string.h>

#include "linerate/counters.h"
#include "linerate/util.h"

json_t *lr_counters_begin(const char *const *devs, size_t n)
{
	json_t *set = json_object(), *snap;

	for (size_t i = 0; i < n; i++) {
		int ret = lr_counters_snapshot(devs[i], &snap);

		if (ret) {
			lr_dbg("no counters for %s: %s", devs[i],
			       strerror(-ret));
			continue;
		}
		json_object_set_new(set, devs[i], snap);
	}
	return set;
}

json_t *lr_counters_end(json_t *begin)
{
	json_t *out = json_object(), *before, *after, *d;
	const char *dev;

	json_object_foreach(begin, dev, before) {
		if (lr_counters_snapshot(dev, &after)) {
			lr_warn("%s disappeared during the test: no counters",
				dev);
			continue;
		}
		d = lr_counters_delta(before, after);
		json_decref(after);
		if (d)
			json_object_set_new(out, dev, d);
	}
	json_decref(begin);
	return out;
}
