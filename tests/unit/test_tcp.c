// SPDX-License-Identifier: MIT
/* The tcp transport and the engine, both ends in this process, loopback. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "linerate/engine.h"
#include "linerate/sock.h"
#include "linerate/util.h"
#include "owned.h"

struct end {
	const struct lr_transport_ops *ops;
	struct lr_endpoint_cfg cfg;
	struct lr_endpoint *ep;
	json_t *info;
	const json_t *peer_info;
	struct lr_engine_flow flow;
	int ret;
};

static void *do_connect(void *arg)
{
	struct end *e = arg;

	e->ret = e->ops->connect(e->ep, e->peer_info);
	return NULL;
}

static void *do_run(void *arg)
{
	struct end *e = arg;

	e->flow = (struct lr_engine_flow){ .ops = e->ops,
					   .ep = e->ep,
					   .role = e->cfg.role };
	e->ret = lr_engine_run(e->cfg.params, &e->flow, 1, NULL);
	return NULL;
}

static void both(void *(*fn)(void *), struct end *s, struct end *c)
{
	pthread_t th;

	pthread_create(&th, NULL, fn, s);
	fn(c);
	pthread_join(th, NULL);
}

/* What one end holds, freed once (owned.h: also after a failed assertion;
 * the ends are static, so they outlive the test's stack frame). */
static void end_free(void *arg)
{
	struct end *e = arg;

	if (e->ep)
		e->ops->destroy(e->ep);
	e->ep = NULL;
	json_decref(e->info);
	e->info = NULL;
	lr_side_free(&e->flow.side);
}

static void setup_pair(struct end *s, struct end *c,
		       const struct lr_test_params *p)
{
	const struct lr_transport_ops *ops = lr_transport_find("tcp");

	cr_assert_not_null(ops);
	*s = (struct end){ .ops = ops };
	*c = (struct end){ .ops = ops };
	own(s, end_free);
	own(c, end_free);
	s->cfg = (struct lr_endpoint_cfg){ .role = LR_ROLE_SERVER,
					   .params = p,
					   .bind_host = "127.0.0.1",
					   .timeout_ms = 3000 };
	c->cfg = (struct lr_endpoint_cfg){ .role = LR_ROLE_CLIENT,
					   .params = p,
					   .peer_host = "127.0.0.1",
					   .timeout_ms = 3000 };
	cr_assert_eq(ops->create(&s->cfg, &s->ep, &s->info), 0);
	cr_assert_eq(ops->create(&c->cfg, &c->ep, &c->info), 0);
	s->peer_info = c->info;
	c->peer_info = s->info;
}

static void teardown_pair(struct end *s, struct end *c)
{
	release(s);
	release(c);
}

Test(tcp, bytes_mode_delivers_exactly)
{
	struct lr_test_params p = { .transport = "tcp",
				    .msg_size = 100000,
				    .streams = 3,
				    .bytes = 10000007,
				    .interval_s = 0.1 };
	static struct end s, c;

	setup_pair(&s, &c, &p);
	both(do_connect, &s, &c);
	cr_assert_eq(s.ret, 0);
	cr_assert_eq(c.ret, 0);
	cr_assert_eq(s.ops->nworkers(s.ep), 3);
	both(do_run, &s, &c);
	cr_assert_eq(c.ret, 0);
	cr_assert_eq(s.ret, 0);
	cr_assert_eq(c.flow.side.dir[LR_DIR_C2S].bytes, 10000007);
	cr_assert_eq(s.flow.side.dir[LR_DIR_C2S].bytes, 10000007);
	cr_assert(c.flow.side.dir[LR_DIR_C2S].sender);
	cr_assert(!s.flow.side.dir[LR_DIR_C2S].sender);
	teardown_pair(&s, &c);
}

Test(tcp, bidir_duration_both_directions_counted)
{
	struct lr_test_params p = { .transport = "tcp",
				    .msg_size = 65536,
				    .streams = 2,
				    .duration_s = 0.5,
				    .warmup_s = 0.1,
				    .interval_s = 0.1,
				    .bidir = true };
	static struct end s, c;

	setup_pair(&s, &c, &p);
	both(do_connect, &s, &c);
	cr_assert_eq(s.ops->nworkers(s.ep), 4);
	both(do_run, &s, &c);
	cr_assert_eq(c.ret, 0, "%s", c.flow.side.errmsg);
	cr_assert_eq(s.ret, 0, "%s", s.flow.side.errmsg);
	for (int d = 0; d < LR_DIR_COUNT; d++) {
		cr_assert(s.flow.side.dir[d].bytes > 0);
		cr_assert(c.flow.side.dir[d].bytes > 0);
		cr_assert(s.flow.side.dir[d].niv >= 4);
	}
	cr_assert(c.flow.side.dir[LR_DIR_S2C].sender == false);
	/*
	 * TCP_INFO of each end's sending connections over the window: the
	 * sender of each direction counted the segments it sent (a window
	 * that moved bytes sent segments), the receiver counts none.
	 */
	for (int d = 0; d < LR_DIR_COUNT; d++) {
		struct end *tx = d == LR_DIR_C2S ? &c : &s;
		struct end *rx = d == LR_DIR_C2S ? &s : &c;
		const struct lr_retrans *rt = &tx->flow.side.dir[d].retrans;

		cr_assert(rt->valid, "direction %d: no retransmit counts", d);
		cr_assert_gt(rt->segments_sent, 0);
		cr_assert_not(rx->flow.side.dir[d].retrans.valid);
	}
	teardown_pair(&s, &c);
}

