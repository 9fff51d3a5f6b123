// SPDX-License-Identifier: MIT
/*
 * One "linerate.result/1" document -> one flow per direction. Everything is
 * validated: a document of another schema, a rate that is not a finite
 * non-negative number, a label of the wrong type are input errors named
 * with their place.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd.h"
#include "vj.h"
#include "linerate/counters.h"
#include "linerate/result.h"
#include "linerate/util.h"

struct doc_ctx {
	const char *where;
	const char *local, *remote; /* "SERVER/NIC" */
	char lbuf[256], rbuf[256];
	const char *set, *phase;
	char setbuf[64];
	int round;
	double start, end;
	enum lr_op op;
	uint64_t msg;
	unsigned qps;
	unsigned outstanding; /* READ: the reader's max_rd_atomic, 0: unknown */
	char *err[2]; /* rising error counters: local end, remote end */
	bool pause_only[2]; /* ... and they are pause frames only */
	const char *doc_error;
};

static bool valid_name(const char *s)
{
	const char *slash = s ? strchr(s, '/') : NULL;

	return slash && slash != s && slash[1] && !strchr(slash + 1, '/');
}

static int get_num(const struct doc_ctx *c, const struct vj *obj,
		   const char *key, const char *in, double *out)
{
	const struct vj *j = vj_get(obj, key);
	double x;

	if (!j || j->type == VJ_NULL) {
		*out = NAN;
		return 0;
	}
	if (j->type != VJ_NUM) {
		lr_err("%s: %s.%s is not a number", c->where, in, key);
		return -EINVAL;
	}
	x = j->d;
	if (!isfinite(x) || x < 0) {
		lr_err("%s: %s.%s = %g: expected a finite rate >= 0", c->where,
		       in, key, x);
		return -EINVAL;
	}
	*out = x;
	return 0;
}

static int labels_window(struct doc_ctx *c, const struct vj *w)
{
	double s, e;

	if (!w)
		return 0;
	if (!vj_is(w, VJ_OBJ) ||
	    get_num(c, w, "start_unix", "flow.window", &s) ||
	    get_num(c, w, "end_unix", "flow.window", &e)) {
		lr_err("%s: flow.window must be {start_unix, end_unix}",
		       c->where);
		return -EINVAL;
	}
	if (!isnan(s) && !isnan(e) && e < s) {
		lr_err("%s: flow.window ends (%.3f) before it starts (%.3f)",
		       c->where, e, s);
		return -EINVAL;
	}
	c->start = s;
	c->end = e;
	return 0;
}

static int labels(struct doc_ctx *c, const struct vj *flow)
{
	const struct vj *set = vj_get(flow, "set"),
			*phase = vj_get(flow, "phase"),
			*round = vj_get(flow, "round");

	if (!vj_is(flow, VJ_OBJ)) {
		lr_err("%s: \"flow\" is not an object", c->where);
		return -EINVAL;
	}
	c->local = vj_str(vj_get(flow, "local"));
	c->remote = vj_str(vj_get(flow, "remote"));
	if (!valid_name(c->local) || !valid_name(c->remote)) {
		lr_err("%s: flow.local and flow.remote must be \"SERVER/NIC\"",
		       c->where);
		return -EINVAL;
	}
	if (vj_is(set, VJ_NUM) && set->integer) {
		snprintf(c->setbuf, sizeof(c->setbuf), "%lld", set->i);
		c->set = c->setbuf;
	} else if (set && !(c->set = vj_str(set))) {
		lr_err("%s: flow.set must be a string", c->where);
		return -EINVAL;
	}
	if (phase && !(c->phase = vj_str(phase))) {
		lr_err("%s: flow.phase must be a string", c->where);
		return -EINVAL;
	}
	if (round) {
		if (!vj_is(round, VJ_NUM) || !round->integer || round->i < 0 ||
		    round->i > 1000000000) {
			lr_err("%s: flow.round must be an integer >= 0",
			       c->where);
			return -EINVAL;
		}
		c->round = (int)round->i;
	}
	return labels_window(c, vj_get(flow, "window"));
}

