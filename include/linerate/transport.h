/* SPDX-License-Identifier: MIT */
/*
 * transports: move bytes between two endpoints. Each transport is one
 * const ops table listed in the registry (src/transport/registry.c).
 *
 * Life of an endpoint (both ends run the same sequence):
 *   create()  -> local_info (JSON) travels to the peer over the control
 *                channel; the transport never opens a control socket itself
 *   connect() <- the peer's info
 *   run_worker() for every worker, each in its own thread, until ctl->stop
 *   destroy()
 */
#ifndef LINERATE_TRANSPORT_H
#define LINERATE_TRANSPORT_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bumped whenever struct lr_transport_ops changes; the registry rejects a
 * table built against another ABI. */
#define LR_TRANSPORT_ABI 3

enum lr_transport_cap {
	LR_CAP_BIDIR = 1u << 1, /* both directions at once */
	LR_CAP_LATENCY = 1u << 2, /* ping-pong latency mode */
	LR_CAP_MULTI_STREAM = 1u << 3, /* several streams/QPs per flow */
};

enum lr_role { LR_ROLE_CLIENT = 0, LR_ROLE_SERVER = 1 };

/* Directions of a flow: index into per-direction arrays. */
enum lr_dir { LR_DIR_C2S = 0, LR_DIR_S2C = 1, LR_DIR_COUNT = 2 };

enum lr_mode { LR_MODE_BW = 0, LR_MODE_LAT = 1 };

/* Limits a peer may ask for (enforced by the control channel). */
#define LR_MAX_STREAMS 128u
#define LR_MAX_MSG_SIZE (64ull << 20)
#define LR_MAX_DURATION_S 86400.0
#define LR_MAX_INTERVALS 100000u
/* Message buffers of one test: msg_size x streams x directions. */
#define LR_MAX_TEST_BUFFERS (1ull << 30)

/* What both ends agree on for one test (travels on the control channel). */
struct lr_test_params {
	char transport[16];
	enum lr_mode mode;
	uint64_t msg_size; /* payload bytes per message */
	uint32_t streams; /* connections (tcp) or QPs (verbs) per direction */
	double duration_s; /* measured window; unused when bytes != 0 */
	double warmup_s; /* run before the window, not counted */
	uint64_t bytes; /* fixed byte count per direction, or 0 */
	double interval_s; /* sample period */
	bool bidir; /* both directions at once */
	bool reverse; /* server sends to client (when !bidir) */
};

/* Whether direction d runs in this test. */
static inline bool lr_dir_active(const struct lr_test_params *p, enum lr_dir d)
{
	if (p->bidir)
		return true;
	return d == (p->reverse ? LR_DIR_S2C : LR_DIR_C2S);
}

/* Bytes of message buffers a test asks of each end. */
static inline uint64_t lr_test_buffers(const struct lr_test_params *p)
{
	return p->msg_size * p->streams * (p->bidir ? 2u : 1u);
}

/* Whether the end with the given role sends in direction d. */
static inline bool lr_dir_sender(enum lr_role role, enum lr_dir d)
{
	return (d == LR_DIR_C2S) == (role == LR_ROLE_CLIENT);
}

struct lr_endpoint_cfg {
	enum lr_role role;
	const struct lr_test_params *params;
	const json_t *opts; /* transport options, same on both ends */
	const char *dev; /* this end's device/interface, or NULL */
	const char *peer_host; /* client: address the server was reached at */
	const char *bind_host; /* server: address to listen on, or NULL */
	int timeout_ms; /* bound on connect/accept/completions */
};

struct lr_hist; /* engine.h */

/* Shared between the engine and one worker thread. */
struct lr_worker_ctl {
	_Atomic uint64_t bytes; /* payload bytes sent (sender) or received */
	const atomic_bool *stop; /* set by the engine to end the run */
	uint64_t byte_limit; /* bytes mode: this worker's share, or 0 */
	struct lr_hist *lat; /* latency mode: this worker's samples */
	/* Set by the engine while the measured window is open. */
	const atomic_bool *in_window;
	int error; /* -errno when the worker failed */
	char errmsg[256]; /* what failed, for the results */
};

struct lr_worker_info {
	enum lr_dir dir; /* which direction this worker serves */
	bool sends; /* true: sender; false: receiver */
	/* A receiver that cannot see the payload (the passive end of RDMA
	 * WRITE or READ): its direction has no receiver count. */
	bool blind;
};

struct lr_endpoint;

