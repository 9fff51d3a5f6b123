// SPDX-License-Identifier: MIT
/*
 * A rack run: agents up (hosts), then the pairs rounds, the fabric
 * patterns and the retests, each set on a barrier, every result appended
 * to DIR/results.jsonl; at the end the verdict and its reports.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linerate/util.h"
#include "coord.h"

#define FABRIC_MAX_FLOWS 4096

static int make_secret(struct cl_run *r)
{
	unsigned char b[32];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		lr_err("cannot draw the run's secret: %s", strerror(errno));
		return -EIO;
	}
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(r->secret + 2 * i, 3, "%02x", b[i]);
	return 0;
}

/*
 * --resume: the sets already in results.jsonl, with the number of results
 * of each. A line cut short by a crash is dropped (the file is cut back to
 * the last whole line); the last set may also be short of flows (a crash
 * between the writes of one set): cl_run_set runs it again (cl_drop_last).
 */
static int load_done(struct cl_run *r)
{
	FILE *f = fopen(r->results_path, "r");
	char *line = NULL;
	size_t cap = 0;
	long good = 0;
	ssize_t n;

	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while ((n = getline(&line, &cap, f)) > 0) {
		json_t *doc, *set;

		if (line[n - 1] != '\n')
			break;
		doc = json_loads(line, 0, NULL);
		set = json_object_get(json_object_get(doc, "flow"), "set");
		if (!doc) {
			json_decref(doc);
			break;
		}
		if (json_is_string(set)) {
			const char *id = json_string_value(set);
			json_int_t k = json_integer_value(
				json_object_get(r->done_sets, id));

			if (strcmp(id, r->last_set)) {
				snprintf(r->last_set, sizeof(r->last_set), "%s",
					 id);
				r->last_set_off = good;
			}
			json_object_set_new(r->done_sets, id,
					    json_integer(k + 1));
		}
		json_decref(doc);
		good = ftell(f);
	}
	free(line);
	fclose(f);
	if (truncate(r->results_path, good))
		return -errno;
	return 0;
}

/*
 * A set of results.jsonl with fewer results than it has flows: when it is
 * the last one (what a crash leaves), its lines go and it runs again (0);
 * otherwise it is kept as it is (1).
 */
int cl_drop_last(struct cl_run *r, const char *id, size_t flows)
{
	json_int_t have = json_integer_value(json_object_get(r->done_sets, id));

	if (strcmp(id, r->last_set)) {
		lr_warn("%s: set %s has %lld of its %zu results and is not the "
			"last: kept as it is",
			r->results_path, id, (long long)have, flows);
		return 1;
	}
	if (fflush(r->results) ||
	    ftruncate(fileno(r->results), (off_t)r->last_set_off)) {
		int ret = -errno;

		lr_err("cannot cut %s back: %s", r->results_path,
		       strerror(-ret));
		return ret;
	}
	lr_warn("%s: set %s has %lld of its %zu results (cut by a crash): run "
		"again",
		r->results_path, id, (long long)have, flows);
	json_object_del(r->done_sets, id);
	r->last_set[0] = '\0';
	return 0;
}

static int open_results(struct cl_run *r)
{
	struct stat st;
	int ret;

	if (mkdir(r->o->out_dir, 0755) && errno != EEXIST) {
		ret = -errno;
		lr_err("cannot create %s: %s", r->o->out_dir, strerror(-ret));
		return ret;
	}
	snprintf(r->results_path, sizeof(r->results_path), "%s/results.jsonl",
		 r->o->out_dir);
	if (!r->o->resume && !stat(r->results_path, &st) && st.st_size > 0) {
		lr_err("%s holds an earlier run: --resume continues it, or "
		       "give another --out",
		       r->results_path);
		return -EEXIST;
	}
	if (r->o->resume && (ret = load_done(r))) {
		lr_err("cannot read %s: %s", r->results_path, strerror(-ret));
		return ret;
	}
	r->results = fopen(r->results_path, r->o->resume ? "a" : "w");
	if (!r->results) {
		ret = -errno;
		lr_err("cannot open %s: %s", r->results_path, strerror(-ret));
		return ret;
	}
	return 0;
}

