// SPDX-License-Identifier: MIT
/* `linerate model`: the human rendering of a model report. */
#include <stdio.h>

#include "linerate/model.h"

static const char *const tier_names[] = { "leaf", "spine", "core" };

/* Rounded down: 2 decimals, 4 below 10 Gb/s (shaped virtual links). */
static const char *fmt_gbps(double v, char *buf)
{
	int dp = v < 10 ? 4 : 2;

	snprintf(buf, 24, "%.*f", dp, lr_floor_dp(v, dp));
	return buf;
}

static const char *binding(const struct lr_flow_chain *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].binding)
			return lr_res_kind_name(c->v[i].kind);
	return "-";
}

static void print_chain(const struct lr_flow_chain *c, FILE *out)
{
	char b[24];

	fprintf(out,
		"    slowest flow %s -> %s: %s Gb/s; ceilings on its "
		"path:\n",
		c->src, c->dst, fmt_gbps(c->gbps, b));
	for (size_t i = 0; i < c->n; i++) {
		const struct lr_chain_item *it = &c->v[i];

		fprintf(out, "      %-18s %9s  %-28s %6u flow%s  %s%s\n",
			lr_res_kind_name(it->kind), fmt_gbps(it->cap, b),
			it->name, it->n_flows, it->n_flows == 1 ? " " : "s",
			it->what, it->binding ? "  <- limits" : "");
	}
}

static void print_types(const struct lr_model_report *r, FILE *out)
{
	char b[24];

	fprintf(out, "\nNIC types (one flow on its own)\n");
	fprintf(out, "  %6s %9s %9s  %s\n", "NICs", "nominal", "expected",
		"limited by, then the other ceilings");
	for (size_t i = 0; i < r->types.n; i++) {
		const struct lr_nic_type *ty = &r->types.v[i];

		fprintf(out, "  %6zu %9.2f %9s  %s: %s\n", ty->count,
			ty->spec.rate_gbps, fmt_gbps(ty->gbps, b),
			lr_res_kind_name(ty->chain[ty->limit].kind),
			ty->chain[ty->limit].what);
		for (size_t k = 0; k < ty->n_chain; k++)
			if (k != ty->limit)
				fprintf(out, "  %6s %9s %9s  %s: %s\n", "", "",
					fmt_gbps(ty->chain[k].gbps, b),
					lr_res_kind_name(ty->chain[k].kind),
					ty->chain[k].what);
		if (ty->unknown)
			fprintf(out, "  %6s %9s %9s  cannot judge: %s\n", "",
				"", "", lr_unknown_name(ty->unknown));
	}
}

static void print_hosts(const struct lr_model_report *r, FILE *out)
{
	const struct lr_topo *t = r->topo;
	char b[24];

	fprintf(out, "\nServers (all NICs to a partner server at once, one "
		     "direction)\n");
	fprintf(out, "  %-16s %4s %10s %10s  %s\n", "host template", "NICs",
		"nominal", "expected", "limited by");
	for (size_t i = 0; i < r->n_hosts; i++) {
		const struct lr_host_row *h = &r->hosts[i];

		if (!h->modelled) {
			fprintf(out,
				"  %-16s %4zu  (not modelled: needs two "
				"servers of this template with a route)\n",
				t->tmpls[h->tmpl].name, h->n_nics);
			continue;
		}
		fprintf(out, "  %-16s %4zu %10.2f %10s  %s",
			t->tmpls[h->tmpl].name, h->n_nics, h->nominal,
			fmt_gbps(h->res.aggregate, b), binding(&h->slowest));
		if (h->nominal >= 1000)
			fprintf(out, "  (%.3f of %.3f Tb/s)",
				lr_floor_dp(h->res.aggregate / 1000.0, 3),
				h->nominal / 1000.0);
		fputc('\n', out);
	}
}

