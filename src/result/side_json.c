// SPDX-License-Identifier: MIT
/* result: one end's measurements to and from JSON (checked: a peer sent it). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/result.h"

static const char *const dir_names[LR_DIR_COUNT] = { "c2s", "s2c" };

static json_t *intervals_to_json(const struct lr_dir_side *ds)
{
	json_t *a = json_array();

	for (unsigned i = 0; i < ds->niv; i++)
		json_array_append_new(a,
				      json_pack("[f, f, I]", ds->iv[i].start_s,
						ds->iv[i].end_s,
						(json_int_t)ds->iv[i].bytes));
	return a;
}

static json_t *lat_to_json(const struct lr_lat_stats *l)
{
	return json_pack("{s:I, s:f, s:f, s:f, s:f, s:f, s:f}", "n",
			 (json_int_t)l->n, "min_us", l->min_us, "median_us",
			 l->median_us, "p99_us", l->p99_us, "p999_us",
			 l->p999_us, "max_us", l->max_us, "mean_us",
			 l->mean_us);
}

json_t *lr_side_to_json(const struct lr_side *s)
{
	json_t *o = json_object(), *dirs = json_object();

	for (int d = 0; d < LR_DIR_COUNT; d++) {
		const struct lr_dir_side *ds = &s->dir[d];
		json_t *dj;

		if (!ds->active)
			continue;
		dj = json_pack("{s:b, s:b, s:I, s:I, s:f, s:o}", "sender",
			       ds->sender, "counted", ds->counted, "bytes",
			       (json_int_t)ds->bytes, "bytes_total",
			       (json_int_t)ds->bytes_total, "seconds",
			       ds->seconds, "intervals", intervals_to_json(ds));
		if (ds->retrans.valid)
			json_object_set_new(
				dj, "retransmits",
				json_pack(
					"{s:I, s:I}", "segments",
					(json_int_t)ds->retrans.segments,
					"segments_sent",
					(json_int_t)ds->retrans.segments_sent));
		json_object_set_new(dirs, dir_names[d], dj);
	}
	json_object_set_new(o, "dirs", dirs);
	if (s->lat.n)
		json_object_set_new(o, "latency", lat_to_json(&s->lat));
	if (s->error)
		json_object_set_new(o, "error", json_string(s->errmsg));
	return o;
}

static int bad(char *err, size_t len, const char *what)
{
	snprintf(err, len, "malformed result from the peer: %s", what);
	return -EPROTO;
}

/*
 * Seconds from a peer: 0, or 1 ns (the clocks' resolution) to max. Below
 * that, bytes / seconds overflows to infinity, which JSON cannot carry:
 * the whole result document would be lost.
 */
static bool secs_ok(const json_t *v, double max)
{
	double x = json_number_value(v);

	return json_is_number(v) && isfinite(x) &&
	       (x == 0 || (x >= 1e-9 && x <= max));
}

static bool count_ok(const json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) >= 0;
}

static int interval_from_json(const json_t *v, struct lr_interval *iv)
{
	json_t *b = json_array_get(v, 2);

	if (!json_is_array(v) || json_array_size(v) != 3 ||
	    !secs_ok(json_array_get(v, 0), 1e7) ||
	    !secs_ok(json_array_get(v, 1), 1e7) || !count_ok(b) ||
	    json_number_value(json_array_get(v, 1)) <
		    json_number_value(json_array_get(v, 0)))
		return -EPROTO;
	iv->start_s = json_number_value(json_array_get(v, 0));
	iv->end_s = json_number_value(json_array_get(v, 1));
	iv->bytes = (uint64_t)json_integer_value(b);
	return 0;
}

/*
 * The peer's retransmits of one direction: absent (its transport counts
 * none), or two counts. Any count up to 2^53 is believed: the ratio is
 * computed here, and a sender whose counters moved between its two reads
 * of one edge may show a few more retransmits than segments.
 */
