// SPDX-License-Identifier: MIT
/* The strict JSON parser behind `report`: what it accepts and refuses. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../../src/verdict/vj.h"

static struct vj_arena arena;
static struct vj_error err;

static void teardown(void)
{
	vj_free(&arena);
}

TestSuite(vj, .fini = teardown);

static struct vj *ok(const char *text)
{
	struct vj *v = NULL;
	int ret = vj_parse(&arena, text, strlen(text), &v, &err);

	cr_assert_eq(ret, 0, "'%s': %d:%d %s", text, err.line, err.col,
		     err.text);
	return v;
}

static void bad(const char *text, const char *why)
{
	struct vj *v = NULL;

	cr_assert_eq(vj_parse(&arena, text, strlen(text), &v, &err), -EINVAL,
		     "'%s' should be refused", text);
	cr_assert(strstr(err.text, why), "'%s': '%s', expected '%s'", text,
		  err.text, why);
}

Test(vj, values)
{
	struct vj *v = ok(" {\"a\": [1, -2.5, 3e2, 0.1, 123456789012345678],"
			  " \"b\": \"x\\u00e9\\ud83d\\ude00\\n\", \"c\": true,"
			  " \"d\": null, \"e\": {}} ");
	const struct vj *a = vj_get(v, "a"), *x = a->child;

	cr_assert_eq(a->n, 5);
	cr_assert(x->integer && x->i == 1);
	cr_assert_float_eq(x->next->d, -2.5, 0);
	cr_assert(!x->next->next->integer);
	cr_assert_float_eq(x->next->next->d, 300, 0);
	cr_assert_eq(x->next->next->next->d, 0.1, "0.1 exactly as strtod");
	cr_assert_eq(x->next->next->next->next->i, 123456789012345678LL);
	cr_assert_str_eq(vj_str(vj_get(v, "b")), "x\xc3\xa9\xf0\x9f\x98\x80\n");
	cr_assert(vj_is(vj_get(v, "c"), VJ_TRUE));
	cr_assert(vj_is(vj_get(v, "d"), VJ_NULL));
	cr_assert_null(vj_get(v, "zz"));
}

/* The fast number path gives what strtod gives. */
Test(vj, numbers_match_strtod)
{
	const char *n[] = { "392.1432",	     "0.9927",	  "97.123456789012",
			    "1796000011.25", "-0.000001", "12345.678" };

	for (size_t i = 0; i < sizeof(n) / sizeof(n[0]); i++)
		cr_assert_eq(ok(n[i])->d, strtod(n[i], NULL), "%s", n[i]);
}

Test(vj, refused)
{
	bad("{\"a\": 1", "expected ',' or '}'");
	bad("{\"a\": NaN}", "invalid");
	bad("[1,]", "invalid");
	bad("01", "end of input expected");
	bad("\"\\x\"", "bad escape");
	bad("\"\\ud800\"", "surrogate");
	bad("\"a\x01\"", "control character");
	bad("\"\xc3\x28\"", "invalid UTF-8");
	bad("\"\xed\xa0\x80\"", "invalid UTF-8");
	bad("\"\\u0000\"", "\\u0000");
	bad("1e999", "out of range");
	bad("{\"a\" 1}", "expected ':'");
	bad("[1] [2]", "end of input expected");
	bad("", "unexpected end");
}

Test(vj, depth_is_bounded)
{
	char deep[VJ_MAX_DEPTH * 2 + 8];

	memset(deep, '[', VJ_MAX_DEPTH + 1);
	memset(deep + VJ_MAX_DEPTH + 1, ']', VJ_MAX_DEPTH + 1);
	deep[2 * VJ_MAX_DEPTH + 2] = '\0';
	bad(deep, "nested too deeply");
	deep[0] = ' ';
	deep[2 * VJ_MAX_DEPTH + 1] = '\0';
	ok(deep);
}

Test(vj, error_position)
{
	bad("{\n  \"a\": [1,\n  2 x]}", "expected ',' or ']'");
	cr_assert_eq(err.line, 3);
	cr_assert_eq(err.col, 5);
}
