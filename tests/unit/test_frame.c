// SPDX-License-Identifier: MIT
/* The control channel's framing and handshake over a socketpair. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "linerate/control.h"
#include "owned.h"

static int sp[2];
static struct lr_ctl a, b;

static void setup(void)
{
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	lr_ctl_init(&a, sp[0], sp[0], 1024, "peer-a");
	lr_ctl_init(&b, sp[1], sp[1], 1024, "peer-b");
}

static void teardown(void)
{
	close(sp[0]);
	close(sp[1]);
}

static void raw(const void *buf, size_t len)
{
	cr_assert_eq(write(sp[0], buf, len), (ssize_t)len);
}

static void raw_frame(const char *text)
{
	uint32_t len = htonl((uint32_t)strlen(text));

	raw(&len, 4);
	raw(text, strlen(text));
}

TestSuite(frame, .init = setup, .fini = teardown);

/* lr_ctl_recv and lr_ctl_expect, what they return owned (owned.h). */
static int recv_owned(struct lr_ctl *c, int timeout_ms, json_t **r)
{
	int ret;

	*r = NULL;
	ret = lr_ctl_recv(c, timeout_ms, r);
	if (!ret)
		own_json(*r);
	return ret;
}

static int expect_owned(struct lr_ctl *c, const char *type, int timeout_ms,
			json_t **r)
{
	int ret;

	*r = NULL;
	ret = lr_ctl_expect(c, type, timeout_ms, r);
	if (!ret)
		own_json(*r);
	return ret;
}

Test(frame, roundtrip)
{
	json_t *m = own_json(json_pack("{s:s, s:i}", "type", "ping", "n", 42));
	json_t *r;

	cr_assert_eq(lr_ctl_send(&a, m), 0);
	cr_assert_eq(recv_owned(&b, 1000, &r), 0);
	cr_assert_str_eq(lr_msg_type(r), "ping");
	cr_assert_eq(json_integer_value(json_object_get(r, "n")), 42);
	release(m);
	release(r);
}

Test(frame, oversized_frame_rejected_without_allocation)
{
	uint32_t len = htonl(0x7fffffff);
	json_t *r;

	raw(&len, 4);
	cr_assert_eq(recv_owned(&b, 1000, &r), -EMSGSIZE);
	cr_assert(strstr(b.err, "frame of 2147483647 bytes"), "%s", b.err);
}

Test(frame, http_garbage_rejected)
{
	json_t *r;

	raw("GET / HTTP/1.1\r\n\r\n", 18);
	cr_assert_eq(recv_owned(&b, 1000, &r), -EMSGSIZE);
	cr_assert(strstr(b.err, "not a linerate peer"), "%s", b.err);
}

Test(frame, not_json_rejected)
{
	json_t *r;

	raw_frame("{\"type\": nope}");
	cr_assert_eq(recv_owned(&b, 1000, &r), -EPROTO);
	cr_assert(strstr(b.err, "not JSON"), "%s", b.err);
}

Test(frame, frame_without_type_rejected)
{
	json_t *r;

	raw_frame("[1,2,3]");
	cr_assert_eq(recv_owned(&b, 1000, &r), -EPROTO);
	raw_frame("{\"type\":5}");
	cr_assert_eq(recv_owned(&b, 1000, &r), -EPROTO);
	cr_assert(strstr(b.err, "without a \"type\""), "%s", b.err);
}

Test(frame, duplicate_keys_rejected)
{
	json_t *r;

	raw_frame("{\"type\":\"a\",\"type\":\"b\"}");
	cr_assert_eq(recv_owned(&b, 1000, &r), -EPROTO);
}

Test(frame, truncated_frame_and_close)
{
	uint32_t len = htonl(100);
	json_t *r;

	raw(&len, 4);
	raw("{\"ty", 4);
	shutdown(sp[0], SHUT_WR);
	cr_assert_eq(recv_owned(&b, 1000, &r), -ECONNRESET);
	cr_assert(strstr(b.err, "closed the control connection"), "%s", b.err);
}

Test(frame, silence_times_out)
{
	json_t *r;

	cr_assert_eq(recv_owned(&b, 100, &r), -ETIMEDOUT);
	cr_assert(strstr(b.err, "sent nothing for 100 ms"), "%s", b.err);
}

Test(frame, error_frame_surfaces_message)
{
	json_t *r;

	raw_frame("{\"type\":\"error\",\"message\":\"test refused: why\"}");
	cr_assert_eq(expect_owned(&b, "ready", 1000, &r), -EREMOTEIO);
	cr_assert(strstr(b.err, "test refused: why"), "%s", b.err);
}

Test(frame, unexpected_type)
{
	json_t *r;

	raw_frame("{\"type\":\"start\"}");
	cr_assert_eq(expect_owned(&b, "ready", 1000, &r), -EPROTO);
	cr_assert(strstr(b.err, "sent 'start' where 'ready' was expected"),
		  "%s", b.err);
}

static void *server_side(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)lr_ctl_hello_server(&b);
}

Test(frame, handshake_ok)
{
	pthread_t th;
	json_t *hello;
	void *ret;

	pthread_create(&th, NULL, server_side, NULL);
	cr_assert_eq(lr_ctl_hello_client(&a, 1000, &hello), 0, "%s", a.err);
	own_json(hello);
	pthread_join(th, &ret);
	cr_assert_eq((intptr_t)ret, 0);
	cr_assert_eq(json_integer_value(json_object_get(hello, "version")),
		     LR_CTL_VERSION);
	cr_assert_not_null(json_object_get(hello, "limits"));
	release(hello);
}

Test(frame, other_protocol_version_rejected_clearly)
{
	pthread_t th;
	void *ret;
	json_t *r;

	pthread_create(&th, NULL, server_side, NULL);
	raw_frame("{\"type\":\"hello\",\"proto\":\"linerate-control\","
		  "\"version\":2}");
	pthread_join(th, &ret);
	cr_assert_eq((intptr_t)ret, -EPROTONOSUPPORT);
	cr_assert_eq(expect_owned(&a, "hello", 1000, &r), -EREMOTEIO);
	cr_assert(strstr(a.err, "version 2; this linerate speaks version 1"),
		  "%s", a.err);
}

Test(frame, other_protocol_rejected)
{
	pthread_t th;
	void *ret;

	pthread_create(&th, NULL, server_side, NULL);
	raw_frame("{\"type\":\"hello\",\"proto\":\"iperf\",\"version\":1}");
	pthread_join(th, &ret);
	cr_assert_eq((intptr_t)ret, -EPROTO);
	cr_assert(strstr(b.err, "does not speak linerate-control"), "%s",
		  b.err);
}
