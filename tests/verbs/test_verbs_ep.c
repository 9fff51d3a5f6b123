// SPDX-License-Identifier: MIT
/*
 * The verbs transport in one process, through its ops table: option
 * checks, a work completion error, a bounded completion timeout, a port
 * that is down. Device tests skip without a device.
 */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <rdma/rdma_cma.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "linerate/transport.h"
#include "linerate/util.h"

static const struct lr_transport_ops *ops(void)
{
	const struct lr_transport_ops *o = lr_transport_find("verbs");

	cr_assert_not_null(o, "verbs is not in the registry");
	return o;
}

static struct lr_test_params params(enum lr_mode mode)
{
	struct lr_test_params p = {
		.transport = "verbs",
		.mode = mode,
		.msg_size = 65536,
		.streams = 1,
		.duration_s = 1,
		.interval_s = 1,
	};

	return p;
}

static int check(enum lr_mode mode, const char *opts_json, char *err,
		 size_t len)
{
	struct lr_test_params p = params(mode);
	json_t *o = json_loads(opts_json, 0, NULL);
	int ret;

	cr_assert_not_null(o);
	ret = lr_transport_check_opts(ops(), o, err, len);
	if (!ret)
		ret = ops()->check(&p, o, err, len);
	json_decref(o);
	return ret;
}

#define CHECK_FAILS(mode, json, text)                                       \
	do {                                                                \
		char e_[256] = "";                                          \
		cr_assert_eq(check(mode, json, e_, sizeof(e_)), -EINVAL,    \
			     "%s accepted", json);                          \
		cr_assert_not_null(strstr(e_, text), "'%s': %s", json, e_); \
	} while (0)

Test(verbs_ep, options_checked)
{
	char err[256];

	cr_assert_eq(check(LR_MODE_BW, "{\"op\": \"read\", \"qps\": 1}", err,
			   sizeof(err)),
		     -EINVAL);
	cr_assert_eq(check(LR_MODE_BW,
			   "{\"op\": \"send\", \"tx_depth\": 64, "
			   "\"cq_mod\": 8, \"post_list\": 4}",
			   err, sizeof(err)),
		     0, "%s", err);
	CHECK_FAILS(LR_MODE_BW, "{\"op\": \"atomic\"}", "op");
	CHECK_FAILS(LR_MODE_BW, "{\"tx_depth\": 8, \"cq_mod\": 16}",
		    "--cq-mod 16 is above --tx-depth 8");
	CHECK_FAILS(LR_MODE_BW, "{\"mtu\": 3000}", "not an IB MTU");
	CHECK_FAILS(LR_MODE_BW, "{\"op\": \"read\", \"write_imm\": true}",
		    "--write-imm needs --op write");
	CHECK_FAILS(LR_MODE_LAT, "{\"op\": \"read\"}", "ping-pong");
}

/* Two endpoints of one test in this process, connected. */
struct two {
	struct lr_test_params p;
	struct lr_endpoint *srv, *cli;
	json_t *opts;
};

static void two_up(struct two *t, const char *dev, const char *opts,
		   bool connect_server, int timeout_ms)
{
	struct lr_endpoint_cfg s = { .role = LR_ROLE_SERVER,
				     .params = &t->p,
				     .dev = dev,
				     .timeout_ms = timeout_ms };
	struct lr_endpoint_cfg c = { .role = LR_ROLE_CLIENT,
				     .params = &t->p,
				     .dev = dev,
				     .peer_host = "127.0.0.1",
				     .timeout_ms = timeout_ms };
	json_t *si, *ci;

	t->p = params(LR_MODE_BW);
	t->opts = json_loads(opts, 0, NULL);
	s.opts = c.opts = t->opts;
	cr_assert_eq(ops()->create(&s, &t->srv, &si), 0);
	cr_assert_eq(ops()->create(&c, &t->cli, &ci), 0);
	if (connect_server)
		cr_assert_eq(ops()->connect(t->srv, ci), 0);
	cr_assert_eq(ops()->connect(t->cli, si), 0);
	json_decref(si);
	json_decref(ci);
}

static void two_down(struct two *t)
{
	ops()->destroy(t->cli);
	ops()->destroy(t->srv);
	json_decref(t->opts);
}

