// SPDX-License-Identifier: MIT
/* control channel: the 'serve' end of a session. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linerate/control.h"
#include "linerate/engine.h"
#include "linerate/sock.h"
#include "linerate/util.h"
#include "session_int.h"

static atomic_int active_sessions;
static _Atomic uint64_t buffers_in_use; /* bounded by LR_CTL_MAX_BUFFERS */

struct srv_test {
	struct lr_ctl *c;
	struct lr_test_params p;
	const struct lr_transport_ops *ops;
	json_t *opts;
	struct lr_endpoint_cfg cfg;
	struct lr_endpoint *ep;
	uint64_t buffers; /* reserved from buffers_in_use */
};

/* Reserve this test's buffers from the server-wide budget. */
static int srv_reserve(struct srv_test *t, char *err, size_t len)
{
	uint64_t want = lr_test_buffers(&t->p);
	uint64_t used = atomic_fetch_add(&buffers_in_use, want);

	if (used + want > LR_CTL_MAX_BUFFERS) {
		atomic_fetch_sub(&buffers_in_use, want);
		snprintf(
			err, len,
			"server busy: %llu MiB of message buffers "
			"in use, this test needs %llu MiB more (limit %llu MiB)",
			(unsigned long long)(used >> 20),
			(unsigned long long)(want >> 20),
			(unsigned long long)(LR_CTL_MAX_BUFFERS >> 20));
		return -EBUSY;
	}
	t->buffers = want;
	return 0;
}

/* Decode and check a test request; the reason goes back to the client. */
static int srv_decode(struct srv_test *t, const json_t *req)
{
	char err[256];
	const char *dev = json_string_value(json_object_get(req, "dev"));

	if (lr_params_from_json(json_object_get(req, "params"), &t->p, err,
				sizeof(err)))
		goto reject;
	t->ops = lr_transport_lookup(t->p.transport, err, sizeof(err));
	t->opts = json_object_get(req, "opts");
	if (!t->ops ||
	    lr_transport_check(t->ops, &t->p, t->opts, err, sizeof(err)))
		goto reject;
	if (dev && strlen(dev) > 64) {
		snprintf(err, sizeof(err),
			 "'dev' is longer than 64 characters");
		goto reject;
	}
	if (srv_reserve(t, err, sizeof(err)))
		goto reject;
	t->cfg.dev = dev;
	return 0;
reject:
	lr_warn("%s: test refused: %s", t->c->peer, err);
	lr_ctl_send_error(t->c, "test refused: %s", err);
	return -EINVAL;
}

/* create -> ready -> connect -> connected */
static int srv_setup(struct srv_test *t)
{
	json_t *info = NULL, *m, *peer;
	int ret;

	t->cfg.role = LR_ROLE_SERVER;
	t->cfg.params = &t->p;
	t->cfg.opts = t->opts;
	ret = t->ops->create(&t->cfg, &t->ep, &info);
	if (ret) {
		lr_ctl_send_error(t->c, "server cannot set up %s: %s",
				  t->ops->name, strerror(-ret));
		return ret;
	}
	m = json_pack("{s:s, s:o}", "type", "ready", "info", info);
	ret = lr_ctl_send(t->c, m);
	json_decref(m);
	if (!ret)
		ret = lr_ctl_expect(t->c, "connect", t->cfg.timeout_ms, &peer);
	if (ret)
		return ret;
	ret = t->ops->connect(t->ep, json_object_get(peer, "info"));
	json_decref(peer);
	if (ret) {
		lr_ctl_send_error(t->c, "server cannot connect %s: %s",
				  t->ops->name, strerror(-ret));
		return ret;
	}
	m = json_pack("{s:s, s:o}", "type", "connected", "peer",
		      session_end_json(LR_ROLE_SERVER, t->ops, t->ep));
	ret = lr_ctl_send(t->c, m);
	json_decref(m);
	return ret;
}

static int srv_measure(struct srv_test *t)
{
	struct lr_engine_flow flow = { .ops = t->ops,
				       .ep = t->ep,
				       .role = LR_ROLE_SERVER };
	struct lr_engine_opts eo = { .watch_fd = t->c->rfd,
				     .timeout_ms = t->cfg.timeout_ms };
	json_t *m, *counters;
	int ret;

	ret = lr_ctl_expect(t->c, "start", t->cfg.timeout_ms, &m);
	if (ret)
		return ret;
	json_decref(m);
	counters = session_counters_begin(t->ops, t->ep);
	ret = lr_engine_run(&t->p, &flow, 1, &eo);
	session_log_side(t->c->peer, &t->p, &flow.side);
	m = json_pack("{s:s, s:o, s:o}", "type", "result", "side",
		      lr_side_to_json(&flow.side), "counters",
		      session_counters_end(counters));
	lr_side_free(&flow.side);
	if (lr_ctl_send(t->c, m) && !ret)
		ret = -EPIPE;
	json_decref(m);
	return ret == -ECANCELED ? -ECONNRESET : ret;
}

