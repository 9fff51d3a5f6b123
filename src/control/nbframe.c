// SPDX-License-Identifier: MIT
/*
 * control channel: the same frames as frame.c on non-blocking descriptors,
 * for one event loop over many peers. Input is bounded by the largest
 * frame, output by a queue limit; nothing here blocks.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linerate/control.h"

#define NBF_READ_CHUNK (64u * 1024)

void lr_nbf_init(struct lr_nbf *b, int rfd, int wfd, size_t max_frame,
		 size_t max_queue)
{
	memset(b, 0, sizeof(*b));
	b->rfd = rfd;
	b->wfd = wfd;
	b->max_frame = max_frame;
	b->max_queue = max_queue;
}

void lr_nbf_free(struct lr_nbf *b)
{
	free(b->in);
	free(b->out);
	b->in = b->out = NULL;
	b->in_len = b->out_len = b->out_off = 0;
	b->in_cap = b->out_cap = 0;
}

static int grow(char **buf, size_t *cap, size_t want)
{
	size_t c = *cap ? *cap : 4096;
	char *v;

	while (c < want)
		c *= 2;
	if (c == *cap)
		return 0;
	v = realloc(*buf, c);
	if (!v)
		return -ENOMEM;
	*buf = v;
	*cap = c;
	return 0;
}

int lr_nbf_fill(struct lr_nbf *b)
{
	size_t room = 4 + b->max_frame - b->in_len;
	ssize_t n;

	if (room > NBF_READ_CHUNK)
		room = NBF_READ_CHUNK;
	if (!room)
		return -EMSGSIZE;
	if (grow(&b->in, &b->in_cap, b->in_len + room))
		return -ENOMEM;
	n = read(b->rfd, b->in + b->in_len, room);
	if (n < 0)
		return errno == EINTR ? -EAGAIN : -errno;
	if (n == 0)
		return -ECONNRESET;
	b->in_len += (size_t)n;
	return (int)n;
}

int lr_nbf_next(struct lr_nbf *b, json_t **msg, char *err, size_t len)
{
	json_error_t je;
	uint32_t n;
	json_t *j;

	if (b->in_len < 4)
		return 0;
	memcpy(&n, b->in, 4);
	n = ntohl(n);
	if (n == 0 || n > b->max_frame) {
		snprintf(err, len, "a frame of %u bytes (expected 1 to %zu)", n,
			 b->max_frame);
		return -EMSGSIZE;
	}
	if (b->in_len < 4 + (size_t)n)
		return 0;
	j = json_loadb(b->in + 4, n, JSON_REJECT_DUPLICATES, &je);
	b->in_len -= 4 + (size_t)n;
	memmove(b->in, b->in + 4 + n, b->in_len);
	if (!j || !json_is_object(j) || !lr_msg_type(j)) {
		snprintf(err, len,
			 "a frame that is not a JSON object with a "
			 "\"type\"");
		json_decref(j);
		return -EPROTO;
	}
	*msg = j;
	return 1;
}

int lr_nbf_queue(struct lr_nbf *b, const json_t *msg)
{
	char *text = json_dumps(msg, JSON_COMPACT);
	size_t n = text ? strlen(text) : 0;
	uint32_t be = htonl((uint32_t)n);
	int ret = 0;

	if (!text)
		return -ENOMEM;
	if (b->out_len - b->out_off + 4 + n > b->max_queue) {
		ret = -ENOBUFS;
		goto out;
	}
	if (b->out_off) {
		memmove(b->out, b->out + b->out_off, b->out_len - b->out_off);
		b->out_len -= b->out_off;
		b->out_off = 0;
	}
	ret = grow(&b->out, &b->out_cap, b->out_len + 4 + n);
	if (ret)
		goto out;
	memcpy(b->out + b->out_len, &be, 4);
	memcpy(b->out + b->out_len + 4, text, n);
	b->out_len += 4 + n;
out:
	free(text);
	return ret;
}

bool lr_nbf_pending(const struct lr_nbf *b)
{
	return b->out_len > b->out_off;
}

int lr_nbf_flush(struct lr_nbf *b)
{
	while (lr_nbf_pending(b)) {
		ssize_t n = write(b->wfd, b->out + b->out_off,
				  b->out_len - b->out_off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 1;
		if (n < 0)
			return -errno;
		b->out_off += (size_t)n;
	}
	b->out_len = b->out_off = 0;
	return 0;
}
