/* SPDX-License-Identifier: MIT */
/* Internal to the control channel. */
#ifndef LINERATE_SESSION_INT_H
#define LINERATE_SESSION_INT_H

#include "linerate/engine.h"

/* One line on stderr (info) about what this end measured. */
void session_log_side(const char *peer, const struct lr_test_params *p,
		      const struct lr_side *s);

#endif
