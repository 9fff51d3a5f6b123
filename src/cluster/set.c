// SPDX-License-Identifier: MIT
/*
 * One concurrent set: every flow prepared toward its peer agent (control
 * session, endpoints created and connected), then one "go" to every client
 * agent, then each flow's result, labelled and appended to
 * DIR/results.jsonl with one fsync for the set.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linerate/result.h"
#include "linerate/util.h"
#include "coord.h"

static struct cl_agent *client_of(struct cl_run *r, const struct cl_flow *f)
{
	return &r->ag[r->t->nics[f->pf->src_nic].server];
}

static struct cl_agent *server_of(struct cl_run *r, const struct cl_flow *f)
{
	return &r->ag[r->t->nics[f->pf->dst_nic].server];
}

static void fail(struct cl_flow *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(struct cl_flow *f, const char *fmt, ...)
{
	va_list ap;

	if (!f->failed) {
		va_start(ap, fmt);
		vsnprintf(f->err, sizeof(f->err), fmt, ap);
		va_end(ap);
		f->failed = true;
	}
	f->st = FL_DONE;
}

void cl_agent_lost(struct cl_run *r, struct cl_agent *a)
{
	if (!r->set)
		return;
	for (size_t i = 0; i < r->set->n; i++) {
		struct cl_flow *f = &r->fl[i];

		if (f->st != FL_DONE &&
		    (client_of(r, f) == a || server_of(r, f) == a))
			fail(f, "the agent of %s died during the set (%s)",
			     a->name, a->why);
	}
}

static void on_prepared(struct cl_run *r, struct cl_flow *f, const json_t *m)
{
	const char *e = json_string_value(json_object_get(m, "error"));

	if (f->st != FL_PREPARING)
		return;
	if (!json_is_true(json_object_get(m, "ok")))
		snprintf(f->err, sizeof(f->err), "%s",
			 e ? e : "could not prepare");
	f->st = FL_PREPARED; /* its result follows */
}

static void on_result(struct cl_run *r, struct cl_flow *f, const json_t *m)
{
	const json_t *doc = json_object_get(m, "result"),
		     *w = json_object_get(m, "window");
	const char *schema = json_string_value(json_object_get(doc, "schema"));

	if (f->st == FL_DONE)
		return;
	if (!json_is_object(doc) || !schema ||
	    strcmp(schema, LR_RESULT_SCHEMA)) {
		fail(f, "the agent sent a result that is not %s",
		     LR_RESULT_SCHEMA);
		return;
	}
	f->doc = json_deep_copy(doc);
	if (json_is_object(w))
		f->window = json_deep_copy(w);
	f->st = FL_DONE;
}

void cl_on_flow_msg(struct cl_run *r, struct cl_agent *a, const json_t *m)
{
	const char *t = lr_msg_type(m);
	const json_t *id = json_object_get(m, "id");
	long long i;

	if (!strcmp(t, "error")) {
		lr_warn("%s: %s", a->name,
			json_string_value(json_object_get(m, "message")));
		return;
	}
	if (!json_is_integer(id) || !r->set)
		return;
	i = json_integer_value(id) - r->id_base;
	if (i < 0 || (size_t)i >= r->set->n || client_of(r, &r->fl[i]) != a)
		return; /* a late answer about an earlier set */
	if (!strcmp(t, "prepared"))
		on_prepared(r, &r->fl[i], m);
	else if (!strcmp(t, "result"))
		on_result(r, &r->fl[i], m);
}

static void set_params(const struct cl_run *r, const struct lr_plan_flow *pf,
		       struct lr_test_params *p)
{
	lr_params_default(p);
	snprintf(p->transport, sizeof(p->transport), "%s", r->o->transport);
	p->duration_s = r->o->duration_s;
	/*
	 * A short warm-up: it counts as time outside the windows. RDMA is at
	 * its rate within microseconds and TCP on a rack's RTT within
	 * milliseconds; 0.25 s (a tenth of shorter windows) is ample.
	 */
	p->warmup_s = r->o->duration_s >= 2.5 ? 0.25 : r->o->duration_s / 10;
	/* 1 s intervals (the verdict's interval minimum), at least two */
	p->interval_s = r->o->duration_s >= 2 ? 1 : r->o->duration_s / 2;
	p->bidir = pf->bidir;
}

