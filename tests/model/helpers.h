/* SPDX-License-Identifier: MIT */
/* Helpers shared by the model tests: topologies from strings. */
#ifndef LR_TEST_MODEL_HELPERS_H
#define LR_TEST_MODEL_HELPERS_H

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "linerate/model.h"
#include "linerate/topology.h"
#include "owned.h"

#define GBPS_EPS 0.005

/* Frees for own() (owned.h): whatever a test ends with is freed. */
static inline void topo_free(void *t)
{
	lr_topo_free(t);
}

static inline void diags_free(void *d)
{
	lr_diags_free(d);
	free(d);
}

static inline void graph_free(void *g)
{
	lr_graph_free(g);
	free(g);
}

/* Diagnostics and graphs on the heap, owned: lr_diags_free() and
 * lr_graph_free() may still be called on them (both can be repeated). */
static inline struct lr_diags *new_diags(void)
{
	struct lr_diags *d = calloc(1, sizeof(*d));

	cr_assert_not_null(d);
	return own(d, diags_free);
}

static inline struct lr_graph *new_graph(void)
{
	struct lr_graph *g = calloc(1, sizeof(*g));

	cr_assert_not_null(g);
	return own(g, graph_free);
}

/*
 * lr_topo_free() in a test also forgets a topology that load_ok() made
 * owned (owned.h), so that it is not freed again at exit; release(t) does
 * the same.
 */
static inline void test_topo_free(struct lr_topo *t)
{
	lr_topo_free(disown(t));
}
#define lr_topo_free(t) test_topo_free(t)

/* The topology is owned (owned.h): freed however the test ends. */
static inline struct lr_topo *load_ok(const char *text)
{
	struct lr_diags d = { 0 };
	struct lr_topo *t = NULL;
	int ret = lr_topo_load_string("t.yaml", text, strlen(text), &d, &t);

	if (ret)
		lr_diags_print(&d, 50);
	lr_diags_free(&d);
	cr_assert_eq(ret, 0, "topology should load");
	return own(t, topo_free);
}

/* Load a bad topology; the diagnostics stay in *d. */
static inline int load_bad(const char *text, struct lr_diags *d)
{
	struct lr_topo *t = NULL;
	int ret = lr_topo_load_string("t.yaml", text, strlen(text), d, &t);

	cr_assert_neq(ret, 0, "topology should be rejected");
	cr_assert_null(own(t, topo_free));
	return ret;
}

/* Is there a diagnostic at line:col whose message contains what? */
static inline bool has_diag(const struct lr_diags *d, int line, int col,
			    const char *what)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].line == line && d->v[i].col == col &&
		    strstr(d->v[i].msg, what))
			return true;
	return false;
}

static inline void expect_diag(const struct lr_diags *d, int line, int col,
			       const char *what)
{
	if (has_diag(d, line, col, what))
		return;
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "  got %d:%d: %s\n", d->v[i].line, d->v[i].col,
			d->v[i].msg);
	cr_assert_fail("no diagnostic '%s' at %d:%d", what, line, col);
}

static inline void solve(const struct lr_topo *t, enum lr_pattern p,
			 struct lr_graph *g, struct lr_pattern_result *r)
{
	lr_graph_init(g, t, LR_OP_WRITE);
	cr_assert_eq(lr_pattern_run(g, p, r), 0);
}

#define assert_gbps(x, want)                                                 \
	cr_assert(fabs((x) - (want)) < GBPS_EPS, "%s = %.4f, expected %.4f", \
		  #x, (double)(x), (double)(want))

#endif
