// SPDX-License-Identifier: MIT
/*
 * engine: the clock of a test. Workers count; this thread samples their
 * counters at the window's start, at every interval boundary and at the end.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/util.h"
#include "engine_int.h"

static struct track *track_of(struct run *r, unsigned f, int d)
{
	return &r->tracks[f * LR_DIR_COUNT + d];
}

static bool dir_used(const struct run *r, unsigned f, int d)
{
	for (unsigned i = 0; i < r->nslots; i++)
		if (r->slots[i].flow_idx == f &&
		    r->slots[i].info.dir == (enum lr_dir)d)
			return true;
	return false;
}

static bool dir_counted(const struct run *r, unsigned f, int d)
{
	for (unsigned i = 0; i < r->nslots; i++)
		if (r->slots[i].flow_idx == f &&
		    r->slots[i].info.dir == (enum lr_dir)d &&
		    !r->slots[i].info.blind)
			return true;
	return false;
}

static int push_interval(struct lr_dir_side *ds, struct track *t,
			 const struct lr_interval *iv)
{
	if (ds->niv == t->cap) {
		unsigned cap = t->cap ? t->cap * 2 : 64;
		struct lr_interval *n;

		if (ds->niv >= LR_MAX_INTERVALS)
			return -E2BIG;
		n = realloc(ds->iv, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		ds->iv = n;
		t->cap = cap;
	}
	ds->iv[ds->niv++] = *iv;
	return 0;
}

/* Close the current interval of (f, d) at time now with counter c. */
static void close_interval(struct run *r, unsigned f, int d, uint64_t now,
			   uint64_t c)
{
	struct track *t = track_of(r, f, d);
	struct lr_dir_side *ds = &r->flows[f].side.dir[d];
	struct lr_interval iv = {
		.start_s = (double)(t->iv_start_ns - r->win_start) / 1e9,
		.end_s = (double)(now - r->win_start) / 1e9,
		.bytes = c - t->iv_start_bytes,
	};

	if (now > t->iv_start_ns)
		push_interval(ds, t, &iv);
	t->iv_start_ns = now;
	t->iv_start_bytes = c;
}

/*
 * A counter and the moment it held: the midpoint of two clock reads around
 * the sum, retried while they lie far apart, so that a thread preempted
 * between the clock and the counters does not skew the sample. "Far" is
 * beyond the slack plus twice the least gap seen: a slow clocksource
 * (HPET in a VM: tens of microseconds a read) makes every pair far apart,
 * and retrying those only costs the workers CPU.
 */
static uint64_t read_counter(struct run *r, unsigned f, int d, uint64_t *at)
{
	uint64_t t1, t2, c;

	for (int i = 0;; i++) {
		t1 = lr_now_ns();
		c = engine_sum(r, f, (enum lr_dir)d);
		t2 = lr_now_ns();
		if (t2 - t1 < r->clock_gap)
			r->clock_gap = t2 - t1;
		if (t2 - t1 <= ENGINE_SAMPLE_SLACK_NS + 2 * r->clock_gap ||
		    i == 4)
			break;
	}
	*at = t1 + (t2 - t1) / 2;
	return c;
}

static void sample_all(struct run *r, bool boundary)
{
	for (unsigned f = 0; f < r->nflows; f++) {
		for (int d = 0; d < LR_DIR_COUNT; d++) {
			struct track *t = track_of(r, f, d);
			uint64_t done_ns, c, now;
			bool done;

			if (!dir_used(r, f, d) || t->iv_start_ns == UINT64_MAX)
				continue; /* bytes mode: already finished */
			/* The done flags first (acquire), then the counter:
			 * a worker's last bytes are in it once it is done. */
			done = !r->win_end &&
			       engine_all_done(r, f, d, &done_ns);
			c = read_counter(r, f, d, &now);
			/* Bytes mode: a finished direction ends when its
			 * last worker did, not at this sample. */
			if (done) {
				close_interval(r, f, d, done_ns, c);
				t->last = c;
				t->last_ns = done_ns;
				t->iv_start_ns = UINT64_MAX;
				continue;
			}
			t->last = c;
			t->last_ns = now;
			if (boundary)
				close_interval(r, f, d, now, c);
		}
	}
}

