// SPDX-License-Identifier: MIT
/* The transports linerate knows, in one explicit table. */
#include <stdio.h>
#include <string.h>

#include "linerate/transport.h"
#include "transport_int.h"

static const struct lr_transport_ops *const transports[] = {
	&lr_tcp_ops,
	&lr_verbs_ops,
};

const struct lr_transport_ops *lr_transport_at(unsigned idx)
{
	if (idx >= sizeof(transports) / sizeof(transports[0]))
		return NULL;
	return transports[idx];
}

const struct lr_transport_ops *lr_transport_find(const char *name)
{
	const struct lr_transport_ops *ops;

	for (unsigned i = 0; (ops = lr_transport_at(i)); i++) {
		if (strcmp(ops->name, name))
			continue;
		/* A table built against another ABI must not be used. */
		return ops->abi == LR_TRANSPORT_ABI ? ops : NULL;
	}
	return NULL;
}

const char *lr_transport_names(char *buf, size_t len, const char *prefix)
{
	const struct lr_transport_ops *ops;
	size_t n = (size_t)snprintf(buf, len, "%s(known:", prefix);

	for (unsigned i = 0; (ops = lr_transport_at(i)) && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s %s", i ? "," : "",
				      ops->name);
	if (n < len)
		snprintf(buf + n, len - n, ")");
	return buf;
}
