/* SPDX-License-Identifier: MIT */
/*
 * model: what the hardware and the fabric should deliver.
 *
 * - link.c: per-packet overhead and large-message goodput of a link profile
 *   (rate x payload / (payload + overhead)).
 * - pcie.c: PCIe raw and usable DMA bandwidth per generation and width.
 * - graph.c: the capacity graph of a set of concurrent flows (NIC, PCIe,
 *   PCIe switch uplink, inter-socket link, leaf downlink, switch uplinks).
 * - fairshare.c: max-min fair share by progressive filling; each flow gets
 *   the resource that froze it (limited_by).
 * - ecmp.c: static ECMP hashing (expected aggregate and slowest flow).
 * - patterns.c: the named test patterns of a cluster run.
 *
 * Gb/s everywhere means 10^9 bits of payload per second.
 */
#ifndef LINERATE_MODEL_H
#define LINERATE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "linerate/topology.h"

/* ---- links ---- */

enum lr_op {
	LR_OP_WRITE, /* RDMA WRITE: RETH on first/only packets */
	LR_OP_READ, /* RDMA READ: AETH on first/last/only responses */
	LR_OP_SEND,
	LR_OP_STREAM, /* TCP byte stream */
};

struct lr_framing {
	unsigned payload; /* payload bytes per full packet */
	unsigned per_packet; /* bytes on the wire (or shaper) beyond it */
	unsigned per_message; /* once per message (RETH, AETH) */
};

/* Largest IB MTU (256..4096) <= netdev_mtu - 96, or 0 if none fits. */
unsigned lr_roce_path_mtu(unsigned netdev_mtu);
/* Path MTU of a profile (explicit, or derived from the netdev MTU). */
unsigned lr_profile_path_mtu(const struct lr_profile *p);
/* Per-packet framing of a profile for an operation. Returns 0 or -EINVAL. */
int lr_profile_framing(const struct lr_profile *p, enum lr_op op,
		       struct lr_framing *f);
/*
 * Payload fraction of the nominal rate for messages of msg bytes
 * (0: large-message limit). Returns 0.0 for an unusable profile.
 */
double lr_link_efficiency(const struct lr_profile *p, enum lr_op op,
			  uint64_t msg);
/* "400G RoCEv2/IPv4, 4096 B payload + 82 B per packet" */
const char *lr_link_what(const struct lr_profile *p, double rate, enum lr_op op,
			 char *buf, size_t len);
/* rate_gbps x efficiency. */
double lr_link_goodput(const struct lr_profile *p, double rate_gbps,
		       enum lr_op op, uint64_t msg);

/* How the flows of a model run use the hosts. */
struct lr_model_opts {
	enum lr_op op; /* default LR_OP_WRITE */
	uint64_t msg; /* message size, 0: large messages */
	unsigned qps; /* QPs per flow, 0: the topology's qps_per_flow or 1 */
	unsigned outstanding; /* READs in flight per QP, 0: the NIC's max */
	bool remote_numa;
	bool gpu_buffers;
};

/* ---- PCIe (src/model/pcie.c; docs/model.md cites the spec) ---- */

/* A PCIe link and the transfer sizes its DMA uses. */
struct lr_pcie_link {
	unsigned gen, width;
	unsigned max_payload; /* MPS, bytes; 0: 256 */
	unsigned max_read_req; /* MRRS, bytes; 0: 512 */
	unsigned read_completion; /* completions of the root port; 0: MPS */
};

/* Raw rate per direction after line encoding, Gb/s; 0 for unknown gen. */
double lr_pcie_raw_gbps(unsigned gen, unsigned width);
/* Share of the link taken by SKP ordered sets (0 in flit mode). */
double lr_pcie_skp_fraction(unsigned gen);
/* The spec's AckFactor (= UpdateFactor) for an MPS and a width. */
double lr_pcie_ack_factor(unsigned max_payload, unsigned width);
/* Share taken by Ack and UpdateFC DLLPs (full duplex). */
double lr_pcie_dllp_fraction(unsigned gen, unsigned width,
			     unsigned max_payload);