/* "host/device" of one end of a plain pair result. */
static const char *end_name(const struct vj *end, char *buf, size_t len)
{
	const char *host = vj_str(vj_get(end, "host"));
	const char *dev = vj_str(vj_get(vj_get(end, "endpoint"), "device"));

	if (!host || !dev || !*host || !*dev)
		return NULL;
	snprintf(buf, len, "%s/%s", host, dev);
	return buf;
}

static int names(struct doc_ctx *c, const struct vj *doc, const char *local,
		 const char *remote)
{
	const struct vj *flow = vj_get(doc, "flow");

	if (flow)
		return labels(c, flow);
	c->local = local ? local :
			   end_name(vj_get(doc, "local"), c->lbuf,
				    sizeof(c->lbuf));
	c->remote = remote ? remote :
			     end_name(vj_get(doc, "peer"), c->rbuf,
				      sizeof(c->rbuf));
	if (!c->local || !c->remote) {
		lr_err("%s: no \"flow\" labels and no host/device names in the "
		       "result: name the ends (--local/--remote SERVER/NIC)",
		       c->where);
		return -EINVAL;
	}
	if (!valid_name(c->local) || !valid_name(c->remote)) {
		lr_err("%s: '%s' -> '%s': names must be SERVER/NIC", c->where,
		       c->local, c->remote);
		return -EINVAL;
	}
	return 0;
}

static bool positive_int(const struct vj *x)
{
	return vj_is(x, VJ_NUM) && x->integer && x->i > 0;
}

/*
 * READ: the READs in flight per QP that the test ran with, the reader's
 * initiator depth as its QP has it (qp_attr.max_rd_atomic of the end that
 * sends direction 0's payload request: the client unless --reverse).
 */
static unsigned read_depth(const struct vj *doc)
{
	const struct vj *dirs = vj_get(doc, "directions");
	const struct vj *d0 = vj_is(dirs, VJ_ARR) ? dirs->child : NULL;
	const char *s = vj_str(vj_get(d0, "sender"));
	const char *side = s && !strcmp(s, "server") ? "peer" : "local";
	const struct vj *qa =
		vj_get(vj_get(vj_get(vj_get(doc, side), "endpoint"), "qp_attr"),
		       "max_rd_atomic");

	return positive_int(qa) && qa->i <= 65535 ? (unsigned)qa->i : 0;
}

static int params(struct doc_ctx *c, const struct vj *doc)
{
	const struct vj *p = vj_get(doc, "params");
	const char *tr = vj_str(vj_get(p, "transport"));
	const struct vj *msg = vj_get(p, "msg_size"),
			*st = vj_get(p, "streams");
	const char *op;

	if (!vj_is(p, VJ_OBJ) || !tr) {
		lr_err("%s: no params.transport", c->where);
		return -EINVAL;
	}
	c->msg = positive_int(msg) ? (uint64_t)msg->i : 0;
	c->qps = positive_int(st) && st->i < 1000000 ? (unsigned)st->i : 1;
	if (!strcmp(tr, "tcp")) {
		c->op = LR_OP_STREAM;
		return 0;
	}
	op = vj_str(vj_get(vj_get(doc, "transport_options"), "op"));
	if (!op || !strcmp(op, "write"))
		c->op = LR_OP_WRITE;
	else if (!strcmp(op, "read")) {
		c->op = LR_OP_READ;
		c->outstanding = read_depth(doc);
	} else if (!strcmp(op, "send"))
		c->op = LR_OP_SEND;
	else {
		lr_err("%s: unknown transport_options.op '%s' (write, read, "
		       "send)",
		       c->where, op);
		return -EINVAL;
	}
	return 0;
}

static void append(char **s, const char *dev, const char *name, long long d)
{
	char *n = *s ? vd_fmt("%s, %s %s +%lld", *s, dev, name, d) :
		       vd_fmt("%s %s +%lld", dev, name, d);

	if (n) {
		free(*s);
		*s = n;
	}
}

/* Rising error and pause counters of one end's {DEV: delta}; *pauses:
 * whether pause frames are all of them. */
