// SPDX-License-Identifier: MIT
/*
 * The heatmap: measured/expected of every NIC pair, one matrix per rail
 * (rows: sending server, columns: receiving server, as mpiGraph draws it).
 * Above HEAT_MAX servers a cell stands for a block of servers and shows its
 * worst flow.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vd.h"
#include "html.h"
#include "linerate/util.h"

#define HEAT_MAX 64
#define CELL 12
#define MARGIN 4

const char *vd_html_colour(double ratio, char *buf, size_t len)
{
	/* red (0) -> yellow (0.9) -> green (1), blue above 1 */
	double r, g, bl = 60;

	if (isnan(ratio)) {
		snprintf(buf, len, "#bbbbbb");
		return buf;
	}
	if (ratio > 1.0) {
		double x = fmin((ratio - 1.0) / 0.25, 1.0);

		r = 40 * (1 - x);
		g = 150 * (1 - x) + 90 * x;
		bl = 60 + 180 * x;
	} else if (ratio >= 0.9) {
		double x = (ratio - 0.9) / 0.1;

		r = 230 * (1 - x) + 40 * x;
		g = 200 * (1 - x) + 150 * x;
	} else {
		double x = fmax(ratio, 0) / 0.9;

		r = 190 + 40 * x;
		g = 30 + 170 * x;
	}
	snprintf(buf, len, "#%02x%02x%02x", (int)r, (int)g, (int)bl);
	return buf;
}

static double flow_ratio(const struct vd_flow *f)
{
	if (f->verdict == VD_FAILED)
		return 0;
	return f->verdict == VD_NOJUDGE ? NAN : f->ratio;
}

struct heat {
	long *pos; /* server -> position on this rail, -1 */
	uint32_t *server; /* position -> server */
	size_t n, bins;
	double *cell; /* bins x bins, worst ratio; NaN: no flow */
	uint32_t *count;
};

static unsigned rail_of(const struct lr_topo *t, long nic)
{
	return lr_topo_nic_tmpl(t, &t->nics[nic])->rail;
}

static int heat_rail(const struct lr_verdict *v, unsigned rail, struct heat *h)
{
	const struct lr_topo *t = v->topo;

	h->n = 0;
	for (size_t i = 0; i < t->n_servers; i++)
		h->pos[i] = -1;
	for (size_t i = 0; i < v->n_flows; i++) {
		const struct vd_flow *f = &v->flows[i];
		uint32_t ends[2] = { t->nics[f->src_nic].server,
				     t->nics[f->dst_nic].server };

		if (rail_of(t, f->src_nic) != rail)
			continue;
		for (int e = 0; e < 2; e++)
			if (h->pos[ends[e]] < 0)
				h->pos[ends[e]] = 0, h->n++;
	}
	h->n = 0;
	for (size_t i = 0; i < t->n_servers; i++)
		if (h->pos[i] >= 0) {
			h->pos[i] = (long)h->n;
			h->server[h->n++] = (uint32_t)i;
		}
	h->bins = h->n < HEAT_MAX ? h->n : HEAT_MAX;
	h->cell = malloc(h->bins * h->bins * sizeof(*h->cell) + 1);
	h->count = calloc(h->bins * h->bins + 1, sizeof(*h->count));
	if (!h->cell || !h->count)
		return -ENOMEM;
	for (size_t i = 0; i < h->bins * h->bins; i++)
		h->cell[i] = NAN;
	for (size_t i = 0; i < v->n_flows; i++) {
		const struct vd_flow *f = &v->flows[i];
		size_t r, c, k;
		double x = flow_ratio(f);

		if (rail_of(t, f->src_nic) != rail)
			continue;
		r = (size_t)h->pos[t->nics[f->src_nic].server] * h->bins / h->n;
		c = (size_t)h->pos[t->nics[f->dst_nic].server] * h->bins / h->n;
		k = r * h->bins + c;
		h->count[k]++;
		if (!isnan(x) && !(h->cell[k] <= x))
			h->cell[k] = x;
	}
	return 0;
}

