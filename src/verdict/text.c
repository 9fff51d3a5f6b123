// SPDX-License-Identifier: MIT
/* The terminal: one summary line, then the findings worst first. */
#include <math.h>
#include <stdio.h>

#include "vd.h"
#include "summary.h"

static void rate(FILE *out, const char *label, double x)
{
	if (!isnan(x))
		fprintf(out, " %s %.2f Gb/s", label, x);
}

static void finding(FILE *out, const struct vd_finding *f)
{
	fprintf(out, "%-5s %s [%s]", f->fault ? "FAIL" : "note", f->subject,
		f->kind);
	rate(out, "expected", f->expected);
	rate(out, "measured", f->measured);
	if (!isnan(f->ratio))
		fprintf(out, " ratio %.3f", f->ratio);
	fprintf(out, ": %s", f->cause);
	for (size_t i = 0; i < f->n_evidence; i++)
		fprintf(out, "%s%s", i ? "; " : "; evidence: ", f->evidence[i]);
	fputc('\n', out);
}

void lr_verdict_print_text(const struct lr_verdict *v, FILE *out)
{
	struct vd_summary s;

	vd_summary(v, &s);
	fprintf(out,
		"%s: %zu servers, %zu NICs, %zu flows (%zu pass, %zu below, "
		"%zu above, %zu failed, %zu cannot judge)",
		s.pass ? "PASS" : "FAIL", s.n_servers, s.n_nics, s.n_flows,
		s.by_verdict[VD_PASS], s.by_verdict[VD_BELOW],
		s.by_verdict[VD_ABOVE], s.by_verdict[VD_FAILED],
		s.by_verdict[VD_NOJUDGE]);
	if (!isnan(s.worst))
		fprintf(out, ", worst ratio %.3f", s.worst);
	fprintf(out, ", %zu findings\n", v->n_findings);
	for (size_t i = 0; i < v->n_findings; i++)
		finding(out, &v->findings[i]);
}