static void start_window(struct run *r, uint64_t now)
{
	r->win_start = now;
	for (unsigned f = 0; f < r->nflows; f++) {
		for (int d = 0; d < LR_DIR_COUNT; d++) {
			struct track *t = track_of(r, f, d);

			t->base = read_counter(r, f, d, &now);
			t->start_ns = now;
			t->last = t->base;
			t->last_ns = now;
			t->iv_start_bytes = t->base;
			t->iv_start_ns = now;
		}
	}
}

/* Bytes mode: every direction has been closed by sample_all. */
static bool all_closed(struct run *r)
{
	for (unsigned f = 0; f < r->nflows; f++)
		for (int d = 0; d < LR_DIR_COUNT; d++)
			if (dir_used(r, f, d) &&
			    track_of(r, f, d)->iv_start_ns != UINT64_MAX)
				return false;
	return true;
}

/*
 * The watched descriptor has something. A hang-up ends the run; so does a
 * message, except in bytes mode: there it is the peer's result, sent when
 * its own workers were done, and this end's receivers still have bytes in
 * flight. They run on, for a bounded time.
 */
static int peer_spoke(struct run *r, short revents)
{
	if (!r->p->bytes || (revents & (POLLHUP | POLLERR | POLLRDHUP)))
		return -ECANCELED;
	r->peer_deadline = lr_now_ns() + r->peer_grace_ns;
	r->watch_fd = -1; /* stop looking: the message waits for the caller */
	return 0;
}

/* Wait until 'until' or until the watched descriptor has something. */
static int wait_until(struct run *r, uint64_t until)
{
	uint64_t now = lr_now_ns();
	struct pollfd p = { .fd = r->watch_fd, .events = POLLIN | POLLRDHUP };
	int ms;

	if (until <= now)
		return 0;
	ms = (int)((until - now + 999999) / 1000000);
	if (r->watch_fd < 0) {
		lr_sleep_ns(until - now);
		return 0;
	}
	if (poll(&p, 1, ms) > 0)
		return peer_spoke(r, p.revents);
	return 0;
}

/*
 * The transports' own counters (TCP_INFO, ...) at an edge of the window,
 * read here, off the workers' path. At the close, into each side.
 */
static void window_edge(struct run *r, enum lr_window_edge edge)
{
	for (unsigned f = 0; f < r->nflows; f++) {
		struct lr_engine_flow *fl = &r->flows[f];
		struct lr_retrans out[LR_DIR_COUNT] = { 0 };

		if (!fl->ops->window)
			continue;
		fl->ops->window(fl->ep, edge,
				edge == LR_WINDOW_CLOSE ? out : NULL);
		for (int d = 0; edge == LR_WINDOW_CLOSE && d < LR_DIR_COUNT;
		     d++)
			fl->side.dir[d].retrans = out[d];
	}
}

static void open_window(struct run *r, uint64_t now, uint64_t *next_iv)
{
	start_window(r, now);
	atomic_store_explicit(&r->in_window, true, memory_order_release);
	window_edge(r, LR_WINDOW_OPEN);
	*next_iv = now + r->iv_ns;
	if (r->p->duration_s > 0 && !r->p->bytes)
		r->win_end = now + (uint64_t)(r->p->duration_s * 1e9);
}

