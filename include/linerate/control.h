/* SPDX-License-Identifier: MIT */
/*
 * control channel: the versioned conversation between 'pair' (client) and
 * 'serve' (server), apart from the transport under test. Frames are a
 * 4-byte big-endian length and one JSON object with a "type". It runs over
 * a TCP connection or over a process's stdin/stdout (serve --stdio, ssh).
 *
 * client                      server
 *   hello{proto,version} ->
 *                          <- hello{proto,version,host,limits} | error
 *   test{params,opts,dev} ->
 *                          <- ready{info} | error
 *   connect{info}         ->
 *                          <- connected{host,endpoint} | error
 *   start                 ->  (both ends run the engine)
 *                          <- result{side,endpoint}
 *   test... | bye         ->
 */
#ifndef LINERATE_CONTROL_H
#define LINERATE_CONTROL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "linerate/result.h"
#include "linerate/transport.h"

#define LR_CTL_PROTO "linerate-control"
#define LR_CTL_VERSION 1
#define LR_CTL_PORT 18600
/* Largest frame a server accepts from a client, and a client from a server
 * (results carry every interval). */
#define LR_CTL_MAX_FRAME_SERVER (64u * 1024)
#define LR_CTL_MAX_FRAME_CLIENT (32u * 1024 * 1024)
#define LR_CTL_MAX_SESSIONS 16 /* concurrent clients of one server */
/* Message buffers of all running tests of one server together. */
#define LR_CTL_MAX_BUFFERS (2ull << 30)
#define LR_CTL_HANDSHAKE_MS 10000
#define LR_CTL_IDLE_MS 60000 /* between tests of one session */
/* The longest a cluster coordinator holds a prepared flow at its set's
 * barrier (another flow of the set may take its whole connect bound):
 * the agent's listener waits this long for "start". */
#define LR_AGENT_BARRIER_MS 60000

struct lr_ctl {
	int rfd, wfd;
	size_t max_frame;
	char peer[96]; /* for messages: "127.0.0.1:4711" or "stdio" */
	char err[256]; /* what went wrong last */
};

void lr_ctl_init(struct lr_ctl *c, int rfd, int wfd, size_t max_frame,
		 const char *peer);
int lr_ctl_send(struct lr_ctl *c, const json_t *msg);
/* Receive one frame. -ETIMEDOUT, -ECONNRESET (closed), -EMSGSIZE, -EPROTO
 * (not a JSON object with a string "type"); c->err says which. */
int lr_ctl_recv(struct lr_ctl *c, int timeout_ms, json_t **msg);
/* Receive a frame of the given type. A peer's "error" frame gives
 * -EREMOTEIO with its message in c->err. */
int lr_ctl_expect(struct lr_ctl *c, const char *type, int timeout_ms,
		  json_t **msg);
/* Send {"type":"error","message":...}; best effort. */
/*
 * After a send to the peer failed with send_err: the error frame the peer
 * sent before it closed, if there is one (a server refusing us). Returns
 * -EREMOTEIO with the peer's message in c->err, or send_err unchanged.
 */