/* Bytes per TLP beyond its data: a memory write or a read completion. */
unsigned lr_pcie_tlp_overhead(unsigned gen, bool completion);
/* Data bytes per read completion: min(MPS, MRRS, root completions). */
unsigned lr_pcie_completion_bytes(const struct lr_pcie_link *l);
/* Posted memory writes at MPS: a NIC receiving into host memory. */
double lr_pcie_write_gbps(const struct lr_pcie_link *l);
/* Read completions: a NIC transmitting from host memory. */
double lr_pcie_read_gbps(const struct lr_pcie_link *l);
/* The lower of the two directions at an MPS (MRRS 512). */
double lr_pcie_dma_gbps(unsigned gen, unsigned width, unsigned max_payload);

/* ---- one NIC on its own (for preflight: the cost of a mismatch) ---- */

enum lr_res_kind {
	LR_RES_NIC_TX, /* NIC link, host -> switch */
	LR_RES_NIC_RX, /* NIC link, switch -> host */
	LR_RES_PCIE_RD, /* NIC slot, DMA reads (transmit) */
	LR_RES_PCIE_WR, /* NIC slot, DMA writes (receive) */
	LR_RES_PSW_RD, /* PCIe switch uplink, reads */
	LR_RES_PSW_WR, /* PCIe switch uplink, writes */
	LR_RES_XSOCK_TX, /* inter-socket link, remote buffer, transmit */
	LR_RES_XSOCK_RX, /* inter-socket link, remote buffer, receive */
	LR_RES_SW_UP, /* leaf uplinks, upward */
	LR_RES_SW_DOWN, /* leaf uplinks, downward */
	LR_RES_GRP_UP, /* uplinks of a group of upper switches */
	LR_RES_GRP_DOWN,
	LR_RES_QP_READ, /* one flow: its QPs' READ engines */
	LR_RES_READ_WINDOW, /* one flow: outstanding READs per round trip */
	LR_RES_QP_MSG, /* one flow: its QPs' message rate */
	LR_RES_NIC_MSG, /* the sending NIC's message rate */
	LR_RES_KINDS,
};

/* ---- what a NIC's engines allow (src/model/nicmodel.c) ---- */

/* Below this message size a message rate may bind: it must be known. */
#define LR_JUDGE_MSG_MIN 32768
/* READs: outstanding x message from which no round trip binds. */
#define LR_JUDGE_READ_WINDOW (1u << 20)

/* Why a flow cannot be judged (a limit that may bind is unknown). */
enum lr_unknown {
	LR_UNKNOWN_NONE,
	LR_UNKNOWN_MSG_RATE, /* small messages: a message rate unknown */
	LR_UNKNOWN_READ_WINDOW, /* READ: round trip or outstanding unknown */
};

/* NULL, "unknown-message-rate", "unknown-read-round-trip" */
const char *lr_unknown_name(enum lr_unknown u);

/* The test's side of a flow: what it asks of the NIC. */
struct lr_qp_opts {
	enum lr_op op;
	uint64_t msg; /* 0: large messages */
	unsigned qps; /* 0: 1 */
	unsigned outstanding; /* READs per QP, 0: the NIC's max */
};

struct lr_qp_limit {
	enum lr_res_kind kind;
	double gbps; /* 0: no such limit */
};

/* READs in flight per QP: what was asked, capped by max_rd_atom. */
unsigned lr_read_outstanding(const struct lr_nic_model *m, unsigned asked);
/*
 * The tightest per-flow limit of a NIC model (READ engine, READ window,
 * per-QP message rate); link_gbps is the flow's link goodput. q is left
 * alone (zeroed by the caller) when none applies or is known.
 */
void lr_qp_limit(const struct lr_nic_model *m, const struct lr_qp_opts *o,
		 double link_gbps, struct lr_qp_limit *q);
/* The NIC-wide message-rate ceiling, Gb/s; 0: none or unknown. */
double lr_nic_msg_gbps(const struct lr_nic_model *m, enum lr_op op,
		       uint64_t msg);
