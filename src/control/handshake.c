// SPDX-License-Identifier: MIT
/* control channel: the versioned hello both ends send first. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "linerate/control.h"
#include "linerate/util.h"

static json_t *hello_msg(void)
{
	char host[256] = "";

	gethostname(host, sizeof(host) - 1);
	return json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", "hello", "proto",
			 LR_CTL_PROTO, "version", LR_CTL_VERSION, "software",
			 "linerate " LINERATE_VERSION, "host", host);
}

/* Whether m is a hello of our protocol and version; c->err says why not. */
static int check_hello(struct lr_ctl *c, const json_t *m)
{
	const char *proto = json_string_value(json_object_get(m, "proto"));
	json_t *v = json_object_get(m, "version");

	if (!proto || strcmp(proto, LR_CTL_PROTO) || !json_is_integer(v)) {
		snprintf(c->err, sizeof(c->err), "%s does not speak %s",
			 c->peer, LR_CTL_PROTO);
		return -EPROTO;
	}
	if (json_integer_value(v) != LR_CTL_VERSION) {
		snprintf(c->err, sizeof(c->err),
			 "%s speaks %s version %lld; "
			 "this linerate speaks version %d only",
			 c->peer, LR_CTL_PROTO,
			 (long long)json_integer_value(v), LR_CTL_VERSION);
		return -EPROTONOSUPPORT;
	}
	return 0;
}

int lr_ctl_hello_client(struct lr_ctl *c, int timeout_ms, json_t **server_hello)
{
	return lr_ctl_hello_client_secret(c, timeout_ms, NULL, server_hello);
}

int lr_ctl_hello_client_secret(struct lr_ctl *c, int timeout_ms,
			       const char *secret, json_t **server_hello)
{
	json_t *m = hello_msg(), *reply;
	int ret;

	if (secret)
		json_object_set_new(m, "secret", json_string(secret));
	ret = lr_ctl_send(c, m);

	json_decref(m);
	if (ret)
		return lr_ctl_last_word(c, ret);
	ret = lr_ctl_expect(c, "hello", timeout_ms, &reply);
	if (ret)
		return ret;
	ret = check_hello(c, reply);
	if (ret) {
		json_decref(reply);
		return ret;
	}
	*server_hello = reply;
	return 0;
}

/* Compare in time independent of where the strings differ. */
static bool same_secret(const char *want, const char *got)
{
	size_t n = strlen(want), m = got ? strlen(got) : 0;
	unsigned char d = n != m;

	for (size_t i = 0; i < n; i++)
		d |= (unsigned char)want[i] ^
		     (unsigned char)(i < m ? got[i] : 0);
	return !d;
}

int lr_ctl_hello_server(struct lr_ctl *c)
{
	return lr_ctl_hello_server_secret(c, NULL);
}

int lr_ctl_hello_server_secret(struct lr_ctl *c, const char *secret)
{
	json_t *m, *reply;
	int ret = lr_ctl_expect(c, "hello", LR_CTL_HANDSHAKE_MS, &m);

	if (ret)
		return ret;
	ret = check_hello(c, m);
	if (!ret && secret &&
	    !same_secret(secret,
			 json_string_value(json_object_get(m, "secret")))) {
		snprintf(c->err, sizeof(c->err),
			 "%s did not present this run's secret", c->peer);
		ret = -EACCES;
	}
	json_decref(m);
	if (ret) {
		lr_ctl_send_error(c, "%s", c->err);
		return ret;
	}
	reply = hello_msg();
	json_object_set_new(reply, "limits",
			    json_pack("{s:i, s:I, s:f, s:i}", "max_streams",
				      LR_MAX_STREAMS, "max_msg_size",
				      (json_int_t)LR_MAX_MSG_SIZE,
				      "max_duration_s", LR_MAX_DURATION_S,
				      "max_frame", LR_CTL_MAX_FRAME_SERVER));
	ret = lr_ctl_send(c, reply);
	json_decref(reply);
	return ret;
}
