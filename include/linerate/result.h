/* SPDX-License-Identifier: MIT */
/*
 * result: one pair test with both ends combined, computed once and rendered
 * as text or as the versioned JSON document "linerate.result/1"
 * (README.md, "Results").
 */
#ifndef LINERATE_RESULT_H
#define LINERATE_RESULT_H

#include <jansson.h>
#include <stdio.h>

#include "linerate/engine.h"

#define LR_RESULT_SCHEMA "linerate.result/1"

/* One direction of a pair test, both ends combined. */
struct lr_dir_result {
	bool active;
	enum lr_role sender;
	bool have_sender, have_receiver;
	uint64_t bytes_sent, bytes_received; /* in each end's window */
	double sender_s, receiver_s; /* each end's window */
	double gbps; /* the authoritative rate */
	const char *authority; /* "receiver" or "sender" */
	const struct lr_dir_side *auth; /* whose intervals */
	struct lr_rate_stats iv_stats;
	struct lr_retrans retrans; /* the sender's connections */
};

struct lr_result {
	struct lr_test_params params;
	json_t *opts; /* transport options */
	char started[32]; /* RFC 3339 UTC */
	json_t *local; /* {role, host, endpoint...} */
	json_t *peer;
	struct lr_side local_side; /* the client's engine */
	struct lr_side peer_side; /* the server's, when it arrived */
	bool have_peer_side;
	struct lr_dir_result dir[LR_DIR_COUNT];
	json_t *counters; /* {local:{...}, peer:{...}} or NULL */
	json_t *errors; /* [{where, message}] */
};

void lr_result_init(struct lr_result *r, const struct lr_test_params *p,
		    const json_t *opts);
void lr_result_free(struct lr_result *r);
void lr_result_add_error(struct lr_result *r, const char *where,
			 const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Combine both sides into r->dir[]. */
void lr_result_compute(struct lr_result *r);
bool lr_result_ok(const struct lr_result *r);
/* The document "linerate.result/1" (new reference). */
json_t *lr_result_to_json(const struct lr_result *r);
void lr_result_print_text(const struct lr_result *r, FILE *out);

/* One end's measurements as they travel to the other end. */
json_t *lr_side_to_json(const struct lr_side *s);
/* Validates everything a peer sent; explains a problem in err. */
int lr_side_from_json(const json_t *j, struct lr_side *s, char *err,
		      size_t errlen);
json_t *lr_params_to_json(const struct lr_test_params *p);

#endif
