// SPDX-License-Identifier: MIT
/* What the rules ask of the flows around a NIC. */
#include <stdio.h>
#include <string.h>

#include "vd.h"

size_t vd_nic_flows(const struct lr_verdict *v, long nic, const uint32_t **out)
{
	*out = &v->nic_flows[v->nic_off[nic]];
	return v->nic_off[nic + 1] - v->nic_off[nic];
}

bool vd_fine_elsewhere(const struct lr_verdict *v, long nic, long except)
{
	const uint32_t *fl;
	size_t n = vd_nic_flows(v, nic, &fl);

	for (size_t i = 0; i < n; i++) {
		const struct vd_flow *f = &v->flows[fl[i]];

		if (vd_is_pass(f) && vd_partner(f, nic) != except)
			return true;
	}
	return false;
}

bool vd_open_below(const struct vd_flow *f)
{
	return f->verdict == VD_BELOW && !f->claimed;
}

int vd_leaf(const struct lr_verdict *v, long nic)
{
	return v->topo->nics[nic].leaf;
}

struct vd_finding *vd_finding_find(struct lr_verdict *v, const char *kind,
				   const char *subject)
{
	for (size_t i = 0; i < v->n_findings; i++)
		if (!strcmp(v->findings[i].subject, subject) &&
		    (!kind || !strcmp(v->findings[i].kind, kind)))
			return &v->findings[i];
	return NULL;
}

void vd_limit_subject(const struct vd_flow *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s", f->limited_by ? f->limited_by : f->src);
	if (strstr(buf, " ("))
		*strstr(buf, " (") = '\0';
}

bool vd_mentions(const char *subject, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = strstr(subject, name); p; p = strstr(p + 1, name))
		if ((p == subject || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ' '))
			return true;
	return false;
}
