// SPDX-License-Identifier: MIT
/* Topology file: host templates (NICs, PCIe switches, sockets). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/util.h"
#include "topo_int.h"

#define MAX_NICS 64
#define MAX_PSWITCHES 64

struct tmpl_ctx {
	struct lr_host_tmpl *h;
	char *psw_name[MAX_NICS]; /* a NIC's pcie_switch, by name */
	yaml_node_t *psw_node[MAX_NICS];
	struct lr_nic_tmpl *nic; /* the NIC being parsed */
	struct lr_pcie_switch *psw; /* the PCIe switch being parsed */
	bool rail_set;
	const struct lr_nic_model *base; /* the NIC's `model`, if any */
	struct lr_nic_model over; /* its keys, 0: not given */
};

/* ---- a NIC ---- */

static int n_name(struct yctx *c, yaml_node_t *n, void *o)
{
	return y_str(c, n, "a NIC name", &((struct tmpl_ctx *)o)->nic->name);
}

static int n_profile(struct yctx *c, yaml_node_t *n, void *o)
{
	struct lr_nic_tmpl *nic = ((struct tmpl_ctx *)o)->nic;
	const char *s = y_scalar(n);
	char fb[64];

	for (size_t i = 0; s && i < c->t->n_profiles; i++) {
		if (!strcmp(c->t->profiles[i].name, s)) {
			nic->profile = (uint32_t)i;
			return 0;
		}
	}
	return y_err(c, n,
		     "unknown profile %s (expected a name defined under "
		     "'profiles')",
		     y_found(n, fb, sizeof(fb)));
}

static int n_rail(struct yctx *c, yaml_node_t *n, void *o)
{
	struct tmpl_ctx *x = o;
	unsigned long v;
	int ret = y_uint(c, n, "rail", 0, 1023, &v);

	if (!ret) {
		x->nic->rail = (uint32_t)v;
		x->rail_set = true;
	}
	return ret;
}

static int n_numa(struct yctx *c, yaml_node_t *n, void *o)
{
	unsigned long v;
	int ret = y_uint(c, n, "numa", 0, 7, &v);

	if (!ret)
		((struct tmpl_ctx *)o)->nic->numa = (unsigned)v;
	return ret;
}

static int n_pcie(struct yctx *c, yaml_node_t *n, void *o)
{
	struct lr_nic_tmpl *nic = ((struct tmpl_ctx *)o)->nic;

	return y_pcie(c, n, &nic->pcie_gen, &nic->pcie_width);
}

static int n_pswitch(struct yctx *c, yaml_node_t *n, void *o)
{
	struct tmpl_ctx *x = o;
	size_t i = x->h->n_nics;

	x->psw_node[i] = n;
	return y_str(c, n, "pcie_switch", &x->psw_name[i]);
}

static int n_gpu(struct yctx *c, yaml_node_t *n, void *o)
{
	unsigned long v;
	int ret = y_uint(c, n, "gpu", 0, 63, &v);

	if (!ret)
		((struct tmpl_ctx *)o)->nic->gpu = (int)v;
	return ret;
}

/* ---- what the NIC's engines can do (docs/model.md) ---- */

static int n_model(struct yctx *c, yaml_node_t *n, void *o)
{
	const char *s = y_scalar(n);
	char fb[64];

	((struct tmpl_ctx *)o)->base = s ? lr_nic_model_find(s) : NULL;
	if (((struct tmpl_ctx *)o)->base)
		return 0;
	return y_err(c, n, "unknown NIC model %s (expected one of %s)",
		     y_found(n, fb, sizeof(fb)), lr_nic_model_names());
}

static int n_read_qp(struct yctx *c, yaml_node_t *n, void *o)
{
	return y_rate(c, n, "read_qp_rate",
		      &((struct tmpl_ctx *)o)->over.read_qp_gbps);
}

static int n_rd_atom(struct yctx *c, yaml_node_t *n, void *o)
{
	unsigned long v;
	int ret = y_uint(c, n, "max_rd_atom", 1, 1024, &v);

	if (!ret)
		((struct tmpl_ctx *)o)->over.max_rd_atom = (unsigned)v;
	return ret;
}

/* "370M" messages per second */
static int y_msg_rate(struct yctx *c, yaml_node_t *n, const char *what,
		      double *out)
{
	const char *s = y_scalar(n);
	char fb[64];
	double g;

	if (s && !lr_parse_rate(s, &g)) {
		*out = g * 1e9;
		return 0;
	}
	return y_err(c, n,
		     "%s for %s (expected messages per second, e.g. 370M)",
		     y_found(n, fb, sizeof(fb)), what);
}

static int n_msg_qp(struct yctx *c, yaml_node_t *n, void *o)
{
	return y_msg_rate(c, n, "msg_rate_qp",
			  &((struct tmpl_ctx *)o)->over.msg_rate_qp);
}

static int n_msg(struct yctx *c, yaml_node_t *n, void *o)
{
	return y_msg_rate(c, n, "msg_rate",
			  &((struct tmpl_ctx *)o)->over.msg_rate);
}

