// SPDX-License-Identifier: MIT
/* control channel: length-prefixed JSON frames. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/control.h"
#include "linerate/util.h"
#include "linerate/sock.h"

#define CTL_WRITE_MS 10000
#define LAST_WORD_MS 1000 /* for the peer's error after a failed send */

void lr_ctl_init(struct lr_ctl *c, int rfd, int wfd, size_t max_frame,
		 const char *peer)
{
	memset(c, 0, sizeof(*c));
	c->rfd = rfd;
	c->wfd = wfd;
	c->max_frame = max_frame;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
}

static int fail(struct lr_ctl *c, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct lr_ctl *c, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	return ret;
}

/* A frame leaves in one write (length and body together): a peer that
 * closes early meets one write, not the second of two. */
int lr_ctl_send(struct lr_ctl *c, const json_t *msg)
{
	char *text = json_dumps(msg, JSON_COMPACT), *frame;
	size_t n;
	uint32_t len;
	int ret;

	if (!text)
		return fail(c, -ENOMEM, "cannot encode a message");
	n = strlen(text);
	frame = malloc(sizeof(len) + n);
	if (!frame) {
		free(text);
		return fail(c, -ENOMEM, "cannot encode a message");
	}
	len = htonl((uint32_t)n);
	memcpy(frame, &len, sizeof(len));
	memcpy(frame + sizeof(len), text, n);
	ret = lr_sock_write_full(c->wfd, frame, sizeof(len) + n, CTL_WRITE_MS);
	free(frame);
	free(text);
	if (ret)
		return fail(c, ret, "cannot send to %s: %s", c->peer,
			    strerror(-ret));
	return 0;
}

static int read_err(struct lr_ctl *c, int ret, int timeout_ms)
{
	if (ret == -ETIMEDOUT)
		return fail(c, ret, "%s sent nothing for %d ms", c->peer,
			    timeout_ms);
	if (ret == -ECONNRESET)
		return fail(c, ret, "%s closed the control connection",
			    c->peer);
	return fail(c, ret, "cannot read from %s: %s", c->peer, strerror(-ret));
}

static int parse_frame(struct lr_ctl *c, const char *buf, size_t len,
		       json_t **msg)
{
	json_error_t je;
	json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);

	if (!j)
		return fail(c, -EPROTO,
			    "%s sent a frame that is not JSON: "
			    "%s at byte %d",
			    c->peer, je.text, je.position);
	if (!json_is_object(j) || !lr_msg_type(j)) {
		json_decref(j);
		return fail(c, -EPROTO, "%s sent a frame without a \"type\"",
			    c->peer);
	}
	*msg = j;
	return 0;
}

int lr_ctl_recv(struct lr_ctl *c, int timeout_ms, json_t **msg)
{
	uint32_t len;
	char *buf;
	int ret;

	ret = lr_sock_read_full(c->rfd, &len, sizeof(len), timeout_ms);
	if (ret)
		return read_err(c, ret, timeout_ms);
	len = ntohl(len);
	if (len == 0 || len > c->max_frame)
		return fail(c, -EMSGSIZE,
			    "%s sent a frame of %u bytes "
			    "(expected 1 to %zu): not a linerate peer?",
			    c->peer, len, c->max_frame);
	buf = malloc(len);
	if (!buf)
		return fail(c, -ENOMEM, "no memory for a %u-byte frame", len);
	ret = lr_sock_read_full(c->rfd, buf, len, timeout_ms);
	if (!ret)
		ret = parse_frame(c, buf, len, msg);
	else
		read_err(c, ret, timeout_ms);
	free(buf);
	return ret;
}

const char *lr_msg_type(const json_t *msg)
{
	return json_string_value(json_object_get(msg, "type"));
}

int lr_ctl_expect(struct lr_ctl *c, const char *type, int timeout_ms,
		  json_t **msg)
{
	json_t *m;
	int ret = lr_ctl_recv(c, timeout_ms, &m);

	if (ret)
		return ret;
	if (!strcmp(lr_msg_type(m), "error")) {
		const char *e =
			json_string_value(json_object_get(m, "message"));

		fail(c, -EREMOTEIO, "%s: %s", c->peer, e ? e : "error");
		json_decref(m);
		return -EREMOTEIO;
	}
	if (strcmp(lr_msg_type(m), type)) {
		fail(c, -EPROTO, "%s sent '%s' where '%s' was expected",
		     c->peer, lr_msg_type(m), type);
		json_decref(m);
		return -EPROTO;
	}
	*msg = m;
	return 0;
}

int lr_ctl_last_word(struct lr_ctl *c, int send_err)
{
	char saved[sizeof(c->err)];
	json_t *m;
	const char *e;

	memcpy(saved, c->err, sizeof(saved));
	if (lr_ctl_recv(c, LAST_WORD_MS, &m)) {
		memcpy(c->err, saved, sizeof(saved));
		return send_err;
	}
	e = json_string_value(json_object_get(m, "message"));
	if (strcmp(lr_msg_type(m), "error") || !e) {
		json_decref(m);
		memcpy(c->err, saved, sizeof(saved));
		return send_err;
	}
	fail(c, -EREMOTEIO, "%s: %s", c->peer, e);
	json_decref(m);
	return -EREMOTEIO;
}

void lr_ctl_send_error(struct lr_ctl *c, const char *fmt, ...)
{
	char text[512];
	va_list ap;
	json_t *m;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	m = json_pack("{s:s, s:s}", "type", "error", "message", text);
	lr_ctl_send(c, m);
	json_decref(m);
}