/* Run the client's worker 0 until it returns; seconds it took. */
static double run_client(struct two *t, struct lr_worker_ctl *ctl, int *ret)
{
	uint64_t t0 = lr_now_ns();

	*ret = ops()->run_worker(t->cli, 0, ctl);
	return (double)(lr_now_ns() - t0) / 1e9;
}

/* A WRITE to a wrong rkey: the completion error names status, QP, op. */
Test(verbs_ep, work_completion_error_reported, .timeout = 60)
{
	static const atomic_bool never;
	struct lr_worker_ctl ctl = { .stop = &never };
	char dev[64];
	struct two t;
	json_t *si;
	int ret;

	REQUIRE_DEV(0, dev);
	t.p = params(LR_MODE_BW);
	{
		/* Hand the client a server description with a bad rkey. */
		struct lr_endpoint_cfg s = { .role = LR_ROLE_SERVER,
					     .params = &t.p,
					     .dev = dev,
					     .timeout_ms = 5000 };
		struct lr_endpoint_cfg c = { .role = LR_ROLE_CLIENT,
					     .params = &t.p,
					     .dev = dev,
					     .peer_host = "127.0.0.1",
					     .timeout_ms = 5000 };
		json_t *ci;

		t.opts = json_object();
		s.opts = c.opts = t.opts;
		cr_assert_eq(ops()->create(&s, &t.srv, &si), 0);
		cr_assert_eq(ops()->create(&c, &t.cli, &ci), 0);
		cr_assert_eq(ops()->connect(t.srv, ci), 0);
		json_object_set_new(
			si, "rkey",
			json_integer(json_integer_value(
					     json_object_get(si, "rkey")) ^
				     0x5a5a00));
		cr_assert_eq(ops()->connect(t.cli, si), 0);
		json_decref(ci);
		json_decref(si);
	}
	cr_assert_lt(run_client(&t, &ctl, &ret), 10.0);
	cr_assert_eq(ret, -EIO);
	cr_assert_eq(ctl.error, -EIO);
	cr_assert_not_null(strstr(ctl.errmsg, "write on QP 0x"), "%s",
			   ctl.errmsg);
	cr_assert_not_null(strstr(ctl.errmsg, "remote"), "%s", ctl.errmsg);
	two_down(&t);
}

/* The peer's QP never leaves INIT: the sender gives up in bounded time. */
Test(verbs_ep, completion_timeout_bounded, .timeout = 60)
{
	static const atomic_bool never;
	struct lr_worker_ctl ctl = { .stop = &never };
	char dev[64];
	struct two t;
	double s;
	int ret;

	REQUIRE_DEV(0, dev);
	two_up(&t, dev, "{}", false, 2000);
	s = run_client(&t, &ctl, &ret);
	cr_assert_lt(s, 12.0, "took %.1f s", s);
	cr_assert(ret == -EIO || ret == -ETIMEDOUT, "ret %d", ret);
	cr_assert(strstr(ctl.errmsg, "retry") ||
			  strstr(ctl.errmsg, "no write completion"),
		  "%s", ctl.errmsg);
	two_down(&t);
}

/* The ladder on the way up and down, many times: nothing leaks. */
Test(verbs_ep, create_destroy_repeatedly, .timeout = 120)
{
	char dev[64];
	struct two t;

	REQUIRE_DEV(0, dev);
	for (int i = 0; i < 20; i++) {
		two_up(&t, dev, "{\"op\": \"send\"}", true, 2000);
		two_down(&t);
	}
}

static int sh(const char *cmd)
{
	int ret = system(cmd);

	return WIFEXITED(ret) ? WEXITSTATUS(ret) : -1;
}

