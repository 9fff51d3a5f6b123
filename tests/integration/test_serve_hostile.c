// SPDX-License-Identifier: MIT
/* What a hostile or broken peer can do to 'linerate serve': nothing lasting. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linerate/control.h"
#include "linerate/sock.h"
#include "linerate/util.h"
#include "owned.h"
#include "proc.h"

static struct server srv;

static void up(void)
{
	server_start(&srv);
}

static void down(void)
{
	server_stop(&srv);
}

TestSuite(hostile, .init = up, .fini = down, .timeout = 40);

static int dial(void)
{
	int fd = lr_sock_connect("127.0.0.1", srv.port, 2000, NULL);

	cr_assert(fd >= 0, "connect: %s", strerror(-fd));
	return fd;
}

/* After any abuse, a real test must still pass. */
static void still_serving(void)
{
	struct proc p;
	char peer[64];
	const char *words[] = { "pair", "--duration", "0.3", "--warmup",
				"0",	"--peer",     peer,  NULL };

	snprintf(peer, sizeof(peer), "127.0.0.1:%u", srv.port);
	proc_start(&p, words);
	cr_assert_eq(proc_wait(&p, 10000), 0, "%s", own_str(proc_slurp(p.err)));
	proc_cleanup(&p);
}

/* Whether the server closes fd within timeout_ms (after any reply). */
static bool closed_by_server(int fd, int timeout_ms)
{
	char buf[4096];
	uint64_t end = lr_now_ns() + (uint64_t)timeout_ms * 1000000;

	while (lr_now_ns() < end) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return true;
		lr_sleep_ns(10000000);
	}
	return false;
}

static void send_frame(int fd, const char *text)
{
	uint32_t len = htonl((uint32_t)strlen(text));

	cr_assert_eq(lr_sock_write_full(fd, &len, 4, 1000), 0);
	cr_assert_eq(lr_sock_write_full(fd, text, strlen(text), 1000), 0);
}

static json_t *reply(int fd)
{
	struct lr_ctl c;
	json_t *m = NULL;

	lr_ctl_init(&c, fd, fd, 1 << 20, "server");
	cr_assert_eq(lr_ctl_recv(&c, 3000, &m), 0, "%s", c.err);
	return own_json(m);
}

static const char *msg_text(json_t *m)
{
	return json_string_value(json_object_get(m, "message"));
}

static const char *hello =
	"{\"type\":\"hello\",\"proto\":\"linerate-control\",\"version\":1}";

Test(hostile, http_garbage)
{
	int fd = dial();

	cr_assert_eq(lr_sock_write_full(fd, "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
					27, 1000),
		     0);
	cr_assert(closed_by_server(fd, 3000));
	close(fd);
	cr_assert(server_logged(&srv, "not a linerate peer"));
	still_serving();
}

Test(hostile, oversized_frame)
{
	int fd = dial();
	uint32_t len = htonl(0xfffffff0u);

	cr_assert_eq(lr_sock_write_full(fd, &len, 4, 1000), 0);
	cr_assert(closed_by_server(fd, 3000));
	close(fd);
	cr_assert(server_logged(&srv, "frame of 4294967280 bytes"));
	still_serving();
}

Test(hostile, other_version)
{
	int fd = dial();
	json_t *m;

	send_frame(fd, "{\"type\":\"hello\",\"proto\":\"linerate-control\","
		       "\"version\":99}");
	m = reply(fd);
	cr_assert_str_eq(lr_msg_type(m), "error");
	cr_assert(strstr(msg_text(m), "version 99"), "%s", msg_text(m));
	release(m);
	close(fd);
	still_serving();
}

Test(hostile, too_many_streams)
{
	int fd = dial();
	json_t *m;

	send_frame(fd, hello);
	release(reply(fd));
	send_frame(fd, "{\"type\":\"test\",\"params\":{\"transport\":\"tcp\","
		       "\"streams\":100000,\"duration_s\":1}}");
	m = reply(fd);
	cr_assert_str_eq(lr_msg_type(m), "error");
	cr_assert(strstr(msg_text(m), "streams must be 1 to 128"), "%s",
		  msg_text(m));
	release(m);
	close(fd);
	still_serving();
}

