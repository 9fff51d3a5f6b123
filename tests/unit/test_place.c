// SPDX-License-Identifier: MIT
/*
 * place: the node and CPUs follow the device's numa_node / local_cpulist of
 * a sysfs fixture (tests/fixtures/sysfs/place*), within the allowed CPUs.
 * The fixtures name CPUs 0 and 1 and node 0, which every host has; a test
 * that needs both CPUs allowed skips otherwise.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <numaif.h>
#include <sched.h>
#include <string.h>

#include "../inventory/fixture.h"
#include "linerate/place.h"

#define DEV(n) "sys/class/net/" n "/device"

static void cfg(const char *numa, const char *cpus)
{
	struct lr_place_cfg c = { .numa = LR_NUMA_AUTO };
	char err[160];

	if (numa)
		cr_assert_eq(lr_place_parse_numa(numa, &c, err, sizeof(err)), 0,
			     "%s", err);
	if (cpus)
		cr_assert_eq(lr_place_parse_cpus(cpus, &c, err, sizeof(err)), 0,
			     "%s", err);
	lr_place_configure(&c);
}

static void need_cpus_0_1(void)
{
	cpu_set_t s;

	cr_assert_eq(sched_getaffinity(0, sizeof(s), &s), 0);
	if (!CPU_ISSET(0, &s) || !CPU_ISSET(1, &s))
		cr_skip_test("CPUs 0 and 1 are not both allowed here");
}

static void restrict_to(unsigned cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	cr_assert_eq(sched_setaffinity(0, sizeof(s), &s), 0);
}

Test(place, cpulist_parse_and_format)
{
	cpu_set_t s;
	char buf[64];

	cr_assert_eq(lr_cpulist_parse("0-3,8,10-11\n", &s), 0);
	cr_assert_eq(CPU_COUNT(&s), 7);
	lr_cpulist_format(&s, buf, sizeof(buf));
	cr_assert_str_eq(buf, "0-3,8,10-11");
	cr_assert_eq(lr_cpulist_parse("3-1", &s), -EINVAL);
	cr_assert_eq(lr_cpulist_parse("1,x", &s), -EINVAL);
	cr_assert_eq(lr_cpulist_parse("99999", &s), -EINVAL);
}

Test(place, bad_options_explained)
{
	struct lr_place_cfg c = { 0 };
	char err[160];

	cr_assert_eq(lr_place_parse_numa("near", &c, err, sizeof(err)),
		     -EINVAL);
	cr_assert(strstr(err, "'near'") && strstr(err, "auto, off"), "%s", err);
	cr_assert_eq(lr_place_parse_cpus("1-", &c, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "--cpus: '1-'"), "%s", err);
}

Test(place, follows_device_node_and_cpus)
{
	struct lr_place pl;

	need_cpus_0_1();
	use_fixture("place");
	cfg(NULL, NULL);
	lr_place_plan(&pl, "nic1", DEV("nic1"), 1);
	cr_assert_eq(pl.dev_node, 0);
	cr_assert_eq(pl.node, 0, "%s", pl.why);
	cr_assert_eq(pl.cpu[0], 1, "%s", pl.why);
	lr_place_release(&pl);
}

Test(place, numa_off_places_nothing)
{
	struct lr_place pl;

	use_fixture("place");
	cfg("off", NULL);
	lr_place_plan(&pl, "nic1", DEV("nic1"), 2);
	cr_assert_eq(pl.node, -1);
	cr_assert_eq(pl.cpu[0], -1);
	cr_assert_eq(pl.cpu[1], -1);
	cr_assert(strstr(pl.why, "--numa off"), "%s", pl.why);
}

Test(place, taskset_is_honoured)
{
	struct lr_place pl;

	need_cpus_0_1();
	use_fixture("place");
	cfg(NULL, NULL);
	/* The NIC's CPU is 1; the test was started on CPU 0 only. */
	restrict_to(0);
	lr_place_plan(&pl, "nic1", DEV("nic1"), 1);
	cr_assert_eq(pl.cpu[0], 0, "%s", pl.why);
	cr_assert(strstr(pl.why, "allowed"), "%s", pl.why);
	lr_place_release(&pl);
	/* Within a NIC-local set, the allowed part only. */
	restrict_to(1);
	lr_place_plan(&pl, "nic01", DEV("nic01"), 2);
	cr_assert_eq(pl.cpu[0], 1, "%s", pl.why);
	cr_assert_eq(pl.cpu[1], 1, "%s", pl.why);
	lr_place_release(&pl);
}

