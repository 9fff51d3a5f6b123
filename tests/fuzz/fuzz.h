/* SPDX-License-Identifier: MIT */
/*
 * Shared by the libFuzzer targets (tests/fuzz, built with -Dfuzz=true and
 * clang; scripts/fuzz runs them). Beyond crashes, leaks and undefined
 * behaviour (ASan, UBSan), a target aborts when a property fails.
 */
#ifndef LINERATE_FUZZ_H
#define LINERATE_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "linerate/control.h"
#include "linerate/result.h"
#include "linerate/util.h"

#define FUZZ_CHECK(cond)                                                \
	do {                                                            \
		if (!(cond)) {                                          \
			fprintf(stderr, "%s:%d: property failed: %s\n", \
				__FILE__, __LINE__, #cond);             \
			abort();                                        \
		}                                                       \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Quiet logs (refusals are expected by the thousand). */
static inline void fuzz_init(void)
{
	static int done;

	if (!done++)
		lr_log_set_level(LR_LOG_ERROR);
}

/*
 * What 'pair' does with a server's side: combine it with the test's
 * parameters, compute, render as JSON and as text. The document must
 * exist (a peer cannot make the client print nothing). Takes the side.
 */
static inline void fuzz_render(const struct lr_test_params *p,
			       struct lr_side *peer)
{
	static FILE *null;
	struct lr_result r;
	json_t *doc;
	char *text;

	if (!null)
		null = fopen("/dev/null", "w");
	lr_result_init(&r, p, NULL);
	r.peer_side = *peer;
	r.have_peer_side = true;
	lr_result_compute(&r);
	doc = lr_result_to_json(&r);
	FUZZ_CHECK(doc != NULL);
	text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	FUZZ_CHECK(text != NULL);
	free(text);
	json_decref(doc);
	lr_result_print_text(&r, null);
	lr_result_free(&r);
}

#endif
