// SPDX-License-Identifier: MIT
/* control channel: the 'pair' end of a session. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linerate/control.h"
#include "linerate/engine.h"
#include "linerate/sock.h"
#include "linerate/util.h"
#include "session_int.h"

#define RESULT_GRACE_MS 15000 /* the server's window ends after ours */

struct lr_pair_test {
	const struct lr_pair_opts *o;
	struct lr_ctl c;
	const struct lr_transport_ops *ops;
	struct lr_endpoint *ep;
	struct lr_result *r;
};

static int ctl_fail(struct lr_pair_test *t, int ret)
{
	lr_result_add_error(t->r, "control", "%s", t->c.err);
	return ret;
}

static int cli_open(struct lr_pair_test *t)
{
	const struct lr_pair_opts *o = t->o;
	char peer[300];
	json_t *hello;
	int fd, ret;

	snprintf(peer, sizeof(peer), "server %s port %u", o->peer_host,
		 o->port);
	fd = lr_sock_connect(o->peer_host, o->port, o->connect_timeout_ms,
			     NULL);
	if (fd < 0) {
		lr_result_add_error(t->r, "control", "cannot reach %s: %s",
				    peer, strerror(-fd));
		return fd;
	}
	lr_sock_nodelay(fd);
	lr_ctl_init(&t->c, fd, fd, LR_CTL_MAX_FRAME_CLIENT, peer);
	ret = lr_ctl_hello_client_secret(&t->c, o->connect_timeout_ms,
					 o->secret, &hello);
	if (ret)
		return ctl_fail(t, ret);
	json_object_set(t->r->peer, "host", json_object_get(hello, "host"));
	json_object_set(t->r->peer, "software",
			json_object_get(hello, "software"));
	json_decref(hello);
	return 0;
}

static int send_msg(struct lr_pair_test *t, json_t *m)
{
	int ret = lr_ctl_send(&t->c, m);

	json_decref(m);
	return ret ? ctl_fail(t, ret) : 0;
}

/* test -> ready, create, connect -> connected */
static int cli_setup(struct lr_pair_test *t)
{
	const struct lr_pair_opts *o = t->o;
	struct lr_endpoint_cfg cfg = {
		.role = LR_ROLE_CLIENT,
		.params = o->params,
		.opts = o->opts,
		.dev = o->dev,
		.peer_host = o->peer_host,
		.timeout_ms = o->connect_timeout_ms,
	};
	json_t *ready, *info, *conn;
	int ret;

	ret = send_msg(t, json_pack("{s:s, s:o, s:O, s:s?}", "type", "test",
				    "params", lr_params_to_json(o->params),
				    "opts", o->opts, "dev", o->peer_dev));
	if (!ret &&
	    (ret = lr_ctl_expect(&t->c, "ready", LR_CTL_HANDSHAKE_MS, &ready)))
		return ctl_fail(t, ret);
	if (ret)
		return ret;
	ret = t->ops->create(&cfg, &t->ep, &info);
	if (ret) {
		json_decref(ready);
		lr_result_add_error(t->r, "client", "cannot set up %s: %s",
				    t->ops->name, strerror(-ret));
		return ret;
	}
	ret = send_msg(
		t, json_pack("{s:s, s:o}", "type", "connect", "info", info));
	if (!ret &&
	    (ret = t->ops->connect(t->ep, json_object_get(ready, "info"))))
		lr_result_add_error(t->r, "client",
				    "cannot connect %s to "
				    "the server: %s",
				    t->ops->name, strerror(-ret));
	json_decref(ready);
	if (ret)
		return ret;
	ret = lr_ctl_expect(&t->c, "connected", cfg.timeout_ms + 5000, &conn);
	if (ret)
		return ctl_fail(t, ret);
	json_object_update(t->r->peer, json_object_get(conn, "peer"));
	json_decref(conn);
	json_decref(t->r->local);
	t->r->local = session_end_json(LR_ROLE_CLIENT, t->ops, t->ep);
	return 0;
}

/*
 * Why the control channel spoke during the run: the server's result (its
 * window ended a moment before ours: keep it), an error, or a close.
 */
