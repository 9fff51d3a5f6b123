// SPDX-License-Identifier: MIT
/* engine: the worker threads of a run. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/util.h"
#include "engine_int.h"

static void *worker_main(void *arg)
{
	struct slot *s = arg;
	struct lr_engine_flow *f = s->flow;

	f->ops->run_worker(f->ep, s->idx, &s->ctl);
	atomic_store(&s->done_ns, lr_now_ns());
	/* Release: the counter's last additions are seen with the flag. */
	atomic_store_explicit(&s->done, true, memory_order_release);
	return NULL;
}

/*
 * Bytes mode: split a direction's byte count over its workers in whole
 * messages (a transport may move only whole ones); the first worker takes
 * what is left over.
 */
static void split_bytes(struct run *r)
{
	uint64_t size = r->p->msg_size ? r->p->msg_size : 1;
	uint64_t msgs = r->p->bytes / size, rest = r->p->bytes % size;

	for (unsigned f = 0; f < r->nflows; f++) {
		for (int d = 0; d < LR_DIR_COUNT; d++) {
			unsigned k = 0, j = 0;

			for (unsigned i = 0; i < r->nslots; i++)
				k += r->slots[i].flow_idx == f &&
				     r->slots[i].info.dir == (enum lr_dir)d;
			for (unsigned i = 0; k && i < r->nslots; i++) {
				struct slot *s = &r->slots[i];

				if (s->flow_idx != f ||
				    s->info.dir != (enum lr_dir)d)
					continue;
				s->ctl.byte_limit =
					(msgs / k + (j < msgs % k)) * size +
					(j ? 0 : rest);
				j++;
			}
		}
	}
}

int engine_slots_create(struct run *r)
{
	unsigned n = 0;

	for (unsigned f = 0; f < r->nflows; f++)
		n += r->flows[f].ops->nworkers(r->flows[f].ep);
	r->slots = calloc(n ? n : 1, sizeof(*r->slots));
	if (!r->slots)
		return -ENOMEM;
	for (unsigned f = 0; f < r->nflows; f++) {
		struct lr_engine_flow *fl = &r->flows[f];
		unsigned w = fl->ops->nworkers(fl->ep);

		for (unsigned i = 0; i < w; i++) {
			struct slot *s = &r->slots[r->nslots++];

			s->flow = fl;
			s->flow_idx = f;
			s->idx = i;
			fl->ops->worker_info(fl->ep, i, &s->info);
			s->ctl.stop = &r->stop;
			s->ctl.in_window = &r->in_window;
			if (r->p->mode == LR_MODE_LAT &&
			    fl->role == LR_ROLE_CLIENT) {
				if (lr_hist_init(&s->hist))
					return -ENOMEM;
				s->ctl.lat = &s->hist;
			}
		}
	}
	if (r->p->bytes)
		split_bytes(r);
	return 0;
}

int engine_slots_start(struct run *r)
{
	for (unsigned i = 0; i < r->nslots; i++) {
		int ret = pthread_create(&r->slots[i].thread, NULL, worker_main,
					 &r->slots[i]);

		if (ret) {
			struct lr_side *side = &r->slots[i].flow->side;

			lr_err("cannot start worker thread %u: %s", i,
			       strerror(ret));
			side->error = -ret;
			snprintf(side->errmsg, sizeof(side->errmsg),
				 "cannot start worker thread %u of %u: %s", i,
				 r->nslots, strerror(ret));
			return -ret;
		}
		r->slots[i].started = true;
	}
	return 0;
}

void engine_slots_join(struct run *r)
{
	atomic_store(&r->stop, true);
	for (unsigned i = 0; i < r->nslots; i++)
		if (r->slots[i].started)
			pthread_join(r->slots[i].thread, NULL);
}

void engine_slots_free(struct run *r)
{
	for (unsigned i = 0; r->slots && i < r->nslots; i++)
		lr_hist_free(&r->slots[i].hist);
	free(r->slots);
	r->slots = NULL;
}

uint64_t engine_sum(const struct run *r, unsigned f, enum lr_dir d)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < r->nslots; i++)
		if (r->slots[i].flow_idx == f && r->slots[i].info.dir == d)
			sum += atomic_load_explicit(&r->slots[i].ctl.bytes,
						    memory_order_relaxed);
	return sum;
}

/* Whether every worker of (f, d) has returned; *last_ns: the latest. */
bool engine_all_done(const struct run *r, unsigned f, enum lr_dir d,
		     uint64_t *last_ns)
{
	uint64_t last = 0;

	for (unsigned i = 0; i < r->nslots; i++) {
		const struct slot *s = &r->slots[i];

		if (s->flow_idx != f || s->info.dir != d)
			continue;
		if (!atomic_load_explicit(&s->done, memory_order_acquire))
			return false;
		if (atomic_load(&s->done_ns) > last)
			last = atomic_load(&s->done_ns);
	}
	*last_ns = last;
	return true;
}

/* Copy the first worker failure of each flow into its side. */
int engine_first_error(struct run *r)
{
	int first = 0;

	for (unsigned i = 0; i < r->nslots; i++) {
		struct slot *s = &r->slots[i];
		struct lr_side *side = &s->flow->side;

		if (!atomic_load(&s->done) || !s->ctl.error)
			continue;
		if (!side->error) {
			side->error = s->ctl.error;
			snprintf(side->errmsg, sizeof(side->errmsg), "%s",
				 s->ctl.errmsg);
		}
		if (!first)
			first = s->ctl.error;
	}
	return first;
}
