// SPDX-License-Identifier: MIT
/*
 * Per-server bars (what each server sent against the model's line) and the
 * per-interval plots of the flows flagged intermittent.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vd.h"
#include "html.h"

#define MAX_BARS 100
#define MAX_PLOTS 20
#define BAR_W 420
#define BAR_H 14

struct srv {
	uint32_t server;
	double measured, expected;
};

static int by_ratio(const void *a, const void *b)
{
	const struct srv *x = a, *y = b;
	double rx = x->expected > 0 ? x->measured / x->expected : 2,
	       ry = y->expected > 0 ? y->measured / y->expected : 2;

	return rx < ry ? -1 : rx > ry;
}

static size_t per_server(const struct lr_verdict *v, struct srv *s)
{
	const struct lr_topo *t = v->topo;
	size_t n = 0;

	for (size_t i = 0; i < t->n_servers; i++) {
		s[i].server = (uint32_t)i;
		s[i].measured = s[i].expected = 0;
	}
	for (size_t i = 0; i < v->n_flows; i++) {
		const struct vd_flow *f = &v->flows[i];
		struct srv *x = &s[t->nics[f->src_nic].server];

		if (f->verdict == VD_NOJUDGE)
			continue;
		x->measured += isnan(f->gbps) ? 0 : f->gbps;
		x->expected += f->expected > 0 ? f->expected : 0;
	}
	for (size_t i = 0; i < t->n_servers; i++)
		if (s[i].expected > 0)
			s[n++] = s[i];
	qsort(s, n, sizeof(*s), by_ratio);
	return n;
}

int vd_html_bars(struct vd_buf *b, const struct lr_verdict *v)
{
	struct srv *s = malloc((v->topo->n_servers + 1) * sizeof(*s));
	size_t n, shown;
	double top = 0;
	char col[16];

	if (!s)
		return -ENOMEM;
	n = per_server(v, s);
	shown = n < MAX_BARS ? n : MAX_BARS;
	for (size_t i = 0; i < shown; i++)
		top = fmax(top, fmax(s[i].measured, s[i].expected));
	vd_outf(b,
		"<h2>Servers: sent against the model</h2>\n<p>%s%zu "
		"servers, lowest ratio first; bar: measured, black line: "
		"the model's expectation for the same flows.</p>\n",
		shown < n ? "the lowest of " : "", n);
	vd_outf(b,
		"<svg id=\"bars\" xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%d\" height=\"%zu\">\n",
		BAR_W + 320, shown * (BAR_H + 4) + 4);
	for (size_t i = 0; i < shown && top > 0; i++) {
		double y = 2 + (double)i * (BAR_H + 4),
		       r = s[i].measured / s[i].expected;
		double wm = BAR_W * s[i].measured / top,
		       we = BAR_W * s[i].expected / top;

		vd_out(b, "<g class=\"bar\"><text x=\"0\" y=\"");
		vd_outf(b, "%.0f\">", y + 11);
		vd_txt(b, v->topo->servers[s[i].server].name);
		vd_outf(b,
			"</text><rect x=\"150\" y=\"%.0f\" width=\"%.1f\" "
			"height=\"%d\" fill=\"%s\"/><line x1=\"%.1f\" "
			"y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#000\" "
			"stroke-width=\"2\"/><text x=\"%d\" y=\"%.0f\">%.2f / "
			"%.2f Gb/s (%.3f)</text></g>\n",
			y, wm, BAR_H, vd_html_colour(r, col, sizeof(col)),
			150 + we, y - 1, 150 + we, y + BAR_H + 1, BAR_W + 160,
			y + 11, s[i].measured, s[i].expected, r);
	}
	vd_out(b, "</svg>\n");
	free(s);
	return 0;
}

static void plot(struct vd_buf *b, const struct lr_verdict *v,
		 const struct vd_flow *f)
{
	const int w = 600, h = 140, pad = 30;
	double top = f->expected * 1.2;
	double t = v->tolerance;

	for (uint32_t i = 0; i < f->n_iv; i++)
		top = fmax(top, f->iv[i] * 1.05);
	vd_out(b, "<h3 class=\"plot-title\">");
	vd_txt(b, f->src);
	vd_out(b, " -> ");
	vd_txt(b, f->dst);
	vd_outf(b,
		"</h3>\n<svg class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%d\" height=\"%d\">\n"
		"<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
		"stroke=\"#000\" stroke-dasharray=\"4 3\"/>"
		"<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
		"stroke=\"#b3261e\" stroke-dasharray=\"2 2\"/>"
		"<text x=\"%d\" y=\"%.1f\">expected %.2f</text>\n"
		"<polyline fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"2\" "
		"points=\"",
		w + 2 * pad, h + 2 * pad, pad, pad + h - h * f->expected / top,
		pad + w, pad + h - h * f->expected / top, pad,
		pad + h - h * (1 - t) * f->expected / top, pad + w,
		pad + h - h * (1 - t) * f->expected / top, pad + 4,
		pad + h - h * f->expected / top - 3, f->expected);
	for (uint32_t i = 0; i < f->n_iv; i++)
		vd_outf(b, "%.1f,%.1f ",
			pad + (f->n_iv > 1 ? w * (double)i / (f->n_iv - 1) : 0),
			pad + h - h * f->iv[i] / top);
	vd_outf(b,
		"\"/><text x=\"%d\" y=\"%d\">%u intervals, min %.2f, "
		"median %.2f Gb/s</text></svg>\n",
		pad, h + 2 * pad - 6, f->n_iv, f->iv_min, f->iv_med);
}

int vd_html_plots(struct vd_buf *b, const struct lr_verdict *v)
{
	size_t shown = 0;

	vd_out(b, "<h2>Intermittent flows: rate per interval</h2>\n");
	for (size_t i = 0; i < v->n_findings && shown < MAX_PLOTS; i++) {
		const struct vd_finding *f = &v->findings[i];

		if (strcmp(f->kind, "intermittent"))
			continue;
		for (size_t k = 0; k < f->n_flows && shown < MAX_PLOTS; k++) {
			const struct vd_flow *x = &v->flows[f->flows[k]];

			if (x->n_iv && x->expected > 0) {
				plot(b, v, x);
				shown++;
			}
		}
	}
	if (!shown)
		vd_out(b, "<p>None.</p>\n");
	return 0;
}
