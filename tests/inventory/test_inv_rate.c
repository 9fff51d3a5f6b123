// SPDX-License-Identifier: MIT
/* Link tables: rate strings, verbs codes, RoCE MTU, PCIe generations. */
#include <errno.h>

#include <criterion/criterion.h>

#include "linerate/inventory.h"

Test(rate, parse_kernel_strings)
{
	struct lr_ib_link l;

	cr_assert_eq(lr_ib_link_parse("400 Gb/sec (4X NDR)", &l), 0);
	cr_assert_str_eq(l.speed, "NDR");
	cr_assert_eq(l.lanes, 4);
	cr_assert_float_eq(l.gbps, 400, 1e-9);
	cr_assert_eq(lr_ib_link_parse("800 Gb/sec (4X XDR)", &l), 0);
	cr_assert_str_eq(l.speed, "XDR");
	cr_assert_eq(lr_ib_link_parse("200 Gb/sec (2X NDR)", &l), 0);
	cr_assert_eq(l.lanes, 2);
	cr_assert_eq(lr_ib_link_parse("2.5 Gb/sec (1X)", &l), 0);
	cr_assert_str_eq(l.speed, "SDR");
	cr_assert_float_eq(l.gbps, 2.5, 1e-9);
	cr_assert_eq(lr_ib_link_parse("40 Gb/sec (4X FDR10)", &l), 0);
	cr_assert_str_eq(l.speed, "FDR10");
}

Test(rate, parse_rejects_garbage)
{
	struct lr_ib_link l;

	cr_assert_eq(lr_ib_link_parse("", &l), -EINVAL);
	cr_assert_eq(lr_ib_link_parse("fast", &l), -EINVAL);
	cr_assert_eq(lr_ib_link_parse("400 Gb/sec (4X ZZZ)", &l), -EINVAL);
	cr_assert_eq(lr_ib_link_parse("400 Gb/sec (0X NDR)", &l), -EINVAL);
}

Test(rate, verbs_codes)
{
	struct lr_ib_link l;

	/* IB_SPEED_NDR = 128, IB_WIDTH_4X = 2 */
	cr_assert_eq(lr_ib_link_from_verbs(128, 2, &l), 0);
	cr_assert_str_eq(l.speed, "NDR");
	cr_assert_float_eq(l.gbps, 400, 1e-9);
	/* IB_SPEED_XDR = 256, IB_WIDTH_8X = 4 */
	cr_assert_eq(lr_ib_link_from_verbs(256, 4, &l), 0);
	cr_assert_float_eq(l.gbps, 1600, 1e-9);
	/* IB_SPEED_HDR = 64, IB_WIDTH_2X = 16 */
	cr_assert_eq(lr_ib_link_from_verbs(64, 16, &l), 0);
	cr_assert_eq(l.lanes, 2);
	cr_assert_float_eq(l.gbps, 100, 1e-9);
	/* IB_SPEED_EDR = 32, IB_WIDTH_1X = 1; 12X = 8 */
	cr_assert_eq(lr_ib_link_from_verbs(32, 8, &l), 0);
	cr_assert_float_eq(l.gbps, 300, 1e-9);
	cr_assert_eq(lr_ib_link_from_verbs(3, 2, &l), -EINVAL);
	cr_assert_eq(lr_ib_link_from_verbs(128, 3, &l), -EINVAL);
}

Test(rate, states)
{
	cr_assert_str_eq(lr_ib_port_state_name(4), "ACTIVE");
	cr_assert_str_eq(lr_ib_port_state_name(1), "DOWN");
	cr_assert_null(lr_ib_port_state_name(9));
	cr_assert_str_eq(lr_ib_phys_state_name(5), "LinkUp");
	cr_assert_str_eq(lr_ib_phys_state_name(2), "Polling");
	cr_assert_null(lr_ib_phys_state_name(0));
	cr_assert_null(lr_ib_phys_state_name(-1));
}

Test(rate, roce_mtu)
{
	cr_assert_eq(lr_roce_active_mtu(9000), 4096);
	cr_assert_eq(lr_roce_active_mtu(4200), 4096);
	cr_assert_eq(lr_roce_active_mtu(4191), 2048);
	cr_assert_eq(lr_roce_active_mtu(1500), 1024);
	cr_assert_eq(lr_roce_active_mtu(300), 0);
}

Test(rate, pcie_gen)
{
	cr_assert_eq(lr_pcie_gen(2.5), 1);
	cr_assert_eq(lr_pcie_gen(8.0), 3);
	cr_assert_eq(lr_pcie_gen(16.0), 4);
	cr_assert_eq(lr_pcie_gen(32.0), 5);
	cr_assert_eq(lr_pcie_gen(64.0), 6);
	cr_assert_eq(lr_pcie_gen(7.0), 0);
}
