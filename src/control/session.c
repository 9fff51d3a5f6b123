// SPDX-License-Identifier: MIT
#include <unistd.h>

#include "linerate/counters.h"
#include "linerate/util.h"
#include "session_int.h"

void session_log_side(const char *peer, const struct lr_test_params *p,
		      const struct lr_side *s)
{
	for (int d = 0; d < LR_DIR_COUNT; d++) {
		const struct lr_dir_side *ds = &s->dir[d];

		if (!ds->active)
			continue;
		if (!ds->counted) {
			lr_info("%s: %s %s: this end cannot see the payload "
				"(the sender's completions count)",
				peer, p->transport,
				d == LR_DIR_C2S ? "client->server" :
						  "server->client");
			continue;
		}
		lr_info("%s: %s %s %.3f Gb/s (%llu bytes in %.3f s)", peer,
			p->transport, ds->sender ? "sent" : "received",
			lr_gbps(ds->bytes, ds->seconds),
			(unsigned long long)ds->bytes, ds->seconds);
	}
	if (s->error)
		lr_warn("%s: test failed: %s", peer, s->errmsg);
}

json_t *session_end_json(enum lr_role role, const struct lr_transport_ops *ops,
			 const struct lr_endpoint *ep)
{
	char host[256] = "";

	gethostname(host, sizeof(host) - 1);
	return json_pack("{s:s, s:s, s:o}", "role",
			 role == LR_ROLE_CLIENT ? "client" : "server", "host",
			 host, "endpoint", ops->describe(ep));
}

json_t *session_counters_begin(const struct lr_transport_ops *ops,
			       const struct lr_endpoint *ep)
{
	json_t *d = ops->describe(ep);
	const char *dev = json_string_value(json_object_get(d, "device"));
	json_t *begin = dev ? lr_counters_begin(&dev, 1) : NULL;

	json_decref(d);
	return begin;
}

json_t *session_counters_end(json_t *begin)
{
	return begin ? lr_counters_end(begin) : json_object();
}
