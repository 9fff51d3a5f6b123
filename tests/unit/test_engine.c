// SPDX-License-Identifier: MIT
/*
 * The engine against a paced test transport defined here: each worker adds
 * a fixed number of bytes every millisecond, so expected counts are known.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "linerate/engine.h"
#include "linerate/util.h"

struct paced_ep {
	unsigned workers;
	uint64_t bytes_per_ms;
	int fail_after_ms; /* worker 0 fails then; <0: never */
};

static unsigned paced_nworkers(const struct lr_endpoint *e)
{
	return ((const struct paced_ep *)e)->workers;
}

static void paced_info(const struct lr_endpoint *e, unsigned idx,
		       struct lr_worker_info *info)
{
	info->dir = LR_DIR_C2S;
	info->sends = true;
}

static int paced_run(struct lr_endpoint *e, unsigned idx,
		     struct lr_worker_ctl *ctl)
{
	struct paced_ep *ep = (struct paced_ep *)e;
	uint64_t t0 = lr_now_ns(), done = 0;

	while (!atomic_load(ctl->stop)) {
		uint64_t n = ep->bytes_per_ms;

		if (ctl->byte_limit && done + n > ctl->byte_limit)
			n = ctl->byte_limit - done;
		atomic_fetch_add(&ctl->bytes, n);
		done += n;
		if (ctl->byte_limit && done == ctl->byte_limit)
			return 0;
		if (idx == 0 && ep->fail_after_ms >= 0 &&
		    lr_now_ns() - t0 > (uint64_t)ep->fail_after_ms * 1000000) {
			lr_worker_fail(ctl, -EIO, "paced: injected failure");
			return -EIO;
		}
		lr_sleep_ns(1000000);
	}
	return 0;
}

static const struct lr_transport_ops paced_ops = {
	.abi = LR_TRANSPORT_ABI,
	.name = "paced",
	.nworkers = paced_nworkers,
	.worker_info = paced_info,
	.run_worker = paced_run,
};

static struct lr_test_params params(double dur, double warm, double iv)
{
	struct lr_test_params p = { .transport = "paced",
				    .msg_size = 1,
				    .streams = 1,
				    .duration_s = dur,
				    .warmup_s = warm,
				    .interval_s = iv };
	return p;
}

Test(engine, window_excludes_warmup_and_samples_intervals)
{
	struct paced_ep ep = { 2, 1000, -1 };
	struct lr_engine_flow f = { .ops = &paced_ops,
				    .ep = (struct lr_endpoint *)&ep,
				    .role = LR_ROLE_CLIENT };
	struct lr_test_params p = params(0.5, 0.2, 0.1);
	struct lr_dir_side *d = &f.side.dir[LR_DIR_C2S];
	uint64_t sum = 0;

	cr_assert_eq(lr_engine_run(&p, &f, 1, NULL), 0);
	cr_assert(d->active && d->sender);
	cr_assert(!f.side.dir[LR_DIR_S2C].active);
	cr_assert_float_eq(d->seconds, 0.5, 0.05);
	cr_assert(d->bytes_total > d->bytes, "warm-up bytes not in window");
	cr_assert(d->niv >= 4 && d->niv <= 7, "%u intervals", d->niv);
	for (unsigned i = 0; i < d->niv; i++)
		sum += d->iv[i].bytes;
	cr_assert_eq(sum, d->bytes, "intervals add up to the window");
	/* 2 workers x ~1 MB/s (1 ms sleeps are at least 1 ms) */
	cr_assert(d->bytes > 300000 && d->bytes <= 1100000, "%llu",
		  (unsigned long long)d->bytes);
	lr_side_free(&f.side);
}

Test(engine, bytes_mode_counts_exactly)
{
	struct paced_ep ep = { 3, 7000, -1 };
	struct lr_engine_flow f = { .ops = &paced_ops,
				    .ep = (struct lr_endpoint *)&ep,
				    .role = LR_ROLE_CLIENT };
	struct lr_test_params p = params(0, 0, 0.05);

	p.bytes = 1000001;
	cr_assert_eq(lr_engine_run(&p, &f, 1, NULL), 0);
	cr_assert_eq(f.side.dir[LR_DIR_C2S].bytes, 1000001);
	cr_assert(f.side.dir[LR_DIR_C2S].seconds > 0.03);
	lr_side_free(&f.side);
}

Test(engine, worker_failure_ends_run_and_keeps_samples)
{
	struct paced_ep ep = { 1, 1000, 350 };
	struct lr_engine_flow f = { .ops = &paced_ops,
				    .ep = (struct lr_endpoint *)&ep,
				    .role = LR_ROLE_CLIENT };
	struct lr_test_params p = params(10, 0, 0.1);
	uint64_t t0 = lr_now_ns();

	cr_assert_eq(lr_engine_run(&p, &f, 1, NULL), -EIO);
	cr_assert(lr_now_ns() - t0 < 2000000000ull, "ended promptly");
	cr_assert_eq(f.side.error, -EIO);
	cr_assert_str_eq(f.side.errmsg, "paced: injected failure");
	cr_assert(f.side.dir[LR_DIR_C2S].niv >= 3, "samples before failure");
	cr_assert(f.side.dir[LR_DIR_C2S].bytes > 0);
	lr_side_free(&f.side);
}

static void *poke(void *arg)
{
	lr_sleep_ns(200000000);
	if (write(*(int *)arg, "x", 1) != 1)
		abort();
	return NULL;
}

Test(engine, watched_descriptor_cancels)
{
	struct paced_ep ep = { 1, 1000, -1 };
	struct lr_engine_flow f = { .ops = &paced_ops,
				    .ep = (struct lr_endpoint *)&ep,
				    .role = LR_ROLE_CLIENT };
	struct lr_test_params p = params(10, 0, 0.1);
	int fds[2];
	pthread_t th;
	struct lr_engine_opts o;

	cr_assert_eq(pipe(fds), 0);
	o.watch_fd = fds[0];
	pthread_create(&th, NULL, poke, &fds[1]);
	cr_assert_eq(lr_engine_run(&p, &f, 1, &o), -ECANCELED);
	pthread_join(th, NULL);
	cr_assert_float_eq(f.side.dir[LR_DIR_C2S].seconds, 0.2, 0.15);
	cr_assert(f.side.dir[LR_DIR_C2S].bytes > 0);
	lr_side_free(&f.side);
	close(fds[0]);
	close(fds[1]);
}
