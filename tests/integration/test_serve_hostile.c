// SPDX-License-Identifier: MIT
/* What a hostile or broken peer can do to 'linerate serve': nothing lasting. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "linerate/control.h"
#include "linerate/sock.h"
#include "linerate/util.h"
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
	cr_assert_eq(proc_wait(&p, 10000), 0, "%s", proc_slurp(p.err));
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
	return m;
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
	json_decref(m);
	close(fd);
	still_serving();
}

Test(hostile, too_many_streams)
{
	int fd = dial();
	json_t *m;

	send_frame(fd, hello);
	json_decref(reply(fd));
	send_frame(fd, "{\"type\":\"test\",\"params\":{\"transport\":\"tcp\","
		       "\"streams\":100000,\"duration_s\":1}}");
	m = reply(fd);
	cr_assert_str_eq(lr_msg_type(m), "error");
	cr_assert(strstr(msg_text(m), "streams must be 1 to 128"), "%s",
		  msg_text(m));
	json_decref(m);
	close(fd);
	still_serving();
}

Test(hostile, unknown_transport_and_option)
{
	int fd = dial();
	json_t *m;

	send_frame(fd, hello);
	json_decref(reply(fd));
	send_frame(fd, "{\"type\":\"test\",\"params\":{\"transport\":\"tcp\"},"
		       "\"opts\":{\"rm_rf\":true}}");
	m = reply(fd);
	cr_assert(strstr(msg_text(m), "transport tcp has no option 'rm_rf'"),
		  "%s", msg_text(m));
	json_decref(m);
	close(fd);
	fd = dial();
	send_frame(fd, hello);
	json_decref(reply(fd));
	send_frame(fd,
		   "{\"type\":\"test\",\"params\":{\"transport\":\"ftp\"}}");
	m = reply(fd);
	cr_assert(strstr(msg_text(m), "unknown transport 'ftp'"), "%s",
		  msg_text(m));
	json_decref(m);
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
	json_decref(reply(fd));
	send_frame(fd, "{\"type\":\"start\"}");
	m = reply(fd);
	cr_assert(strstr(msg_text(m), "'start' where 'test' or 'bye'"), "%s",
		  msg_text(m));
	json_decref(m);
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
	cr_assert_not_null(json_object_get(m, "limits"));
	json_decref(m);
	m = json_pack("{s:s}", "type", "bye");
	cr_assert_eq(lr_ctl_send(&c, m), 0);
	json_decref(m);
	cr_assert_eq(proc_wait(&p, 5000), 0);
	close(to[1]);
	close(from[0]);
	proc_cleanup(&p);
}

static int dial_test(const char *test)
{
	int fd = dial();

	send_frame(fd, hello);
	json_decref(reply(fd));
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
	json_decref(m);
	m = reply(b);
	cr_assert_str_eq(lr_msg_type(m), "ready");
	json_decref(m);
	c = dial_test(big);
	m = reply(c);
	cr_assert_str_eq(lr_msg_type(m), "error");
	cr_assert(strstr(msg_text(m), "server busy: 2048 MiB of message "
				      "buffers in use"),
		  "%s", msg_text(m));
	json_decref(m);
	close(c);
	close(a); /* gives its budget back */
	close(b);
	lr_sleep_ns(200000000);
	still_serving();
}
