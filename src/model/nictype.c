// SPDX-License-Identifier: MIT
/*
 * One NIC on its own (the ceiling chain preflight quotes for a mismatch),
 * the NIC types of a topology, and the per-server expectation of each host
 * template (all NICs to a partner server at once).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/model.h"
#include "linerate/util.h"

static void put(struct lr_ceiling *chain, size_t max, size_t *n,
		enum lr_res_kind kind, double gbps, const char *what)
{
	if (*n >= max)
		return;
	chain[*n].kind = kind;
	chain[*n].gbps = gbps;
	snprintf(chain[*n].what, sizeof(chain[*n].what), "%s", what);
	(*n)++;
}

static void spec_qp_opts(const struct lr_nic_spec *spec, struct lr_qp_opts *o)
{
	*o = (struct lr_qp_opts){ .op = spec->op,
				  .msg = spec->msg,
				  .qps = spec->qps,
				  .outstanding = spec->outstanding };
}

/* The NIC's engines: per-QP limit, NIC-wide message rate. */
static void engine_ceilings(const struct lr_nic_spec *spec,
			    struct lr_ceiling *chain, size_t max, size_t *n)
{
	struct lr_qp_limit q = { 0 };
	struct lr_qp_opts o;
	char what[96];
	double link = lr_link_goodput(spec->profile, spec->rate_gbps, spec->op,
				      spec->msg);
	double nic_msg = lr_nic_msg_gbps(&spec->model, spec->op, spec->msg);

	spec_qp_opts(spec, &o);
	lr_qp_limit(&spec->model, &o, link, &q);
	/* at or above the link they cannot bind */
	if (q.gbps > 0 && q.gbps < link)
		put(chain, max, n, q.kind, q.gbps,
		    lr_qp_what(&spec->model, &o, q.kind, what, sizeof(what)));
	if (nic_msg > 0 && nic_msg < link)
		put(chain, max, n, LR_RES_NIC_MSG, nic_msg,
		    lr_qp_what(&spec->model, &o, LR_RES_NIC_MSG, what,
			       sizeof(what)));
}

enum lr_unknown lr_nic_spec_unknown(const struct lr_nic_spec *spec)
{
	struct lr_qp_opts o;

	spec_qp_opts(spec, &o);
	return lr_model_unknown(&spec->model, &o);
}

size_t lr_model_nic(const struct lr_nic_spec *spec, struct lr_ceiling *chain,
		    size_t max, size_t *limit, double *gbps)
{
	char what[96];
	size_t n = 0;

	lr_link_what(spec->profile, spec->rate_gbps, spec->op, what,
		     sizeof(what));
	put(chain, max, &n, LR_RES_NIC_TX,
	    lr_link_goodput(spec->profile, spec->rate_gbps, spec->op,
			    spec->msg),
	    what);
	if (spec->pcie_gen) {
		struct lr_pcie_link l = {
			.gen = spec->pcie_gen,
			.width = spec->pcie_width,
			.max_payload = spec->max_payload,
			.max_read_req = spec->max_read_req,
			.read_completion = spec->read_completion,
		};

		snprintf(what, sizeof(what),
			 "PCIe Gen%u x%u, read completions of %u B",
			 spec->pcie_gen, spec->pcie_width,
			 lr_pcie_completion_bytes(&l));
		put(chain, max, &n, LR_RES_PCIE_RD, lr_pcie_read_gbps(&l),
		    what);
		snprintf(what, sizeof(what), "PCIe Gen%u x%u, max payload %u B",
			 spec->pcie_gen, spec->pcie_width,
			 spec->max_payload ? spec->max_payload : 256);
		put(chain, max, &n, LR_RES_PCIE_WR, lr_pcie_write_gbps(&l),
		    what);
	}
	engine_ceilings(spec, chain, max, &n);
	if (spec->remote_numa && spec->inter_socket_gbps > 0) {
		snprintf(what, sizeof(what),
			 "inter-socket link %gG (buffer "
			 "on the remote NUMA node)",
			 spec->inter_socket_gbps);
		put(chain, max, &n, LR_RES_XSOCK_TX, spec->inter_socket_gbps,
		    what);
	}
	*limit = 0;
	for (size_t i = 1; i < n; i++)
		if (chain[i].gbps < chain[*limit].gbps)
			*limit = i;
	*gbps = n ? chain[*limit].gbps : 0;
	return n;
}

