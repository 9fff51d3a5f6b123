// SPDX-License-Identifier: MIT
/* The sysfs root prefix: every read goes through it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "fixture.h"
#include "linerate/sysfs.h"
#include "owned.h"

#define NIC "sys/bus/pci/devices/0000:18:00.0"

Test(sysfs, root_from_setter_env_and_default)
{
	lr_sysfs_set_root(NULL);
	unsetenv("LINERATE_SYSFS_ROOT");
	cr_assert_str_eq(lr_sysfs_root(), "/");
	cr_assert(lr_sysfs_is_live());
	setenv("LINERATE_SYSFS_ROOT", "/tmp/x", 1);
	cr_assert_str_eq(lr_sysfs_root(), "/tmp/x");
	cr_assert_not(lr_sysfs_is_live());
	lr_sysfs_set_root("/srv/y");
	cr_assert_str_eq(lr_sysfs_root(), "/srv/y");
	lr_sysfs_set_root(NULL);
	cr_assert_str_eq(lr_sysfs_root(), "/tmp/x");
	unsetenv("LINERATE_SYSFS_ROOT");
}

Test(sysfs, path_joins_root)
{
	char buf[64];

	lr_sysfs_set_root("/a/b/");
	cr_assert_eq(lr_sysfs_path(buf, sizeof(buf), "sys/%s", "c"), 0);
	cr_assert_str_eq(buf, "/a/b/sys/c");
	lr_sysfs_set_root("/");
	cr_assert_eq(lr_sysfs_path(buf, sizeof(buf), "sys/%s", "c"), 0);
	cr_assert_str_eq(buf, "/sys/c");
	cr_assert_eq(lr_sysfs_path(buf, 8, "sys/%s", "abcdefgh"),
		     -ENAMETOOLONG);
}

Test(sysfs, read_trims_newline)
{
	char buf[64];

	use_fixture("roce-cx7");
	cr_assert_eq(lr_sysfs_read(buf, sizeof(buf), NIC "/current_link_speed"),
		     14);
	cr_assert_str_eq(buf, "32.0 GT/s PCIe");
}

Test(sysfs, read_int_decimal_and_hex)
{
	int64_t v = -1;

	use_fixture("roce-cx7");
	cr_assert_eq(lr_sysfs_read_int(&v, NIC "/numa_node"), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(lr_sysfs_read_int(&v, NIC "/vendor"), 0);
	cr_assert_eq(v, 0x15b3);
	cr_assert_eq(lr_sysfs_read_int(&v, NIC "/current_link_speed"), -EINVAL);
}

Test(sysfs, missing_is_enoent)
{
	char buf[16];
	int64_t v = 7;

	use_fixture("roce-cx7");
	cr_assert_eq(lr_sysfs_read(buf, sizeof(buf), "sys/nope"), -ENOENT);
	cr_assert_eq(lr_sysfs_read_int(&v, "sys/nope"), -ENOENT);
	cr_assert_eq(v, 7);
	cr_assert_not(lr_sysfs_exists("sys/nope"));
	cr_assert(lr_sysfs_exists("sys/class/net/lo"));
}

Test(sysfs, resolve_stays_relative)
{
	char buf[512];

	use_fixture("roce-cx7");
	cr_assert_eq(lr_sysfs_resolve(buf, sizeof(buf),
				      "sys/class/infiniband/mlx5_0/device"),
		     0);
	cr_assert_str_eq(buf, "sys/devices/pci0000:15/0000:15:01.0/"
			      "0000:16:00.0/0000:17:00.0/0000:18:00.0");
	cr_assert_eq(lr_sysfs_resolve(buf, sizeof(buf), "sys/../.."), -EXDEV);
}

static void free_list(void *names)
{
	lr_sysfs_free_list(names);
}

Test(sysfs, list_is_version_sorted)
{
	char **names;

	use_fixture("roce-cx7");
	cr_assert_eq(lr_sysfs_list(&names, "sys/class/net"), 3);
	own(names, free_list);
	cr_assert_str_eq(names[0], "ens1np0");
	cr_assert_str_eq(names[1], "ens2np0");
	cr_assert_str_eq(names[2], "lo");
	cr_assert_null(names[3]);
	release(names);
	cr_assert_eq(lr_sysfs_list(&names, "sys/none"), -ENOENT);
}
