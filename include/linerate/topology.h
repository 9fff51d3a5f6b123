/* SPDX-License-Identifier: MIT */
/*
 * topology: the parsed topology file (topologies/README.md describes the
 * format), Slurm-style host ranges, and the diagnostics a bad file produces.
 *
 * A topology is a set of link profiles, host templates, servers (instances
 * of a template, written with host ranges), switches in tiers, explicit
 * links and the routing mode. Everything a later piece needs is resolved at
 * load time: every NIC instance knows its server, its template NIC and its
 * leaf switch; every switch knows the group of switches above it.
 */
#ifndef LINERATE_TOPOLOGY_H
#define LINERATE_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- host ranges: "gpu[001-064]", "a[1-3,7]", "r[1-2]n[01-04],login" ---- */

struct lr_names {
	char **v;
	size_t n;
	size_t cap;
};

/*
 * Expand a host range into names appended to out (in order). Returns the
 * number of names added, or -EINVAL (syntax; *why says what), -E2BIG (more
 * than max names) or -ENOMEM.
 */
int lr_hostrange_expand(const char *expr, size_t max, struct lr_names *out,
			const char **why);
void lr_names_free(struct lr_names *names);

/* ---- diagnostics: every problem of a file, with its position ---- */

struct lr_diag {
	int line; /* 1-based; 0 when the problem has no single place */
	int col;
	char *msg;
};

struct lr_diags {
	const char *file; /* borrowed */
	struct lr_diag *v;
	size_t n;
	size_t cap;
};