void lr_nic_spec_of(const struct lr_topo *t, uint32_t nic,
		    struct lr_nic_spec *spec)
{
	const struct lr_nic *n = &t->nics[nic];
	const struct lr_host_tmpl *h = &t->tmpls[t->servers[n->server].tmpl];
	const struct lr_nic_tmpl *nt = &h->nics[n->idx];

	*spec = (struct lr_nic_spec){
		.profile = &t->profiles[nt->profile],
		.rate_gbps = lr_topo_nic_rate(t, n),
		.pcie_gen = nt->pcie_gen,
		.pcie_width = nt->pcie_width,
		.max_payload = h->max_payload,
		.max_read_req = h->max_read_req,
		.read_completion = h->read_completion,
		.inter_socket_gbps = h->inter_socket_gbps,
		.model = nt->model,
	};
}

static bool same_type(const struct lr_nic_spec *a, const struct lr_nic_spec *b)
{
	return a->profile == b->profile && a->rate_gbps == b->rate_gbps &&
	       a->pcie_gen == b->pcie_gen && a->pcie_width == b->pcie_width &&
	       a->max_payload == b->max_payload &&
	       a->max_read_req == b->max_read_req &&
	       a->read_completion == b->read_completion &&
	       a->remote_numa == b->remote_numa &&
	       !memcmp(&a->model, &b->model, sizeof(a->model)) &&
	       a->inter_socket_gbps == b->inter_socket_gbps;
}

static int add_type(struct lr_nic_types *ty, const struct lr_nic_spec *spec,
		    uint32_t nic)
{
	struct lr_nic_type *x;

	for (size_t i = 0; i < ty->n; i++) {
		if (same_type(&ty->v[i].spec, spec)) {
			ty->v[i].count++;
			return 0;
		}
	}
	x = realloc(ty->v, (ty->n + 1) * sizeof(*x));
	if (!x)
		return -ENOMEM;
	ty->v = x;
	x = &ty->v[ty->n++];
	memset(x, 0, sizeof(*x));
	x->spec = *spec;
	x->example_nic = nic;
	x->count = 1;
	x->n_chain = lr_model_nic(spec, x->chain, LR_ARRAY_SIZE(x->chain),
				  &x->limit, &x->gbps);
	x->unknown = lr_nic_spec_unknown(spec);
	return 0;
}

int lr_nic_types(const struct lr_topo *t, const struct lr_model_opts *o,
		 struct lr_nic_types *ty)
{
	struct lr_nic_spec spec;
	int ret = 0;

	memset(ty, 0, sizeof(*ty));
	for (uint32_t i = 0; !ret && i < t->n_nics; i++) {
		lr_nic_spec_of(t, i, &spec);
		spec.op = o->op;
		spec.msg = o->msg;
		spec.qps = o->qps ? o->qps : t->qps_per_flow;
		spec.outstanding = o->outstanding;
		spec.remote_numa =
			o->remote_numa &&
			!(o->gpu_buffers &&
			  lr_topo_nic_tmpl(t, &t->nics[i])->gpu >= 0);
		ret = add_type(ty, &spec, i);
	}
	return ret;
}

void lr_nic_types_free(struct lr_nic_types *ty)
{
	free(ty->v);
	memset(ty, 0, sizeof(*ty));
}

/* The first two servers of a template, or -1. */
static long partner(const struct lr_topo *t, uint32_t tmpl, long *a)
{
	*a = -1;
	for (size_t s = 0; s < t->n_servers; s++) {
		if (t->servers[s].tmpl != tmpl)
			continue;
		if (*a >= 0)
			return (long)s;
		*a = (long)s;
	}
	return -1;
}

int lr_model_host(const struct lr_topo *t, uint32_t tmpl,
		  const struct lr_model_opts *o, struct lr_pattern_result *res,
		  struct lr_graph *g)
{
	long a, z = partner(t, tmpl, &a);
	int ret;

	lr_graph_init_opts(g, t, o);
	if (z < 0)
		return -ENOENT;
	ret = lr_pattern_servers(g, (uint32_t)a, (uint32_t)z, false);
	if (!ret)
		ret = lr_model_solve(g, res);
	if (!ret)
		res->pattern = LR_PAT_SERVER;
	return ret;
}