static bool *alive_now(const struct cl_run *r)
{
	bool *v = calloc(r->n_ag + 1, sizeof(*v));

	for (size_t i = 0; v && i < r->n_ag; i++)
		v[i] = r->ag[i].st == AG_READY;
	return v;
}

static size_t count_alive(const struct cl_run *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n_ag; i++)
		n += r->ag[i].st == AG_READY;
	return n;
}

static int run_plan(struct cl_run *r, struct lr_plan *p)
{
	int ret = 0;

	for (size_t i = 0; !ret && i < p->n; i++) {
		if (p->sets[i].phase != LR_PHASE_PAIRS)
			r->round = (unsigned)i + 1;
		ret = cl_run_set(r, &p->sets[i]);
		if (!ret && r->o->progress)
			cl_report(r, false);
	}
	return ret;
}

/* Rounds planned one at a time over the servers alive at that moment. */
static int pairs_phase(struct cl_run *r)
{
	unsigned rounds = lr_plan_pair_rounds(count_alive(r), r->o->rounds);
	int ret = 0;

	r->phase_name = "pairs";
	r->rounds = rounds;
	for (unsigned k = 0; !ret && k < rounds; k++) {
		struct lr_plan p = { 0 };
		bool *alive = alive_now(r);

		r->round = k + 1;
		ret = alive ? lr_plan_pairs(&p, r->t, alive, k, k + 1) :
			      -ENOMEM;
		free(alive);
		if (!ret)
			ret = run_plan(r, &p);
		lr_plan_free(&p);
	}
	return ret;
}

static int fabric_phase(struct cl_run *r)
{
	struct lr_plan p = { 0 };
	bool *alive = alive_now(r), skipped = false;
	int ret = alive ? lr_plan_fabric(&p, r->t, alive, FABRIC_MAX_FLOWS,
					 &skipped) :
			  -ENOMEM;

	free(alive);
	r->phase_name = "fabric";
	r->round = 1;
	r->rounds = (unsigned)p.n;
	if (skipped)
		lr_warn("fabric: all-to-all has more than %d flows; left out "
			"(docs/cluster.md)",
			FABRIC_MAX_FLOWS);
	if (!ret)
		ret = run_plan(r, &p);
	lr_plan_free(&p);
	return ret;
}

static int retest_phase(struct cl_run *r)
{
	struct lr_plan p = { 0 };
	struct lr_plan_flow *below = NULL;
	size_t n = 0;
	bool *alive = alive_now(r);
	int ret = alive ? cl_below_flows(r, &below, &n) : -ENOMEM;

	r->phase_name = "retest";
	if (!ret && n)
		ret = lr_plan_retest(&p, r->t, alive, below, n);
	free(alive);
	free(below);
	r->round = 1;
	r->rounds = (unsigned)p.n;
	if (!ret)
		ret = run_plan(r, &p);
	lr_plan_free(&p);
	return ret;
}

static int phases(struct cl_run *r)
{
	static int (*const run[LR_PHASE_COUNT])(struct cl_run *) = {
		[LR_PHASE_PAIRS] = pairs_phase,
		[LR_PHASE_FABRIC] = fabric_phase,
		[LR_PHASE_RETEST] = retest_phase,
	};
	int ret = 0;

	for (int p = LR_PHASE_PAIRS; !ret && p < LR_PHASE_COUNT; p++)
		if ((r->o->phases & (1u << p)) && !cl_stopped(r))
			ret = run[p](r);
	return ret;
}

