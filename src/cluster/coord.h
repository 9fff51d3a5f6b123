/* SPDX-License-Identifier: MIT */
/* Internal to the coordinator of a rack run. */
#ifndef LINERATE_CLUSTER_COORD_H
#define LINERATE_CLUSTER_COORD_H

#include <stdio.h>
#include <sys/types.h>

#include <jansson.h>

#include "linerate/cluster.h"
#include "linerate/control.h"

#define CL_MAX_FRAME (32u * 1024 * 1024) /* results carry intervals */
#define CL_MAX_QUEUE (1u * 1024 * 1024) /* to one agent */
#define CL_CONNECT_TIMEOUT_S 10 /* ssh -o ConnectTimeout */
#define CL_START_MS 30000 /* spawn to "listening" */
#define CL_PREPARE_MS 40000 /* prepare to prepared (data set-up 30 s) */
/* the agents' listeners wait for "start" longer than the barrier holds */
_Static_assert(CL_PREPARE_MS < LR_AGENT_BARRIER_MS, "barrier too long");
#define CL_RESULT_GRACE_MS 40000 /* after the window */
#define CL_PING_MS 10000
#define CL_SILENT_MS 45000 /* no frame for this long: the agent is lost */
#define CL_AGENT_TIMEOUT_S 30 /* serve --timeout of the agents */
#define CL_SLURM_PORT 18601

enum cl_state {
	AG_OFF, /* not started */
	AG_HELLO, /* started, waiting for its hello */
	AG_INVENTORY,
	AG_LISTEN,
	AG_READY,
	AG_DEAD,
	AG_SKIP, /* not selected (--hosts) */
};

struct cl_agent {
	uint32_t server;
	const char *name;
	enum cl_state st;
	pid_t pid; /* ssh, or -1 */
	int errfd; /* the ssh's stderr, -1 */
	char errtail[512];
	size_t errlen;
	struct lr_nbf ch;
	bool open;
	uint64_t deadline; /* of the current step, 0: none */
	uint64_t last_rx;
	json_t *hello, *devices, *preflight;
	uint16_t port; /* its listener for the peers' tests */
	char why[320]; /* why it is dead */
	const char *kind; /* finding kind when dead */
	bool input_error; /* dead for a reason of the input */
	long long told; /* id_base of the set it was last told go/abort */
};

enum cl_fstate {
	FL_PREPARING,
	FL_PREPARED,
	FL_RUNNING,
	FL_DONE,
};

struct cl_flow {
	const struct lr_plan_flow *pf;
	enum cl_fstate st;
	json_t *doc; /* the result from the agent */
	json_t *window;
	char err[320];
	bool failed; /* err says why */
};

struct cl_run {
	const struct lr_cluster_opts *o;
	const struct lr_topo *t;
	struct cl_agent *ag; /* one per server of the topology */
	size_t n_ag;
	char secret[65];
	char **ssh_argv;
	pid_t srun_pid;
	size_t slurm_nodes;
	json_t *node_addrs; /* Slurm: {node: NodeAddr} */
	uint64_t last_ping;
	/* the running set */
	const struct lr_plan_set *set;
	struct cl_flow *fl;
	long long id_base, next_id;
	json_t *findings; /* [{subject, kind, cause}] */
	FILE *results;
	char results_path[4096];
	uint64_t t_start;
	struct lr_cluster_summary *sum;
	json_t *done_sets; /* {id: results written} from results.jsonl */
	/* --resume: the last set of results.jsonl and where its lines start
	 * (a crash can leave it with only some of its flows) */
	char last_set[64];
	long last_set_off;
	double worst;
	const char *phase_name;
	unsigned round, rounds;
	size_t running;
	uint64_t last_progress, sets_t0, set_t0;
	bool progress_shown;
	bool closing; /* the end: agents are reaped together */
};

/* launch.c */
int cl_launch(struct cl_run *r, struct cl_agent *a);
void cl_agent_close(struct cl_run *r, struct cl_agent *a);
void cl_reap(struct cl_run *r, struct cl_agent *a, int ms);
void cl_agent_dead(struct cl_run *r, struct cl_agent *a, const char *kind,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int cl_slurm_start(struct cl_run *r);
void cl_slurm_stop(struct cl_run *r);

/* loop.c: one poll over every agent; handles what arrives. */
int cl_send(struct cl_run *r, struct cl_agent *a, json_t *msg);
void cl_poll(struct cl_run *r, int timeout_ms);
bool cl_stopped(const struct cl_run *r);
/* The progress line (a TTY only); end: clear it. */
void cl_progress(struct cl_run *r, bool end);

/* hosts.c */
int cl_hosts_phase(struct cl_run *r);
const char *cl_nic_address(const struct cl_run *r, uint32_t nic, char *buf,
			   size_t len);
const char *cl_nic_dev(const struct cl_run *r, uint32_t nic);

/* set.c */
int cl_run_set(struct cl_run *r, const struct lr_plan_set *s);
int cl_drop_last(struct cl_run *r, const char *id, size_t flows);
void cl_on_flow_msg(struct cl_run *r, struct cl_agent *a, const json_t *m);
void cl_agent_lost(struct cl_run *r, struct cl_agent *a);

/* report.c */
int cl_report(struct cl_run *r, bool final);
int cl_below_flows(struct cl_run *r, struct lr_plan_flow **out, size_t *n);

#endif