Test(tcp, stranger_connection_refused)
{
	struct lr_test_params p = { .transport = "tcp",
				    .msg_size = 1000,
				    .streams = 1,
				    .bytes = 1000,
				    .interval_s = 1 };
	static struct end s, c;
	uint16_t port;
	char b;
	struct {
		uint32_t magic, index;
		uint64_t token;
	} h = { htonl(0x4c524454u), 0, htobe64(12345) };
	int fd;

	setup_pair(&s, &c, &p);
	port = (uint16_t)json_integer_value(json_object_get(s.info, "port"));
	/* A connection with the wrong token comes first and is refused. */
	fd = lr_sock_connect("127.0.0.1", port, 1000, NULL);
	cr_assert(fd >= 0);
	cr_assert_eq(lr_sock_write_full(fd, &h, sizeof(h), 1000), 0);
	both(do_connect, &s, &c);
	cr_assert_eq(s.ret, 0);
	cr_assert_eq(c.ret, 0);
	cr_assert_eq(lr_sock_read_full(fd, &b, 1, 1000), -ECONNRESET,
		     "the stranger was closed");
	close(fd);
	both(do_run, &s, &c);
	cr_assert_eq(s.flow.side.dir[LR_DIR_C2S].bytes, 1000);
	teardown_pair(&s, &c);
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	cr_assert_not_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/*
 * A stranger that sends half a hello and goes away: the server's read of
 * the hello fails, and the descriptor it accepted is closed, not leaked
 * (issue 9): the process has as many descriptors after the test as before.
 */
Test(tcp, half_hello_stranger_leaves_no_descriptor)
{
	struct lr_test_params p = { .transport = "tcp",
				    .msg_size = 1000,
				    .streams = 2,
				    .bytes = 2000,
				    .interval_s = 1 };
	static struct end s, c;
	uint32_t magic = htonl(0x4c524454u);
	int before = open_fds(), fd;
	uint16_t port;

	setup_pair(&s, &c, &p);
	port = (uint16_t)json_integer_value(json_object_get(s.info, "port"));
	fd = lr_sock_connect("127.0.0.1", port, 1000, NULL);
	cr_assert(fd >= 0);
	cr_assert_eq(lr_sock_write_full(fd, &magic, sizeof(magic), 1000), 0);
	close(fd);
	both(do_connect, &s, &c);
	cr_assert_eq(s.ret, 0);
	cr_assert_eq(c.ret, 0);
	both(do_run, &s, &c);
	cr_assert_eq(s.flow.side.dir[LR_DIR_C2S].bytes, 2000);
	teardown_pair(&s, &c);
	cr_assert_eq(open_fds(), before, "descriptors: %d before, %d after",
		     before, open_fds());
}

Test(tcp, latency_pingpong)
{
	struct lr_test_params p = { .transport = "tcp",
				    .mode = LR_MODE_LAT,
				    .msg_size = 64,
				    .streams = 1,
				    .duration_s = 0.3,
				    .interval_s = 0.1 };
	static struct end s, c;

	setup_pair(&s, &c, &p);
	both(do_connect, &s, &c);
	both(do_run, &s, &c);
	cr_assert_eq(c.ret, 0, "%s", c.flow.side.errmsg);
	cr_assert(c.flow.side.lat.n > 100, "%zu samples", c.flow.side.lat.n);
	cr_assert(c.flow.side.lat.median_us > 0);
	cr_assert(c.flow.side.lat.median_us <= c.flow.side.lat.p99_us);
	cr_assert(c.flow.side.lat.p99_us <= c.flow.side.lat.max_us);
	teardown_pair(&s, &c);
}

Test(tcp, peer_gone_fails_worker)
{
	struct lr_test_params p = { .transport = "tcp",
				    .msg_size = 65536,
				    .streams = 1,
				    .duration_s = 5,
				    .interval_s = 0.1 };
	static struct end s, c;
	uint64_t t0;

	setup_pair(&s, &c, &p);
	both(do_connect, &s, &c);
	s.ops->destroy(s.ep); /* the server vanishes */
	s.ep = NULL;
	t0 = lr_now_ns();
	do_run(&c);
	cr_assert_lt(c.ret, 0);
	cr_assert(lr_now_ns() - t0 < 2000000000ull, "no hang");
	cr_assert(strstr(c.flow.side.errmsg, "tcp send"), "%s",
		  c.flow.side.errmsg);
	teardown_pair(&s, &c);
}