/* Can a flow on this NIC model be judged (LR_UNKNOWN_NONE)? */
enum lr_unknown lr_model_unknown(const struct lr_nic_model *m,
				 const struct lr_qp_opts *o);
/* "1 QP x 330G READ engine (connectx-7)", "370M messages/s of 64 B" */
const char *lr_qp_what(const struct lr_nic_model *m, const struct lr_qp_opts *o,
		       enum lr_res_kind kind, char *buf, size_t len);

const char *lr_res_kind_name(enum lr_res_kind kind);
/* "write", "read", "send", "stream" */
const char *lr_op_name(enum lr_op op);

struct lr_ceiling {
	enum lr_res_kind kind;
	double gbps;
	char what[96]; /* e.g. "PCIe Gen5 x16, max payload 256" */
};

struct lr_nic_spec {
	const struct lr_profile *profile;
	double rate_gbps; /* link rate (may differ from the profile's) */
	unsigned pcie_gen, pcie_width, max_payload;
	unsigned max_read_req, read_completion; /* 0: MRRS 512, MPS */
	bool remote_numa;
	double inter_socket_gbps;
	enum lr_op op; /* 0: LR_OP_WRITE */
	uint64_t msg; /* 0: large messages */
	struct lr_nic_model model; /* its engines (0: unknown) */
	unsigned qps, outstanding; /* 0: 1 QP, the NIC's max READs */
};

/*
 * Expected single-flow goodput of one NIC (spec->op and msg, by default
 * large WRITEs) to a NIC of the same type, and its ceilings: link, PCIe
 * slot (reads as the sender, writes as the receiver), inter-socket link
 * for a remote buffer. *limit is the index of the binding one.
 * Returns the number of ceilings written (<= max).
 */
size_t lr_model_nic(const struct lr_nic_spec *spec, struct lr_ceiling *chain,
		    size_t max, size_t *limit, double *gbps);

/* Can a flow of this NIC be judged (LR_UNKNOWN_NONE)? */
enum lr_unknown lr_nic_spec_unknown(const struct lr_nic_spec *spec);

/* The spec of a NIC instance of a topology. */
void lr_nic_spec_of(const struct lr_topo *t, uint32_t nic,
		    struct lr_nic_spec *spec);

/* The distinct NIC kinds of a topology (profile, rate, PCIe). */
struct lr_nic_type {
	struct lr_nic_spec spec;
	uint32_t example_nic;
	size_t count;
	double gbps;
	struct lr_ceiling chain[8];
	size_t n_chain, limit;
	enum lr_unknown unknown; /* not NONE: cannot judge these messages */
};

struct lr_nic_types {
	struct lr_nic_type *v;
	size_t n;
};

int lr_nic_types(const struct lr_topo *t, const struct lr_model_opts *o,
		 struct lr_nic_types *ty);
void lr_nic_types_free(struct lr_nic_types *ty);

/* ---- the capacity graph and max-min fair share ---- */

struct lr_res {
	double cap; /* Gb/s of payload */
	double used; /* by frozen flows */
	double share; /* fair share level where it saturated */
	uint32_t unfrozen;
	uint32_t n_flows;
	uint32_t id; /* index of the NIC, server, switch or group */
	uint8_t kind; /* enum lr_res_kind */
	uint8_t saturated;
};

struct lr_flow {
	uint32_t src_nic, dst_nic;
	uint32_t path_off;
	uint32_t path_len;
	double rate;
	double ecmp_slowest; /* static ECMP lower estimate, else = rate */
	uint32_t limited_by; /* resource index */
	uint8_t unknown; /* enum lr_unknown: NONE, or cannot be judged */
};

struct lr_graph {
	const struct lr_topo *topo;
	enum lr_op op;
	uint64_t msg; /* message size, 0: large-message limit */
	unsigned qps; /* QPs per flow, 0: the topology's qps_per_flow or 1 */
	unsigned outstanding; /* READs per QP, 0: the NIC's max_rd_atom */
	bool remote_numa; /* buffers on the NIC's other socket */
	bool gpu_buffers; /* GPU memory: NICs with a GPU skip host paths */
	struct lr_res *res;
	size_t n_res, cap_res;
	uint32_t *res_of[LR_RES_KINDS]; /* (kind, id) -> index + 1 */
	double *ecmp_bound; /* static ECMP: slowest flow per resource */
	struct lr_flow *flows;
	size_t n_flows, cap_flows;
	uint32_t *path;
	size_t n_path, cap_path;
};

