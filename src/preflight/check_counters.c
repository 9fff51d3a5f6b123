// SPDX-License-Identifier: MIT
/* Error counters that rose while preflight watched the port. */
#include <stdio.h>
#include <string.h>

#include "pf.h"
#include "linerate/counters.h"
#include "linerate/util.h"

static void append(char *buf, size_t len, const char *name, json_int_t v)
{
	size_t used = strlen(buf);

	if (used + 2 < len)
		snprintf(buf + used, len - used, "%s%s +%lld", used ? ", " : "",
			 name, (long long)v);
}

static void list_rising(const json_t *delta, char *buf, size_t len)
{
	const char *group, *name;
	json_t *g, *v;

	buf[0] = '\0';
	json_object_foreach(json_object_get(delta, "groups"), group, g)
		json_object_foreach(g, name, v)
			if (json_integer_value(v) > 0 &&
			    lr_counter_is_error(group, name))
				append(buf, len, name, json_integer_value(v));
}

void pf_check_counters(struct pf_nic *n, const json_t *counters)
{
	const char *dev = pf_str(n->dev ? n->dev : n->netdev, "name");
	const json_t *delta = dev ? json_object_get(counters, dev) : NULL;
	char found[320], why[128];

	if (!delta)
		return;
	list_rising(delta, found, sizeof(found));
	if (!found[0])
		return;
	snprintf(found + strlen(found), sizeof(found) - strlen(found),
		 " in %.1f s", pf_num(delta, "seconds", 0));
	snprintf(why, sizeof(why),
		 "retransmissions and retraining cost "
		 "goodput below the %.2f Gb/s ceiling",
		 n->expected);
	pf_finding(n, "counters", "error counters", "no increase", found, NULL,
		   why);
}

static void warnings_of(struct pf_nic *n, const json_t *obj)
{
	size_t i;
	json_t *w;

	json_array_foreach(json_object_get(obj, "warnings"), i, w) {
		const char *text = json_string_value(w);
		size_t len = strlen(n->name);
		char msg[512];

		if (!text)
			continue;
		/* "r0 r0 carrier..." where the NIC is its own netdev */
		if (!strncmp(text, n->name, len) && text[len] == ' ')
			snprintf(msg, sizeof(msg), "%s", text);
		else
			snprintf(msg, sizeof(msg), "%s %s", n->name, text);
		json_array_append_new(n->warnings,
				      json_pack("{s:s, s:s, s:s}", "nic",
						n->name, "check", "counters",
						"message", msg));
	}
}

void pf_check_high_counters(struct pf_nic *n)
{
	/* The netdev of an RDMA device has its carrier warnings only. */
	if (n->dev)
		warnings_of(n, n->dev);
	if (n->netdev)
		warnings_of(n, n->netdev);
}
