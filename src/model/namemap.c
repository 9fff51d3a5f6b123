// SPDX-License-Identifier: MIT
/* A string -> index map with open addressing (FNV-1a, linear probing). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "topo_int.h"

struct slot {
	const char *key; /* borrowed from the topology */
	long idx;
};

struct lr_name_map {
	struct slot *slots;
	size_t cap; /* power of two */
	size_t n;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

struct lr_name_map *lr_map_new(size_t expect)
{
	struct lr_name_map *m = calloc(1, sizeof(*m));
	size_t cap = 64;

	if (!m)
		return NULL;
	while (cap < expect * 2)
		cap *= 2;
	m->slots = calloc(cap, sizeof(*m->slots));
	if (!m->slots) {
		free(m);
		return NULL;
	}
	m->cap = cap;
	return m;
}

void lr_map_free(struct lr_name_map *m)
{
	if (!m)
		return;
	free(m->slots);
	free(m);
}

static struct slot *find(const struct lr_name_map *m, const char *key)
{
	size_t i = hash(key) & (m->cap - 1);

	while (m->slots[i].key && strcmp(m->slots[i].key, key))
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

static int grow(struct lr_name_map *m)
{
	struct lr_name_map big = { .cap = m->cap * 2 };

	big.slots = calloc(big.cap, sizeof(*big.slots));
	if (!big.slots)
		return -1;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			*find(&big, m->slots[i].key) = m->slots[i];
	free(m->slots);
	m->slots = big.slots;
	m->cap = big.cap;
	return 0;
}

long lr_map_put(struct lr_name_map *m, const char *key, long idx)
{
	struct slot *s;

	if ((m->n + 1) * 2 > m->cap && grow(m))
		return -2;
	s = find(m, key);
	if (s->key)
		return s->idx;
	s->key = key;
	s->idx = idx;
	m->n++;
	return -1;
}

long lr_map_get(const struct lr_name_map *m, const char *key)
{
	const struct slot *s;

	if (!m)
		return -1;
	s = find(m, key);
	return s->key ? s->idx : -1;
}
