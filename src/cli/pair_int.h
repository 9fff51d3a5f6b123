/* SPDX-License-Identifier: MIT */
/* linerate pair: its parsed command line. */
#ifndef LINERATE_PAIR_INT_H
#define LINERATE_PAIR_INT_H

#include <jansson.h>
#include <stdbool.h>

#include "linerate/place.h"
#include "linerate/transport.h"

struct pair_cli {
	char host[256];
	uint16_t port;
	struct lr_test_params params;
	json_t *opts; /* transport options given */
	const char *dev, *peer_dev;
	const char *output; /* --output FILE */
	double connect_timeout_s;
	bool json;
	struct lr_place_cfg place; /* --numa, --cpus */
};

/* Returns -1 when the command line was fine, else the exit code to use. */
int pair_parse(int argc, char **argv, struct pair_cli *pc);

#endif
