// SPDX-License-Identifier: MIT
/* Slurm-style host ranges. */
#include <errno.h>
#include <stdlib.h>

#include "helpers.h"
#include "linerate/util.h"

static void names_free(void *n)
{
	lr_names_free(n);
	free(n);
}

/* Names on the heap, owned (owned.h). */
static struct lr_names *new_names(void)
{
	struct lr_names *n = calloc(1, sizeof(*n));

	cr_assert_not_null(n);
	return own(n, names_free);
}

static struct lr_names *expand_ok(const char *expr, int want)
{
	struct lr_names *n = new_names();
	const char *why;

	cr_assert_eq(lr_hostrange_expand(expr, 1000000, n, &why), want,
		     "%s: %s", expr, why);
	cr_assert_eq(n->n, (size_t)want);
	return n;
}

static void expand_bad(const char *expr, const char *want_why)
{
	struct lr_names *n = new_names();
	const char *why;

	cr_assert_eq(lr_hostrange_expand(expr, 1000000, n, &why), -EINVAL, "%s",
		     expr);
	cr_assert_str_eq(why, want_why, "%s", expr);
	release(n);
}

Test(hostrange, zero_padded_range)
{
	struct lr_names *n = expand_ok("gpu[001-064]", 64);

	cr_assert_str_eq(n->v[0], "gpu001");
	cr_assert_str_eq(n->v[9], "gpu010");
	cr_assert_str_eq(n->v[63], "gpu064");
	release(n);
}

Test(hostrange, list_in_brackets)
{
	struct lr_names *n = expand_ok("a[1-3,7]", 4);

	cr_assert_str_eq(n->v[0], "a1");
	cr_assert_str_eq(n->v[2], "a3");
	cr_assert_str_eq(n->v[3], "a7");
	release(n);
}

Test(hostrange, two_brackets_and_a_list)
{
	struct lr_names *n = expand_ok("r[1-2]n[01-02],login,x-[9]", 6);

	cr_assert_str_eq(n->v[0], "r1n01");
	cr_assert_str_eq(n->v[1], "r1n02");
	cr_assert_str_eq(n->v[2], "r2n01");
	cr_assert_str_eq(n->v[3], "r2n02");
	cr_assert_str_eq(n->v[4], "login");
	cr_assert_str_eq(n->v[5], "x-9");
	release(n);
}

Test(hostrange, suffix_after_bracket)
{
	struct lr_names *n = expand_ok("spine-r[0-1]-a", 2);

	cr_assert_str_eq(n->v[1], "spine-r1-a");
	release(n);
}

Test(hostrange, errors)
{
	expand_bad("gpu[001-064", "'[' without ']'");
	expand_bad("gpu]", "']' without '['");
	expand_bad("gpu[]", "empty brackets");
	expand_bad("gpu[5-1]", "range goes down");
	expand_bad("gpu[a-b]", "expected a number in brackets");
	expand_bad("gpu[1-]", "expected a number after '-'");
	expand_bad("a,,b", "empty name in list");
	expand_bad("a b", "blank in a name");
	expand_bad("", "empty host range");
}

Test(hostrange, limit)
{
	struct lr_names *n = new_names();
	const char *why;

	cr_assert_eq(lr_hostrange_expand("n[1-100]", 10, n, &why), -E2BIG);
	cr_assert_str_eq(why, "too many names");
	release(n);
}

/* A range far past the limit is counted, not expanded: refused at once,
 * nothing allocated (issue 9: s[1-50000000] took 2.2 s and 394 MB). */
Test(hostrange, huge_range_refused_before_expanding)
{
	static const char *const huge[] = { "s[1-50000000]",
					    "r[1-100000]n[1-100000]",
					    "a,b,s[0-999999999]" };

	for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
		struct lr_names n = { 0 };
		const char *why;
		uint64_t t0 = lr_now_ns();

		cr_assert_eq(lr_hostrange_expand(huge[i], 10000000, &n, &why),
			     -E2BIG, "%s", huge[i]);
		cr_assert(lr_now_ns() - t0 < 50000000ull, "%s took %.3f s",
			  huge[i], (double)(lr_now_ns() - t0) / 1e9);
		cr_assert_str_eq(why, "too many names");
		cr_assert_leq(n.n, 2, "%s: %zu names expanded", huge[i], n.n);
		lr_names_free(&n);
	}
}
