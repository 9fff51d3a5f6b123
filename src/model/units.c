// SPDX-License-Identifier: MIT
/* Link rates: "400G", "400Gb/s", "250M", "1.6T", "100Gbps" -> Gb/s. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/topology.h"

int lr_parse_rate(const char *s, double *gbps)
{
	static const struct {
		char unit;
		double scale;
	} units[] = {
		{ 'K', 1e-6 }, { 'M', 1e-3 }, { 'G', 1.0 }, { 'T', 1e3 }
	};
	char *end;
	double v;

	if (!s || !((*s >= '0' && *s <= '9') || *s == '.'))
		return -EINVAL;
	v = strtod(s, &end);
	if (end == s || !isfinite(v) || v <= 0)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (*end != units[i].unit)
			continue;
		end++;
		if (*end && strcmp(end, "b/s") && strcmp(end, "bps") &&
		    strcmp(end, "bit/s"))
			return -EINVAL;
		*gbps = v * units[i].scale;
		return 0;
	}
	return -EINVAL;
}

int lr_parse_duration_us(const char *s, double *us)
{
	static const struct {
		const char *unit;
		double scale;
	} units[] = {
		{ "ns", 1e-3 }, { "us", 1.0 }, { "ms", 1e3 }, { "s", 1e6 }
	};
	char *end;
	double v;

	if (!s || !((*s >= '0' && *s <= '9') || *s == '.'))
		return -EINVAL;
	v = strtod(s, &end);
	if (end == s || !isfinite(v) || v <= 0)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(end, units[i].unit)) {
			*us = v * units[i].scale;
			return 0;
		}
	}
	return -EINVAL;
}
