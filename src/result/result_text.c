// SPDX-License-Identifier: MIT
/* result: the short human table. */
#include <string.h>

#include "linerate/result.h"
#include "linerate/util.h"

static const char *jstr(const json_t *o, const char *a, const char *b)
{
	const json_t *v = json_object_get(o, a);
	const char *s;

	if (b)
		v = json_object_get(v, b);
	s = json_string_value(v);
	return s && *s ? s : "?";
}

static void print_header(const struct lr_result *r, FILE *out)
{
	const struct lr_test_params *p = &r->params;
	char size[32];

	fprintf(out, "%s %s, %u stream%s, %s messages, ", p->transport,
		p->mode == LR_MODE_LAT ? "latency" : "bandwidth", p->streams,
		p->streams == 1 ? "" : "s",
		lr_fmt_size(p->msg_size, size, sizeof(size)));
	if (p->bytes)
		fprintf(out, "%llu bytes per direction\n",
			(unsigned long long)p->bytes);
	else
		fprintf(out, "%g s (+%g s warm-up), interval %g s\n",
			p->duration_s, p->warmup_s, p->interval_s);
	fprintf(out, "client %s (%s %s) <-> server %s (%s %s)\n",
		jstr(r->local, "host", NULL),
		jstr(r->local, "endpoint", "device"),
		jstr(r->local, "endpoint", "address"),
		jstr(r->peer, "host", NULL),
		jstr(r->peer, "endpoint", "device"),
		jstr(r->peer, "endpoint", "address"));
}

/* "1234 (0.52%)": retransmitted segments and their share of those sent. */
static void fmt_retrans(const struct lr_retrans *rt, char *buf, size_t len)
{
	if (!rt->valid)
		snprintf(buf, len, "-");
	else if (!rt->segments_sent)
		snprintf(buf, len, "%llu", (unsigned long long)rt->segments);
	else
		snprintf(buf, len, "%llu (%.2f%%)",
			 (unsigned long long)rt->segments,
			 100.0 * (double)rt->segments /
				 (double)rt->segments_sent);
}

static void print_dir(const struct lr_dir_result *dr, int d, FILE *out)
{
	const struct lr_rate_stats *st = &dr->iv_stats;
	char rx[24] = "-", rt[48];

	if (dr->have_receiver)
		snprintf(rx, sizeof(rx), "%llu",
			 (unsigned long long)dr->bytes_received);
	fmt_retrans(&dr->retrans, rt, sizeof(rt));
	fprintf(out,
		"%-16s %10.3f  %8.3f %8.3f %8.3f  %14llu %14s  %-10s  %s\n",
		d == LR_DIR_C2S ? "client->server" : "server->client", dr->gbps,
		st->min_gbps, st->median_gbps, st->max_gbps,
		(unsigned long long)dr->bytes_sent, rx,
		dr->authority ? dr->authority : "-", rt);
}

static void print_latency(const struct lr_lat_stats *l, FILE *out)
{
	fprintf(out,
		"latency (half round trip, us): min %.2f  median %.2f  "
		"p99 %.2f  p99.9 %.2f  max %.2f  (%zu samples)\n",
		l->min_us, l->median_us, l->p99_us, l->p999_us, l->max_us,
		l->n);
}

void lr_result_print_text(const struct lr_result *r, FILE *out)
{
	size_t i;
	json_t *e;

	print_header(r, out);
	if (r->params.mode == LR_MODE_LAT) {
		print_latency(&r->local_side.lat, out);
	} else {
		fprintf(out,
			"\n%-16s %10s  %8s %8s %8s  %14s %14s  %-10s  %s\n",
			"direction", "Gb/s", "min", "median", "max",
			"bytes sent", "bytes recv", "counted by",
			"retransmits");
		for (int d = 0; d < LR_DIR_COUNT; d++)
			if (r->dir[d].active)
				print_dir(&r->dir[d], d, out);
		fprintf(out,
			"Gb/s = 10^9 bits of payload per second; "
			"min/median/max over %g s intervals; retransmits: "
			"segments the sender sent again (share of those "
			"sent).\n",
			r->params.interval_s);
	}
	json_array_foreach(r->errors, i, e)
		fprintf(out, "error (%s): %s\n", jstr(e, "where", NULL),
			jstr(e, "message", NULL));
}
