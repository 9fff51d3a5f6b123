/* SPDX-License-Identifier: MIT */
/* Internal to src/transport: the ops tables the registry lists. */
#ifndef LINERATE_TRANSPORT_INT_H
#define LINERATE_TRANSPORT_INT_H

#include "linerate/transport.h"

extern const struct lr_transport_ops lr_tcp_ops;
extern const struct lr_transport_ops lr_verbs_ops;

#endif