static char *rising(const struct vj *devs, bool *pauses)
{
	char *s = NULL;

	*pauses = true;
	if (!vj_is(devs, VJ_OBJ))
		return NULL;
	for (const struct vj *d = devs->child; d; d = d->next) {
		const struct vj *groups = vj_get(d, "groups");

		if (!vj_is(groups, VJ_OBJ))
			continue;
		for (const struct vj *g = groups->child; g; g = g->next) {
			if (!vj_is(g, VJ_OBJ))
				continue;
			for (const struct vj *x = g->child; x; x = x->next) {
				bool err;

				if (!vj_is(x, VJ_NUM) || !x->integer ||
				    x->i < vd_limits.min_error_delta)
					continue;
				err = lr_counter_is_error(g->key, x->key);
				if (!err &&
				    !lr_counter_is_pause(g->key, x->key))
					continue;
				*pauses &= !err;
				append(&s, d->key, x->key, x->i);
			}
		}
	}
	return s;
}

static void counters(struct doc_ctx *c, const struct vj *doc)
{
	const struct vj *ctr = vj_get(doc, "counters");

	c->err[0] = rising(vj_get(ctr, "local"), &c->pause_only[0]);
	c->err[1] = rising(vj_get(ctr, "peer"), &c->pause_only[1]);
}

static int intervals(const struct doc_ctx *c, const struct vj *d,
		     struct vd_flow *f)
{
	const struct vj *iv = vj_get(d, "intervals");
	size_t i = 0, n = vj_is(iv, VJ_ARR) ? iv->n : 0;

	if (n > vd_limits.max_intervals)
		n = vd_limits.max_intervals;
	if (!n)
		return 0;
	f->iv = malloc(n * sizeof(*f->iv));
	if (!f->iv)
		return -ENOMEM;
	for (const struct vj *x = iv->child; x && i < n; x = x->next, i++) {
		double g;

		if (get_num(c, x, "gbps", "intervals[]", &g))
			return -EINVAL;
		f->iv[f->n_iv++] = isnan(g) ? 0.0f : (float)g;
	}
	return 0;
}

static int iv_stats(const struct doc_ctx *c, const struct vj *d,
		    struct vd_flow *f)
{
	const struct vj *s = vj_get(d, "interval_gbps");
	const struct vj *n = vj_get(s, "n");

	f->iv_min = f->iv_med = f->iv_max = NAN;
	if (!s)
		return 0;
	if (get_num(c, s, "min", "interval_gbps", &f->iv_min) ||
	    get_num(c, s, "median", "interval_gbps", &f->iv_med) ||
	    get_num(c, s, "max", "interval_gbps", &f->iv_max))
		return -EINVAL;
	f->iv_n = positive_int(n) && n->i < 100000000 ? (unsigned)n->i : 0;
	return 0;
}

static int retrans(const struct doc_ctx *c, const struct vj *d,
		   struct vd_flow *f)
{
	const struct vj *r = vj_get(d, "retransmits");

	f->retrans = f->retrans_ratio = NAN;
	if (vj_is(r, VJ_OBJ))
		return get_num(c, r, "segments", "retransmits", &f->retrans) ||
		       get_num(c, r, "ratio", "retransmits", &f->retrans_ratio);
	if (get_num(c, d, "retransmits", "directions[]", &f->retrans) ||
	    get_num(c, d, "retransmit_ratio", "directions[]",
		    &f->retrans_ratio))
		return -EINVAL;
	return 0;
}

static int direction(struct lr_verdict *v, struct doc_ctx *c,
		     const struct vj *d, long set)
{
	const char *dir = vj_str(vj_get(d, "direction"));
	bool c2s = dir && !strcmp(dir, "c2s");
	struct vd_flow *f;

	if (!dir || (!c2s && strcmp(dir, "s2c"))) {
		lr_err("%s: directions[].direction must be \"c2s\" or \"s2c\"",
		       c->where);
		return -EINVAL;
	}
	f = vd_flow_new(v);
	if (!f)
		return -ENOMEM;
	f->where = vd_strdup(c->where);
	f->src = vd_strdup(c2s ? c->local : c->remote);
	f->dst = vd_strdup(c2s ? c->remote : c->local);
	f->dir = vd_strdup(dir);
	f->err_src = vd_strdup(c->err[c2s ? 0 : 1]);
	f->err_dst = vd_strdup(c->err[c2s ? 1 : 0]);
	f->pause_src = c->pause_only[c2s ? 0 : 1];
	f->pause_dst = c->pause_only[c2s ? 1 : 0];
	f->set = (uint32_t)set;
	f->round = c->round;
	f->start = c->start;
	f->end = c->end;
	f->op = c->op;
	f->msg = c->msg;
	f->qps = c->qps;
	f->outstanding = c->outstanding;
	if (!f->where || !f->src || !f->dst || !f->dir)
		return -ENOMEM;
	if (get_num(c, d, "gbps", "directions[]", &f->gbps) ||
	    iv_stats(c, d, f) || intervals(c, d, f) || retrans(c, d, f))
		return -EINVAL;
	if (isnan(f->gbps)) {
		f->verdict = VD_FAILED;
		f->error = vd_strdup(c->doc_error ? c->doc_error :
						    "no rate in the result");
	}
	return 0;
}