static int n_rtt(struct yctx *c, yaml_node_t *n, void *o)
{
	const char *s = y_scalar(n);
	char fb[64];

	if (s &&
	    !lr_parse_duration_us(s, &((struct tmpl_ctx *)o)->over.read_rtt_us))
		return 0;
	return y_err(c, n, "%s for read_rtt (expected e.g. 3us or 800ns)",
		     y_found(n, fb, sizeof(fb)));
}

/* The built-in model, then the keys given. */
static void nic_model_finish(struct tmpl_ctx *x)
{
	struct lr_nic_model *m = &x->nic->model;
	const struct lr_nic_model *o = &x->over;

	*m = x->base ? *x->base : (struct lr_nic_model){ 0 };
	if (o->read_qp_gbps > 0)
		m->read_qp_gbps = o->read_qp_gbps;
	if (o->max_rd_atom)
		m->max_rd_atom = o->max_rd_atom;
	if (o->msg_rate_qp > 0)
		m->msg_rate_qp = o->msg_rate_qp;
	if (o->msg_rate > 0)
		m->msg_rate = o->msg_rate;
	if (o->read_rtt_us > 0)
		m->read_rtt_us = o->read_rtt_us;
}

static const struct yfield nic_fields[] = {
	{ "model", n_model, false },
	{ "read_qp_rate", n_read_qp, false },
	{ "max_rd_atom", n_rd_atom, false },
	{ "msg_rate_qp", n_msg_qp, false },
	{ "msg_rate", n_msg, false },
	{ "read_rtt", n_rtt, false },
	{ "name", n_name, true },
	{ "profile", n_profile, true },
	{ "rail", n_rail, false },
	{ "numa", n_numa, false },
	{ "pcie", n_pcie, false },
	{ "pcie_switch", n_pswitch, false },
	{ "gpu", n_gpu, false },
};

static int parse_nic(struct yctx *c, yaml_node_t *n, void *o)
{
	struct tmpl_ctx *x = o;
	struct lr_host_tmpl *h = x->h;
	int ret;

	if (h->n_nics == MAX_NICS)
		return y_err(c, n, "more than %d NICs in host '%s'", MAX_NICS,
			     h->name);
	x->nic = &h->nics[h->n_nics];
	*x->nic = (struct lr_nic_tmpl){
		.pcie_switch = -1, .gpu = -1, .line = y_line(n), .col = y_col(n)
	};
	x->rail_set = false;
	x->base = NULL;
	x->over = (struct lr_nic_model){ 0 };
	ret = y_map(c, n, nic_fields, LR_ARRAY_SIZE(nic_fields), x, "a NIC");
	nic_model_finish(x);
	if (!x->rail_set)
		x->nic->rail = (uint32_t)h->n_nics;
	h->n_nics++;
	return ret;
}

/* ---- a PCIe switch ---- */

static int p_name(struct yctx *c, yaml_node_t *n, void *o)
{
	return y_str(c, n, "a PCIe switch name",
		     &((struct tmpl_ctx *)o)->psw->name);
}

static int p_uplink(struct yctx *c, yaml_node_t *n, void *o)
{
	struct lr_pcie_switch *p = ((struct tmpl_ctx *)o)->psw;

	return y_pcie(c, n, &p->gen, &p->width);
}

static int p_numa(struct yctx *c, yaml_node_t *n, void *o)
{
	unsigned long v;
	int ret = y_uint(c, n, "numa", 0, 7, &v);

	if (!ret)
		((struct tmpl_ctx *)o)->psw->numa = (unsigned)v;
	return ret;
}

static const struct yfield psw_fields[] = {
	{ "name", p_name, true },
	{ "uplink", p_uplink, true },
	{ "numa", p_numa, false },
};

static int parse_psw(struct yctx *c, yaml_node_t *n, void *o)
{
	struct tmpl_ctx *x = o;
	struct lr_host_tmpl *h = x->h;

	if (h->n_pswitches == MAX_PSWITCHES)
		return y_err(c, n, "more than %d PCIe switches in host '%s'",
			     MAX_PSWITCHES, h->name);
	x->psw = &h->pswitches[h->n_pswitches++];
	*x->psw = (struct lr_pcie_switch){ 0 };
	return y_map(c, n, psw_fields, LR_ARRAY_SIZE(psw_fields), x,
		     "a PCIe switch");
}

/* ---- the template ---- */

static int h_sockets(struct yctx *c, yaml_node_t *n, void *o)
{
	unsigned long v;
	int ret = y_uint(c, n, "sockets", 1, 8, &v);

	if (!ret)
		((struct tmpl_ctx *)o)->h->sockets = (unsigned)v;
	return ret;
}

static int h_xsock(struct yctx *c, yaml_node_t *n, void *o)
{
	return y_rate(c, n, "inter-socket rate",
		      &((struct tmpl_ctx *)o)->h->inter_socket_gbps);
}

