/* SPDX-License-Identifier: MIT */
/* Internal to the control channel. */
#ifndef LINERATE_SESSION_INT_H
#define LINERATE_SESSION_INT_H

#include "linerate/engine.h"

/* One line on stderr (info) about what this end measured. */
void session_log_side(const char *peer, const struct lr_test_params *p,
		      const struct lr_side *s);

/* {role, host, endpoint} of one end, for the results. */
json_t *session_end_json(enum lr_role role, const struct lr_transport_ops *ops,
			 const struct lr_endpoint *ep);

/* Counters of the endpoint's device around a test (counters.h). */
json_t *session_counters_begin(const struct lr_transport_ops *ops,
			       const struct lr_endpoint *ep);
json_t *session_counters_end(json_t *begin);

/*
 * refuse.c: send the client one error frame, shut the write side and close
 * once the client has closed (at most 1 s later, in a thread of its own).
 * At most LR_SRV_REFUSING are draining at once; past that, closed at once.
 */
#define LR_SRV_REFUSING 16
void srv_refuse(int fd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