static void prepare(struct cl_run *r, size_t i)
{
	struct cl_flow *f = &r->fl[i];
	struct cl_agent *a = client_of(r, f), *b = server_of(r, f);
	struct lr_test_params p;
	char addr[128];

	if (a->st != AG_READY || b->st != AG_READY) {
		struct cl_agent *down = a->st != AG_READY ? a : b;

		fail(f, "%s is down (%s)", down->name,
		     down->why[0] ? down->why : "not started");
		return;
	}
	if (!cl_nic_address(r, f->pf->dst_nic, addr, sizeof(addr))) {
		fail(f, "%s/%s has no address in its inventory", b->name,
		     cl_nic_dev(r, f->pf->dst_nic));
		return;
	}
	set_params(r, f->pf, &p);
	cl_send(r, a,
		json_pack("{s:s, s:I, s:s, s:i, s:s, s:o, s:{}, s:s, s:s}",
			  "type", "prepare", "id",
			  (json_int_t)(r->id_base + (long long)i), "peer", addr,
			  "port", (int)b->port, "secret", r->secret, "params",
			  lr_params_to_json(&p), "opts", "dev",
			  cl_nic_dev(r, f->pf->src_nic), "peer_dev",
			  cl_nic_dev(r, f->pf->dst_nic)));
	if (a->st != AG_READY)
		fail(f, "%s is down (%s)", a->name, a->why);
}

static size_t count(const struct cl_run *r, enum cl_fstate st)
{
	size_t n = 0;

	for (size_t i = 0; i < r->set->n; i++)
		n += r->fl[i].st == st;
	return n;
}

/* Poll until no flow is in state st, the deadline or a stop. */
static void wait_while(struct cl_run *r, enum cl_fstate st, uint64_t deadline)
{
	while (count(r, st) && lr_now_ns() < deadline && !cl_stopped(r)) {
		r->running = r->set->n - count(r, FL_DONE);
		cl_poll(r, 100);
	}
}

/* Tell every client agent of the set, once each: go (or abort). */
static void tell_clients(struct cl_run *r, const char *what)
{
	for (size_t i = 0; i < r->n_ag; i++)
		r->ag[i].told = -1;
	for (size_t i = 0; i < r->set->n; i++) {
		struct cl_agent *a = client_of(r, &r->fl[i]);

		if (a->told == r->id_base || a->st != AG_READY)
			continue;
		a->told = r->id_base;
		cl_send(r, a, json_pack("{s:s}", "type", what));
	}
}

static char *end_name(const struct cl_run *r, uint32_t nic, char *buf,
		      size_t len)
{
	snprintf(buf, len, "%s/%s", r->t->servers[r->t->nics[nic].server].name,
		 cl_nic_dev(r, nic));
	return buf;
}

static json_t *failed_doc(const struct cl_run *r, const struct cl_flow *f)
{
	struct lr_test_params p;

	set_params(r, f->pf, &p);
	return json_pack("{s:s, s:s, s:o, s:[], s:[{s:s, s:s}]}", "schema",
			 LR_RESULT_SCHEMA, "status", "error", "params",
			 lr_params_to_json(&p), "directions", "errors", "where",
			 "cluster", "message", f->err);
}

static json_t *labelled(const struct cl_run *r, struct cl_flow *f)
{
	json_t *doc =
		f->doc && !f->failed ? json_incref(f->doc) : failed_doc(r, f);
	char a[300], b[300];
	json_t *fl =
		json_pack("{s:s, s:s, s:s, s:s}", "local",
			  end_name(r, f->pf->src_nic, a, sizeof(a)), "remote",
			  end_name(r, f->pf->dst_nic, b, sizeof(b)), "set",
			  r->set->id, "phase", lr_phase_name(r->set->phase));

	if (r->set->round)
		json_object_set_new(fl, "round", json_integer(r->set->round));
	if (f->window)
		json_object_set(fl, "window", f->window);
	json_object_set_new(doc, "flow", fl);
	return doc;
}

