/* SPDX-License-Identifier: MIT */
/* Private helpers shared by the inventory files. */
#ifndef LINERATE_INV_PRIV_H
#define LINERATE_INV_PRIV_H

#include <stdint.h>

#include <jansson.h>

/* JSON null when s is NULL or empty. */
json_t *inv_str(const char *s);
/* A sysfs attribute as a string, or null. */
json_t *inv_sysfs_str(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* A sysfs integer attribute, or null (also for values below min). */
json_t *inv_sysfs_int(int64_t min, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append s to obj's "problems" array, creating it. */
void inv_problem(json_t *obj, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* obj[key] as an integer, or fallback when absent or null. */
int64_t inv_int(const json_t *obj, const char *key, int64_t fallback);
/* obj[key] as a string, or NULL. */
const char *inv_cstr(const json_t *obj, const char *key);

/* The non-empty GIDs of a port (an empty array when there is no table). */
json_t *inv_gid_table(const char *dev, unsigned int port);
/* One port of an RDMA device from sysfs. */
json_t *inv_rdma_port_sysfs(const char *dev, unsigned int port);
/*
 * Overlay what libibverbs reports on a device object read from sysfs.
 * Returns 0, -ENODEV when the device vanished, or -errno.
 */
int inv_rdma_verbs_overlay(json_t *dev);
/*
 * Names of the devices libibverbs sees (NULL-terminated, allocated only
 * when the count returned is > 0), 0 when none, or -errno.
 */
int inv_verbs_names(char ***names);

/* Add speed_mbps and pci of a netdev from sysfs. */
void inv_netdev_sysfs_extras(json_t *nd, const char *name);
/* Every netdev from sysfs alone (fixture trees). */
int inv_netdevs_sysfs(json_t **out);

#endif