int lr_ctl_last_word(struct lr_ctl *c, int send_err);
void lr_ctl_send_error(struct lr_ctl *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *lr_msg_type(const json_t *msg);

/*
 * nbframe.c: the same frames on non-blocking descriptors, for an event
 * loop over many peers. Input is bounded by max_frame, queued output by
 * max_queue.
 */
struct lr_nbf {
	int rfd, wfd;
	size_t max_frame, max_queue;
	char *in, *out;
	size_t in_len, in_cap;
	size_t out_len, out_off, out_cap;
};

void lr_nbf_init(struct lr_nbf *b, int rfd, int wfd, size_t max_frame,
		 size_t max_queue);
void lr_nbf_free(struct lr_nbf *b);
/* One read(): bytes read, -EAGAIN (nothing now), -ECONNRESET (closed),
 * -EMSGSIZE (a frame does not fit) or -errno. */
int lr_nbf_fill(struct lr_nbf *b);
/* The next whole frame read: 1 and *msg, 0 (not yet), -EMSGSIZE or
 * -EPROTO (err says why). */
int lr_nbf_next(struct lr_nbf *b, json_t **msg, char *err, size_t len);
/* Queue a frame: 0, -ENOBUFS (queue full) or -ENOMEM. */
int lr_nbf_queue(struct lr_nbf *b, const json_t *msg);
/* Write what is queued: 0 (all out), 1 (more to write later) or -errno. */
int lr_nbf_flush(struct lr_nbf *b);
bool lr_nbf_pending(const struct lr_nbf *b);

/* handshake.c */
int lr_ctl_hello_client(struct lr_ctl *c, int timeout_ms,
			json_t **server_hello);
int lr_ctl_hello_server(struct lr_ctl *c);
/*
 * The same with a secret: the client sends it in its hello, the server
 * refuses (-EACCES, "error" frame) a hello without it. NULL: none.
 */
int lr_ctl_hello_client_secret(struct lr_ctl *c, int timeout_ms,
			       const char *secret, json_t **server_hello);
int lr_ctl_hello_server_secret(struct lr_ctl *c, const char *secret);

/* params.c: strict decoding of what a peer asks for. */
void lr_params_default(struct lr_test_params *p);
int lr_params_check(const struct lr_test_params *p, char *err, size_t len);
int lr_params_from_json(const json_t *j, struct lr_test_params *p, char *err,
			size_t len);

/* server.c */
struct lr_serve_opts {
	const char *listen_host; /* NULL: every address */
	uint16_t port;
	int once; /* serve one session, then return */
	int timeout_ms; /* data connection set-up bound */
	/* From "connected" to the client's "start" (0: timeout_ms). An
	 * agent's peers wait there on the coordinator's barrier, which waits
	 * for the slowest flow of the set: LR_AGENT_BARRIER_MS. */
	int start_timeout_ms;
	/* Required in every client's hello (NULL: none): the per-run secret
	 * of a cluster run (LINERATE_SECRET). */
	const char *secret;
	/* Accept agent sessions (the cluster coordinator) from clients that
	 * presented the secret; never without one. */
	bool agents;
};
int lr_serve_tcp(const struct lr_serve_opts *o);
/* One session on already-open descriptors (stdio or an accepted socket). */
int lr_serve_session(struct lr_ctl *c, const char *bind_host, int timeout_ms);
/* The same with the options' secret and agents (stdio: agents, no secret). */
int lr_serve_session_opts(struct lr_ctl *c, const char *bind_host,
			  const struct lr_serve_opts *o);
/* Serve one accepted connection (a thread of its own unless o->once). */
void lr_serve_conn(int fd, const struct lr_serve_opts *o);

/*
 * agent.c: an agent session of a cluster run, after the coordinator's
 * "agent" frame: inventory, a listener for the peers' pair tests, flows
 * prepared toward peers and started together on "go" (docs/cluster.md).
 */
int lr_agent_session(struct lr_ctl *c, const struct lr_serve_opts *o);

/* client.c */
struct lr_pair_opts {
	const char *peer_host;
	uint16_t port;
	int connect_timeout_ms;
	const struct lr_test_params *params;
	const json_t *opts; /* transport options */
	const char *dev; /* local device */
	const char *peer_dev; /* the server's device */
	const char *secret; /* presented in the hello, NULL: none */
};
/* Run one test; r is filled with whatever was measured, errors included.
 * Returns 0 or the first -errno. */
int lr_pair_run(const struct lr_pair_opts *o, struct lr_result *r);
/*
 * The same in steps, for tests that start together: prepare (control
 * session, endpoints created and connected), measure (start, run, the
 * server's result), finish (bye, clean up, r computed; frees t). *t is
 * set in every case and must be finished; o must outlive it.
 */
struct lr_pair_test;
int lr_pair_prepare(const struct lr_pair_opts *o, struct lr_result *r,
		    struct lr_pair_test **t);
int lr_pair_measure(struct lr_pair_test *t);
void lr_pair_finish(struct lr_pair_test *t, int ret);

#endif
