// SPDX-License-Identifier: MIT
/* A finding: expected, found, and what it costs according to the model. */
#include <stdio.h>
#include <string.h>

#include "pf.h"
#include "linerate/util.h"

double pf_num(const json_t *obj, const char *key, double fallback)
{
	json_t *v = json_object_get(obj, key);

	return json_is_number(v) ? json_number_value(v) : fallback;
}

const char *pf_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

double pf_ceiling(const struct lr_nic_spec *spec, char *what, size_t len)
{
	struct lr_ceiling chain[8];
	size_t limit, n;
	double gbps;

	n = lr_model_nic(spec, chain, LR_ARRAY_SIZE(chain), &limit, &gbps);
	if (what)
		snprintf(what, len, "%s", n ? chain[limit].what : "");
	return lr_floor2(gbps);
}

static void consequence(const struct pf_nic *n, double found, char *buf,
			size_t len)
{
	if (found <= 0)
		snprintf(buf, len, "no traffic (0 Gb/s instead of %.2f Gb/s)",
			 n->expected);
	else if (found < n->expected)
		snprintf(buf, len, "ceiling ~%.2f Gb/s instead of %.2f Gb/s",
			 found, n->expected);
	else
		snprintf(buf, len,
			 "no bandwidth cost on its own (ceiling "
			 "%.2f Gb/s)",
			 n->expected);
}

void pf_finding(struct pf_nic *n, const char *check, const char *subject,
		const char *expected, const char *found,
		const struct lr_nic_spec *spec, const char *why)
{
	char msg[512], cons[160], limit[96] = "";
	double gbps = spec ? pf_ceiling(spec, limit, sizeof(limit)) : 0;
	json_t *f;

	if (spec)
		consequence(n, gbps, cons, sizeof(cons));
	else
		snprintf(cons, sizeof(cons), "%s", why);
	snprintf(msg, sizeof(msg), "%s %s %s, expected %s: %s", n->name,
		 subject, found, expected, cons);
	f = json_pack("{s:s, s:s, s:s, s:s, s:f}", "nic", n->name, "check",
		      check, "expected", expected, "found", found,
		      "expected_gbps", n->expected);
	json_object_set_new(f, "ceiling_gbps",
			    spec ? json_real(gbps) : json_null());
	json_object_set_new(f, "limited_by",
			    spec && limit[0] ? json_string(limit) :
					       json_null());
	json_object_set_new(f, "message", json_string(msg));
	json_array_append_new(n->findings, f);
}