/* Earliest start to latest end of the set's windows. */
static double set_window(const struct cl_run *r)
{
	double lo = 0, hi = 0;

	for (size_t i = 0; i < r->set->n; i++) {
		const json_t *w = r->fl[i].window;
		double s = json_number_value(json_object_get(w, "start_unix"));
		double e = json_number_value(json_object_get(w, "end_unix"));

		if (!w || e <= s)
			continue;
		if (!lo || s < lo)
			lo = s;
		if (e > hi)
			hi = e;
	}
	return hi > lo ? hi - lo : 0;
}

static int append(struct cl_run *r)
{
	int ret = 0;

	for (size_t i = 0; !ret && i < r->set->n; i++) {
		json_t *doc = labelled(r, &r->fl[i]);
		char *line =
			json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(15));

		/* 15 digits: wall-clock windows to the 10 us */
		json_decref(doc);
		if (!line || fprintf(r->results, "%s\n", line) < 0)
			ret = -EIO;
		free(line);
	}
	if (!ret && (fflush(r->results) || fsync(fileno(r->results))))
		ret = -errno;
	if (ret)
		lr_err("cannot append to %s: %s", r->results_path,
		       strerror(-ret));
	json_object_set_new(r->done_sets, r->set->id,
			    json_integer((json_int_t)r->set->n));
	return ret;
}

static void free_flows(struct cl_run *r)
{
	for (size_t i = 0; r->set && i < r->set->n; i++) {
		json_decref(r->fl[i].doc);
		json_decref(r->fl[i].window);
	}
	free(r->fl);
	r->fl = NULL;
	r->set = NULL;
}

static uint64_t ms(uint64_t v)
{
	return v * 1000000ull;
}

int cl_run_set(struct cl_run *r, const struct lr_plan_set *s)
{
	uint64_t run_ms;
	int ret;

	if (json_object_get(r->done_sets, s->id)) {
		json_int_t have = json_integer_value(
			json_object_get(r->done_sets, s->id));

		ret = have >= (json_int_t)s->n ? 1 :
						 cl_drop_last(r, s->id, s->n);
		if (ret < 0)
			return ret;
		if (ret) {
			r->sum->sets_resumed++;
			return 0;
		}
	}
	r->fl = calloc(s->n + 1, sizeof(*r->fl));
	if (!r->fl)
		return -ENOMEM;
	r->set_t0 = lr_now_ns();
	if (!r->sets_t0)
		r->sets_t0 = r->set_t0;
	r->set = s;
	r->id_base = r->next_id;
	r->next_id += (long long)s->n;
	for (size_t i = 0; i < s->n; i++)
		r->fl[i].pf = &s->flows[i];
	for (size_t i = 0; i < s->n; i++)
		if (r->fl[i].st == FL_PREPARING)
			prepare(r, i);
	wait_while(r, FL_PREPARING, lr_now_ns() + ms(CL_PREPARE_MS));
	for (size_t i = 0; i < s->n; i++)
		if (r->fl[i].st == FL_PREPARING)
			fail(&r->fl[i], "not prepared within %d s",
			     CL_PREPARE_MS / 1000);
	if (cl_stopped(r)) {
		tell_clients(r, "abort");
		free_flows(r);
		return -EINTR;
	}
	/* the barrier: every flow is prepared (or failed); one go */
	for (size_t i = 0; i < s->n; i++)
		if (r->fl[i].st == FL_PREPARED)
			r->fl[i].st = FL_RUNNING;
	tell_clients(r, "go");
	run_ms = (uint64_t)((r->o->duration_s + 1) * 1000) + CL_RESULT_GRACE_MS;
	wait_while(r, FL_RUNNING, lr_now_ns() + ms(run_ms));
	if (cl_stopped(r)) {
		tell_clients(r, "abort");
		free_flows(r);
		return -EINTR;
	}
	for (size_t i = 0; i < s->n; i++)
		if (r->fl[i].st != FL_DONE)
			fail(&r->fl[i], "no result within %llu s",
			     (unsigned long long)run_ms / 1000);
	r->sum->window_s += set_window(r);
	r->sum->sets_run++;
	r->sum->flows_run += s->n;
	ret = append(r);
	free_flows(r);
	return ret;
}
