/* SPDX-License-Identifier: MIT */
/*
 * cluster: the rack run (docs/cluster.md). A coordinator starts one agent
 * per server (`linerate serve --stdio` over ssh, or `serve --listen` under
 * Slurm), runs the phases of a plan as concurrent sets of flows between the
 * agents, streams every result to DIR/results.jsonl and ends in a verdict.
 *
 * - tournament.c: the round-robin tournament (circle method).
 * - plan.c: the sets of flows of each phase (pairs, fabric, retest).
 * - the coordinator (run.c and friends) and its event loop (loop.c).
 */
#ifndef LINERATE_CLUSTER_H
#define LINERATE_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "linerate/topology.h"

#define LR_NO_PARTNER UINT32_MAX

/* ---- the tournament ---- */

/* Rounds of a tournament of n players: n - 1 (n even) or n (n odd). */
unsigned lr_tournament_rounds(size_t n);
/*
 * Round r (0-based, < lr_tournament_rounds(n)) by the circle method: player
 * 0 stays, the others rotate; an odd n gets a dummy player whose partner
 * sits out (LR_NO_PARTNER, the bye). partner[i] is i's partner, and
 * partner[partner[i]] == i. Over all rounds every pair meets exactly once.
 */
void lr_tournament_round(size_t n, unsigned r, uint32_t *partner);

/* ---- the plan ---- */

enum lr_phase {
	LR_PHASE_HOSTS,
	LR_PHASE_PAIRS,
	LR_PHASE_FABRIC,
	LR_PHASE_RETEST,
	LR_PHASE_COUNT,
};

const char *lr_phase_name(enum lr_phase p);
/* "hosts,pairs" -> a bit per phase. Returns 0 or -EINVAL (*bad: the word). */
int lr_phases_parse(const char *list, unsigned *mask, char *bad, size_t len);

/*
 * One flow of a set: a pair test whose client is src_nic's server and whose
 * server is dst_nic's. bidir: both directions at once (the model gets one
 * flow each way).
 */
struct lr_plan_flow {
	uint32_t src_nic, dst_nic;
	bool bidir;
};

/* Flows that run together, started on one barrier. */
struct lr_plan_set {
	char id[48]; /* unique in a run and stable across --resume */
	enum lr_phase phase;
	int round; /* 1-based within the phase, 0: none */
	struct lr_plan_flow *flows;
	size_t n;
};

struct lr_plan {
	struct lr_plan_set *sets;
	size_t n, cap;
	size_t n_flows;
};

void lr_plan_free(struct lr_plan *p);

/*
 * The pairs phase: `rounds` rounds (0: every round) of the tournament over
 * the servers with alive[s] (NULL: all), starting at round `first`
 * (0-based). In each round a server and its partner run every rail-aligned
 * NIC pair at once, both directions (the per-server check).
 */
int lr_plan_pairs(struct lr_plan *p, const struct lr_topo *t, const bool *alive,
		  unsigned first, unsigned rounds);
/* Rounds the pairs phase has for n servers and --rounds (0: all). */
unsigned lr_plan_pair_rounds(size_t n, unsigned rounds);
/*
 * The fabric phase: the model's bisection and all-to-all patterns
 * (patterns.c) over the alive servers, the two directions of a NIC pair
 * as one bidirectional flow. An all-to-all of more than max_flows flows is
 * left out (*skipped set), as is one that crosses no leaf.
 */
int lr_plan_fabric(struct lr_plan *p, const struct lr_topo *t,
		   const bool *alive, size_t max_flows, bool *skipped);
/*
 * The retest phase for flows that came in below: each alone with its
 * partner, then alone with two fresh partners (servers other than both
 * ends, on the same rail), one set each.
 */
int lr_plan_retest(struct lr_plan *p, const struct lr_topo *t,
		   const bool *alive, const struct lr_plan_flow *below,
		   size_t n);

/* ---- the run ---- */

enum lr_launcher {
	LR_LAUNCH_SSH,
	LR_LAUNCH_SLURM,
};

struct lr_cluster_opts {
	const struct lr_topo *topo;
	const bool *selected; /* servers to run (--hosts), NULL: all */
	const char *ssh; /* --ssh CMD, word-split; NULL: "ssh" */
	enum lr_launcher launcher;
	const char *remote_linerate; /* NULL: "linerate" */
	unsigned fanout; /* agents starting at once */
	unsigned phases; /* bit per enum lr_phase */
	const char *transport; /* "tcp" or "verbs" */
	double duration_s;
	unsigned rounds; /* pairs rounds, 0: all */
	const char *out_dir;
	size_t slurm_nodes; /* nodes of the allocation (Slurm) */
	bool resume;
	bool progress; /* a progress line on stderr */
	bool quiet; /* no verdict text */
	bool json; /* the report document on stdout */
	volatile int *stop; /* set by SIGINT: stop the running set */
};

/* What a run did, for the summary and the exit code. */
struct lr_cluster_summary {
	double elapsed_s; /* the whole run */
	double window_s; /* inside the sets' traffic windows */
	double agents_s; /* starting the agents and the hosts phase */
	size_t servers, servers_up;
	size_t sets_run, sets_resumed, flows_run;
	bool interrupted;
	bool input_error; /* every agent failed for a reason of the input */
	int exit_code; /* enum lr_exit, or 130 */
};

/*
 * Run the phases; writes DIR/results.jsonl, DIR/hosts.json and the reports.
 * Returns 0 (the summary says how it went) or -errno when the run could not
 * start (logged).
 */
int lr_cluster_run(const struct lr_cluster_opts *o,
		   struct lr_cluster_summary *sum);

/* Split a command as rsync's -e does: blanks separate words, quotes
 * ('...' and "...") and backslashes keep them. NULL-terminated, free with
 * lr_argv_free; -EINVAL on an open quote or no word. */
int lr_argv_split(const char *cmd, char ***argv);
void lr_argv_free(char **argv);

#endif
