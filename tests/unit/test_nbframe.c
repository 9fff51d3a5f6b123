// SPDX-License-Identifier: MIT
/* Non-blocking control frames (the coordinator's side): whole frames out
 * of any split of the bytes, bounded input and output, bad frames named. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "linerate/control.h"

static int fds[2];

static void up(void)
{
	cr_assert_eq(pipe(fds), 0);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
}

static void down(void)
{
	close(fds[0]);
	close(fds[1]);
}

TestSuite(nbframe, .init = up, .fini = down);

Test(nbframe, frames_round_trip_split_anywhere)
{
	struct lr_nbf w, r;
	json_t *m = json_pack("{s:s, s:i}", "type", "ping", "n", 7), *got;
	char err[128], bytes[256];
	ssize_t len;
	int n = 0;

	lr_nbf_init(&w, -1, fds[1], 1024, 4096);
	lr_nbf_init(&r, fds[0], -1, 1024, 4096);
	cr_assert_eq(lr_nbf_queue(&w, m), 0);
	cr_assert_eq(lr_nbf_queue(&w, m), 0);
	cr_assert(lr_nbf_pending(&w));
	cr_assert_eq(lr_nbf_flush(&w), 0);
	cr_assert_not(lr_nbf_pending(&w));
	len = read(fds[0], bytes, sizeof(bytes));
	cr_assert_gt(len, 8);
	/* one byte at a time: a frame comes out only when it is whole */
	for (ssize_t i = 0; i < len; i++) {
		int k;

		cr_assert_eq(write(fds[1], bytes + i, 1), 1);
		cr_assert_eq(lr_nbf_fill(&r), 1);
		k = lr_nbf_next(&r, &got, err, sizeof(err));
		cr_assert_geq(k, 0, "%s", err);
		if (!k)
			continue;
		cr_assert_eq(i + 1, (n + 1) * len / 2, "frame %d at byte %zd",
			     n, i);
		cr_assert_str_eq(lr_msg_type(got), "ping");
		cr_assert_eq(json_integer_value(json_object_get(got, "n")), 7);
		json_decref(got);
		n++;
	}
	cr_assert_eq(n, 2);
	cr_assert_eq(lr_nbf_fill(&r), -EAGAIN, "nothing more now");
	json_decref(m);
	lr_nbf_free(&w);
	lr_nbf_free(&r);
}

Test(nbframe, output_queue_is_bounded)
{
	struct lr_nbf w;
	json_t *m = json_pack("{s:s, s:s}", "type", "x", "pad",
			      "0123456789012345678901234567890123456789");
	char *text = json_dumps(m, JSON_COMPACT);
	size_t frame = 4 + strlen(text);
	int ret = 0, queued = 0;

	free(text);
	lr_nbf_init(&w, -1, fds[1], 1024, 256);
	while (!(ret = lr_nbf_queue(&w, m)))
		queued++;
	cr_assert_eq(ret, -ENOBUFS);
	/* as many whole frames as fit in 256 bytes, no more */
	cr_assert_eq((size_t)queued, 256 / frame);
	json_decref(m);
	lr_nbf_free(&w);
}

static void feed(const void *buf, size_t len)
{
	cr_assert_eq(write(fds[1], buf, len), (ssize_t)len);
}

Test(nbframe, oversized_length_is_refused_before_reading_it)
{
	struct lr_nbf r;
	uint32_t len = htonl(1u << 30);
	char err[128];
	json_t *m;

	lr_nbf_init(&r, fds[0], -1, 1024, 0);
	feed(&len, 4);
	cr_assert_eq(lr_nbf_fill(&r), 4);
	cr_assert_eq(lr_nbf_next(&r, &m, err, sizeof(err)), -EMSGSIZE);
	cr_assert(strstr(err, "1073741824 bytes"), "%s", err);
	lr_nbf_free(&r);
}

Test(nbframe, not_an_object_with_a_type_is_refused)
{
	struct lr_nbf r;
	const char body[] = "[1,2]";
	uint32_t len = htonl(sizeof(body) - 1);
	char err[128];
	json_t *m;

	lr_nbf_init(&r, fds[0], -1, 1024, 0);
	feed(&len, 4);
	feed(body, sizeof(body) - 1);
	cr_assert_gt(lr_nbf_fill(&r), 0);
	cr_assert_eq(lr_nbf_next(&r, &m, err, sizeof(err)), -EPROTO);
	lr_nbf_free(&r);
}

Test(nbframe, closed_peer_is_reset)
{
	struct lr_nbf r;

	lr_nbf_init(&r, fds[0], -1, 1024, 0);
	close(fds[1]);
	fds[1] = open("/dev/null", O_WRONLY);
	cr_assert_eq(lr_nbf_fill(&r), -ECONNRESET);
	lr_nbf_free(&r);
}
