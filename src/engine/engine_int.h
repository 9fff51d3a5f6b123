/* SPDX-License-Identifier: MIT */
/* Internal to the engine: one run's state. */
#ifndef LINERATE_ENGINE_INT_H
#define LINERATE_ENGINE_INT_H

#include <pthread.h>

#include "linerate/engine.h"

/* How often the engine looks for a worker's error (or, in bytes mode, a
 * direction that is done) between the moments it schedules: warm-up end,
 * interval edges, window end; the peer's messages wake it at once. Each
 * step costs a wake-up and clock reads, which under a slow clocksource
 * (HPET in a VM: ~0.3 ms a step) take CPU from the workers. */
#define ENGINE_STEP_NS 100000000ull /* 100 ms */
#define ENGINE_SAMPLE_SLACK_NS 50000ull /* clock reads around a sample */
#define ENGINE_TAIL_NS 250000000ull /* running on past the window */
/* Bytes mode: how long this end's workers may run on once the peer has
 * sent its result (plus the endpoint's timeout); a stalled worker ends
 * sooner, by its transport's no-progress watchdog. */
#define ENGINE_PEER_GRACE_NS 15000000000ull

struct slot {
	struct lr_engine_flow *flow;
	unsigned flow_idx;
	unsigned idx; /* worker index in its endpoint */
	struct lr_worker_info info;
	struct lr_worker_ctl ctl;
	pthread_t thread;
	bool started;
	struct lr_hist hist; /* latency mode, client end: this worker's */
	atomic_bool done;
	_Atomic uint64_t done_ns; /* when run_worker returned */
};

/* The bookkeeping of one direction of one flow. */
struct track {
	uint64_t base; /* counter at the window's start */
	uint64_t start_ns; /* when base was read */
	uint64_t last; /* counter at the last sample */
	uint64_t last_ns; /* time of the last sample */
	uint64_t iv_start_bytes, iv_start_ns;
	unsigned cap; /* allocated intervals */
};

struct run {
	const struct lr_test_params *p;
	struct lr_engine_flow *flows;
	unsigned nflows;
	struct slot *slots;
	unsigned nslots;
	struct track *tracks; /* nflows * LR_DIR_COUNT */
	atomic_bool stop;
	atomic_bool in_window; /* the measured window is open */
	int watch_fd;
	uint64_t peer_grace_ns;
	uint64_t peer_deadline; /* bytes mode: the peer has finished */
	uint64_t win_start, win_end; /* win_end 0: bytes mode */
	uint64_t iv_ns;
	uint64_t clock_gap; /* the least two clock reads apart seen */
};

/* engine_slots.c */
int engine_slots_create(struct run *r);
int engine_slots_start(struct run *r);
void engine_slots_join(struct run *r);
void engine_slots_free(struct run *r);
uint64_t engine_sum(const struct run *r, unsigned f, enum lr_dir d);
bool engine_all_done(const struct run *r, unsigned f, enum lr_dir d,
		     uint64_t *last_ns);
int engine_first_error(struct run *r);

#endif
