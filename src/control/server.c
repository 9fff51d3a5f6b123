// SPDX-License-Identifier: MIT
/* control channel: the 'serve' end of a session. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "linerate/control.h"
#include "linerate/engine.h"
#include "linerate/sock.h"
#include "linerate/util.h"
#include "session_int.h"

#define ACCEPT_BACKOFF_NS 50000000ull /* 50 ms */

static atomic_int active_sessions;
static _Atomic uint64_t buffers_in_use; /* bounded by LR_CTL_MAX_BUFFERS */
static _Atomic uint64_t fds_in_use; /* bounded by RLIMIT_NOFILE */

struct srv_test {
	struct lr_ctl *c;
	struct lr_test_params p;
	const struct lr_transport_ops *ops;
	json_t *opts;
	struct lr_endpoint_cfg cfg;
	struct lr_endpoint *ep;
	int start_ms; /* connected -> start (lr_serve_opts.start_timeout_ms) */
	uint64_t buffers; /* reserved from buffers_in_use */
	uint64_t fds; /* reserved from fds_in_use */
};

/*
 * File descriptors a test may open on this end: one per data connection
 * (tcp: streams x directions), plus the listening socket, the device, the
 * verbs event channels and the counters' reads (8 at most).
 */
static uint64_t test_fds(const struct lr_test_params *p)
{
	return (uint64_t)p->streams * (p->bidir ? 2u : 1u) + 8;
}

/*
 * What RLIMIT_NOFILE leaves for tests: the limit less this process's own
 * (standard streams, the listening socket, the spare, logs: 16), one
 * control connection per session and the refusals being drained.
 */
static uint64_t fd_limit(uint64_t *nofile)
{
	uint64_t own = 16 + LR_CTL_MAX_SESSIONS + LR_SRV_REFUSING;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY)
		rl.rlim_cur = 1u << 20;
	*nofile = rl.rlim_cur;
	return rl.rlim_cur > own ? rl.rlim_cur - own : 0;
}

static int reserve_fds(struct srv_test *t, char *err, size_t len)
{
	uint64_t want = test_fds(&t->p), nofile, limit = fd_limit(&nofile);
	uint64_t used;

	if (lr_budget_take(&fds_in_use, want, limit, &used)) {
		t->fds = want;
		return 0;
	}
	if (want > limit)
		snprintf(err, len,
			 "this test needs %llu file descriptors, the server's "
			 "limit (RLIMIT_NOFILE %llu) leaves %llu for tests: "
			 "fewer --streams, or raise 'ulimit -n' where serve "
			 "runs",
			 (unsigned long long)want, (unsigned long long)nofile,
			 (unsigned long long)limit);
	else
		snprintf(err, len,
			 "server busy: %llu file descriptors in use by other "
			 "tests, this test needs %llu more (%llu for tests, "
			 "RLIMIT_NOFILE %llu)",
			 (unsigned long long)used, (unsigned long long)want,
			 (unsigned long long)limit, (unsigned long long)nofile);
	return -EBUSY;
}

