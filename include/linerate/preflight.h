/* SPDX-License-Identifier: MIT */
/*
 * preflight: this host's inventory (linerate/inventory.h) against what the
 * topology file expects of it. Each mismatch is a finding with the expected
 * and the found value and its consequence in Gb/s from the model
 * (lr_model_nic): "mlx5_0 PCIe Gen4 x16, expected Gen5 x16: ceiling
 * ~X Gb/s instead of 392.14 Gb/s".
 *
 * Checked per NIC of the server's template (the template NIC's name is the
 * RDMA device name, or the netdev name for a tcp profile): presence, port
 * state, link layer, link rate and width, netdev MTU and RoCE/IB active
 * MTU, RoCE v2 GID, PCIe generation and width of the NIC, of the uplink of
 * its PCIe switch, NUMA node, and error counters rising during the watch.
 * The document is "linerate.preflight/1" (docs/inventory.md).
 */
#ifndef LINERATE_PREFLIGHT_H
#define LINERATE_PREFLIGHT_H

#include <stdio.h>

#include <jansson.h>

#include "linerate/topology.h"

#define LR_PREFLIGHT_SCHEMA "linerate.preflight/1"

/*
 * Compare the devices document inv (lr_inventory_collect) with server
 * `server` of t. counters is {DEV: delta} from lr_counters_end() over the
 * watch window, or NULL. Returns 0 and the preflight document in *out, or
 * -errno.
 */
int lr_preflight_check(const struct lr_topo *t, size_t server,
		       const json_t *inv, const json_t *counters, json_t **out);
/* Names of the devices to watch for server (NULL-terminated, free()). */
char **lr_preflight_devices(const struct lr_topo *t, size_t server);
/* Number of findings in a preflight document. */
size_t lr_preflight_count(const json_t *doc);
/* One line per finding, then a summary line. */
void lr_preflight_print(FILE *out, const json_t *doc);

#endif