void lr_diag_add(struct lr_diags *d, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Print "file:line:col: msg" for each (at most max, then a count). */
void lr_diags_print(const struct lr_diags *d, size_t max);
void lr_diags_free(struct lr_diags *d);

/* ---- link profiles ---- */

enum lr_link_layer {
	LR_LINK_ETHERNET, /* real Ethernet: preamble, IFG and FCS count */
	LR_LINK_INFINIBAND,
	LR_LINK_VETH_TBF, /* veth shaped by tc tbf: L2 frame bytes only */
};

enum lr_encap {
	LR_ENCAP_ROCEV2,
	LR_ENCAP_IB,
	LR_ENCAP_TCP,
};

struct lr_profile {
	char *name;
	enum lr_link_layer link;
	enum lr_encap encap;
	bool ipv6;
	bool vlan;
	bool grh;
	bool tcp_timestamps;
	double rate_gbps; /* nominal (MAC / IB data) rate */
	unsigned mtu; /* netdev MTU (Ethernet), 0 if not given */
	unsigned path_mtu; /* RoCE/IB path MTU, derived if not given */
	bool lossless; /* RoCE traffic runs on a PFC class (lossless_dscp) */
	unsigned lossless_dscp; /* its DSCP: preflight checks the DCB map */
	int line, col;
};

/* ---- host templates ---- */

struct lr_pcie_switch {
	char *name;
	unsigned gen, width; /* of its uplink to the root port */
	unsigned numa;
};

/*
 * What a NIC's engines can do (docs/model.md): 0 = unknown. `model: NAME`
 * in a NIC entry starts from a built-in set (lr_nic_model_find); the keys
 * override it.
 */
struct lr_nic_model {
	const char *name; /* built-in model, NULL: none (static storage) */
	double read_qp_gbps; /* RDMA READ engine rate of one QP */
	unsigned max_rd_atom; /* outstanding READs per QP (max_qp_rd_atom) */
	double msg_rate_qp; /* messages per second of one QP */
	double msg_rate; /* messages per second of the NIC */
	double read_rtt_us; /* READ request out to its first response byte */
};

/* A built-in NIC model by name ("connectx-7"), or NULL. */
const struct lr_nic_model *lr_nic_model_find(const char *name);
/* "connectx-5, connectx-6, connectx-7" */
const char *lr_nic_model_names(void);

struct lr_nic_tmpl {
	char *name;
	struct lr_nic_model model;
	uint32_t profile;
	uint32_t rail;
	unsigned numa;
	unsigned pcie_gen, pcie_width;
	int pcie_switch; /* index in the template, -1: root port */
	int gpu; /* paired GPU, -1: none */
	int line, col;
};

struct lr_host_tmpl {
	char *name;
	struct lr_nic_tmpl *nics;
	size_t n_nics;
	struct lr_pcie_switch *pswitches;
	size_t n_pswitches;
	unsigned sockets;
	double inter_socket_gbps; /* per direction */
	unsigned max_payload; /* PCIe max payload size, bytes */
	unsigned max_read_req; /* PCIe max read request size, bytes */
	unsigned read_completion; /* root port's completion size, 0: MPS */
	int line, col;
};

/* ---- instances ---- */

struct lr_server {
	char *name;
	uint32_t tmpl;
	uint32_t first_nic; /* index in lr_topo.nics */
	int line, col;
};

struct lr_nic {
	uint32_t server;
	uint32_t idx; /* NIC index within the server's template */
	int32_t leaf; /* switch index, -1 until wired */
	float rate_gbps; /* explicit link rate (degraded link), 0: none */
};

enum lr_tier {
	LR_TIER_LEAF = 1,
	LR_TIER_SPINE,
	LR_TIER_CORE,
};

struct lr_switch {
	char *name;
	enum lr_tier tier;
	unsigned ports; /* 0: not given */
	unsigned uplinks;
	double uplink_gbps; /* rate of each uplink */
	uint32_t *up; /* switches above, uplinks spread evenly */
	size_t n_up;
	int up_group; /* index in lr_topo.groups, -1: top */
	unsigned n_down; /* NICs or switch links below (derived) */
	double down_gbps; /* nominal capacity below (derived) */
	int line, col;
};

/* A set of equivalent switches above some switch (for ECMP/adaptive). */
struct lr_group {
	uint32_t *members;
	size_t n;
	int up_group; /* the common group above, -1: top */
};

enum lr_routing {
	LR_ROUTE_ADAPTIVE,
	LR_ROUTE_ECMP,
};

struct lr_name_map;

struct lr_topo {
	char *file;
	char *name;
	struct lr_profile *profiles;
	size_t n_profiles;
	struct lr_host_tmpl *tmpls;
	size_t n_tmpls;
	struct lr_server *servers;
	size_t n_servers;
	struct lr_nic *nics;
	size_t n_nics;
	struct lr_switch *switches;
	size_t n_switches;
	struct lr_group *groups;
	size_t n_groups;
	enum lr_routing routing;
	unsigned qps_per_flow;
	double tolerance; /* pass if measured >= (1 - tolerance) x expected */
	struct lr_name_map *server_map;
	struct lr_name_map *switch_map;
};

/*
 * Load a topology file. On a bad file, every problem found goes to diags
 * (the caller prints them) and -EINVAL is returned; -errno when the file
 * cannot be read (logged). *out is set only on success.
 */
int lr_topo_load(const char *path, struct lr_diags *diags,
		 struct lr_topo **out);
/* The same from a string in memory (file names the source in messages). */
int lr_topo_load_string(const char *file, const char *text, size_t len,
			struct lr_diags *diags, struct lr_topo **out);
void lr_topo_free(struct lr_topo *t);

/* Lookups: index, or -1. */
long lr_topo_find_server(const struct lr_topo *t, const char *name);
long lr_topo_find_switch(const struct lr_topo *t, const char *name);

static inline const struct lr_nic_tmpl *
lr_topo_nic_tmpl(const struct lr_topo *t, const struct lr_nic *n)
{
	return &t->tmpls[t->servers[n->server].tmpl].nics[n->idx];
}

static inline const struct lr_profile *
lr_topo_nic_profile(const struct lr_topo *t, const struct lr_nic *n)
{
	return &t->profiles[lr_topo_nic_tmpl(t, n)->profile];
}

/* Nominal rate of a NIC instance's link (the explicit link rate if any). */
double lr_topo_nic_rate(const struct lr_topo *t, const struct lr_nic *n);

/* "400G", "1.6T", "250M", "400Gb/s" -> Gb/s. Returns 0 or -EINVAL. */
int lr_parse_rate(const char *s, double *gbps);
/* "3us", "800ns", "0.01ms", "1s" -> microseconds. Returns 0 or -EINVAL. */
int lr_parse_duration_us(const char *s, double *us);

#endif
