// SPDX-License-Identifier: MIT
/* control channel: test parameters, checked field by field. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "linerate/control.h"
#include "linerate/util.h"

void lr_params_default(struct lr_test_params *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->transport, sizeof(p->transport), "tcp");
	p->mode = LR_MODE_BW;
	p->msg_size = 128 * 1024;
	p->streams = 1;
	p->duration_s = 10;
	p->warmup_s = 1;
	p->interval_s = 1;
}

int lr_params_check(const struct lr_test_params *p, char *err, size_t len)
{
	const char *why = NULL;

	if (p->msg_size < 1 || p->msg_size > LR_MAX_MSG_SIZE)
		why = "msg_size must be 1 byte to 64 MiB";
	else if (p->streams < 1 || p->streams > LR_MAX_STREAMS)
		why = "streams must be 1 to 128";
	else if (!p->bytes &&
		 !(p->duration_s > 0 && p->duration_s <= LR_MAX_DURATION_S))
		why = "duration_s must be above 0 and at most 86400";
	else if (!(p->warmup_s >= 0 && p->warmup_s <= 3600))
		why = "warmup_s must be 0 to 3600";
	else if (!(p->interval_s >= 0.01 && p->interval_s <= 3600))
		why = "interval_s must be 0.01 to 3600";
	else if (!p->bytes && p->duration_s / p->interval_s > LR_MAX_INTERVALS)
		why = "duration_s / interval_s must be at most 100000";
	else if (lr_test_buffers(p) > LR_MAX_TEST_BUFFERS)
		why = "msg_size x streams x directions must be at most 1 GiB";
	else if (p->bytes && p->bytes < p->streams)
		why = "bytes must be at least one per stream";
	else if (p->bytes && p->warmup_s > 0)
		why = "a fixed byte count takes no warm-up";
	else if (p->mode == LR_MODE_LAT && p->bytes)
		why = "latency mode runs for a duration, not a byte count";
	if (!why)
		return 0;
	snprintf(err, len, "%s", why);
	return -EINVAL;
}

static const char *const known[] = {
	"transport", "mode",  "msg_size",   "streams", "duration_s",
	"warmup_s",  "bytes", "interval_s", "bidir",   "reverse",
};

static int unknown_key(const json_t *j, char *err, size_t len)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)j, key, v) {
		size_t i;

		for (i = 0; i < LR_ARRAY_SIZE(known); i++)
			if (!strcmp(key, known[i]))
				break;
		if (i == LR_ARRAY_SIZE(known)) {
			snprintf(err, len, "unknown test parameter '%.64s'",
				 key);
			return -EINVAL;
		}
	}
	return 0;
}

static int get_uint(const json_t *j, const char *key, uint64_t *out, char *err,
		    size_t len)
{
	json_t *v = json_object_get(j, key);

	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		snprintf(err, len, "'%s' must be a non-negative integer", key);
		return -EINVAL;
	}
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int get_real(const json_t *j, const char *key, double *out, char *err,
		    size_t len)
{
	json_t *v = json_object_get(j, key);

	if (!v)
		return 0;
	if (!json_is_number(v) || !isfinite(json_number_value(v))) {
		snprintf(err, len, "'%s' must be a number", key);
		return -EINVAL;
	}
	*out = json_number_value(v);
	return 0;
}

static int get_bool(const json_t *j, const char *key, bool *out, char *err,
		    size_t len)
{
	json_t *v = json_object_get(j, key);

	if (!v)
		return 0;
	if (!json_is_boolean(v)) {
		snprintf(err, len, "'%s' must be true or false", key);
		return -EINVAL;
	}
	*out = json_is_true(v);
	return 0;
}

static int get_strings(const json_t *j, struct lr_test_params *p, char *err,
		       size_t len)
{
	const char *t = json_string_value(json_object_get(j, "transport"));
	const char *m = json_string_value(json_object_get(j, "mode"));

	if (!t || strlen(t) >= sizeof(p->transport)) {
		snprintf(err, len, "'transport' must name a transport");
		return -EINVAL;
	}
	snprintf(p->transport, sizeof(p->transport), "%s", t);
	if (m && strcmp(m, "bandwidth") && strcmp(m, "latency")) {
		snprintf(err, len, "'mode' must be bandwidth or latency");
		return -EINVAL;
	}
	p->mode = m && !strcmp(m, "latency") ? LR_MODE_LAT : LR_MODE_BW;
	return 0;
}

int lr_params_from_json(const json_t *j, struct lr_test_params *p, char *err,
			size_t len)
{
	uint64_t streams = 1;

	lr_params_default(p);
	p->warmup_s = 0;
	if (!json_is_object(j)) {
		snprintf(err, len, "test parameters must be an object");
		return -EINVAL;
	}
	if (unknown_key(j, err, len) || get_strings(j, p, err, len) ||
	    get_uint(j, "msg_size", &p->msg_size, err, len) ||
	    get_uint(j, "streams", &streams, err, len) ||
	    get_uint(j, "bytes", &p->bytes, err, len) ||
	    get_real(j, "duration_s", &p->duration_s, err, len) ||
	    get_real(j, "warmup_s", &p->warmup_s, err, len) ||
	    get_real(j, "interval_s", &p->interval_s, err, len) ||
	    get_bool(j, "bidir", &p->bidir, err, len) ||
	    get_bool(j, "reverse", &p->reverse, err, len))
		return -EINVAL;
	if (streams > LR_MAX_STREAMS) {
		snprintf(err, len, "streams must be 1 to 128");
		return -EINVAL;
	}
	p->streams = (uint32_t)streams;
	if (p->bytes)
		p->duration_s = 0;
	return lr_params_check(p, err, len);
}