static int run_loop(struct run *r, uint64_t t0)
{
	uint64_t warm_end = t0 + (uint64_t)(r->p->warmup_s * 1e9);
	uint64_t next_iv = 0;
	int ret;

	/* Without warm-up the window opens before the first byte moves. */
	if (r->p->warmup_s <= 0)
		open_window(r, t0, &next_iv);
	ret = engine_slots_start(r);
	while (!ret) {
		uint64_t now = lr_now_ns(), step = now + ENGINE_STEP_NS;

		if ((ret = engine_first_error(r)))
			break;
		if (!r->win_start && now >= warm_end)
			open_window(r, now, &next_iv);
		if (r->win_start) {
			bool b = now >= next_iv;
			bool end = r->win_end && now >= r->win_end;

			/* A duration's counters are read at interval edges
			 * and at its end (an error takes one more sample in
			 * lr_engine_run): a sample is two clock reads or
			 * more, which a slow clocksource (HPET, a VM's)
			 * makes costly at every step. Bytes mode looks at
			 * every step for directions that are done. */
			if (b || end || !r->win_end)
				sample_all(r, b);
			if (b) {
				next_iv += r->iv_ns;
				window_edge(r, LR_WINDOW_TICK);
			}
			if (end || (!r->win_end && all_closed(r)))
				break;
		}
		if (r->peer_deadline && now >= r->peer_deadline) {
			ret = -ETIMEDOUT;
			break;
		}
		if (!r->win_start && warm_end < step)
			step = warm_end;
		if (r->win_start && next_iv < step)
			step = next_iv;
		if (r->win_end && r->win_end < step)
			step = r->win_end;
		ret = wait_until(r, step);
	}
	atomic_store_explicit(&r->in_window, false, memory_order_release);
	return ret;
}

/* Bytes mode: a direction this end counted short of the count failed. */
static void check_count(struct run *r, unsigned f)
{
	struct lr_side *side = &r->flows[f].side;

	if (!r->p->bytes || side->error)
		return;
	for (int d = 0; d < LR_DIR_COUNT; d++) {
		const struct lr_dir_side *ds = &side->dir[d];

		if (!ds->active || !ds->counted ||
		    ds->bytes_total == r->p->bytes)
			continue;
		side->error = -EPIPE;
		snprintf(side->errmsg, sizeof(side->errmsg),
			 "%s %s %llu of %llu bytes%s",
			 d == LR_DIR_C2S ? "client->server:" :
					   "server->client:",
			 ds->sender ? "sent" : "received",
			 (unsigned long long)ds->bytes_total,
			 (unsigned long long)r->p->bytes,
			 r->peer_deadline ? " (the peer had finished)" : "");
		return;
	}
}

/*
 * Duration mode: a counted direction that moved no payload in the whole
 * window measured a stall, not a rate of 0 (the watchdogs fire only after
 * the endpoint's timeout, which can be longer than the window).
 */
static void check_moved(struct run *r, unsigned f)
{
	struct lr_side *side = &r->flows[f].side;

	if (r->p->bytes || r->p->mode != LR_MODE_BW || side->error)
		return;
	for (int d = 0; d < LR_DIR_COUNT; d++) {
		const struct lr_dir_side *ds = &side->dir[d];

		if (!ds->active || !ds->counted || ds->bytes)
			continue;
		side->error = -ETIMEDOUT;
		snprintf(side->errmsg, sizeof(side->errmsg),
			 "%s no payload %s in the %.2f s window (the data "
			 "path stalled)",
			 d == LR_DIR_C2S ? "client->server:" :
					   "server->client:",
			 ds->sender ? "completed" : "received", ds->seconds);
		return;
	}
}

/* Merge the workers' histograms of flow f into its statistics. */
static void finish_latency(struct run *r, unsigned f)
{
	struct lr_hist h;

	if (lr_hist_init(&h))
		return;
	for (unsigned i = 0; i < r->nslots; i++)
		if (r->slots[i].flow_idx == f && r->slots[i].hist.counts)
			lr_hist_merge(&h, &r->slots[i].hist);
	lr_lat_stats(&h, &r->flows[f].side.lat);
	lr_hist_free(&h);
}