int lr_graph_init(struct lr_graph *g, const struct lr_topo *t, enum lr_op op);

/* lr_graph_init with the options. */
int lr_graph_init_opts(struct lr_graph *g, const struct lr_topo *t,
		       const struct lr_model_opts *o);
void lr_graph_free(struct lr_graph *g);
/* QPs per flow: g->qps, else the topology's qps_per_flow, else 1. */
unsigned lr_graph_qps(const struct lr_graph *g);
/* What the graph's flows ask of their NICs (op, msg, QPs, READs). */
void lr_graph_qp_opts(const struct lr_graph *g, struct lr_qp_opts *o);
/*
 * Add a flow from one NIC instance to another; its path is every capacity
 * it crosses. Returns 0, -EHOSTUNREACH (no common switch: logged) or
 * -ENOMEM.
 */
int lr_graph_add_flow(struct lr_graph *g, uint32_t src_nic, uint32_t dst_nic);
/* Max-min fair share (progressive filling). Returns 0 or -ENOMEM. */
int lr_fairshare(struct lr_graph *g);
/* Human name of a resource, e.g. "gpu001/mlx5_0 PCIe read". */
const char *lr_res_name(const struct lr_graph *g, uint32_t r, char *buf,
			size_t len);
/* Free-standing description of what bounds a resource's capacity. */
const char *lr_res_what(const struct lr_graph *g, uint32_t r, char *buf,
			size_t len);

/*
 * Static ECMP (routing: ecmp): lower the uplink capacities to what hashing
 * is expected to deliver (before lr_fairshare), then set each flow's
 * expected slowest rate (after). No-ops for adaptive routing.
 */
int lr_ecmp_prepare(struct lr_graph *g);
void lr_ecmp_finish(struct lr_graph *g);
/* Static ECMP: m equal links of c Gb/s, n subflows of d Gb/s each. */
double lr_ecmp_expected_total(unsigned m, double c, unsigned n, double d);
/* Expected number of subflows on the most loaded of m links. */
double lr_ecmp_expected_max_load(unsigned m, unsigned n);

/* ---- patterns ---- */

enum lr_pattern {
	LR_PAT_PAIR, /* one NIC of server 0 to the same rail of 1 */
	LR_PAT_SERVER, /* all NICs of server 0 to server 1 */
	LR_PAT_RAIL, /* rail-aligned pairs: 0<->1, 2<->3, ... */
	LR_PAT_ALLTOALL, /* every NIC to same-rail NICs on other leaves */
	LR_PAT_BISECTION, /* server i to i + n/2 (mod n), every rail */
	LR_PAT_COUNT,
};

const char *lr_pattern_name(enum lr_pattern p);
int lr_pattern_parse(const char *s, enum lr_pattern *p);
/*
 * Flows of the all-to-all pattern (every NIC to same-rail NICs under other
 * leaves) among the servers with alive[server] (NULL: all), counted without
 * building them; SIZE_MAX when out of memory.
 */
size_t lr_pattern_alltoall_count(const struct lr_topo *t, const bool *alive);
/* Build the flows of a pattern into an initialised graph. */
int lr_pattern_build(struct lr_graph *g, enum lr_pattern p);

struct lr_stat {
	double min, median, max, mean;
};

struct lr_pattern_result {
	enum lr_pattern pattern;
	size_t n_flows;
	size_t n_servers; /* servers that send */
	double aggregate; /* Gb/s, all flows */
	double nominal; /* sum of the senders' nominal link rates */
	struct lr_stat flow; /* per-flow expected */
	struct lr_stat server; /* per-sending-server expected */
	double ecmp_slowest; /* static ECMP: expected slowest flow */
	uint32_t slowest_flow; /* index in the graph */
	uint32_t limited_by; /* resource binding the slowest flow */
	size_t limit_count[LR_RES_KINDS]; /* flows limited per kind */
	size_t n_unknown; /* flows that cannot be judged */
	enum lr_unknown unknown; /* why (the first such flow's reason) */
};

