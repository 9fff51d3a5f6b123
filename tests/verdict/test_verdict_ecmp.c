// SPDX-License-Identifier: MIT
/*
 * ecmp: with static hashing the model expects the fair share on average
 * and a slower flow where hashes collide. A flow between the two is a
 * design limit (a note), below the slowest estimate a fault.
 */
#include <stdlib.h>

#include "helpers.h"

static struct lr_topo *topo;
static struct lr_verdict *v;
static json_t *rep;

static void setup(void)
{
	topo = fabric("ecmp");
	v = lr_verdict_new();
	cr_assert_not_null(v);
	rep = NULL;
}

static void teardown(void)
{
	json_decref(rep);
	lr_verdict_free(v);
	lr_topo_free(topo);
}

TestSuite(ecmp, .init = setup, .fini = teardown);

/* Every NIC of la to lb at once: 8 flows hashed onto 8 uplinks. */
static void bisection(double gbps_first, double gbps_rest)
{
	char a[32], b[32];

	for (int s = 1; s <= 4; s++)
		for (int k = 0; k < 2; k++) {
			snprintf(a, sizeof(a), "n%d/m%d", s, k);
			snprintf(b, sizeof(b), "n%d/m%d", s + 4, k);
			add(v, a, b, "bis",
			    s == 1 && k == 0 ? gbps_first : gbps_rest);
		}
}

static double slowest(void)
{
	const json_t *f = json_array_get(json_object_get(rep, "flows"), 0);

	return json_number_value(json_object_get(f, "ecmp_slowest_gbps"));
}

static double expected(void)
{
	const json_t *f = json_array_get(json_object_get(rep, "flows"), 0);

	return json_number_value(json_object_get(f, "expected_gbps"));
}

static void compute(void)
{
	cr_assert_eq(lr_verdict_compute(v, topo), 0);
	rep = lr_verdict_json(v, NULL);
}

/* First learn the model's figures for the set, then judge against them. */
static void model(double *e, double *s)
{
	bisection(90, 90);
	compute();
	*e = expected();
	*s = slowest();
	cr_assert(*s > 0 && *s < 0.9 * *e,
		  "the model should expect collisions: slowest %.2f of %.2f",
		  *s, *e);
	json_decref(rep);
	lr_verdict_free(v);
	v = lr_verdict_new();
	rep = NULL;
}

Test(ecmp, within_the_hashing_expectation_is_a_note)
{
	double e, s;

	model(&e, &s);
	bisection((s + e * 0.95) / 2, e);
	compute();
	cr_assert_eq(count_kind(rep, "ecmp", NULL), 1);
	cr_assert_eq(json_array_size(json_object_get(rep, "findings")), 1);
	cr_assert_eq(lr_verdict_exit(v), LR_EXIT_OK);
}

Test(ecmp, below_the_hashing_expectation_is_a_fault)
{
	double e, s;

	model(&e, &s);
	bisection(s * 0.5, e);
	compute();
	cr_assert_eq(count_kind(rep, "ecmp", NULL), 0);
	cr_assert_eq(count_kind(rep, "below", NULL), 1);
	cr_assert_eq(lr_verdict_exit(v), LR_EXIT_BELOW);
}

/* A lucky hash is not "above": only beyond the NIC's own rate. */
Test(ecmp, lucky_hash_is_not_above)
{
	double e, s;

	model(&e, &s);
	bisection(e * 1.0, e);
	compute();
	cr_assert_eq(count_kind(rep, "mismatch", NULL), 0);
	cr_assert_eq(lr_verdict_exit(v), LR_EXIT_OK);
}
