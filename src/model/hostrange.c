// SPDX-License-Identifier: MIT
/*
 * Slurm-style host ranges: "gpu[001-064]", "a[1-3,7]", "r[1-2]n[01-04]",
 * and comma-separated lists of those ("login,gpu[1-4]"). Zero padding of
 * the lower bound is kept ("[001-064]" gives gpu001 ... gpu064).
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/topology.h"

#define NAME_MAX_LEN 256

struct expand {
	size_t max;
	struct lr_names *out;
	const char **why;
	size_t added;
};

static int names_push(struct lr_names *names, const char *s)
{
	if (names->n == names->cap) {
		size_t cap = names->cap ? names->cap * 2 : 16;
		char **v = realloc(names->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		names->v = v;
		names->cap = cap;
	}
	names->v[names->n] = strdup(s);
	if (!names->v[names->n])
		return -ENOMEM;
	names->n++;
	return 0;
}

void lr_names_free(struct lr_names *names)
{
	for (size_t i = 0; i < names->n; i++)
		free(names->v[i]);
	free(names->v);
	memset(names, 0, sizeof(*names));
}

static int fail(struct expand *e, const char *why)
{
	*e->why = why;
	return -EINVAL;
}

static int parse_num(const char **p, unsigned long *v, int *digits)
{
	const char *s = *p;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	*v = strtoul(s, &end, 10);
	if (end - s > 9)
		return -EINVAL;
	*digits = (int)(end - s);
	*p = end;
	return 0;
}

static int expand_rest(struct expand *e, char *prefix, size_t plen,
		       const char *rest);

/* One item of a bracket list: "7" or "001-064"; recurse for each value. */
static int expand_item(struct expand *e, char *prefix, size_t plen,
		       const char **p, const char *after)
{
	unsigned long lo, hi;
	int dlo, dhi, ret;

	if (parse_num(p, &lo, &dlo))
		return fail(e, "expected a number in brackets");
	hi = lo;
	if (**p == '-') {
		(*p)++;
		if (parse_num(p, &hi, &dhi))
			return fail(e, "expected a number after '-'");
		if (hi < lo)
			return fail(e, "range goes down");
	}
	if (**p != ',' && **p != ']')
		return fail(e, "expected ',', '-' or ']' in brackets");
	for (unsigned long v = lo; v <= hi; v++) {
		int n = snprintf(prefix + plen, NAME_MAX_LEN - plen, "%0*lu",
				 dlo, v);

		if (n < 0 || plen + (size_t)n >= NAME_MAX_LEN)
			return fail(e, "name too long");
		ret = expand_rest(e, prefix, plen + (size_t)n, after);
		if (ret)
			return ret;
	}
	return 0;
}

static int expand_bracket(struct expand *e, char *prefix, size_t plen,
			  const char *open)
{
	const char *close = strchr(open, ']');
	const char *p = open + 1;
	int ret;

	if (!close)
		return fail(e, "'[' without ']'");
	if (p == close)
		return fail(e, "empty brackets");
	while (p < close) {
		ret = expand_item(e, prefix, plen, &p, close + 1);
		if (ret)
			return ret;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int expand_rest(struct expand *e, char *prefix, size_t plen,
		       const char *rest)
{
	size_t lit = strcspn(rest, "[]");
	int ret;

	if (plen + lit >= NAME_MAX_LEN)
		return fail(e, "name too long");
	memcpy(prefix + plen, rest, lit);
	plen += lit;
	prefix[plen] = '\0';
	if (rest[lit] == ']')
		return fail(e, "']' without '['");
	if (rest[lit] == '[')
		return expand_bracket(e, prefix, plen, rest + lit);
	if (plen == 0)
		return fail(e, "empty name");
	if (e->added >= e->max)
		return -E2BIG;
	ret = names_push(e->out, prefix);
	if (!ret)
		e->added++;
	return ret;
}

static size_t sat_mul(size_t a, size_t b)
{
	return a && b > SIZE_MAX / a ? SIZE_MAX : a * b;
}

static size_t sat_add(size_t a, size_t b)
{
	return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

/*
 * How many names rest expands to, without expanding it (saturating at
 * SIZE_MAX), so that a range far past the limit is refused at once instead
 * of after millions of names. 0 for what does not parse: the expansion
 * then says what is wrong.
 */
static size_t count_rest(const char *rest)
{
	const char *open = strchr(rest, '['), *close, *p;
	size_t n = 0;

	if (!open)
		return 1;
	close = strchr(open, ']');
	if (!close)
		return 0;
	for (p = open + 1; p < close;) {
		unsigned long lo, hi;
		int d;

		if (parse_num(&p, &lo, &d))
			return 0;
		hi = lo;
		if (*p == '-') {
			p++;
			if (parse_num(&p, &hi, &d) || hi < lo)
				return 0;
		}
		n = sat_add(n, (size_t)(hi - lo) + 1);
		if (*p == ',')
			p++;
		else if (p != close)
			return 0;
	}
	return sat_mul(n, count_rest(close + 1));
}

/* Split at commas outside brackets. */
static const char *next_part(const char *s, char *buf, size_t len)
{
	int depth = 0;
	size_t i = 0;

	for (; *s && !(*s == ',' && depth == 0); s++) {
		depth += (*s == '[') - (*s == ']');
		if (i + 1 < len)
			buf[i++] = *s;
	}
	buf[i] = '\0';
	return *s == ',' ? s + 1 : NULL;
}

int lr_hostrange_expand(const char *expr, size_t max, struct lr_names *out,
			const char **why)
{
	char part[NAME_MAX_LEN * 4], prefix[NAME_MAX_LEN];
	struct expand e = { .max = max, .out = out, .why = why };
	const char *s = expr;
	int ret;

	*why = "";
	if (!s || !*s)
		return fail(&e, "empty host range");
	while (s) {
		s = next_part(s, part, sizeof(part));
		if (strspn(part, " \t") == strlen(part))
			return fail(&e, "empty name in list");
		if (strpbrk(part, " \t"))
			return fail(&e, "blank in a name");
		if (count_rest(part) > max - e.added)
			ret = -E2BIG;
		else
			ret = expand_rest(&e, prefix, 0, part);
		if (ret == -E2BIG)
			*why = "too many names";
		if (ret)
			return ret;
	}
	return (int)e.added;
}