static int retrans_from_json(const json_t *j, struct lr_retrans *rt)
{
	json_t *n = json_object_get(j, "segments");
	json_t *m = json_object_get(j, "segments_sent");

	if (!j)
		return 0;
	if (!json_is_object(j) || !count_ok(n) || !count_ok(m) ||
	    json_integer_value(n) > (1ll << 53) ||
	    json_integer_value(m) > (1ll << 53))
		return -EPROTO;
	rt->valid = true;
	rt->segments = (uint64_t)json_integer_value(n);
	rt->segments_sent = (uint64_t)json_integer_value(m);
	return 0;
}

static int dir_from_json(const json_t *j, struct lr_dir_side *ds, char *err,
			 size_t len)
{
	json_t *iv = json_object_get(j, "intervals");
	json_int_t b = json_integer_value(json_object_get(j, "bytes"));
	json_int_t bt = json_integer_value(json_object_get(j, "bytes_total"));
	size_t n = json_array_size(iv);

	if (!json_is_boolean(json_object_get(j, "sender")) ||
	    !json_is_boolean(json_object_get(j, "counted")) ||
	    !count_ok(json_object_get(j, "bytes")) ||
	    !count_ok(json_object_get(j, "bytes_total")) || bt < b ||
	    !secs_ok(json_object_get(j, "seconds"), 1e7) || !json_is_array(iv))
		return bad(err, len,
			   "a direction lacks sender, counted, "
			   "bytes, bytes_total, seconds or intervals");
	if (n > LR_MAX_INTERVALS)
		return bad(err, len, "too many intervals");
	if (retrans_from_json(json_object_get(j, "retransmits"), &ds->retrans))
		return bad(err, len,
			   "retransmits are not {segments, segments_sent} "
			   "counts");
	ds->active = true;
	ds->sender = json_is_true(json_object_get(j, "sender"));
	ds->counted = json_is_true(json_object_get(j, "counted"));
	ds->bytes = (uint64_t)b;
	ds->bytes_total = (uint64_t)bt;
	ds->seconds = json_number_value(json_object_get(j, "seconds"));
	ds->iv = calloc(n ? n : 1, sizeof(*ds->iv));
	if (!ds->iv)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (interval_from_json(json_array_get(iv, i), &ds->iv[i]))
			return bad(err, len,
				   "an interval is not "
				   "[start_s, end_s, bytes]");
		ds->niv++;
	}
	return 0;
}

static void lat_from_json(const json_t *j, struct lr_lat_stats *l)
{
	l->n = (size_t)json_integer_value(json_object_get(j, "n"));
	l->min_us = json_number_value(json_object_get(j, "min_us"));
	l->median_us = json_number_value(json_object_get(j, "median_us"));
	l->p99_us = json_number_value(json_object_get(j, "p99_us"));
	l->p999_us = json_number_value(json_object_get(j, "p999_us"));
	l->max_us = json_number_value(json_object_get(j, "max_us"));
	l->mean_us = json_number_value(json_object_get(j, "mean_us"));
}

int lr_side_from_json(const json_t *j, struct lr_side *s, char *err,
		      size_t errlen)
{
	json_t *dirs = json_object_get(j, "dirs"), *e, *v;
	int ret;

	memset(s, 0, sizeof(*s));
	if (!json_is_object(dirs))
		return bad(err, errlen, "no 'dirs' object");
	for (int d = 0; d < LR_DIR_COUNT; d++) {
		v = json_object_get(dirs, dir_names[d]);
		if (v && (ret = dir_from_json(v, &s->dir[d], err, errlen))) {
			lr_side_free(s);
			return ret;
		}
	}
	if ((v = json_object_get(j, "latency")))
		lat_from_json(v, &s->lat);
	e = json_object_get(j, "error");
	if (json_is_string(e)) {
		s->error = -EREMOTEIO;
		snprintf(s->errmsg, sizeof(s->errmsg), "%s",
			 json_string_value(e));
	}
	return 0;
}