Test(place, one_physical_core_per_worker)
{
	struct lr_place pl;

	need_cpus_0_1();
	use_fixture("place");
	cfg(NULL, NULL);
	lr_place_plan(&pl, "nic01", DEV("nic01"), 2);
	cr_assert_eq(pl.cpu[0], 0);
	cr_assert_eq(pl.cpu[1], 1);
	lr_place_release(&pl);
	/* CPUs 0 and 1 are SMT siblings of one core: the second worker can
	 * only share it, and the results say so. */
	use_fixture("place-smt");
	lr_place_plan(&pl, "nic01", DEV("nic01"), 2);
	cr_assert_eq(pl.cpu[0], 0);
	cr_assert_eq(pl.cpu[1], 1);
	cr_assert(strstr(pl.why, "share"), "%s", pl.why);
	lr_place_release(&pl);
}

Test(place, live_tests_take_other_cores)
{
	struct lr_place a, b, c;

	need_cpus_0_1();
	use_fixture("place");
	cfg(NULL, NULL);
	lr_place_plan(&a, "nic01", DEV("nic01"), 1);
	lr_place_plan(&b, "nic01", DEV("nic01"), 1);
	cr_assert_eq(a.cpu[0], 0);
	cr_assert_eq(b.cpu[0], 1, "the core of a live test was reused");
	lr_place_release(&a);
	lr_place_plan(&c, "nic01", DEV("nic01"), 1);
	cr_assert_eq(c.cpu[0], 0, "a released core was not given back");
	lr_place_release(&b);
	lr_place_release(&c);
}

Test(place, cpus_option_within_allowed)
{
	struct lr_place pl;

	need_cpus_0_1();
	use_fixture("place");
	cfg(NULL, "0");
	lr_place_plan(&pl, "nic1", DEV("nic1"), 1);
	cr_assert_eq(pl.cpu[0], 0, "%s", pl.why);
	cr_assert_eq(pl.node, 0, "--cpus leaves memory on the device's node");
	lr_place_release(&pl);
	restrict_to(1);
	lr_place_plan(&pl, "nic1", DEV("nic1"), 1);
	cr_assert_eq(pl.cpu[0], -1, "pinned outside the allowed set");
	cr_assert(strstr(pl.why, "outside the allowed"), "%s", pl.why);
}

Test(place, device_without_node)
{
	struct lr_place pl;

	use_fixture("place");
	cfg(NULL, NULL);
	lr_place_plan(&pl, "nonuma", DEV("nonuma"), 1);
	cr_assert_eq(pl.dev_node, -1);
	cr_assert_eq(pl.node, -1);
	cr_assert_eq(pl.cpu[0], -1);
	lr_place_plan(&pl, "lo", NULL, 1);
	cr_assert_eq(pl.node, -1);
}

/* The buffer is bound to the node before its first touch: the kernel's
 * policy of its pages says so (MPOL_BIND to node 0 here), and its page is
 * on that node; with --numa off it keeps the default policy. */
Test(place, buffer_bound_to_node)
{
	struct lr_place pl;
	unsigned long mask = 0;
	int mode = -1;
	size_t len = 1 << 16;
	char *p;

	use_fixture("place");
	cfg(NULL, NULL);
	lr_place_plan(&pl, "nic1", DEV("nic1"), 0);
	p = lr_place_alloc(&pl, &len, false);
	cr_assert(p);
	cr_assert_eq(get_mempolicy(&mode, &mask, 64, p, MPOL_F_ADDR), 0);
	cr_assert_eq(mode, MPOL_BIND);
	cr_assert_eq(mask, 1ul);
	cr_assert_eq(lr_place_page_node(p), 0);
	lr_place_free(p, len);

	cfg("off", NULL);
	lr_place_plan(&pl, "nic1", DEV("nic1"), 0);
	p = lr_place_alloc(&pl, &len, false);
	cr_assert(p);
	cr_assert_eq(get_mempolicy(&mode, &mask, 64, p, MPOL_F_ADDR), 0);
	cr_assert_eq(mode, MPOL_DEFAULT);
	lr_place_free(p, len);
}

/* Huge pages when the host has free ones (the mapping is then a multiple of
 * 2 MiB), small pages with a warning when it has none: memory either way. */
Test(place, hugepages_or_fallback)
{
	struct lr_place pl;
	size_t len = 100000;
	long free_huge = 0;
	char *p;
	FILE *f = fopen("/proc/sys/vm/nr_hugepages", "r");

	if (f && fscanf(f, "%ld", &free_huge) != 1)
		free_huge = 0;
	if (f)
		fclose(f);
	use_fixture("place");
	cfg("off", NULL);
	lr_place_plan(&pl, "nic1", DEV("nic1"), 0);
	p = lr_place_alloc(&pl, &len, true);
	cr_assert(p, "no memory at all");
	cr_assert_geq(len, 100000);
	if (free_huge > 0)
		cr_assert_eq(len % (2u << 20), 0, "%zu", len);
	p[len - 1] = 1;
	lr_place_free(p, len);
}
