// SPDX-License-Identifier: MIT
/* place: CPU lists ("0-3,8") and the --numa / --cpus options. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/place.h"
#include "linerate/util.h"

static int parse_num(const char **s, unsigned *out)
{
	char *end;
	unsigned long v;

	if (**s < '0' || **s > '9')
		return -EINVAL;
	v = strtoul(*s, &end, 10);
	if (v >= CPU_SETSIZE)
		return -EINVAL;
	*out = (unsigned)v;
	*s = end;
	return 0;
}

int lr_cpulist_parse(const char *s, cpu_set_t *set)
{
	CPU_ZERO(set);
	while (*s && *s != '\n') {
		unsigned a, b;

		if (parse_num(&s, &a))
			return -EINVAL;
		b = a;
		if (*s == '-') {
			s++;
			if (parse_num(&s, &b) || b < a)
				return -EINVAL;
		}
		for (unsigned i = a; i <= b; i++)
			CPU_SET(i, set);
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return -EINVAL;
	}
	return 0;
}

void lr_cpulist_format(const cpu_set_t *set, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < CPU_SETSIZE && off < len; i++) {
		unsigned j = i;
		int n;

		if (!CPU_ISSET(i, set))
			continue;
		while (j + 1 < CPU_SETSIZE && CPU_ISSET(j + 1, set))
			j++;
		n = j > i ? snprintf(buf + off, len - off, "%s%u-%u",
				     off ? "," : "", i, j) :
			    snprintf(buf + off, len - off, "%s%u",
				     off ? "," : "", i);
		if (n < 0)
			return;
		off += (size_t)n;
		i = j;
	}
}

int lr_place_parse_numa(const char *s, struct lr_place_cfg *c, char *err,
			size_t errlen)
{
	uint64_t v;

	if (!strcmp(s, "auto")) {
		c->numa = LR_NUMA_AUTO;
	} else if (!strcmp(s, "off")) {
		c->numa = LR_NUMA_OFF;
	} else if (!lr_parse_uint(s, 0, 1023, &v)) {
		c->numa = LR_NUMA_NODE;
		c->node = (int)v;
	} else {
		snprintf(err, errlen,
			 "--numa: '%s' (expected auto, off or a "
			 "node number)",
			 s);
		return -EINVAL;
	}
	return 0;
}

int lr_place_parse_cpus(const char *s, struct lr_place_cfg *c, char *err,
			size_t errlen)
{
	if (lr_cpulist_parse(s, &c->cpus) || !CPU_COUNT(&c->cpus)) {
		snprintf(err, errlen,
			 "--cpus: '%s' (expected a CPU list such as "
			 "0-3,8)",
			 s);
		return -EINVAL;
	}
	c->have_cpus = true;
	return 0;
}