/* Every agent down: bad input (names, ssh command) or a failed start. */
static int nobody_up(struct cl_run *r)
{
	bool input = true;

	for (size_t i = 0; i < r->n_ag; i++)
		if (r->ag[i].st == AG_DEAD && !r->ag[i].input_error)
			input = false;
	r->sum->input_error = input;
	lr_err("no agent could start%s", input ? " (see above)" : "");
	return input ? -EINVAL : -EHOSTDOWN;
}

static void finish(struct cl_run *r)
{
	uint64_t until = lr_now_ns() + 2000000000ull;

	for (size_t i = 0; i < r->n_ag; i++) {
		struct cl_agent *a = &r->ag[i];

		if (a->st == AG_READY) {
			cl_send(r, a, json_pack("{s:s}", "type", "bye"));
			lr_nbf_flush(&a->ch);
		}
	}
	r->closing = true;
	for (size_t i = 0; i < r->n_ag; i++)
		cl_agent_close(r, &r->ag[i]);
	/* every ssh has its stdin closed: 2 s for all of them to end */
	for (size_t i = 0; i < r->n_ag; i++) {
		uint64_t now = lr_now_ns();

		cl_reap(r, &r->ag[i],
			now < until ? (int)((until - now) / 1000000) : 0);
	}
	for (size_t i = 0; i < r->n_ag; i++) {
		struct cl_agent *a = &r->ag[i];

		json_decref(a->hello);
		json_decref(a->devices);
		json_decref(a->preflight);
	}
	cl_slurm_stop(r);
	json_decref(r->node_addrs);
	if (r->results)
		fclose(r->results);
	json_decref(r->findings);
	json_decref(r->done_sets);
	lr_argv_free(r->ssh_argv);
	free(r->ag);
}

static int setup(struct cl_run *r)
{
	int ret = make_secret(r);

	if (!ret && r->o->launcher == LR_LAUNCH_SSH &&
	    lr_argv_split(r->o->ssh ? r->o->ssh : "ssh", &r->ssh_argv))
		ret = -EINVAL;
	if (!ret)
		ret = open_results(r);
	r->n_ag = r->t->n_servers;
	r->ag = calloc(r->n_ag + 1, sizeof(*r->ag));
	if (!ret && !r->ag)
		ret = -ENOMEM;
	for (size_t i = 0; !ret && i < r->n_ag; i++) {
		struct cl_agent *a = &r->ag[i];

		a->server = (uint32_t)i;
		a->name = r->t->servers[i].name;
		a->errfd = -1;
		a->pid = -1;
		a->st = !r->o->selected || r->o->selected[i] ? AG_OFF : AG_SKIP;
		r->sum->servers += a->st == AG_OFF;
	}
	if (!ret && r->o->launcher == LR_LAUNCH_SLURM)
		ret = cl_slurm_start(r);
	return ret;
}

int lr_cluster_run(const struct lr_cluster_opts *o,
		   struct lr_cluster_summary *sum)
{
	struct cl_run r = { .o = o, .t = o->topo, .sum = sum, .worst = -1 };
	int ret;

	memset(sum, 0, sizeof(*sum));
	r.t_start = lr_now_ns();
	r.findings = json_array();
	r.done_sets = json_object();
	r.srun_pid = -1;
	r.slurm_nodes = o->slurm_nodes;
	ret = setup(&r);
	if (!ret)
		ret = cl_hosts_phase(&r);
	if (!ret && !sum->servers_up && !cl_stopped(&r))
		ret = nobody_up(&r);
	if (!ret) {
		ret = phases(&r);
		if (ret == -EINTR || cl_stopped(&r)) {
			sum->interrupted = true;
			ret = 0;
		}
	}
	cl_progress(&r, true);
	sum->elapsed_s = (double)(lr_now_ns() - r.t_start) / 1e9;
	if (!ret)
		ret = cl_report(&r, true);
	if (sum->interrupted)
		sum->exit_code = 130;
	finish(&r);
	return ret;
}