/* An rxe device on a netdev that is down: a clear error before traffic. */
Test(verbs_ep, port_down_refused, .timeout = 60)
{
	struct lr_test_params p = params(LR_MODE_BW);
	struct lr_endpoint_cfg c = { .role = LR_ROLE_CLIENT,
				     .params = &p,
				     .dev = "lrdown0",
				     .timeout_ms = 2000 };
	struct lr_endpoint *ep = NULL;
	json_t *info = NULL, *opts = json_object();
	char dev[64];
	int ret;

	REQUIRE_DEV(0, dev);
	if (geteuid() != 0)
		cr_skip_test("needs root to add an rxe device");
	if (sh("ip link add lrdn0 type veth peer name lrdn1 && "
	       "ip addr add 10.99.0.1/24 dev lrdn0 && "
	       "rdma link add lrdown0 type rxe netdev lrdn0") != 0) {
		sh("ip link del lrdn0 2>/dev/null");
		cr_skip_test("cannot add an rxe device on a veth");
	}
	c.opts = opts;
	ret = ops()->create(&c, &ep, &info);
	sh("rdma link delete lrdown0; ip link del lrdn0");
	cr_assert_eq(ret, -ENETDOWN, "ret %d", ret);
	cr_assert_null(ep);
	json_decref(opts);
}

struct connector {
	struct lr_endpoint *ep;
	json_t *peer;
	int ret;
};

static void *connect_thread(void *arg)
{
	struct connector *c = arg;

	c->ret = ops()->connect(c->ep, c->peer);
	return NULL;
}

static enum rdma_cm_event_type next_event(struct rdma_event_channel *ch)
{
	struct rdma_cm_event *ev;
	enum rdma_cm_event_type type;

	cr_assert_eq(rdma_get_cm_event(ch, &ev), 0, "%m");
	type = ev->event;
	rdma_ack_cm_event(ev);
	return type;
}

/* An id on ch with its route to host:port (IPv4) resolved. */
static struct rdma_cm_id *routed_id(struct rdma_event_channel *ch,
				    const char *host, int port)
{
	struct addrinfo hints = { .ai_family = AF_INET }, *ai;
	struct rdma_cm_id *id;

	cr_assert_not_null(ch);
	cr_assert_eq(getaddrinfo(host, NULL, &hints, &ai), 0);
	((struct sockaddr_in *)ai->ai_addr)->sin_port = htons((uint16_t)port);
	cr_assert_eq(rdma_create_id(ch, &id, NULL, RDMA_PS_TCP), 0);
	cr_assert_eq(rdma_resolve_addr(id, NULL, ai->ai_addr, 2000), 0);
	cr_assert_eq(next_event(ch), RDMA_CM_EVENT_ADDR_RESOLVED);
	cr_assert_eq(rdma_resolve_route(id, 2000), 0);
	cr_assert_eq(next_event(ch), RDMA_CM_EVENT_ROUTE_RESOLVED);
	freeaddrinfo(ai);
	return id;
}

/* A connection request with private data that is no test's: what the
 * server answers (the event this end gets). */
static enum rdma_cm_event_type stray_request(const char *host, int port)
{
	struct rdma_event_channel *ch = rdma_create_event_channel();
	static const char junk[16] = "not a linerate";
	struct rdma_conn_param cp = { .private_data = junk,
				      .private_data_len = sizeof(junk),
				      .qp_num = 1,
				      .retry_count = 1 };
	struct rdma_cm_id *id = routed_id(ch, host, port);
	enum rdma_cm_event_type type;

	cr_assert_eq(rdma_connect(id, &cp), 0, "%m");
	type = next_event(ch);
	rdma_destroy_id(id);
	rdma_destroy_event_channel(ch);
	return type;
}

/*
 * A stray rdma_cm request on a test's listener is refused (its cm_id
 * destroyed) and the test's own QPs still connect (issue 9: a stray ended
 * the server's set-up, and one that came while it waited for ESTABLISHED
 * leaked its cm_id).
 */
