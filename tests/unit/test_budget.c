// SPDX-License-Identifier: MIT
/*
 * The server's budgets (buffers, descriptors) under concurrent requests: a
 * request that does not fit must never make one that fits look too big
 * (issue 9: srv_reserve added, checked, then subtracted).
 */
#include <criterion/criterion.h>
#include <pthread.h>

#include "linerate/util.h"

#define LIMIT 100u
#define ROUNDS 1000000

static _Atomic uint64_t used;
static atomic_bool go;

/* Asks for 50 while 60 are held: never fits. */
static void *too_big(void *arg)
{
	(void)arg;
	while (!atomic_load(&go))
		;
	for (int i = 0; i < ROUNDS; i++)
		cr_assert(!lr_budget_take(&used, 50, LIMIT, NULL));
	return NULL;
}

Test(budget, a_request_that_fits_is_never_refused)
{
	pthread_t th;
	unsigned refused = 0;

	cr_assert(lr_budget_take(&used, 60, LIMIT, NULL));
	pthread_create(&th, NULL, too_big, NULL);
	atomic_store(&go, true);
	/* 60 + 30 fits, whatever the other thread asks for. */
	for (int i = 0; i < ROUNDS; i++) {
		if (!lr_budget_take(&used, 30, LIMIT, NULL)) {
			refused++;
			continue;
		}
		lr_budget_give(&used, 30);
	}
	pthread_join(th, NULL);
	cr_assert_eq(refused, 0, "%u of %d requests that fit were refused",
		     refused, ROUNDS);
	cr_assert_eq(atomic_load(&used), 60);
}

Test(budget, limits_and_what_was_seen)
{
	_Atomic uint64_t u = 0;
	uint64_t seen = 7;

	cr_assert(lr_budget_take(&u, LIMIT, LIMIT, &seen));
	cr_assert_eq(seen, 0);
	cr_assert(!lr_budget_take(&u, 1, LIMIT, &seen));
	cr_assert_eq(seen, LIMIT);
	cr_assert(!lr_budget_take(&u, UINT64_MAX, UINT64_MAX - 1, NULL));
	lr_budget_give(&u, LIMIT);
	cr_assert_eq(atomic_load(&u), 0);
}
