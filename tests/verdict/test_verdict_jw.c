// SPDX-License-Identifier: MIT
/*
 * The streaming JSON writer behind `report --json`: byte for byte what
 * jansson writes of the same values (json_dumps, JSON_INDENT(2) |
 * JSON_REAL_PRECISION(10)), strings with every escape, numbers of every
 * magnitude, nesting and empty containers.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "../../src/verdict/jw.h"

#define FLAGS (JSON_INDENT(2) | JSON_REAL_PRECISION(10) | JSON_ENCODE_ANY)

static char *text;
static size_t len;
static FILE *mem;
static struct jw w;

static void start(void)
{
	mem = open_memstream(&text, &len);
	cr_assert_not_null(mem);
	jw_init(&w, mem);
}

/* What was written equals jansson's text of j (which it consumes). */
static void expect(json_t *j)
{
	char *want;

	cr_assert_not_null(j);
	want = json_dumps(j, FLAGS);
	cr_assert_eq(jw_finish(&w), 0);
	cr_assert_eq(fclose(mem), 0);
	cr_assert_str_eq(text, want);
	free(want);
	free(text);
	json_decref(j);
}

Test(jw, strings_escaped_like_jansson)
{
	static const char *const s[] = {
		"",
		"plain",
		"\"quoted\" and \\back\\slash",
		"</script><b onmouseover=x>",
		"tab\there\nnew line\r\b\f",
		"\x01\x02\x1f\x7f end",
		"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		"a/b",
	};

	for (size_t i = 0; i < sizeof(s) / sizeof(*s); i++) {
		start();
		jw_str(&w, s[i]);
		expect(json_string(s[i]));
	}
	start();
	jw_str(&w, NULL);
	expect(json_null());
}

/* round(x * 1e4) / 1e4 as jansson writes it, with printf's %.10g. */
static void num4(double x)
{
	start();
	jw_num4(&w, x);
	expect(isfinite(x) ? json_real(round(x * 1e4) / 1e4) : json_null());
}

Test(jw, rounded_numbers_like_jansson)
{
	static const double fixed[] = {
		0.0,	 -0.0,	       1.0,    0.5,	    0.6,
		0.00005, -0.00004,     0.0001, 392.1434,    98.0372,
		1e-9,	 999999.99995, 1e6,    123456.7891, 1e10,
		-1e12,	 1e300,	       NAN,    INFINITY,    -INFINITY
	};
	unsigned seed = 10;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(*fixed); i++)
		num4(fixed[i]);
	/* every magnitude from 1e-6 to 1e12, both signs */
	for (int i = 0; i < 20000; i++) {
		double m = (double)rand_r(&seed) / RAND_MAX;
		int e = rand_r(&seed) % 19 - 6;

		num4((i & 1 ? -1 : 1) * m * pow(10, e));
	}
}

Test(jw, reals_like_jansson)
{
	static const double d[] = { 0.05, 1.0 / 3, 1e21, 1.5e-7, -2.0, 1e100 };

	for (size_t i = 0; i < sizeof(d) / sizeof(*d); i++) {
		start();
		jw_real(&w, d[i]);
		expect(json_real(d[i]));
	}
}

Test(jw, nesting_like_jansson)
{
	json_t *inner = json_pack("{s:[i, {}, []], s:{s:f}, s:s}", "a", 1, "b",
				  "c", 2.5, "d", "e\nf");

	start();
	jw_obj(&w);
	jw_key(&w, "empty_object");
	jw_obj(&w);
	jw_end(&w);
	jw_key(&w, "empty_array");
	jw_arr(&w);
	jw_end(&w);
	jw_key(&w, "values");
	jw_arr(&w);
	jw_int(&w, -7);
	jw_bool(&w, true);
	jw_bool(&w, false);
	jw_null(&w);
	jw_arr(&w);
	jw_arr(&w);
	jw_end(&w);
	jw_int(&w, 1LL << 40);
	jw_end(&w);
	jw_end(&w);
	jw_key(&w, "nested");
	jw_json(&w, inner);
	jw_end(&w);
	expect(json_pack("{s:{}, s:[], s:[i, b, b, n, [[], I]], s:O}",
			 "empty_object", "empty_array", "values", -7, 1, 0,
			 (json_int_t)(1LL << 40), "nested", inner));
	json_decref(inner);
}

Test(jw, unbalanced_is_an_error)
{
	start();
	jw_obj(&w);
	cr_assert_neq(jw_finish(&w), 0);
	fclose(mem);
	free(text);
}