/* Where the engine stands when it calls a transport's window hook. */
enum lr_window_edge {
	LR_WINDOW_OPEN = 0, /* the measured window starts */
	LR_WINDOW_TICK = 1, /* an interval boundary inside the window */
	LR_WINDOW_CLOSE = 2, /* the window ends */
};

/*
 * Retransmissions over the measured window of the connections one end
 * sends on in one direction, as iperf3 counts them (tcp: TCP_INFO's
 * tcpi_total_retrans and tcpi_data_segs_out). Evidence of loss on the path
 * that the rate alone hides.
 */
struct lr_retrans {
	bool valid; /* the transport counted them, on every connection */
	uint64_t segments; /* segments retransmitted */
	uint64_t segments_sent; /* data segments sent, retransmits included */
};

enum lr_opt_type {
	LR_OPT_UINT, /* integer in [min, max] */
	LR_OPT_SIZE, /* bytes with K/M/G suffixes, in [min, max] */
	LR_OPT_BOOL, /* a flag without a value */
	LR_OPT_ENUM, /* one of the '|'-separated words in choices */
	LR_OPT_STRING, /* free text up to max characters */
};

/*
 * A transport-specific option. 'linerate pair' offers every transport's
 * options as --NAME flags; the values travel in the test's opts object under
 * NAME with '-' turned into '_', and both ends validate them against this
 * table (lr_transport_check_opts) before check() sees them.
 */
struct lr_transport_opt {
	const char *name; /* flag name without "--", e.g. "tx-depth" */
	enum lr_opt_type type;
	uint64_t min, max;
	const char *choices; /* LR_OPT_ENUM: "write|read|send" */
	const char *help;
};

struct lr_transport_ops {
	uint32_t abi; /* LR_TRANSPORT_ABI */
	uint32_t caps; /* enum lr_transport_cap */
	const char *name;
	const char *description;
	const struct lr_transport_opt *options; /* ends with {NULL} */
	/* Check the parameters and options; explain what is wrong in err. */
	int (*check)(const struct lr_test_params *p, const json_t *opts,
		     char *err, size_t errlen);
	int (*create)(const struct lr_endpoint_cfg *cfg,
		      struct lr_endpoint **ep, json_t **local_info);
	int (*connect)(struct lr_endpoint *ep, const json_t *peer_info);
	unsigned (*nworkers)(const struct lr_endpoint *ep);
	void (*worker_info)(const struct lr_endpoint *ep, unsigned idx,
			    struct lr_worker_info *info);
	int (*run_worker)(struct lr_endpoint *ep, unsigned idx,
			  struct lr_worker_ctl *ctl);
	/*
	 * Optional (NULL: the transport has no counters of its own). Called
	 * from the engine's thread, never from a worker, at the window's
	 * start, at every interval boundary and at its end; at
	 * LR_WINDOW_CLOSE the transport fills out[d] of every direction this
	 * end sends in (out is NULL at the other edges).
	 */
	void (*window)(struct lr_endpoint *ep, enum lr_window_edge edge,
		       struct lr_retrans *out);
	/* This end's device, address, ... for the results (new reference). */
	json_t *(*describe)(const struct lr_endpoint *ep);
	void (*destroy)(struct lr_endpoint *ep);
};

/* Registry: NULL when unknown or built against another ABI. */
const struct lr_transport_ops *lr_transport_find(const char *name);
/*
 * The transport called name, or NULL with "unknown transport 'name' (known:
 * tcp, verbs)" in err.
 */
const struct lr_transport_ops *lr_transport_lookup(const char *name, char *err,
						   size_t errlen);
/* Iterate: returns NULL past the end. */
const struct lr_transport_ops *lr_transport_at(unsigned idx);

/*
 * Validate opts against ops->options: a JSON object whose every key is a
 * known option of the right type and range. Explains the problem in err.
 * Returns 0 or -EINVAL.
 */
int lr_transport_check_opts(const struct lr_transport_ops *ops,
			    const json_t *opts, char *err, size_t errlen);
/*
 * Everything both ends check before a test: the transport's capabilities
 * (both directions, latency mode, several streams), its options, then its
 * own check(). Returns 0 or -EINVAL with the reason in err.
 */
int lr_transport_check(const struct lr_transport_ops *ops,
		       const struct lr_test_params *p, const json_t *opts,
		       char *err, size_t errlen);

/* Set worker failure: error code and message, once. */
void lr_worker_fail(struct lr_worker_ctl *ctl, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