/* Reserve this test's buffers and descriptors from the server's budgets. */
static int srv_reserve(struct srv_test *t, char *err, size_t len)
{
	uint64_t want = lr_test_buffers(&t->p), used;

	if (!lr_budget_take(&buffers_in_use, want, LR_CTL_MAX_BUFFERS, &used)) {
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
	if (reserve_fds(t, err, len)) {
		lr_budget_give(&buffers_in_use, want);
		t->buffers = 0;
		return -EBUSY;
	}
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

	ret = lr_ctl_expect(t->c, "start", t->start_ms, &m);
	if (ret)
		return ret;
	json_decref(m);
	counters = session_counters_begin(t->ops, t->ep);
	ret = lr_engine_run(&t->p, &flow, 1, &eo);
	session_log_side(t->c->peer, &t->p, &flow.side);
	m = json_pack("{s:s, s:o, s:o, s:o}", "type", "result", "side",
		      lr_side_to_json(&flow.side), "counters",
		      session_counters_end(counters), "endpoint",
		      t->ops->describe(t->ep));
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
	lr_budget_give(&buffers_in_use, t->buffers);
	lr_budget_give(&fds_in_use, t->fds);
	t->buffers = 0;
	t->fds = 0;
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
		t.start_ms =
			o->start_timeout_ms ? o->start_timeout_ms : timeout_ms;
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
		lr_warn("refused a client: %d sessions already",
			LR_CTL_MAX_SESSIONS);
		if (cn)
			atomic_fetch_sub(&active_sessions, 1);
		free(cn);
		srv_refuse(fd, "server busy: %d sessions already",
			   LR_CTL_MAX_SESSIONS);
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

/* Out of descriptors: the spare makes room to tell one client why. */
static void refuse_with_spare(int lfd, int *spare)
{
	int fd;

	if (*spare < 0)
		return;
	close(*spare);
	*spare = -1;
	fd = lr_sock_accept(lfd, 0); /* never blocks: the client may be gone */
	if (fd >= 0)
		srv_refuse(fd, "server busy: out of file descriptors");
}

/* Errors of accept(2) that leave the listening socket as it was. */
static bool accept_transient(int err)
{
	switch (err) {
	case EINTR:
	case ECONNABORTED: /* the client gave up in the backlog */
	case EAGAIN:
	case EPERM: /* a firewall rule */
	case EPROTO:
	case ENOPROTOOPT:
	case ENETDOWN:
	case ENETUNREACH:
	case EHOSTDOWN:
	case EHOSTUNREACH:
	case ENONET:
	case EOPNOTSUPP: return true;
	}
	return false;
}

/*
 * Out of a resource: EMFILE/ENFILE (descriptors: refuse one client with
 * the spare), ENOBUFS/ENOMEM (memory). The backlog keeps the others; try
 * again shortly. Logged once per episode.
 */
static bool accept_starved(int lfd, int err, int *spare, bool *logged)
{
	if (err != EMFILE && err != ENFILE && err != ENOBUFS && err != ENOMEM)
		return false;
	if (!*logged)
		lr_warn("accept: %s; refusing clients until it passes",
			strerror(err));
	*logged = true;
	if (err == EMFILE || err == ENFILE)
		refuse_with_spare(lfd, spare);
	lr_sleep_ns(ACCEPT_BACKOFF_NS);
	return true;
}

/*
 * After an accept: the spare must exist before a client takes a session,
 * or a descriptor freed while accept() blocked goes to a session and the
 * next client waits in the backlog with nobody to tell it (the sessions
 * hold every descriptor). Without a spare, this client is turned away on
 * its own descriptor, which then becomes the spare. False: refused.
 */
static bool keep_spare(int fd, int *spare)
{
	if (*spare >= 0)
		return true;
	*spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (*spare >= 0)
		return true;
	srv_refuse(fd, "server busy: out of file descriptors");
	return false;
}

int lr_serve_tcp(const struct lr_serve_opts *o)
{
	uint16_t port = 0;
	int lfd = lr_sock_listen(o->listen_host, o->port, 64, &port);
	int spare = -1, ret = 0;
	bool logged = false;

	if (lfd < 0)
		return lfd;
	lr_info("listening on %s port %u",
		o->listen_host ? o->listen_host : "*", port);
	for (;;) {
		int fd;

		if (spare < 0)
			spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
		fd = lr_sock_accept(lfd, -1);
		if (fd < 0 && (accept_transient(-fd) ||
			       accept_starved(lfd, -fd, &spare, &logged)))
			continue;
		if (fd < 0) {
			lr_err("accept: %s", strerror(-fd));
			ret = fd;
			break;
		}
		logged = false;
		if (!keep_spare(fd, &spare))
			continue;
		lr_serve_conn(fd, o);
		if (o->once)
			break;
	}
	if (spare >= 0)
		close(spare);
	close(lfd);
	return ret;
}
