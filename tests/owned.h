/* SPDX-License-Identifier: MIT */
/*
 * What a test allocated, freed however the test ends.
 *
 * A failed cr_assert ends the test at once, past the frees written below
 * it; what the test had allocated is still live when its process exits,
 * and LeakSanitizer's report of the test's own memory would follow the
 * assertion's message and bury it. own() records an allocation with the
 * function that frees it, release() frees one early, and whatever is still
 * owned is freed when the test's process exits: by an atexit() handler,
 * which runs before LeakSanitizer's exit-time check (the sanitizer
 * registered that one first, when it started). Leaks of the code under
 * test still show: only what a test hands to own() is freed here.
 */
#ifndef LINERATE_TEST_OWNED_H
#define LINERATE_TEST_OWNED_H

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>

#define OWNED_MAX 256

struct owned {
	void *p;
	void (*free_fn)(void *);
};

static struct owned owned_list[OWNED_MAX];
static unsigned owned_n;

static inline void owned_release_all(void)
{
	while (owned_n > 0) {
		struct owned *o = &owned_list[--owned_n];

		if (o->p)
			o->free_fn(o->p);
		o->p = NULL;
	}
}

/* Record p (NULL is ignored), freed by free_fn at exit; returns p. */
static inline void *own(void *p, void (*free_fn)(void *))
{
	if (!p)
		return NULL;
	if (owned_n == 0) {
		static bool registered;

		if (!registered && atexit(owned_release_all) == 0)
			registered = true;
	}
	cr_assert_lt(owned_n, OWNED_MAX, "more than %d owned allocations",
		     OWNED_MAX);
	owned_list[owned_n].p = p;
	owned_list[owned_n].free_fn = free_fn;
	owned_n++;
	return p;
}

/* Forget p without freeing it (its owner is now someone else); returns p. */
static inline void *disown(void *p)
{
	for (unsigned i = owned_n; p && i-- > 0;) {
		if (owned_list[i].p == p) {
			owned_list[i].p = NULL;
			break;
		}
	}
	while (owned_n > 0 && !owned_list[owned_n - 1].p)
		owned_n--;
	return p;
}

/* Free p now if it is owned (NULL is ignored). */
static inline void release(void *p)
{
	for (unsigned i = owned_n; p && i-- > 0;) {
		if (owned_list[i].p == p) {
			void (*free_fn)(void *) = owned_list[i].free_fn;

			disown(p);
			free_fn(p);
			return;
		}
	}
}

static inline void owned_json_decref(void *p)
{
	json_decref(p);
}

/* malloc'd memory (free) and JSON values (json_decref). */
static inline char *own_str(char *s)
{
	return own(s, free);
}

static inline json_t *own_json(json_t *j)
{
	return own(j, owned_json_decref);
}

/*
 * json_decref() in a test forgets an owned value before it lets go of it,
 * so that a test written either way (release() or json_decref()) frees it
 * once.
 */
static inline void owned_decref(json_t *j)
{
	json_decref(disown(j));
}
#define json_decref(j) owned_decref(j)

#endif
