// SPDX-License-Identifier: MIT
/* result: combine the two ends of a pair test. */
#include <stdarg.h>
#include <string.h>

#include "linerate/result.h"
#include "linerate/util.h"

void lr_result_init(struct lr_result *r, const struct lr_test_params *p,
		    const json_t *opts)
{
	memset(r, 0, sizeof(*r));
	r->params = *p;
	r->opts = opts ? json_deep_copy(opts) : json_object();
	lr_utc_now(r->started, sizeof(r->started));
	r->local = json_object();
	r->peer = json_object();
	r->errors = json_array();
}

void lr_result_free(struct lr_result *r)
{
	lr_side_free(&r->local_side);
	lr_side_free(&r->peer_side);
	json_decref(r->opts);
	json_decref(r->local);
	json_decref(r->peer);
	json_decref(r->counters);
	json_decref(r->errors);
	memset(r, 0, sizeof(*r));
}

void lr_result_add_error(struct lr_result *r, const char *where,
			 const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(r->errors, json_pack("{s:s, s:s}", "where", where,
						   "message", msg));
}

bool lr_result_ok(const struct lr_result *r)
{
	return json_array_size(r->errors) == 0;
}

static const struct lr_dir_side *side_dir(const struct lr_result *r,
					  bool client, int d)
{
	const struct lr_side *s = client ? &r->local_side : &r->peer_side;

	if (!client && !r->have_peer_side)
		return NULL;
	return s->dir[d].active && s->dir[d].counted ? &s->dir[d] : NULL;
}

static void compute_dir(struct lr_result *r, int d)
{
	struct lr_dir_result *dr = &r->dir[d];
	bool client_sends = d == LR_DIR_C2S;
	const struct lr_dir_side *tx = side_dir(r, client_sends, d);
	const struct lr_dir_side *rx = side_dir(r, !client_sends, d);

	memset(dr, 0, sizeof(*dr));
	dr->active = lr_dir_active(&r->params, (enum lr_dir)d);
	if (!dr->active)
		return;
	dr->sender = client_sends ? LR_ROLE_CLIENT : LR_ROLE_SERVER;
	dr->have_sender = tx != NULL;
	dr->have_receiver = rx != NULL;
	if (tx) {
		dr->bytes_sent = tx->bytes;
		dr->sender_s = tx->seconds;
		dr->retrans = tx->retrans;
	}
	if (rx) {
		dr->bytes_received = rx->bytes;
		dr->receiver_s = rx->seconds;
	}
	/* The receiver's count is authoritative when it can count (not the
	 * passive end of RDMA WRITE or READ). */
	if (rx && rx->seconds > 0) {
		dr->auth = rx;
		dr->authority = "receiver";
	} else {
		dr->auth = tx;
		dr->authority = "sender";
	}
	if (!dr->auth)
		return;
	dr->gbps = lr_gbps(dr->auth->bytes, dr->auth->seconds);
	lr_rate_stats(dr->auth->iv, dr->auth->niv, r->params.interval_s,
		      &dr->iv_stats);
}

void lr_result_compute(struct lr_result *r)
{
	for (int d = 0; d < LR_DIR_COUNT; d++)
		compute_dir(r, d);
}