static void finish_side(struct run *r, unsigned f)
{
	struct lr_side *side = &r->flows[f].side;

	for (int d = 0; d < LR_DIR_COUNT; d++) {
		struct track *t = track_of(r, f, d);
		struct lr_dir_side *ds = &side->dir[d];
		uint64_t end = t->last_ns;

		if (!dir_used(r, f, d))
			continue;
		ds->active = true;
		ds->counted = dir_counted(r, f, d);
		if (!r->win_start)
			continue; /* failed during warm-up */
		if (t->iv_start_ns != UINT64_MAX && end > t->iv_start_ns)
			close_interval(r, f, d, end, t->last);
		ds->bytes = t->last - t->base;
		ds->bytes_total = t->last;
		ds->seconds = (double)(end - t->start_ns) / 1e9;
	}
	check_count(r, f);
	if (r->p->mode == LR_MODE_LAT && r->flows[f].role == LR_ROLE_CLIENT)
		finish_latency(r, f);
}

static void init_sides(struct run *r)
{
	for (unsigned f = 0; f < r->nflows; f++) {
		struct lr_engine_flow *fl = &r->flows[f];

		memset(&fl->side, 0, sizeof(fl->side));
		for (int d = 0; d < LR_DIR_COUNT; d++)
			fl->side.dir[d].sender =
				lr_dir_sender(fl->role, (enum lr_dir)d);
	}
}

static int alloc_run(struct run *r)
{
	r->tracks = calloc(r->nflows * LR_DIR_COUNT, sizeof(*r->tracks));
	if (!r->tracks)
		return -ENOMEM;
	return 0;
}

static void free_run(struct run *r)
{
	free(r->tracks);
	engine_slots_free(r);
}

static uint64_t peer_grace(const struct lr_engine_opts *o)
{
	if (o && o->peer_grace_ms > 0)
		return (uint64_t)o->peer_grace_ms * 1000000u;
	return ENGINE_PEER_GRACE_NS +
	       (uint64_t)(o && o->timeout_ms > 0 ? o->timeout_ms : 10000) *
		       1000000u;
}

int lr_engine_run(const struct lr_test_params *p, struct lr_engine_flow *f,
		  unsigned nflows, const struct lr_engine_opts *opts)
{
	struct run r = {
		.p = p,
		.flows = f,
		.nflows = nflows,
		.watch_fd = opts ? opts->watch_fd : -1,
		.peer_grace_ns = peer_grace(opts),
		.iv_ns = (uint64_t)(p->interval_s * 1e9),
		.clock_gap = UINT64_MAX,
	};
	int ret;

	if (!r.iv_ns)
		r.iv_ns = 1000000000ull;
	init_sides(&r);
	ret = alloc_run(&r);
	if (!ret)
		ret = engine_slots_create(&r);
	if (ret) {
		lr_err("engine: out of memory for %u flows", nflows);
		free_run(&r);
		return ret;
	}
	ret = run_loop(&r, lr_now_ns());
	/* The window ends now: what arrives while workers stop is not in it. */
	if (ret && r.win_start)
		sample_all(&r, false);
	if (r.win_start)
		window_edge(&r, LR_WINDOW_CLOSE);
	/* Keep moving bytes a little past a complete window, so that the
	 * peer's window, which closes a moment apart, sees no stall. Failures
	 * in that tail (the peer closing) are not the test's. */
	if (!ret && r.win_end)
		lr_sleep_ns(ENGINE_TAIL_NS);
	else
		engine_first_error(&r);
	engine_slots_join(&r);
	for (unsigned i = 0; i < nflows; i++) {
		finish_side(&r, i);
		if (!ret && r.win_start)
			check_moved(&r, i);
		if (!ret)
			ret = f[i].side.error;
	}
	free_run(&r);
	return ret;
}

void lr_side_free(struct lr_side *s)
{
	for (int d = 0; d < LR_DIR_COUNT; d++) {
		free(s->dir[d].iv);
		s->dir[d].iv = NULL;
		s->dir[d].niv = 0;
	}
	lr_lat_free(&s->lat);
}
