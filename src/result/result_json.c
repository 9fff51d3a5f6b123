// SPDX-License-Identifier: MIT
/* result: the document "linerate.result/1". */
#include <string.h>

#include "linerate/result.h"
#include "linerate/util.h"

static const char *const dir_names[LR_DIR_COUNT] = { "c2s", "s2c" };

json_t *lr_params_to_json(const struct lr_test_params *p)
{
	json_t *o = json_pack("{s:s, s:s, s:I, s:i, s:f, s:b, s:b}",
			      "transport", p->transport, "mode",
			      p->mode == LR_MODE_LAT ? "latency" : "bandwidth",
			      "msg_size", (json_int_t)p->msg_size, "streams",
			      (int)p->streams, "interval_s", p->interval_s,
			      "bidir", p->bidir, "reverse", p->reverse);

	if (p->bytes) {
		json_object_set_new(o, "bytes",
				    json_integer((json_int_t)p->bytes));
	} else {
		json_object_set_new(o, "duration_s", json_real(p->duration_s));
		json_object_set_new(o, "warmup_s", json_real(p->warmup_s));
	}
	return o;
}

static json_t *intervals_json(const struct lr_dir_side *ds)
{
	json_t *a = json_array();

	for (unsigned i = 0; ds && i < ds->niv; i++) {
		const struct lr_interval *iv = &ds->iv[i];

		json_array_append_new(
			a,
			json_pack("{s:f, s:f, s:I, s:f}", "start_s",
				  iv->start_s, "end_s", iv->end_s, "bytes",
				  (json_int_t)iv->bytes, "gbps",
				  lr_gbps(iv->bytes, iv->end_s - iv->start_s)));
	}
	return a;
}

static json_t *opt_rate(bool have, uint64_t bytes, double s)
{
	return have ? json_real(lr_gbps(bytes, s)) : json_null();
}

static json_t *opt_int(bool have, uint64_t v)
{
	return have ? json_integer((json_int_t)v) : json_null();
}

/* Retransmitted segments of the sender's connections, null if unknown. */
static json_t *retrans_json(const struct lr_retrans *rt)
{
	if (!rt->valid)
		return json_null();
	return json_pack(
		"{s:I, s:I, s:o}", "segments", (json_int_t)rt->segments,
		"segments_sent", (json_int_t)rt->segments_sent, "ratio",
		rt->segments_sent ? json_real((double)rt->segments /
					      (double)rt->segments_sent) :
				    json_null());
}

static json_t *dir_json(const struct lr_dir_result *dr, int d)
{
	const struct lr_rate_stats *st = &dr->iv_stats;
	bool c2s = d == LR_DIR_C2S;
	json_t *o;

	o = json_pack(
		"{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:f, s:s?, "
		"s:o, s:o, s:o, s:{s:i, s:f, s:f, s:f, s:f}}",
		"direction", dir_names[d], "sender", c2s ? "client" : "server",
		"receiver", c2s ? "server" : "client", "bytes_sent",
		opt_int(dr->have_sender, dr->bytes_sent), "bytes_received",
		opt_int(dr->have_receiver, dr->bytes_received),
		"sender_seconds",
		dr->have_sender ? json_real(dr->sender_s) : json_null(),
		"receiver_seconds",
		dr->have_receiver ? json_real(dr->receiver_s) : json_null(),
		"gbps", dr->gbps, "authority", dr->authority, "sender_gbps",
		opt_rate(dr->have_sender, dr->bytes_sent, dr->sender_s),
		"receiver_gbps",
		opt_rate(dr->have_receiver, dr->bytes_received, dr->receiver_s),
		"intervals", intervals_json(dr->auth), "interval_gbps", "n",
		(int)st->n, "min", st->min_gbps, "median", st->median_gbps,
		"max", st->max_gbps, "mean", st->mean_gbps);
	json_object_set_new(o, "retransmits", retrans_json(&dr->retrans));
	return o;
}

/* The non-empty buckets of the latency histogram: [[ns, count], ...]. */
static json_t *histogram_json(const struct lr_lat_stats *l)
{
	json_t *b = json_array();

	for (size_t i = 0; i < l->nbuckets; i++)
		json_array_append_new(
			b, json_pack("[I, I]", (json_int_t)l->buckets[i].ns,
				     (json_int_t)l->buckets[i].count));
	return json_pack("{s:i, s:s, s:o}", "significant_digits", 3, "unit",
			 "ns", "buckets", b);
}

static json_t *latency_json(const struct lr_lat_stats *l)
{
	return json_pack("{s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:s, s:o}",
			 "samples", (json_int_t)l->n, "min_us", l->min_us,
			 "median_us", l->median_us, "p99_us", l->p99_us,
			 "p999_us", l->p999_us, "max_us", l->max_us, "mean_us",
			 l->mean_us, "definition",
			 "half of a round trip, every round trip inside the "
			 "measured window",
			 "histogram", histogram_json(l));
}

json_t *lr_result_to_json(const struct lr_result *r)
{
	json_t *doc, *dirs = json_array();
	double total = 0;

	for (int d = 0; d < LR_DIR_COUNT; d++) {
		if (!r->dir[d].active)
			continue;
		json_array_append_new(dirs, dir_json(&r->dir[d], d));
		total += r->dir[d].gbps;
	}
	doc = json_pack(
		"{s:s, s:{s:s, s:s}, s:s, s:{s:s, s:s}, s:o, s:O, "
		"s:O, s:O, s:o, s:f}",
		"schema", LR_RESULT_SCHEMA, "software", "name", "linerate",
		"version", LINERATE_VERSION, "started", r->started, "units",
		"gbps", "10^9 bits of payload per second", "bytes",
		"payload bytes", "params", lr_params_to_json(&r->params),
		"transport_options", r->opts, "local", r->local, "peer",
		r->peer, "directions", dirs, "total_gbps", total);
	if (r->params.mode == LR_MODE_LAT)
		json_object_set_new(doc, "latency",
				    latency_json(&r->local_side.lat));
	if (r->counters)
		json_object_set(doc, "counters", r->counters);
	json_object_set(doc, "errors", r->errors);
	json_object_set_new(doc, "status",
			    json_string(lr_result_ok(r) ? "ok" : "error"));
	return doc;
}
