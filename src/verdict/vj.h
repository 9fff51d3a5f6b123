/* SPDX-License-Identifier: MIT */
/*
 * vj: a strict JSON parser (RFC 8259) into a tree in an arena, for the
 * result streams that `report` reads (a cluster's results.jsonl: 100,000
 * documents and more). A tree lives until the arena is reset; nothing is
 * freed node by node. Strings are valid UTF-8 without NUL, numbers finite,
 * nesting at most VJ_MAX_DEPTH.
 */
#ifndef LR_VERDICT_VJ_H
#define LR_VERDICT_VJ_H

#include <stdbool.h>
#include <stddef.h>

#define VJ_MAX_DEPTH 64

enum vj_type {
	VJ_NULL,
	VJ_FALSE,
	VJ_TRUE,
	VJ_NUM,
	VJ_STR,
	VJ_ARR,
	VJ_OBJ,
};

struct vj {
	enum vj_type type;
	bool integer; /* a number written without fraction or exponent */
	const char *key; /* the key of an object member */
	const char *s; /* string value */
	double d; /* number value */
	long long i; /* integer value (integer only) */
	struct vj *child, *next; /* first member / element; next sibling */
	size_t n; /* members or elements */
};

struct vj_chunk;

struct vj_arena {
	struct vj_chunk *head;
};

struct vj_error {
	int line, col;
	char text[96];
};

/* Parse text[0..len) as one JSON value; 0 or -EINVAL (err) / -ENOMEM. */
int vj_parse(struct vj_arena *a, const char *text, size_t len, struct vj **out,
	     struct vj_error *err);
/* Forget every tree of the arena (keeps its first chunk). */
void vj_reset(struct vj_arena *a);
void vj_free(struct vj_arena *a);

/* Member of an object, or NULL (also when x is not an object). */
const struct vj *vj_get(const struct vj *x, const char *key);
/* NULL unless a string. */
const char *vj_str(const struct vj *x);
static inline bool vj_is(const struct vj *x, enum vj_type t)
{
	return x && x->type == t;
}

#endif