static void srv_release(struct srv_test *t)
{
	if (t->ep)
		t->ops->destroy(t->ep);
	t->ep = NULL;
	atomic_fetch_sub(&buffers_in_use, t->buffers);
	t->buffers = 0;
}

/*
 * One test. Its endpoint outlives it until the client's next message: the
 * client may still be moving bytes when our result leaves, and closing
 * under it would reset its connections.
 */
static int srv_test(struct srv_test *t, const json_t *req)
{
	int ret = srv_decode(t, req);

	if (!ret)
		ret = srv_setup(t);
	if (!ret)
		ret = srv_measure(t);
	if (ret)
		srv_release(t);
	return ret;
}

static int srv_dispatch(struct srv_test *t, const json_t *m)
{
	struct lr_ctl *c = t->c;

	if (!strcmp(lr_msg_type(m), "test"))
		return srv_test(t, m);
	snprintf(c->err, sizeof(c->err),
		 "%s sent '%s' where 'test' or "
		 "'bye' was expected",
		 c->peer, lr_msg_type(m));
	lr_ctl_send_error(c, "%s", c->err);
	return -EPROTO;
}

int lr_serve_session(struct lr_ctl *c, const char *bind_host, int timeout_ms)
{
	struct lr_serve_opts o = { .timeout_ms = timeout_ms };

	return lr_serve_session_opts(c, bind_host, &o);
}

int lr_serve_session_opts(struct lr_ctl *c, const char *bind_host,
			  const struct lr_serve_opts *o)
{
	struct srv_test t = { .c = c };
	int timeout_ms = o->timeout_ms;
	json_t *m;
	int ret = lr_ctl_hello_server_secret(c, o->secret);

	while (!ret) {
		ret = lr_ctl_recv(c, LR_CTL_IDLE_MS, &m);
		srv_release(&t);
		if (ret)
			break;
		if (!strcmp(lr_msg_type(m), "bye")) {
			json_decref(m);
			return 0;
		}
		if (!strcmp(lr_msg_type(m), "agent") && o->agents) {
			json_decref(m);
			return lr_agent_session(c, o);
		}
		t = (struct srv_test){ .c = c };
		t.cfg.bind_host = bind_host;
		t.cfg.timeout_ms = timeout_ms;
		ret = srv_dispatch(&t, m);
		json_decref(m);
	}
	if (c->err[0])
		lr_warn("session with %s ended: %s", c->peer, c->err);
	return ret;
}

struct conn {
	int fd;
	struct lr_serve_opts o;
};

static void *session_thread(void *arg)
{
	struct conn *cn = arg;
	struct lr_ctl c;
	char addr[64] = "?", local[64] = "", peer[96];
	uint16_t port = 0;

	lr_sock_name(cn->fd, 1, addr, sizeof(addr), &port);
	lr_sock_name(cn->fd, 0, local, sizeof(local), NULL);
	snprintf(peer, sizeof(peer), "client %s port %u", addr, port);
	lr_sock_nodelay(cn->fd);
	lr_ctl_init(&c, cn->fd, cn->fd, LR_CTL_MAX_FRAME_SERVER, peer);
	/* Data connections listen where the control connection arrived. */
	lr_serve_session_opts(&c, local, &cn->o);
	close(cn->fd);
	free(cn);
	atomic_fetch_sub(&active_sessions, 1);
	return NULL;
}

void lr_serve_conn(int fd, const struct lr_serve_opts *o)
{
	struct conn *cn = malloc(sizeof(*cn));
	pthread_t th;

	if (!cn ||
	    atomic_fetch_add(&active_sessions, 1) >= LR_CTL_MAX_SESSIONS) {
		struct lr_ctl c;

		lr_ctl_init(&c, fd, fd, LR_CTL_MAX_FRAME_SERVER, "client");
		lr_ctl_send_error(&c, "server busy: %d sessions already",
				  LR_CTL_MAX_SESSIONS);
		lr_warn("refused a client: %d sessions already",
			LR_CTL_MAX_SESSIONS);
		if (cn)
			atomic_fetch_sub(&active_sessions, 1);
		free(cn);
		close(fd);
		return;
	}
	cn->fd = fd;
	cn->o = *o;
	if (o->once) {
		session_thread(cn);
		return;
	}
	if (pthread_create(&th, NULL, session_thread, cn)) {
		lr_err("cannot start a session thread");
		session_thread(cn); /* serve it here rather than drop it */
		return;
	}
	pthread_detach(th);
}

int lr_serve_tcp(const struct lr_serve_opts *o)
{
	uint16_t port = 0;
	int lfd = lr_sock_listen(o->listen_host, o->port, 64, &port);

	if (lfd < 0)
		return lfd;
	lr_info("listening on %s port %u",
		o->listen_host ? o->listen_host : "*", port);
	for (;;) {
		int fd = lr_sock_accept(lfd, -1);

		if (fd == -EINTR || fd == -ECONNABORTED)
			continue;
		if (fd < 0) {
			lr_err("accept: %s", strerror(-fd));
			close(lfd);
			return fd;
		}
		lr_serve_conn(fd, o);
		if (o->once)
			break;
	}
	close(lfd);
	return 0;
}