static int cli_interrupted(struct lr_pair_test *t, json_t **result)
{
	int ret = lr_ctl_expect(&t->c, "result", 1000, result);

	if (!ret)
		return 0;
	lr_result_add_error(t->r, "server", "during the test: %s", t->c.err);
	return -ECONNRESET;
}

/*
 * The server's result. After a local failure it is worth a short wait only:
 * the peer may be what failed (frozen, gone).
 */
static int cli_collect(struct lr_pair_test *t, json_t *m, bool failed)
{
	int wait_ms = t->o->connect_timeout_ms;
	char err[256];
	int ret = 0;

	if (!failed)
		wait_ms += RESULT_GRACE_MS;
	if (!m)
		ret = lr_ctl_expect(&t->c, "result", wait_ms, &m);
	if (ret)
		return ctl_fail(t, ret);
	ret = lr_side_from_json(json_object_get(m, "side"), &t->r->peer_side,
				err, sizeof(err));
	if (json_is_object(json_object_get(m, "counters")))
		json_object_set(t->r->counters, "peer",
				json_object_get(m, "counters"));
	if (json_is_object(json_object_get(m, "endpoint")))
		json_object_set(t->r->peer, "endpoint",
				json_object_get(m, "endpoint"));
	json_decref(m);
	if (ret) {
		lr_result_add_error(t->r, "control", "%s", err);
		return ret;
	}
	t->r->have_peer_side = true;
	if (t->r->peer_side.error)
		lr_result_add_error(t->r, "server", "%s",
				    t->r->peer_side.errmsg);
	return 0;
}

static int cli_measure(struct lr_pair_test *t)
{
	struct lr_engine_flow flow = { .ops = t->ops,
				       .ep = t->ep,
				       .role = LR_ROLE_CLIENT };
	struct lr_engine_opts eo = { .watch_fd = t->c.rfd,
				     .timeout_ms = t->o->connect_timeout_ms };
	json_t *m = NULL, *counters;
	int ret = send_msg(t, json_pack("{s:s}", "type", "start"));

	if (ret)
		return ret;
	counters = session_counters_begin(t->ops, t->ep);
	ret = lr_engine_run(t->o->params, &flow, 1, &eo);
	/* Again after the run: what the transport counted during it. */
	json_object_set_new(t->r->local, "endpoint", t->ops->describe(t->ep));
	t->r->counters =
		json_pack("{s:o}", "local", session_counters_end(counters));
	t->r->local_side = flow.side;
	if (flow.side.error)
		lr_result_add_error(t->r, "client", "%s", flow.side.errmsg);
	if (ret == -ECANCELED && (ret = cli_interrupted(t, &m)))
		return ret;
	return cli_collect(t, m, ret != 0) ? -EPROTO : ret;
}

int lr_pair_prepare(const struct lr_pair_opts *o, struct lr_result *r,
		    struct lr_pair_test **out)
{
	struct lr_pair_test *t = calloc(1, sizeof(*t));
	int ret;

	lr_result_init(r, o->params, o->opts);
	*out = t;
	if (!t) {
		lr_result_add_error(r, "client", "out of memory");
		return -ENOMEM;
	}
	t->o = o;
	t->r = r;
	t->c.rfd = -1;
	t->ops = lr_transport_find(o->params->transport);
	if (!t->ops) {
		lr_result_add_error(r, "client", "unknown transport '%s'",
				    o->params->transport);
		return -EINVAL;
	}
	ret = cli_open(t);
	if (!ret)
		ret = cli_setup(t);
	return ret;
}

int lr_pair_measure(struct lr_pair_test *t)
{
	return cli_measure(t);
}

void lr_pair_finish(struct lr_pair_test *t, int ret)
{
	if (!t)
		return;
	if (!ret)
		send_msg(t, json_pack("{s:s}", "type", "bye"));
	if (t->ep)
		t->ops->destroy(t->ep);
	if (t->c.rfd >= 0)
		close(t->c.rfd);
	lr_result_compute(t->r);
	free(t);
}

int lr_pair_run(const struct lr_pair_opts *o, struct lr_result *r)
{
	struct lr_pair_test *t;
	int ret = lr_pair_prepare(o, r, &t);

	if (!ret)
		ret = lr_pair_measure(t);
	if (t)
		lr_pair_finish(t, ret);
	else
		lr_result_compute(r);
	return ret;
}