/* The first error's message of a result whose status is not ok. */
static const char *doc_error(const struct vj *doc)
{
	const struct vj *e = vj_get(doc, "errors");
	const char *m = vj_is(e, VJ_ARR) && e->child ?
				vj_str(vj_get(e->child, "message")) :
				NULL;

	return m ? m : "the result's status is not ok";
}

static int flows(struct lr_verdict *v, struct doc_ctx *c, const struct vj *doc)
{
	const struct vj *dirs = vj_get(doc, "directions");
	char own[32];
	long set;

	if (!vj_is(dirs, VJ_ARR)) {
		lr_err("%s: no \"directions\" array", c->where);
		return -EINVAL;
	}
	if (!c->set) {
		/* a pair test alone: its own set */
		snprintf(own, sizeof(own), "%s%zu",
			 v->own_prefix ? v->own_prefix : "#", v->n_docs);
		c->set = own;
	}
	set = vd_set_get(v, c->phase, c->set);
	if (set < 0)
		return (int)set;
	for (const struct vj *d = dirs->child; d; d = d->next) {
		int ret = direction(v, c, d, set);

		if (ret)
			return ret;
	}
	if (!dirs->n && c->doc_error)
		return lr_verdict_add_failed(v, c->local, c->remote, c->set,
					     c->phase, c->doc_error);
	return 0;
}

int vd_load_doc(struct lr_verdict *v, const struct vj *doc, const char *where,
		const char *local, const char *remote)
{
	struct doc_ctx c = { .where = where, .round = -1 };
	const char *schema = vj_str(vj_get(doc, "schema"));
	const char *status = vj_str(vj_get(doc, "status"));
	size_t first = v->n_flows;
	int ret;

	c.start = c.end = NAN;
	if (!vj_is(doc, VJ_OBJ)) {
		lr_err("%s: not a JSON object", where);
		return -EINVAL;
	}
	if (!schema || strcmp(schema, LR_RESULT_SCHEMA)) {
		lr_err("%s: schema '%s', expected '%s'", where,
		       schema ? schema : "(none)", LR_RESULT_SCHEMA);
		return -EINVAL;
	}
	if (status && strcmp(status, "ok"))
		c.doc_error = doc_error(doc);
	ret = names(&c, doc, local, remote);
	if (!ret)
		ret = params(&c, doc);
	if (!ret) {
		counters(&c, doc);
		ret = flows(v, &c, doc);
	}
	free(c.err[0]);
	free(c.err[1]);
	if (!ret)
		v->n_docs++;
	else
		vd_flows_drop(v, first);
	return ret;
}

int vd_load_text(struct lr_verdict *v, const char *text, size_t len,
		 const char *file, int line, const char *local,
		 const char *remote)
{
	struct vj_error err;
	struct vj *doc;
	char where[4200];
	int ret;

	vj_reset(&v->arena);
	ret = vj_parse(&v->arena, text, len, &doc, &err);
	if (ret == -EINVAL)
		lr_err("%s:%d:%d: %s", file, line + err.line - 1, err.col,
		       err.text);
	else if (ret)
		lr_err("out of memory reading %s", file);
	if (ret)
		return ret;
	if (line > 0)
		snprintf(where, sizeof(where), "%s:%d", file, line);
	else
		snprintf(where, sizeof(where), "%s", file);
	return vd_load_doc(v, doc, where, local, remote);
}
