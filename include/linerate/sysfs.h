/* SPDX-License-Identifier: MIT */
/*
 * sysfs: every read of /sys by linerate goes through one root prefix, so that
 * tests can point the inventory at a fixture tree (tests/fixtures/sysfs/).
 *
 * The root is "/" unless lr_sysfs_set_root() was called or the environment
 * variable LINERATE_SYSFS_ROOT is set. Paths given to these functions are
 * relative to the root and start with "sys/", e.g. "sys/class/net/eth0/mtu".
 */
#ifndef LINERATE_SYSFS_H
#define LINERATE_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Set the root prefix (NULL: back to LINERATE_SYSFS_ROOT or "/"). */
void lr_sysfs_set_root(const char *root);
const char *lr_sysfs_root(void);
/*
 * A root given by LINERATE_SYSFS_ROOT must be a directory with sys/ in it:
 * 0, or -ENOENT/-ENOTDIR with what is wrong (naming the variable and the
 * path) in err. The live system's root always passes.
 */
int lr_sysfs_check_root(char *err, size_t len);
/* True when the root is "/": the live system, where verbs/libnl apply. */
bool lr_sysfs_is_live(void);

/* Build root + rel into buf. Returns 0 or -ENAMETOOLONG. */
int lr_sysfs_path(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Read a sysfs attribute into buf, without the trailing newline.
 * Returns the length, or -errno (-ENOENT, -EACCES, -EINVAL...).
 */
int lr_sysfs_read(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Read a decimal or 0x-hex integer attribute. Returns 0 or -errno. */
int lr_sysfs_read_int(int64_t *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* True when the path exists under the root. */
bool lr_sysfs_exists(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/*
 * Resolve a symlink under the root to a path relative to the root
 * (e.g. "sys/devices/pci0000:15/0000:15:01.0/0000:17:00.0").
 * Returns 0 or -errno.
 */
int lr_sysfs_resolve(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * List the entries of a directory (no "." or ".."), sorted with versionsort
 * so that mlx5_2 comes before mlx5_10. On success *names is a
 * NULL-terminated array to free with lr_sysfs_free_list().
 * Returns the count or -errno.
 */
int lr_sysfs_list(char ***names, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void lr_sysfs_free_list(char **names);

#endif
