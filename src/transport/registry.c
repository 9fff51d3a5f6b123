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

const struct lr_transport_ops *lr_transport_lookup(const char *name, char *err,
						   size_t errlen)
{
	const struct lr_transport_ops *ops = lr_transport_find(name);
	size_t n;

	if (ops)
		return ops;
	n = (size_t)snprintf(err, errlen,
			     "unknown transport '%s' (known:", name);
	for (unsigned i = 0; (ops = lr_transport_at(i)) && n < errlen; i++)
		n += (size_t)snprintf(err + n, errlen - n, "%s %s",
				      i ? "," : "", ops->name);
	if (n < errlen)
		snprintf(err + n, errlen - n, ")");
	return NULL;
}
