// SPDX-License-Identifier: MIT
#include <criterion/criterion.h>

#include "linerate/engine.h"

Test(stats, percentiles_interpolate)
{
	double v[] = { 1, 2, 3, 4 };

	cr_assert_float_eq(lr_percentile(v, 4, 0.5), 2.5, 1e-12);
	cr_assert_float_eq(lr_percentile(v, 4, 0), 1, 1e-12);
	cr_assert_float_eq(lr_percentile(v, 4, 1), 4, 1e-12);
	cr_assert_float_eq(lr_percentile(v, 1, 0.99), 1, 1e-12);
	cr_assert_float_eq(lr_percentile(v, 0, 0.5), 0, 1e-12);
}

Test(stats, interval_rates_min_median_max)
{
	/* 1, 3 and 2 Gb/s in full 1 s intervals */
	struct lr_interval iv[] = {
		{ 0, 1, 125000000 },
		{ 1, 2, 375000000 },
		{ 2, 3, 250000000 },
	};
	struct lr_rate_stats st;

	lr_rate_stats(iv, 3, 1.0, &st);
	cr_assert_eq(st.n, 3);
	cr_assert_float_eq(st.min_gbps, 1.0, 1e-9);
	cr_assert_float_eq(st.median_gbps, 2.0, 1e-9);
	cr_assert_float_eq(st.max_gbps, 3.0, 1e-9);
	cr_assert_float_eq(st.mean_gbps, 2.0, 1e-9);
}

Test(stats, short_last_interval_ignored)
{
	/* A 10 ms tail at a tiny rate must not become the minimum. */
	struct lr_interval iv[] = {
		{ 0, 1, 125000000 },
		{ 1, 2, 125000000 },
		{ 2, 2.01, 1000 },
	};
	struct lr_rate_stats st;

	lr_rate_stats(iv, 3, 1.0, &st);
	cr_assert_eq(st.n, 2);
	cr_assert_float_eq(st.min_gbps, 1.0, 1e-9);
}

Test(stats, intermittent_link_shows_in_minimum)
{
	/* Average 1.7 Gb/s hides one interval at 0.1 Gb/s. */
	struct lr_interval iv[10];
	struct lr_rate_stats st;

	for (int i = 0; i < 10; i++)
		iv[i] = (struct lr_interval){ i, i + 1,
					      i == 6 ? 12500000 : 237500000 };
	lr_rate_stats(iv, 10, 1.0, &st);
	cr_assert_float_eq(st.min_gbps, 0.1, 1e-9);
	cr_assert_float_eq(st.median_gbps, 1.9, 1e-9);
}

Test(stats, only_partial_intervals)
{
	struct lr_interval iv[] = { { 0, 0.5, 62500000 } };
	struct lr_rate_stats st;

	lr_rate_stats(iv, 1, 1.0, &st);
	cr_assert_eq(st.n, 1);
	cr_assert_float_eq(st.min_gbps, 1.0, 1e-9);
}

Test(stats, latency_percentiles)
{
	struct lr_lat_samples l;
	struct lr_lat_stats st;

	cr_assert_eq(lr_lat_init(&l, 1000), 0);
	for (int i = 1; i <= 1000; i++)
		lr_lat_add(&l, (uint64_t)i * 1000); /* 1..1000 us */
	lr_lat_add(&l, 5); /* past cap */
	lr_lat_stats(&l, &st);
	cr_assert_eq(st.n, 1000);
	cr_assert_eq(l.dropped, 1);
	cr_assert_float_eq(st.min_us, 1, 1e-9);
	cr_assert_float_eq(st.max_us, 1000, 1e-9);
	cr_assert_float_eq(st.median_us, 500.5, 1e-9);
	cr_assert_float_eq(st.p99_us, 990.01, 1e-6);
	cr_assert_float_eq(st.p999_us, 999.001, 1e-6);
	lr_lat_free(&l);
}