/* Flows from every NIC of server a to the same rail of server z. */
int lr_pattern_servers(struct lr_graph *g, uint32_t a, uint32_t z,
		       bool first_only);
/* Solve the flows of a graph (ECMP, fair share) and summarise them. */
int lr_model_solve(struct lr_graph *g, struct lr_pattern_result *res);
/* Build, solve and summarise. The graph stays for the details. */
int lr_pattern_run(struct lr_graph *g, enum lr_pattern p,
		   struct lr_pattern_result *res);

/*
 * One server of a host template sending from all its NICs to another server
 * of the same template (-ENOENT when there are not two). g is initialised
 * here; the caller frees it.
 */
int lr_model_host(const struct lr_topo *t, uint32_t tmpl,
		  const struct lr_model_opts *o, struct lr_pattern_result *res,
		  struct lr_graph *g);

/* ---- the report of `linerate model`: computed once, rendered twice ---- */

struct lr_chain_item {
	char name[96];
	char what[128];
	enum lr_res_kind kind;
	double cap; /* Gb/s of payload */
	uint32_t n_flows; /* flows of the pattern that cross it */
	bool binding; /* the one that limits */
};

struct lr_flow_chain {
	char src[96], dst[96];
	double gbps;
	struct lr_chain_item v[24];
	size_t n;
};

struct lr_host_row {
	uint32_t tmpl;
	size_t n_nics;
	double nominal;
	bool modelled; /* false: fewer than two such servers */
	struct lr_pattern_result res;
	struct lr_flow_chain slowest;
};

struct lr_tier_row {
	enum lr_tier tier;
	size_t count;
	double down_gbps, up_gbps; /* nominal, all switches of the tier */
	double max_oversub; /* highest down/up of one switch */
};

/* One flow of a pattern, listed when the pattern is small. */
struct lr_flow_row {
	uint32_t src_nic, dst_nic; /* NIC instances of the topology */
	double gbps;
	double ecmp_slowest;
	enum lr_res_kind limit_kind;
	char limit[96]; /* the resource that limits it */
	enum lr_unknown unknown; /* NONE: it can be judged */
};

/* Patterns up to this many flows list every flow (JSON "flows"). */
#define LR_REPORT_MAX_FLOWS 4096

struct lr_pattern_row {
	enum lr_pattern pattern;
	int status; /* 0, or -errno (not modelled) */
	double seconds; /* to build and solve */
	struct lr_pattern_result res;
	struct lr_flow_chain slowest;
	struct lr_flow_row *flows; /* NULL above LR_REPORT_MAX_FLOWS */
	size_t n_flows;
};

struct lr_model_report {
	const struct lr_topo *topo;
	struct lr_model_opts opts;
	struct lr_nic_types types;
	struct lr_host_row *hosts;
	size_t n_hosts;
	struct lr_tier_row tiers[3];
	struct lr_pattern_row pats[LR_PAT_COUNT];
	size_t n_pats;
};

/* Compute the report for the given patterns (n of them). */
int lr_model_report(const struct lr_topo *t, const struct lr_model_opts *o,
		    const enum lr_pattern *pats, size_t n,
		    struct lr_model_report *r);
void lr_model_report_free(struct lr_model_report *r);
/* The chain of ceilings behind one flow of a solved graph. */
void lr_flow_chain(const struct lr_graph *g, uint32_t flow,
		   struct lr_flow_chain *c);
void lr_model_print_text(const struct lr_model_report *r, FILE *out);
/* The versioned document ("schema": "linerate.model/1"). */
json_t *lr_model_json(const struct lr_model_report *r);

/*
 * Floor to 0.01: an expected ceiling is never rounded up (392.149 ->
 * 392.14, as DESIGN.md writes it).
 */
double lr_floor2(double gbps);
/* The same to any number of decimals (JSON keeps 4). */
double lr_floor_dp(double gbps, int decimals);

#endif