Test(hostile, unknown_transport_and_option)
{
	int fd = dial();
	json_t *m;

	send_frame(fd, hello);
	release(reply(fd));
	send_frame(fd, "{\"type\":\"test\",\"params\":{\"transport\":\"tcp\"},"
		       "\"opts\":{\"rm_rf\":true}}");
	m = reply(fd);
	cr_assert(strstr(msg_text(m), "transport tcp has no option 'rm_rf'"),
		  "%s", msg_text(m));
	release(m);
	close(fd);
	fd = dial();
	send_frame(fd, hello);
	release(reply(fd));
	send_frame(fd,
		   "{\"type\":\"test\",\"params\":{\"transport\":\"ftp\"}}");
	m = reply(fd);
	cr_assert(strstr(msg_text(m), "unknown transport 'ftp'"), "%s",
		  msg_text(m));
	release(m);
	close(fd);
	still_serving();
}

Test(hostile, silent_client_times_out_others_served)
{
	int fd = dial(); /* says nothing at all */

	still_serving();
	close(fd);
}

Test(hostile, out_of_order_message)
{
	int fd = dial();
	json_t *m;

	send_frame(fd, hello);
	release(reply(fd));
	send_frame(fd, "{\"type\":\"start\"}");
	m = reply(fd);
	cr_assert(strstr(msg_text(m), "'start' where 'test' or 'bye'"), "%s",
		  msg_text(m));
	release(m);
	cr_assert(closed_by_server(fd, 3000));
	close(fd);
	still_serving();
}

Test(stdio, session_over_pipes)
{
	int to[2], from[2];
	struct proc p;
	struct lr_ctl c;
	const char *words[] = { "serve", "--stdio", NULL };
	json_t *m;

	cr_assert_eq(pipe(to), 0);
	cr_assert_eq(pipe(from), 0);
	proc_start_fds(&p, words, to[0], from[1]);
	close(to[0]);
	close(from[1]);
	lr_ctl_init(&c, from[0], to[1], 1 << 20, "stdio server");
	cr_assert_eq(lr_ctl_hello_client(&c, 3000, &m), 0, "%s", c.err);
	own_json(m);
	cr_assert_not_null(json_object_get(m, "limits"));
	release(m);
	m = own_json(json_pack("{s:s}", "type", "bye"));
	cr_assert_eq(lr_ctl_send(&c, m), 0);
	release(m);
	cr_assert_eq(proc_wait(&p, 5000), 0);
	close(to[1]);
	close(from[0]);
	proc_cleanup(&p);
}

static int dial_test(const char *test)
{
	int fd = dial();

	send_frame(fd, hello);
	release(reply(fd));
	send_frame(fd, test);
	return fd;
}

Test(hostile, buffer_budget_shared_by_sessions)
{
	/* 64 MiB x 16 streams = 1 GiB each: two fit in 2 GiB, a third not. */
	static const char *big =
		"{\"type\":\"test\",\"params\":{"
		"\"transport\":\"tcp\",\"msg_size\":67108864,\"streams\":16,"
		"\"duration_s\":1}}";
	int a = dial_test(big), b = dial_test(big), c;
	json_t *m;

	m = reply(a);
	cr_assert_str_eq(lr_msg_type(m), "ready");
	release(m);
	m = reply(b);
	cr_assert_str_eq(lr_msg_type(m), "ready");
	release(m);
	c = dial_test(big);
	m = reply(c);
	cr_assert_str_eq(lr_msg_type(m), "error");
	cr_assert(strstr(msg_text(m), "server busy: 2048 MiB of message "
				      "buffers in use"),
		  "%s", msg_text(m));
	release(m);
	close(c);
	close(a); /* gives its budget back */
	close(b);
	lr_sleep_ns(200000000);
	still_serving();
}

/*
 * Clients dialled all at once, then each says hello: the first ones get a
 * session, every other one must read why it was turned away (issue 9:
 * with 40 clients, 8 of 24 refusals read "Broken pipe" and one
 * "Connection reset by peer"). Returns how many were served; refused ones
 * are closed, served ones left in fds[] (-1 for the others).
 */
