// SPDX-License-Identifier: MIT
/*
 * The round-robin tournament by the circle method: player 0 stays in
 * place, the others sit on a circle that turns by one seat each round, and
 * the seats facing each other play. n - 1 rounds (n even) give every pair
 * exactly once; an odd n adds a dummy player, whose partner has the bye.
 */
#include "linerate/cluster.h"

unsigned lr_tournament_rounds(size_t n)
{
	if (n < 2)
		return 0;
	return (unsigned)(n % 2 ? n : n - 1);
}

/* The player on seat k (0 .. m-1) in round r; m is even. */
static size_t seat(size_t m, unsigned r, size_t k)
{
	return k ? 1 + (k - 1 + r) % (m - 1) : 0;
}

void lr_tournament_round(size_t n, unsigned r, uint32_t *partner)
{
	size_t m = n + n % 2;

	for (size_t i = 0; i < n; i++)
		partner[i] = LR_NO_PARTNER;
	if (n < 2)
		return;
	for (size_t k = 0; k < m / 2; k++) {
		size_t a = seat(m, r, k), b = seat(m, r, m - 1 - k);

		if (a >= n || b >= n)
			continue; /* the dummy: a bye */
		partner[a] = (uint32_t)b;
		partner[b] = (uint32_t)a;
	}
}