/* A PCIe transfer size: a power of two from lo to 4096. */
static int pcie_size(struct yctx *c, yaml_node_t *n, const char *key,
		     unsigned long lo, unsigned *out)
{
	unsigned long v;
	char fb[64];

	if (y_uint(c, n, key, lo, 4096, &v))
		return -EINVAL;
	if (v & (v - 1))
		return y_err(c, n,
			     "%s for %s (expected a power of two from %lu "
			     "to 4096)",
			     y_found(n, fb, sizeof(fb)), key, lo);
	*out = (unsigned)v;
	return 0;
}

static int h_mps(struct yctx *c, yaml_node_t *n, void *o)
{
	return pcie_size(c, n, "pcie_max_payload", 128,
			 &((struct tmpl_ctx *)o)->h->max_payload);
}

static int h_mrrs(struct yctx *c, yaml_node_t *n, void *o)
{
	return pcie_size(c, n, "pcie_max_read_request", 128,
			 &((struct tmpl_ctx *)o)->h->max_read_req);
}

static int h_cpl(struct yctx *c, yaml_node_t *n, void *o)
{
	return pcie_size(c, n, "pcie_read_completion", 64,
			 &((struct tmpl_ctx *)o)->h->read_completion);
}

static int h_pswitches(struct yctx *c, yaml_node_t *n, void *o)
{
	return y_seq(c, n, parse_psw, o, "PCIe switches");
}

static int h_nics(struct yctx *c, yaml_node_t *n, void *o)
{
	return y_seq(c, n, parse_nic, o, "NICs");
}

static const struct yfield host_fields[] = {
	{ "nics", h_nics, true },
	{ "pcie_switches", h_pswitches, false },
	{ "sockets", h_sockets, false },
	{ "inter_socket", h_xsock, false },
	{ "pcie_max_payload", h_mps, false },
	{ "pcie_max_read_request", h_mrrs, false },
	{ "pcie_read_completion", h_cpl, false },
};

static int resolve_pswitch(struct yctx *c, struct tmpl_ctx *x, size_t i)
{
	struct lr_host_tmpl *h = x->h;

	for (size_t j = 0; j < h->n_pswitches; j++) {
		if (h->pswitches[j].name &&
		    !strcmp(h->pswitches[j].name, x->psw_name[i])) {
			h->nics[i].pcie_switch = (int)j;
			return 0;
		}
	}
	return y_err(c, x->psw_node[i],
		     "unknown PCIe switch '%s' in host "
		     "'%s' (expected a name under its pcie_switches)",
		     x->psw_name[i], h->name);
}

static int tmpl_finish(struct yctx *c, struct tmpl_ctx *x)
{
	struct lr_host_tmpl *h = x->h;
	int ret = 0;

	for (size_t i = 0; i < h->n_nics; i++) {
		if (x->psw_name[i] && resolve_pswitch(c, x, i))
			ret = -EINVAL;
		if (h->nics[i].name && h->nics[i].numa >= h->sockets) {
			lr_diag_add(c->d, h->nics[i].line, h->nics[i].col,
				    "NIC '%s' on NUMA node %u but host '%s' "
				    "has %u socket(s) (expected numa below "
				    "sockets)",
				    h->nics[i].name, h->nics[i].numa, h->name,
				    h->sockets);
			c->bad = true;
			ret = -EINVAL;
		}
		free(x->psw_name[i]);
	}
	return ret;
}

static int parse_host(struct yctx *c, yaml_node_t *k, yaml_node_t *v, void *o)
{
	struct lr_topo *t = c->t;
	struct tmpl_ctx x = { 0 };
	struct lr_host_tmpl *h;
	int ret;

	(void)o;
	for (size_t i = 0; i < t->n_tmpls; i++)
		if (!strcmp(t->tmpls[i].name, y_scalar(k)))
			return y_err(c, k, "duplicate host template '%s'",
				     y_scalar(k));
	h = &t->tmpls[t->n_tmpls++];
	*h = (struct lr_host_tmpl){ .sockets = 1,
				    .max_payload = 256,
				    .max_read_req = 512,
				    .line = y_line(k),
				    .col = y_col(k) };
	h->name = strdup(y_scalar(k));
	h->nics = calloc(MAX_NICS, sizeof(*h->nics));
	h->pswitches = calloc(MAX_PSWITCHES, sizeof(*h->pswitches));
	if (!h->name || !h->nics || !h->pswitches)
		return -ENOMEM;
	x.h = h;
	ret = y_map(c, v, host_fields, LR_ARRAY_SIZE(host_fields), &x,
		    "a host template");
	if (tmpl_finish(c, &x))
		ret = -EINVAL;
	return ret;
}

int topo_parse_hosts(struct yctx *c, yaml_node_t *n)
{
	size_t count = n->type == YAML_MAPPING_NODE ?
			       (size_t)(n->data.mapping.pairs.top -
					n->data.mapping.pairs.start) :
			       0;

	c->t->tmpls = calloc(count + 1, sizeof(*c->t->tmpls));
	if (!c->t->tmpls)
		return -ENOMEM;
	return y_pairs(c, n, parse_host, NULL, "hosts");
}
