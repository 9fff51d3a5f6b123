// SPDX-License-Identifier: MIT
/*
 * engine: the clock of a test. Workers count; this thread samples their
 * counters at the window's start, at every interval boundary and at the end.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
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
 * between the clock and the counters does not skew the sample.
 */
static uint64_t read_counter(const struct run *r, unsigned f, int d,
			     uint64_t *at)
{
	uint64_t t1, t2, c;

	for (int i = 0;; i++) {
		t1 = lr_now_ns();
		c = engine_sum(r, f, (enum lr_dir)d);
		t2 = lr_now_ns();
		if (t2 - t1 <= ENGINE_SAMPLE_SLACK_NS || i == 4)
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

			if (!dir_used(r, f, d) || t->iv_start_ns == UINT64_MAX)
				continue; /* bytes mode: already finished */
			c = read_counter(r, f, d, &now);
			/* Bytes mode: a finished direction ends when its
			 * last worker did, not at this sample. */
			if (!r->win_end && engine_all_done(r, f, d, &done_ns)) {
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

static bool all_finished(const struct run *r)
{
	for (unsigned i = 0; i < r->nslots; i++)
		if (!atomic_load(&r->slots[i].done))
			return false;
	return true;
}

/* Wait until 'until' or until the watched descriptor has something. */
static int wait_until(const struct run *r, uint64_t until)
{
	uint64_t now = lr_now_ns();
	struct pollfd p = { .fd = r->watch_fd, .events = POLLIN };
	int ms;

	if (until <= now)
		return 0;
	ms = (int)((until - now + 999999) / 1000000);
	if (r->watch_fd < 0) {
		lr_sleep_ns(until - now);
		return 0;
	}
	if (poll(&p, 1, ms) > 0)
		return -ECANCELED;
	return 0;
}

static void open_window(struct run *r, uint64_t now, uint64_t *next_iv)
{
	start_window(r, now);
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

			sample_all(r, b);
			if (b)
				next_iv += r->iv_ns;
			if ((r->win_end && now >= r->win_end) ||
			    (!r->win_end && all_finished(r)))
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
	return ret;
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
	if (r->lat)
		lr_lat_stats(&r->lat[f], &side->lat);
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
	if (r->p->mode != LR_MODE_LAT)
		return 0;
	r->lat = calloc(r->nflows, sizeof(*r->lat));
	if (!r->lat)
		return -ENOMEM;
	for (unsigned f = 0; f < r->nflows; f++)
		if (r->flows[f].role == LR_ROLE_CLIENT &&
		    lr_lat_init(&r->lat[f], ENGINE_LAT_CAP))
			return -ENOMEM;
	return 0;
}

static void free_run(struct run *r)
{
	for (unsigned f = 0; r->lat && f < r->nflows; f++)
		lr_lat_free(&r->lat[f]);
	free(r->lat);
	free(r->tracks);
	engine_slots_free(r);
}

int lr_engine_run(const struct lr_test_params *p, struct lr_engine_flow *f,
		  unsigned nflows, const struct lr_engine_opts *opts)
{
	struct run r = {
		.p = p,
		.flows = f,
		.nflows = nflows,
		.watch_fd = opts ? opts->watch_fd : -1,
		.iv_ns = (uint64_t)(p->interval_s * 1e9),
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
	/* Keep moving bytes a little past a complete window, so that the
	 * peer's window, which closes a moment apart, sees no stall. Failures
	 * in that tail (the peer closing) are not the test's. */
	if (!ret && r.win_end)
		lr_sleep_ns(ENGINE_TAIL_NS);
	else
		engine_first_error(&r);
	engine_slots_join(&r);
	for (unsigned i = 0; i < nflows; i++)
		finish_side(&r, i);
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
}