Test(verbs_ep, stray_cm_request_refused, .timeout = 60)
{
	char dev[64];
	struct lr_test_params p = params(LR_MODE_BW);
	json_t *opts = json_pack("{s:b}", "cm", 1), *si, *ci;
	struct lr_endpoint_cfg s = { .role = LR_ROLE_SERVER,
				     .params = &p,
				     .opts = opts,
				     .timeout_ms = 10000 };
	struct lr_endpoint_cfg c = { .role = LR_ROLE_CLIENT,
				     .params = &p,
				     .opts = opts,
				     .peer_host = "127.0.0.1",
				     .timeout_ms = 10000 };
	struct lr_endpoint *srv, *cli;
	struct connector sc;
	const char *host;
	pthread_t th;

	REQUIRE_DEV(0, dev);
	s.dev = c.dev = dev;
	cr_assert_eq(ops()->create(&s, &srv, &si), 0);
	cr_assert_eq(ops()->create(&c, &cli, &ci), 0);
	sc = (struct connector){ .ep = srv, .peer = ci };
	pthread_create(&th, NULL, connect_thread, &sc);
	host = json_string_value(json_object_get(si, "cm_addr"));
	cr_assert_eq(stray_request(host && host[0] ? host : "127.0.0.1",
				   (int)json_integer_value(
					   json_object_get(si, "cm_port"))),
		     RDMA_CM_EVENT_REJECTED);
	cr_assert_eq(ops()->connect(cli, si), 0, "the test's client");
	pthread_join(th, NULL);
	cr_assert_eq(sc.ret, 0, "the server after a stray: %d", sc.ret);
	ops()->destroy(cli);
	ops()->destroy(srv);
	json_decref(si);
	json_decref(ci);
	json_decref(opts);
}

/* The private data of the test's own client (verbs_cm.c's cm_pdata, in
 * network byte order): the server's token, buffer, rkey, slot, depth. */
struct hand_pdata {
	uint64_t token, addr;
	uint32_t rkey, slot, rd_atom;
};

/*
 * The test's client by hand: its request for slot 0 with the server's
 * token, up to the server's response, without the RTU that ends the
 * server's wait for ESTABLISHED.
 */
static struct rdma_cm_id *hand_request(struct rdma_event_channel *ch,
				       const char *host, int port,
				       uint64_t token)
{
	struct hand_pdata pd = { .token = htobe64(token), .rd_atom = htonl(1) };
	struct rdma_conn_param cp = { .private_data = &pd,
				      .private_data_len = sizeof(pd),
				      .qp_num = 0x1234,
				      .responder_resources = 1,
				      .initiator_depth = 1,
				      .retry_count = 7,
				      .rnr_retry_count = 7 };
	struct rdma_cm_id *id = routed_id(ch, host, port);

	cr_assert_eq(rdma_connect(id, &cp), 0, "%m");
	/* no QP on this id: the server's REP comes as CONNECT_RESPONSE */
	cr_assert_eq(next_event(ch), RDMA_CM_EVENT_CONNECT_RESPONSE);
	return id;
}

/*
 * A stray request that comes while the server waits for its client's
 * ESTABLISHED (issue 9: its cm_id leaked there) is refused, and the
 * server's set-up still completes when the test's client sends its RTU.
 */
Test(verbs_ep, stray_while_waiting_for_established, .timeout = 60)
{
	char dev[64];
	struct lr_test_params p = params(LR_MODE_BW);
	json_t *opts = json_pack("{s:b}", "cm", 1), *si;
	struct lr_endpoint_cfg s = { .role = LR_ROLE_SERVER,
				     .params = &p,
				     .opts = opts,
				     .timeout_ms = 10000 };
	struct rdma_event_channel *ch;
	struct lr_endpoint *srv;
	struct rdma_cm_id *id;
	struct connector sc;
	const char *host;
	pthread_t th;
	int port;

	REQUIRE_DEV(0, dev);
	s.dev = dev;
	cr_assert_eq(ops()->create(&s, &srv, &si), 0);
	sc = (struct connector){ .ep = srv, .peer = NULL };
	pthread_create(&th, NULL, connect_thread, &sc);
	host = json_string_value(json_object_get(si, "cm_addr"));
	host = host && host[0] ? host : "127.0.0.1";
	port = (int)json_integer_value(json_object_get(si, "cm_port"));
	ch = rdma_create_event_channel();
	cr_assert_not_null(ch);
	id = hand_request(
		ch, host, port,
		(uint64_t)json_integer_value(json_object_get(si, "cm_token")));
	cr_assert_eq(stray_request(host, port), RDMA_CM_EVENT_REJECTED,
		     "the stray while the server waits for ESTABLISHED");
	cr_assert_eq(rdma_establish(id), 0, "%m");
	pthread_join(th, NULL);
	cr_assert_eq(sc.ret, 0, "the server after a stray: %d", sc.ret);
	ops()->destroy(srv);
	rdma_destroy_id(id);
	rdma_destroy_event_channel(ch);
	json_decref(si);
	json_decref(opts);
}
