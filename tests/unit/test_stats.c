// SPDX-License-Identifier: MIT
#include <criterion/criterion.h>
#include <math.h>

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

/*
 * 1..1000 us in steps of 1 us. Nearest rank of n = 1000: the median is the
 * 500th value (500000 ns), p99 the 990th, p99.9 the 999th. Above 2048 ns a
 * value v lies in a bucket of width 2^(floor(log2 v) - 10) starting at v
 * rounded down to it; the histogram reports the bucket's middle:
 *   500000 ns: 2^18 <= v < 2^19, width 256: 499968 + 128 = 500096
 *   990000 ns: 2^19 <= v < 2^20, width 512: 989696 + 256 = 989952
 *   999000 ns: width 512: 998912 + 256 = 999168
 * min, max and mean are exact.
 */
Test(stats, latency_percentiles)
{
	struct lr_hist h;
	struct lr_lat_stats st;

	cr_assert_eq(lr_hist_init(&h), 0);
	for (int i = 1; i <= 1000; i++)
		lr_hist_add(&h, (uint64_t)i * 1000);
	lr_lat_stats(&h, &st);
	cr_assert_eq(st.n, 1000);
	cr_assert_float_eq(st.min_us, 1, 1e-9);
	cr_assert_float_eq(st.max_us, 1000, 1e-9);
	cr_assert_float_eq(st.mean_us, 500.5, 1e-9);
	cr_assert_float_eq(st.median_us, 500.096, 1e-9);
	cr_assert_float_eq(st.p99_us, 989.952, 1e-9);
	cr_assert_float_eq(st.p999_us, 999.168, 1e-9);
	cr_assert_eq(st.nbuckets, 1000, "every value in its own bucket");
	cr_assert_eq(st.buckets[0].ns, 1000);
	cr_assert_eq(st.buckets[0].count, 1);
	lr_lat_free(&st);
	lr_hist_free(&h);
}

/* Below 2048 ns every nanosecond is its own bucket: exact. 100 x 50 ns and
 * one 2000 ns: ranks ceil(0.5 x 101) = 51 and ceil(0.99 x 101) = 100 are
 * 50 ns, ceil(0.999 x 101) = 101 is the maximum. */
Test(stats, histogram_exact_below_2048ns)
{
	struct lr_hist h;

	cr_assert_eq(lr_hist_init(&h), 0);
	for (int i = 0; i < 100; i++)
		lr_hist_add(&h, 50);
	lr_hist_add(&h, 2000);
	cr_assert_eq(lr_hist_percentile(&h, 0.5), 50);
	cr_assert_eq(lr_hist_percentile(&h, 0.99), 50);
	cr_assert_eq(lr_hist_percentile(&h, 0.999), 2000);
	cr_assert_eq(lr_hist_percentile(&h, 0), 50);
	cr_assert_eq(lr_hist_percentile(&h, 1), 2000);
	lr_hist_free(&h);
}

/* 3 significant digits: every value within 1/2048 of its bucket's middle,
 * buckets in order, values past the range in the last bucket. */
Test(stats, histogram_precision_and_range)
{
	size_t last = 0;

	for (uint64_t v = 1; v < LR_HIST_MAX_NS; v = v * 1.01 + 1) {
		size_t i = lr_hist_index(v);
		double m = (double)lr_hist_value(i);

		cr_assert(i >= last, "index of %llu went back",
			  (unsigned long long)v);
		cr_assert(i < LR_HIST_BUCKETS);
		cr_assert(fabs(m - (double)v) <= (double)v / 2048 + 0.5,
			  "%llu reported as %.0f", (unsigned long long)v, m);
		last = i;
	}
	cr_assert_eq(lr_hist_index(UINT64_MAX), LR_HIST_BUCKETS - 1);
	cr_assert_eq(lr_hist_index(LR_HIST_MAX_NS), LR_HIST_BUCKETS - 1);
}

/* Two workers' histograms merged read as one of all their samples. */
Test(stats, histogram_merge)
{
	struct lr_hist a, b, all;

	cr_assert_eq(lr_hist_init(&a), 0);
	cr_assert_eq(lr_hist_init(&b), 0);
	cr_assert_eq(lr_hist_init(&all), 0);
	for (uint64_t v = 100; v < 5000000; v = v * 3 / 2) {
		lr_hist_add(v % 2 ? &a : &b, v);
		lr_hist_add(&all, v);
	}
	lr_hist_merge(&a, &b);
	cr_assert_eq(a.n, all.n);
	cr_assert_eq(a.sum, all.sum);
	cr_assert_eq(a.min, all.min);
	cr_assert_eq(a.max, all.max);
	for (double q = 0; q <= 1; q += 0.05)
		cr_assert_eq(lr_hist_percentile(&a, q),
			     lr_hist_percentile(&all, q), "q %.2f", q);
	lr_hist_free(&a);
	lr_hist_free(&b);
	lr_hist_free(&all);
}