static void label(struct vd_buf *b, const struct lr_topo *t,
		  const struct heat *h, size_t bin)
{
	size_t first = bin * h->n / h->bins,
	       last = ((bin + 1) * h->n + h->bins - 1) / h->bins - 1;

	vd_txt(b, t->servers[h->server[first]].name);
	if (last > first) {
		vd_out(b, "..");
		vd_txt(b, t->servers[h->server[last]].name);
	}
}

static void heat_svg(struct vd_buf *b, const struct lr_verdict *v,
		     unsigned rail, const struct heat *h)
{
	size_t side = h->bins * CELL;
	char col[16];

	vd_outf(b,
		"<h3>rail %u: %zu servers</h3>\n<svg class=\"heatmap\" "
		"xmlns=\"http://www.w3.org/2000/svg\" width=\"%zu\" "
		"height=\"%zu\" role=\"img\">\n",
		rail, h->n, side + 2 * MARGIN, side + 2 * MARGIN);
	for (size_t r = 0; r < h->bins; r++)
		for (size_t c = 0; c < h->bins; c++) {
			size_t k = r * h->bins + c;

			if (!h->count[k])
				continue;
			vd_outf(b,
				"<rect class=\"cell\" x=\"%zu\" y=\"%zu\" "
				"width=\"%d\" height=\"%d\" fill=\"%s\">"
				"<title>",
				MARGIN + c * CELL, MARGIN + r * CELL, CELL - 1,
				CELL - 1,
				vd_html_colour(h->cell[k], col, sizeof(col)));
			label(b, v->topo, h, r);
			vd_out(b, " -> ");
			label(b, v->topo, h, c);
			if (isnan(h->cell[k]))
				vd_outf(b, ": cannot judge (%u flows)",
					h->count[k]);
			else
				vd_outf(b, ": worst ratio %.3f (%u flows)",
					h->cell[k], h->count[k]);
			vd_out(b, "</title></rect>\n");
		}
	vd_out(b, "</svg>\n");
}

static void legend(struct vd_buf *b)
{
	static const double stops[] = {
		0, 0.5, 0.8, 0.9, 0.95, 1.0, 1.1, 1.25
	};
	char col[16];

	vd_out(b, "<p>rows send, columns receive; colour: measured / expected "
		  "(worst flow of the cell; grey: cannot judge)</p>\n"
		  "<svg id=\"legend\" xmlns=\"http://www.w3.org/2000/svg\" "
		  "width=\"420\" height=\"34\">\n");
	for (size_t i = 0; i < LR_ARRAY_SIZE(stops); i++) {
		vd_outf(b,
			"<rect x=\"%zu\" y=\"0\" width=\"50\" height=\"14\" "
			"fill=\"%s\"/><text x=\"%zu\" y=\"28\">%.2f</text>\n",
			i * 52, vd_html_colour(stops[i], col, sizeof(col)),
			i * 52 + 4, stops[i]);
	}
	vd_out(b, "</svg>\n");
}

static unsigned max_rail(const struct lr_verdict *v)
{
	unsigned m = 0;

	for (size_t i = 0; i < v->n_flows; i++) {
		unsigned r = rail_of(v->topo, v->flows[i].src_nic);

		m = r > m ? r : m;
	}
	return m;
}

int vd_html_heatmap(struct vd_buf *b, const struct lr_verdict *v)
{
	const struct lr_topo *t = v->topo;
	struct heat h = { 0 };
	unsigned rails = v->n_flows ? max_rail(v) + 1 : 0;
	int ret = 0;

	vd_out(b, "<h2>Heatmap: measured / expected per pair, per rail</h2>\n");
	legend(b);
	h.pos = malloc((t->n_servers + 1) * sizeof(*h.pos));
	h.server = malloc((t->n_servers + 1) * sizeof(*h.server));
	if (!h.pos || !h.server)
		ret = -ENOMEM;
	for (unsigned r = 0; r < rails && !ret; r++) {
		ret = heat_rail(v, r, &h);
		if (!ret && h.n)
			heat_svg(b, v, r, &h);
		free(h.cell);
		free(h.count);
		h.cell = NULL;
		h.count = NULL;
	}
	free(h.pos);
	free(h.server);
	return ret;
}
