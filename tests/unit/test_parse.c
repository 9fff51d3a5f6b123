// SPDX-License-Identifier: MIT
#include <criterion/criterion.h>
#include <errno.h>

#include "linerate/util.h"

Test(parse, sizes_with_binary_suffixes)
{
	uint64_t v;

	cr_assert_eq(lr_parse_size("128", 1, UINT64_MAX, &v), 0);
	cr_assert_eq(v, 128);
	cr_assert_eq(lr_parse_size("64K", 1, UINT64_MAX, &v), 0);
	cr_assert_eq(v, 65536);
	cr_assert_eq(lr_parse_size("1MiB", 1, UINT64_MAX, &v), 0);
	cr_assert_eq(v, 1048576);
	cr_assert_eq(lr_parse_size("2g", 1, UINT64_MAX, &v), 0);
	cr_assert_eq(v, 2ull << 30);
}

Test(parse, sizes_rejected)
{
	uint64_t v = 7;

	cr_assert_eq(lr_parse_size("0", 1, 100, &v), -ERANGE);
	cr_assert_eq(lr_parse_size("101", 1, 100, &v), -ERANGE);
	cr_assert_eq(lr_parse_size("-1", 1, 100, &v), -EINVAL);
	cr_assert_eq(lr_parse_size(" 5", 1, 100, &v), -EINVAL);
	cr_assert_eq(lr_parse_size("5Q", 1, 100, &v), -EINVAL);
	cr_assert_eq(lr_parse_size("", 1, 100, &v), -EINVAL);
	cr_assert_eq(lr_parse_size("99999999999999999999", 1, UINT64_MAX, &v),
		     -ERANGE);
	cr_assert_eq(lr_parse_size("17179869184T", 1, UINT64_MAX, &v), -ERANGE);
	cr_assert_eq(v, 7, "output untouched on failure");
}

Test(parse, uints)
{
	uint64_t v;

	cr_assert_eq(lr_parse_uint("4", 1, 128, &v), 0);
	cr_assert_eq(v, 4);
	cr_assert_eq(lr_parse_uint("129", 1, 128, &v), -ERANGE);
	cr_assert_eq(lr_parse_uint("4K", 1, 128, &v), -EINVAL);
	cr_assert_eq(lr_parse_uint("x", 1, 128, &v), -EINVAL);
}

Test(parse, seconds)
{
	double s;

	cr_assert_eq(lr_parse_seconds("10", 0.01, 100, &s), 0);
	cr_assert_float_eq(s, 10.0, 1e-12);
	cr_assert_eq(lr_parse_seconds("250ms", 0.01, 100, &s), 0);
	cr_assert_float_eq(s, 0.25, 1e-12);
	cr_assert_eq(lr_parse_seconds("1.5s", 0.01, 100, &s), 0);
	cr_assert_float_eq(s, 1.5, 1e-12);
	cr_assert_eq(lr_parse_seconds("-1", 0, 100, &s), -EINVAL);
	cr_assert_eq(lr_parse_seconds("nan", 0, 100, &s), -EINVAL);
	cr_assert_eq(lr_parse_seconds("1e9", 0, 100, &s), -ERANGE);
	cr_assert_eq(lr_parse_seconds("3h", 0, 100, &s), -EINVAL);
}

Test(parse, host_and_port)
{
	char h[64];
	uint16_t port = 1;

	cr_assert_eq(lr_parse_hostport("node1", h, sizeof(h), &port), 0);
	cr_assert_str_eq(h, "node1");
	cr_assert_eq(port, 1);
	cr_assert_eq(lr_parse_hostport("10.0.0.1:5000", h, sizeof(h), &port),
		     0);
	cr_assert_str_eq(h, "10.0.0.1");
	cr_assert_eq(port, 5000);
	cr_assert_eq(lr_parse_hostport("[fe80::1]:80", h, sizeof(h), &port), 0);
	cr_assert_str_eq(h, "fe80::1");
	cr_assert_eq(port, 80);
	cr_assert_eq(lr_parse_hostport("::1", h, sizeof(h), &port), 0);
	cr_assert_str_eq(h, "::1");
	cr_assert_eq(lr_parse_hostport("h:0", h, sizeof(h), &port), 0);
	cr_assert_eq(port, 0);
	cr_assert_eq(lr_parse_hostport("h:70000", h, sizeof(h), &port),
		     -EINVAL);
	cr_assert_eq(lr_parse_hostport(":80", h, sizeof(h), &port), -EINVAL);
	cr_assert_eq(lr_parse_hostport("[::1", h, sizeof(h), &port), -EINVAL);
}

Test(parse, size_formatting)
{
	char b[32];

	cr_assert_str_eq(lr_fmt_size(131072, b, sizeof(b)), "128 KiB");
	cr_assert_str_eq(lr_fmt_size(1000, b, sizeof(b)), "1000 B");
	cr_assert_str_eq(lr_fmt_size(64ull << 20, b, sizeof(b)), "64 MiB");
}

Test(units, gbps_is_1e9_payload_bits_per_second)
{
	cr_assert_float_eq(lr_gbps(125000000, 1.0), 1.0, 1e-12);
	cr_assert_float_eq(lr_gbps(50000000000ull, 1.0), 400.0, 1e-9);
	cr_assert_float_eq(lr_gbps(100, 0), 0.0, 1e-12);
}
