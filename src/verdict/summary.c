// SPDX-License-Identifier: MIT
/* The figures of the summary line, shared by every renderer. */
#include <math.h>
#include <string.h>

#include "vd.h"
#include "summary.h"

void vd_summary(const struct lr_verdict *v, struct vd_summary *s)
{
	const struct lr_topo *t = v->topo;
	uint8_t *seen_srv = calloc(t->n_servers + 1, 1);
	uint8_t *seen_nic = calloc(t->n_nics + 1, 1);

	memset(s, 0, sizeof(*s));
	s->worst = NAN;
	s->pass = lr_verdict_exit(v) == LR_EXIT_OK;
	for (size_t i = 0; i < v->n_flows; i++) {
		const struct vd_flow *f = &v->flows[i];
		long ends[2] = { f->src_nic, f->dst_nic };

		s->n_flows++;
		s->by_verdict[f->verdict]++;
		for (int e = 0; e < 2 && seen_nic; e++) {
			if (!seen_nic[ends[e]]++)
				s->n_nics++;
			if (seen_srv && !seen_srv[t->nics[ends[e]].server]++)
				s->n_servers++;
		}
		if (f->verdict == VD_FAILED)
			s->worst = 0;
		else if (f->verdict != VD_NOJUDGE && !(s->worst <= f->ratio))
			s->worst = f->ratio;
	}
	for (size_t i = 0; i < v->n_findings; i++)
		s->n_faults += v->findings[i].fault;
	free(seen_srv);
	free(seen_nic);
}