static void print_tiers(const struct lr_model_report *r, FILE *out)
{
	const struct lr_topo *t = r->topo;

	fprintf(out, "\nSwitches (routing: %s, %u QP%s per flow)\n",
		t->routing == LR_ROUTE_ECMP ? "static ECMP" : "adaptive",
		t->qps_per_flow, t->qps_per_flow == 1 ? "" : "s");
	fprintf(out, "  %-6s %6s %14s %14s  %s\n", "tier", "count",
		"down nominal", "up nominal", "oversubscription (worst)");
	for (int k = 0; k < 3; k++) {
		const struct lr_tier_row *row = &r->tiers[k];

		if (!row->count)
			continue;
		fprintf(out, "  %-6s %6zu %14.2f %14.2f  ", tier_names[k],
			row->count, row->down_gbps, row->up_gbps);
		if (row->max_oversub > 0)
			fprintf(out, "%.2f:1\n", row->max_oversub);
		else
			fprintf(out, "-\n");
	}
}

static void print_pattern(const struct lr_pattern_row *p, bool ecmp, FILE *out)
{
	const struct lr_pattern_result *s = &p->res;
	char b[5][24];

	if (p->status) {
		fprintf(out, "  %-11s not modelled (see the error above)\n",
			lr_pattern_name(p->pattern));
		return;
	}
	if (!s->n_flows) {
		fprintf(out, "  %-11s no flows (no same-rail NIC pairs%s)\n",
			lr_pattern_name(p->pattern),
			p->pattern == LR_PAT_ALLTOALL ?
				" under different leaves" :
				"");
		return;
	}
	fprintf(out, "  %-11s %8zu %9s %9s %9s %10s %12s %12.2f  %s\n",
		lr_pattern_name(p->pattern), s->n_flows,
		fmt_gbps(s->flow.min, b[0]), fmt_gbps(s->flow.median, b[1]),
		fmt_gbps(s->flow.max, b[2]), fmt_gbps(s->server.median, b[3]),
		fmt_gbps(s->aggregate, b[4]), s->nominal, binding(&p->slowest));
	if (ecmp)
		fprintf(out,
			"  %-11s static ECMP: expected slowest flow %s "
			"Gb/s\n",
			"", fmt_gbps(s->ecmp_slowest, b[0]));
	if (s->n_unknown)
		fprintf(out, "  %-11s cannot judge %zu flow%s: %s\n", "",
			s->n_unknown, s->n_unknown == 1 ? "" : "s",
			lr_unknown_name(s->unknown));
	if (p->slowest.n)
		print_chain(&p->slowest, out);
}

static void print_patterns(const struct lr_model_report *r, FILE *out)
{
	bool ecmp = r->topo->routing == LR_ROUTE_ECMP;

	if (!r->n_pats)
		return;
	fprintf(out, "\nPatterns (concurrent rail-aligned flows, max-min fair "
		     "share)\n");
	fprintf(out, "  %-11s %8s %9s %9s %9s %10s %12s %12s  %s\n", "pattern",
		"flows", "flow min", "median", "max", "per server", "aggregate",
		"nominal", "slowest limited by");
	for (size_t i = 0; i < r->n_pats; i++) {
		print_pattern(&r->pats[i], ecmp, out);
	}
}

void lr_model_print_text(const struct lr_model_report *r, FILE *out)
{
	const struct lr_topo *t = r->topo;

	fprintf(out, "topology %s (%s): %zu servers, %zu NICs, %zu switches\n",
		t->name ? t->name : "-", t->file, t->n_servers, t->n_nics,
		t->n_switches);
	fprintf(out,
		"Gb/s = 10^9 bits of payload per second, one direction; "
		"nominal = link rate on the wire; expected figures are rounded "
		"down; pass tolerance %.0f%%\n",
		t->tolerance * 100);
	fprintf(out, "conditions: RDMA %s (TCP: stream), ",
		lr_op_name(r->opts.op));
	if (r->opts.msg)
		fprintf(out, "%llu-byte messages, ",
			(unsigned long long)r->opts.msg);
	else
		fprintf(out, "large messages, ");
	if (r->opts.qps)
		fprintf(out, "%u QP%s per flow, ", r->opts.qps,
			r->opts.qps == 1 ? "" : "s");
	if (r->opts.outstanding)
		fprintf(out, "%u READs outstanding per QP, ",
			r->opts.outstanding);
	fprintf(out, "%s buffers, %s NUMA node\n",
		r->opts.gpu_buffers ? "GPU" : "host",
		r->opts.remote_numa ? "remote" : "local");
	print_types(r, out);
	print_hosts(r, out);
	print_tiers(r, out);
	print_patterns(r, out);
}
