// SPDX-License-Identifier: MIT
/* Diagnostics: every problem of a topology file, each with its position. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "linerate/topology.h"
#include "linerate/util.h"

void lr_diag_add(struct lr_diags *d, int line, int col, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	int n;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;
		struct lr_diag *v = realloc(d->v, cap * sizeof(*v));

		if (!v)
			return;
		d->v = v;
		d->cap = cap;
	}
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	d->v[d->n++] = (struct lr_diag){ .line = line, .col = col, .msg = msg };
}

/* By position; problems without one first; then in the order found. */
static int cmp_diag(const void *a, const void *b)
{
	const struct lr_diag *x = *(const struct lr_diag *const *)a;
	const struct lr_diag *y = *(const struct lr_diag *const *)b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return (x > y) - (x < y);
}

void lr_diags_print(const struct lr_diags *d, size_t max)
{
	const char *file = d->file ? d->file : "topology";
	const struct lr_diag **v = malloc((d->n + 1) * sizeof(*v));

	for (size_t i = 0; v && i < d->n; i++)
		v[i] = &d->v[i];
	if (v)
		qsort(v, d->n, sizeof(*v), cmp_diag);
	for (size_t i = 0; i < d->n && i < max; i++) {
		const struct lr_diag *g = v ? v[i] : &d->v[i];

		if (g->line)
			fprintf(stderr, "%s:%d:%d: %s\n", file, g->line, g->col,
				g->msg);
		else
			fprintf(stderr, "%s: %s\n", file, g->msg);
	}
	if (d->n > max)
		fprintf(stderr, "%s: %zu more problems not shown\n", file,
			d->n - max);
	free(v);
}

void lr_diags_free(struct lr_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].msg);
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
}
