/* SPDX-License-Identifier: MIT */
/*
 * counters: snapshots of a device's counters, taken before and after a
 * test, and their difference.
 *
 * A snapshot of an RDMA device holds, for each port, the InfiniBand port
 * counters (ports/N/counters/) and the driver's hw_counters
 * (ports/N/hw_counters/), plus the counters of the netdevs on the same PCI
 * function. A snapshot of a netdev holds its kernel statistics
 * (statistics/) and, on the live system, the driver's ethtool statistics
 * (ETHTOOL_GSTATS: pause, per-priority pause, discards, PCS and FEC errors,
 * whatever the driver exports). Every counter keeps the name its driver
 * gives it. docs/inventory.md documents both documents.
 *
 * Snapshot ("linerate.counters/1"):
 *   {"schema", "device", "kind": "rdma"|"netdev", "time_ns",
 *    "groups": {"mlx5_0/1/counters": {"symbol_error": 0, ...},
 *               "mlx5_0/1/hw_counters": {...}, "ens1np0/statistics": {...},
 *               "ens1np0/ethtool": {...}}}
 * Delta:
 *   {"device", "seconds", "groups": {GROUP: {NAME: after - before}}}
 *   with only the counters that changed; a group is listed (maybe empty)
 *   when it was read both times.
 */
#ifndef LINERATE_COUNTERS_H
#define LINERATE_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include <jansson.h>

#define LR_COUNTERS_SCHEMA "linerate.counters/1"

/*
 * Snapshot the counters of an RDMA device ("mlx5_0") or a netdev
 * ("ens1np0"). Returns 0, -ENODEV when there is no such device, or -errno.
 * A counter that cannot be read is left out, never an error.
 */
int lr_counters_snapshot(const char *dev, json_t **snap);
/* after - before per counter, nonzero only. NULL if not comparable. */
json_t *lr_counters_delta(const json_t *before, const json_t *after);
/*
 * A delta's counter, or 0 when it did not change: e.g.
 * lr_counters_get(delta, "mlx5_0/1/counters", "symbol_error").
 */
long long lr_counters_get(const json_t *delta, const char *group,
			  const char *name);

/*
 * Whether a counter counts errors (symbol, CRC, link downs, sequence
 * errors, discards, whatever a driver's ethtool statistics call an error
 * or a discard). One list for preflight and the verdicts.
 */
bool lr_counter_is_error(const char *group, const char *name);
/*
 * Whether a counter counts pause frames (802.3x or PFC: the driver's
 * rx_prio3_pause, tx_pause_ctrl_phy, rx_pause_frames...): not errors, but
 * the link held back. Their durations and transitions are not counts.
 */
bool lr_counter_is_pause(const char *group, const char *name);

/*
 * Around a test: lr_counters_begin() snapshots each of n devices (RDMA
 * devices or netdevs; one that cannot be read is left out, logged at debug
 * level) as {DEV: snapshot}; lr_counters_end() snapshots them again, frees
 * begin and returns {DEV: delta} (an empty object when nothing was read).
 */
json_t *lr_counters_begin(const char *const *devs, size_t n);
json_t *lr_counters_end(json_t *begin);

/*
 * The driver's ethtool statistics of a netdev in this network namespace,
 * as {name: value}. -EOPNOTSUPP when the driver has none.
 */
int lr_ethtool_stats(const char *ifname, json_t **out);

/*
 * The netdev that holds a local address (e.g. a control or test socket's
 * getsockname()), so that callers can snapshot the right device.
 * Returns 0 or -ENODEV.
 */
int lr_netdev_for_addr(const struct sockaddr *sa, char *name, size_t len);
/* The same for a connected or bound socket's local address. */
int lr_netdev_for_socket(int fd, char *name, size_t len);

#endif
