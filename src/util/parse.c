// SPDX-License-Identifier: MIT
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/util.h"

/* Leading digits only: strtoull would accept "-1" and " 5". */
static int parse_digits(const char *s, uint64_t *out, const char **end)
{
	char *e;
	unsigned long long v;

	if (!s || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &e, 10);
	if (errno == ERANGE)
		return -ERANGE;
	*out = v;
	*end = e;
	return 0;
}

static int suffix_shift(const char *suf, unsigned *shift)
{
	static const char units[] = "KMGT";
	const char *u;

	if (*suf == '\0' || !strcmp(suf, "B")) {
		*shift = 0;
		return 0;
	}
	u = strchr(units, toupper((unsigned char)suf[0]));
	if (!u)
		return -EINVAL;
	suf++;
	if (*suf && strcmp(suf, "B") && strcmp(suf, "iB") && strcmp(suf, "i"))
		return -EINVAL;
	*shift = 10 * (unsigned)(u - units + 1);
	return 0;
}

int lr_parse_size(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	const char *end;
	uint64_t v;
	unsigned shift;
	int ret;

	ret = parse_digits(s, &v, &end);
	if (ret)
		return ret;
	if (suffix_shift(end, &shift))
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	v <<= shift;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int lr_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	const char *end;
	uint64_t v;
	int ret;

	ret = parse_digits(s, &v, &end);
	if (ret)
		return ret;
	if (*end)
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int lr_parse_seconds(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	if (!s || !(isdigit((unsigned char)s[0]) || s[0] == '.'))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v))
		return -EINVAL;
	if (!strcmp(end, "ms"))
		v /= 1000.0;
	else if (*end && strcmp(end, "s"))
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

static int copy_host(const char *s, size_t n, char *host, size_t hostlen)
{
	if (n == 0 || n >= hostlen)
		return -EINVAL;
	memcpy(host, s, n);
	host[n] = '\0';
	return 0;
}

static int parse_port(const char *s, uint16_t *port)
{
	uint64_t v;

	if (lr_parse_uint(s, 0, 65535, &v))
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

int lr_parse_hostport(const char *s, char *host, size_t hostlen, uint16_t *port)
{
	const char *colon;

	if (!s || !*s)
		return -EINVAL;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close ||
		    copy_host(s + 1, (size_t)(close - s - 1), host, hostlen))
			return -EINVAL;
		if (close[1] == '\0')
			return 0;
		return close[1] == ':' ? parse_port(close + 2, port) : -EINVAL;
	}
	colon = strchr(s, ':');
	if (colon && strchr(colon + 1, ':')) /* bare IPv6 address */
		return copy_host(s, strlen(s), host, hostlen);
	if (!colon)
		return copy_host(s, strlen(s), host, hostlen);
	if (copy_host(s, (size_t)(colon - s), host, hostlen))
		return -EINVAL;
	return parse_port(colon + 1, port);
}

const char *lr_fmt_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned i = 0;

	while (i + 1 < LR_ARRAY_SIZE(units) && bytes >= 1024 &&
	       bytes % 1024 == 0) {
		bytes /= 1024;
		i++;
	}
	snprintf(buf, len, "%llu %s", (unsigned long long)bytes, units[i]);
	return buf;
}
