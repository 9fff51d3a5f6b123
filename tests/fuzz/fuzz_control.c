// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the byte stream a peer sends on the control channel, read
 * through the real frame reader (lr_ctl_recv on a memfd: the same path as
 * a pipe, --stdio). Replies go to /dev/null.
 *
 * The first byte picks the end under attack:
 * - even: a server. Its hello check takes the first frame (frames up to
 *   64 KiB), then each 'test' is decoded as serve decodes it.
 * - odd: a client. It sends its hello, checks the server's, then takes
 *   'connected' and 'result' messages as pair does, and renders the result.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

static int stream_fd(const uint8_t *data, size_t size)
{
	int fd = memfd_create("ctl", MFD_CLOEXEC);

	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size);
	FUZZ_CHECK(lseek(fd, 0, SEEK_SET) == 0);
	return fd;
}

static void server_message(const json_t *m)
{
	const struct lr_transport_ops *ops;
	struct lr_test_params p;
	const json_t *opts = json_object_get(m, "opts");
	char err[256];

	if (strcmp(lr_msg_type(m), "test") ||
	    lr_params_from_json(json_object_get(m, "params"), &p, err,
				sizeof(err)))
		return;
	ops = lr_transport_find(p.transport);
	if (ops && !lr_transport_check_opts(ops, opts, err, sizeof(err)))
		ops->check(&p, opts, err, sizeof(err));
}

static void client_message(const json_t *m, json_t *peer)
{
	struct lr_test_params p;
	struct lr_side s;
	char err[256];

	if (!strcmp(lr_msg_type(m), "connected"))
		json_object_update(peer, json_object_get(m, "peer"));
	if (strcmp(lr_msg_type(m), "result") ||
	    lr_side_from_json(json_object_get(m, "side"), &s, err, sizeof(err)))
		return;
	lr_params_default(&p);
	p.bidir = true;
	fuzz_render(&p, &s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int null = -1;
	bool client = size && (data[0] & 1);
	json_t *m, *peer = json_object();
	struct lr_ctl c;
	int fd, ret;

	fuzz_init();
	if (null < 0)
		null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	fd = stream_fd(data + !!size, size - !!size);
	lr_ctl_init(&c, fd, null,
		    client ? LR_CTL_MAX_FRAME_CLIENT : LR_CTL_MAX_FRAME_SERVER,
		    "fuzz");
	if (client) {
		ret = lr_ctl_hello_client(&c, 1000, &m);
		if (!ret)
			json_decref(m);
	} else {
		ret = lr_ctl_hello_server(&c);
	}
	while (!ret && !(ret = lr_ctl_recv(&c, 1000, &m))) {
		if (client)
			client_message(m, peer);
		else
			server_message(m);
		json_decref(m);
	}
	json_decref(peer);
	close(fd);
	return 0;
}
