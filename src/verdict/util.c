// SPDX-License-Identifier: MIT
/* Growing arrays, strings and a string -> index table for the verdict. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd.h"
#include "linerate/util.h"

int vd_grow(void **v, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	p = realloc(*v, n * size);
	if (!p) {
		lr_err("out of memory (%zu x %zu bytes)", n, size);
		return -ENOMEM;
	}
	*v = p;
	*cap = n;
	return 0;
}

char *vd_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *vd_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

/* Open addressing, FNV-1a, keys owned. */
struct vd_intern {
	char **keys;
	uint32_t *vals;
	size_t n, cap; /* cap: a power of two */
};

struct vd_intern *vd_intern_new(void)
{
	return calloc(1, sizeof(struct vd_intern));
}

void vd_intern_free(struct vd_intern *ix)
{
	if (!ix)
		return;
	for (size_t i = 0; i < ix->cap; i++)
		free(ix->keys[i]);
	free(ix->keys);
	free(ix->vals);
	free(ix);
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static size_t slot(const struct vd_intern *ix, const char *key)
{
	size_t i = hash(key) & (ix->cap - 1);

	while (ix->keys[i] && strcmp(ix->keys[i], key))
		i = (i + 1) & (ix->cap - 1);
	return i;
}

static int rehash(struct vd_intern *ix)
{
	struct vd_intern n = { .cap = ix->cap ? ix->cap * 2 : 64 };

	n.keys = calloc(n.cap, sizeof(*n.keys));
	n.vals = calloc(n.cap, sizeof(*n.vals));
	if (!n.keys || !n.vals) {
		free(n.keys);
		free(n.vals);
		lr_err("out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < ix->cap; i++) {
		if (!ix->keys[i])
			continue;
		size_t s = slot(&n, ix->keys[i]);

		n.keys[s] = ix->keys[i];
		n.vals[s] = ix->vals[i];
	}
	free(ix->keys);
	free(ix->vals);
	n.n = ix->n;
	*ix = n;
	return 0;
}

long vd_intern(struct vd_intern *ix, const char *key, uint32_t next)
{
	size_t s;

	if ((ix->n + 1) * 2 > ix->cap && rehash(ix))
		return -ENOMEM;
	s = slot(ix, key);
	if (ix->keys[s])
		return ix->vals[s];
	ix->keys[s] = strdup(key);
	if (!ix->keys[s])
		return -ENOMEM;
	ix->vals[s] = next;
	ix->n++;
	return next;
}

long vd_set_get(struct lr_verdict *v, const char *phase, const char *id)
{
	char *key = vd_fmt("%s\t%s", phase ? phase : "", id);
	long i;

	if (!key)
		return -ENOMEM;
	i = vd_intern(v->set_ix, key, (uint32_t)v->n_sets);
	free(key);
	if (i < 0 || (size_t)i < v->n_sets)
		return i;
	if (vd_grow((void **)&v->sets, &v->cap_sets, v->n_sets + 1,
		    sizeof(*v->sets)))
		return -ENOMEM;
	memset(&v->sets[i], 0, sizeof(v->sets[i]));
	v->sets[i].id = vd_strdup(id);
	v->sets[i].phase = vd_strdup(phase);
	v->n_sets++;
	return i;
}

struct vd_flow *vd_flow_new(struct lr_verdict *v)
{
	struct vd_flow *f;

	if (vd_grow((void **)&v->flows, &v->cap_flows, v->n_flows + 1,
		    sizeof(*v->flows)))
		return NULL;
	f = &v->flows[v->n_flows++];
	memset(f, 0, sizeof(*f));
	f->round = -1;
	f->src_nic = f->dst_nic = -1;
	return f;
}
