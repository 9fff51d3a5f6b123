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
	const char *topology; /* --topology FILE: the verdict after the test */
	const char *local, *remote; /* SERVER/NIC in the topology */
	double connect_timeout_s;
	bool json;
	struct lr_place_cfg place; /* --numa, --cpus */
	bool streams_given;
	char qps_why[200]; /* why the QP count is not 1 by default */
};

struct lr_topo;

/* --topology: load it and check --local/--remote (0 or an exit code). */
int pair_topology_load(const struct pair_cli *pc, struct lr_topo **t);
/* The verdict of the result document doc; returns the exit code. */
int pair_verdict(const struct pair_cli *pc, const struct lr_topo *t,
		 const json_t *doc);

/* Returns -1 when the command line was fine, else the exit code to use. */
int pair_parse(int argc, char **argv, struct pair_cli *pc);

#endif
