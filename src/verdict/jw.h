/* SPDX-License-Identifier: MIT */
/*
 * jw: a streaming JSON writer whose output is byte for byte what jansson's
 * json_dumpf(JSON_INDENT(2) | JSON_REAL_PRECISION(10)) writes of the same
 * tree (members in insertion order), without building the tree: the
 * report of 112,500 flows is ~55 MB of JSON (issue 10: < 2 s).
 * Errors are sticky: jw_finish() says whether everything was written.
 */
#ifndef LR_VERDICT_JW_H
#define LR_VERDICT_JW_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#define JW_MAX_DEPTH 32

struct jw {
	FILE *out;
	size_t n;
	int depth;
	bool err;
	bool array[JW_MAX_DEPTH]; /* the open container is an array */
	bool empty[JW_MAX_DEPTH]; /* nothing written in it yet */
	char buf[1 << 16];
};

void jw_init(struct jw *w, FILE *out);
/* Flush; 0 or -EIO (a write failed or the containers do not match). */
int jw_finish(struct jw *w);

void jw_obj(struct jw *w);
void jw_arr(struct jw *w);
void jw_end(struct jw *w);
/* The key of the next member of the open object. */
void jw_key(struct jw *w, const char *key);

/* Values: a member's (after jw_key) or the next element of an array. */
void jw_str(struct jw *w, const char *s); /* NULL: null */
void jw_int(struct jw *w, long long i);
void jw_real(struct jw *w, double d); /* json_real(d); not finite: null */
void jw_bool(struct jw *w, bool b);
void jw_null(struct jw *w);
/* json_real(round(d * 1e4) / 1e4), null when d is not finite. */
void jw_num4(struct jw *w, double d);
/* Any jansson value as json_dumpf would write it in this place. */
void jw_json(struct jw *w, const json_t *j);

#endif