static unsigned hello_all(int *fds, unsigned n, unsigned *busy)
{
	unsigned served = 0;

	*busy = 0;
	for (unsigned i = 0; i < n; i++)
		fds[i] = dial();
	lr_sleep_ns(300000000); /* the server has turned the last ones away */
	for (unsigned i = 0; i < n; i++) {
		struct lr_ctl c;
		json_t *m = NULL;
		int ret;

		lr_ctl_init(&c, fds[i], fds[i], 1 << 20, "server");
		ret = lr_ctl_hello_client(&c, 5000, &m);
		if (!ret) {
			served++;
			json_decref(m);
			continue;
		}
		cr_assert(strstr(c.err, "server busy"), "client %u of %u: %s",
			  i + 1, n, c.err);
		(*busy)++;
		close(fds[i]);
		fds[i] = -1;
	}
	return served;
}

static void close_all(int *fds, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

Test(hostile, every_refused_client_reads_busy)
{
	int fds[40];
	unsigned busy, served = hello_all(fds, 40, &busy);

	cr_assert_eq(served, LR_CTL_MAX_SESSIONS);
	cr_assert_eq(busy, 40 - LR_CTL_MAX_SESSIONS);
	close_all(fds, 40);
	lr_sleep_ns(200000000);
	still_serving();
}

/* The same with 'linerate pair' as the clients: 24 at once while the 16
 * sessions are taken; each one must say that the server is busy. */
Test(hostile, every_refused_pair_says_busy)
{
	enum { N = 24 };
	int fds[LR_CTL_MAX_SESSIONS];
	struct proc p[N];
	char peer[64];
	const char *words[] = { "pair",	  "--duration", "0.3",
				"--peer", peer,		NULL };
	unsigned busy;

	cr_assert_eq(hello_all(fds, LR_CTL_MAX_SESSIONS, &busy),
		     LR_CTL_MAX_SESSIONS);
	snprintf(peer, sizeof(peer), "127.0.0.1:%u", srv.port);
	for (int i = 0; i < N; i++)
		proc_start(&p[i], words);
	for (int i = 0; i < N; i++) {
		char *err;

		cr_assert_eq(proc_wait(&p[i], 15000), 3);
		err = proc_slurp(p[i].err);
		cr_assert(strstr(err, "server busy"), "client %d of %d: %s",
			  i + 1, N, err);
		free(err);
		proc_cleanup(&p[i]);
	}
	close_all(fds, LR_CTL_MAX_SESSIONS);
}

/* A serve started with a soft RLIMIT_NOFILE of nofile (it inherits it). */
static void serve_with_nofile(unsigned nofile)
{
	struct rlimit rl, low;

	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	low = rl;
	low.rlim_cur = nofile;
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	server_start(&srv);
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
}

TestSuite(fdlimit, .fini = down, .timeout = 60);

/* The case: 'ulimit -n 128' and one test of 58 bidir streams. It
 * cannot fit: refused, with the reason, and serve goes on. */
Test(fdlimit, test_that_cannot_fit_is_refused_with_the_reason)
{
	static const char *wide =
		"{\"type\":\"test\",\"params\":{"
		"\"transport\":\"tcp\",\"msg_size\":65536,\"streams\":58,"
		"\"bidir\":true,\"duration_s\":1}}";
	int fd;
	json_t *m;

	serve_with_nofile(128);
	fd = dial_test(wide);
	m = reply(fd);
	cr_assert_str_eq(lr_msg_type(m), "error");
	cr_assert(strstr(msg_text(m), "needs 124 file descriptors") &&
			  strstr(msg_text(m), "RLIMIT_NOFILE 128") &&
			  strstr(msg_text(m), "ulimit -n"),
		  "%s", msg_text(m));
	release(m);
	close(fd);
	still_serving();
}

/*
 * Out of descriptors at accept(): serve keeps serving (it used to exit on
 * EMFILE, ending every session), tells the clients it cannot take that
 * they are turned away, and takes new ones once descriptors are free.
 */
Test(fdlimit, out_of_descriptors_refuses_and_recovers)
{
	int fds[30], st;
	unsigned busy, served;

	serve_with_nofile(24);
	served = hello_all(fds, 30, &busy);
	cr_assert(served >= 1 && served + busy == 30, "%u served, %u busy",
		  served, busy);
	cr_assert(server_logged(&srv, "accept: Too many open files"));
	close_all(fds, 30);
	lr_sleep_ns(1500000000ull); /* the refusals drain, descriptors free */
	cr_assert_eq(waitpid(srv.proc.pid, &st, WNOHANG), 0, "serve exited");
	served = hello_all(fds, 2, &busy);
	cr_assert_eq(served, 2, "%u busy after recovery", busy);
	close_all(fds, 2);
}
