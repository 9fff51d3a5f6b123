/* SPDX-License-Identifier: MIT */
/* Internal to src/place. */
#ifndef LINERATE_PLACE_INT_H
#define LINERATE_PLACE_INT_H

#include "linerate/place.h"

/* One CPU per worker out of cand (claimed); appends to pl->why. */
void place_pick_cpus(struct lr_place *pl, const cpu_set_t *cand,
		     const char *from);
void place_unclaim(struct lr_place *pl);

#endif
