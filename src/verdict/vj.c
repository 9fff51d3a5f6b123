// SPDX-License-Identifier: MIT
/* The strict JSON parser of vj.h: recursive descent into an arena. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vj.h"

#define CHUNK (256u << 10)

struct vj_chunk {
	struct vj_chunk *next;
	size_t used, cap;
	char mem[];
};

struct parser {
	struct vj_arena *a;
	const char *p, *start, *end;
	struct vj_error *err;
	int depth;
	bool nomem;
};

static void *alloc(struct parser *ps, size_t n)
{
	struct vj_arena *a = ps->a;
	struct vj_chunk *c = a->head;

	n = (n + 15) & ~(size_t)15;
	if (!c || c->used + n > c->cap) {
		size_t cap = n > CHUNK ? n : CHUNK;

		c = malloc(sizeof(*c) + cap);
		if (!c) {
			ps->nomem = true;
			return NULL;
		}
		c->cap = cap;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	c->used += n;
	return c->mem + c->used - n;
}

void vj_reset(struct vj_arena *a)
{
	struct vj_chunk *c = a->head;

	if (!c)
		return;
	while (c->next) {
		struct vj_chunk *n = c->next;

		c->next = n->next;
		free(n);
	}
	c->used = 0;
}

void vj_free(struct vj_arena *a)
{
	vj_reset(a);
	free(a->head);
	a->head = NULL;
}

static int fail(struct parser *ps, const char *what)
{
	int line = 1, col = 1;

	for (const char *q = ps->start; q < ps->p && q < ps->end; q++) {
		if (*q == '\n')
			line++, col = 1;
		else
			col++;
	}
	ps->err->line = line;
	ps->err->col = col;
	snprintf(ps->err->text, sizeof(ps->err->text), "%s", what);
	return -EINVAL;
}

static void ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
				   *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static char *put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | cp >> 12);
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | cp >> 18);
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/* Length of the valid UTF-8 sequence at s (lead byte >= 0x80), or 0. */
static size_t utf8_len(const unsigned char *s, const unsigned char *end)
{
	size_t n;
	unsigned cp;

	if (*s >= 0xc2 && *s <= 0xdf)
		n = 2, cp = *s & 0x1f;
	else if (*s >= 0xe0 && *s <= 0xef)
		n = 3, cp = *s & 0x0f;
	else if (*s >= 0xf0 && *s <= 0xf4)
		n = 4, cp = *s & 0x07;
	else
		return 0;
	if ((size_t)(end - s) < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

static int escape(struct parser *ps, char **o)
{
	const char *p = ps->p; /* at the backslash */
	unsigned cp, lo;

	if (p + 1 >= ps->end)
		return fail(ps, "unterminated string");
	switch (p[1]) {
	case '"': *(*o)++ = '"'; break;
	case '\\': *(*o)++ = '\\'; break;
	case '/': *(*o)++ = '/'; break;
	case 'b': *(*o)++ = '\b'; break;
	case 'f': *(*o)++ = '\f'; break;
	case 'n': *(*o)++ = '\n'; break;
	case 'r': *(*o)++ = '\r'; break;
	case 't': *(*o)++ = '\t'; break;
	case 'u':
		if (ps->end - p < 6 || hex4(p + 2, &cp))
			return fail(ps, "bad \\u escape");
		ps->p += 4;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (ps->end - p < 12 || p[6] != '\\' || p[7] != 'u' ||
			    hex4(p + 8, &lo) || lo < 0xdc00 || lo > 0xdfff)
				return fail(ps, "unpaired UTF-16 surrogate");
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			ps->p += 6;
		} else if ((cp >= 0xdc00 && cp <= 0xdfff) || cp == 0) {
			return fail(ps, cp ? "unpaired UTF-16 surrogate" :
					     "\\u0000 in a string");
		}
		*o = put_utf8(*o, cp);
		break;
	default: return fail(ps, "bad escape in a string");
	}
	ps->p += 2;
	return 0;
}

/* The slow path: escapes and UTF-8 (validated). */
static int string_slow(struct parser *ps, const char *q, const char **out)
{
	char *buf, *o;

	/* the decoded string is never longer than the source */
	while (q < ps->end && *q != '"')
		q += *q == '\\' && q + 1 < ps->end ? 2 : 1;
	if (q >= ps->end)
		return fail(ps, "unterminated string");
	buf = o = alloc(ps, (size_t)(q - ps->p) + 1);
	if (!buf)
		return -ENOMEM;
	while (*ps->p != '"') {
		unsigned char c = (unsigned char)*ps->p;
		int ret;

		if (c == '\\') {
			if ((ret = escape(ps, &o)))
				return ret;
		} else if (c < 0x20) {
			return fail(ps, "control character in a string");
		} else if (c < 0x80) {
			*o++ = (char)c;
			ps->p++;
		} else {
			size_t n = utf8_len((const unsigned char *)ps->p,
					    (const unsigned char *)ps->end);

			if (!n)
				return fail(ps, "invalid UTF-8 in a string");
			memcpy(o, ps->p, n);
			o += n;
			ps->p += n;
		}
	}
	ps->p++;
	*o = '\0';
	*out = buf;
	return 0;
}

static int string(struct parser *ps, const char **out)
{
	const char *q = ++ps->p;
	char *buf;

	/* the fast path: printable ASCII, no escape */
	while (q < ps->end) {
		unsigned char c = (unsigned char)*q;

		if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
			break;
		q++;
	}
	if (q >= ps->end || *q != '"')
		return string_slow(ps, q, out);
	buf = alloc(ps, (size_t)(q - ps->p) + 1);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, ps->p, (size_t)(q - ps->p));
	buf[q - ps->p] = '\0';
	ps->p = q + 1;
	*out = buf;
	return 0;
}

/*
 * Exact without strtod when the digits fit 2^53 and the power of ten is at
 * most 22 (both exactly representable: one correctly rounded operation).
 * The syntax is already checked. Returns false to take strtod.
 */
static bool fast_number(const char *s, const char *end, bool integer,
			struct vj *v)
{
	static const double p10[] = { 1e0,  1e1,  1e2,	1e3,  1e4,  1e5,
				      1e6,  1e7,  1e8,	1e9,  1e10, 1e11,
				      1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
				      1e18, 1e19, 1e20, 1e21, 1e22 };
	bool neg = *s == '-', after = false;
	uint64_t m = 0;
	int digits = 0, frac = 0;

	for (const char *q = s + neg; q < end; q++) {
		if (*q == '.') {
			after = true;
			continue;
		}
		if (*q == 'e' || *q == 'E' || ++digits > 15)
			return false;
		m = m * 10 + (uint64_t)(*q - '0');
		frac += after;
	}
	v->d = frac ? (double)m / p10[frac] : (double)m;
	if (neg)
		v->d = -v->d;
	if (integer)
		v->i = neg ? -(long long)m : (long long)m;
	return true;
}

static int number(struct parser *ps, struct vj *v)
{
	const char *s = ps->p, *q = s;
	char tmp[64], *e;
	bool integer = true;

	if (q < ps->end && *q == '-')
		q++;
	if (q < ps->end && *q == '0')
		q++;
	else if (q < ps->end && *q >= '1' && *q <= '9')
		while (q < ps->end && *q >= '0' && *q <= '9')
			q++;
	else
		return fail(ps, "invalid number");
	if (q < ps->end && *q == '.') {
		integer = false;
		if (++q >= ps->end || *q < '0' || *q > '9')
			return fail(ps, "invalid number");
		while (q < ps->end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < ps->end && (*q == 'e' || *q == 'E')) {
		integer = false;
		if (++q < ps->end && (*q == '+' || *q == '-'))
			q++;
		if (q >= ps->end || *q < '0' || *q > '9')
			return fail(ps, "invalid number");
		while (q < ps->end && *q >= '0' && *q <= '9')
			q++;
	}
	if (fast_number(s, q, integer, v))
		goto done;
	if ((size_t)(q - s) >= sizeof(tmp))
		return fail(ps, "number too long");
	memcpy(tmp, s, (size_t)(q - s));
	tmp[q - s] = '\0';
	errno = 0;
	if (integer) {
		v->i = strtoll(tmp, &e, 10);
		if (errno == ERANGE)
			integer = false;
	}
	v->d = strtod(tmp, &e);
	if (!isfinite(v->d))
		return fail(ps, "number out of range");
done:
	v->integer = integer;
	v->type = VJ_NUM;
	ps->p = q;
	return 0;
}

static int value(struct parser *ps, struct vj *v);

static int members(struct parser *ps, struct vj *v, bool obj)
{
	char close = obj ? '}' : ']';
	struct vj **tail = &v->child;

	if (++ps->depth > VJ_MAX_DEPTH)
		return fail(ps, "nested too deeply");
	ps->p++;
	ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		ps->depth--;
		return 0;
	}
	for (;;) {
		struct vj *c = alloc(ps, sizeof(*c));
		int ret;

		if (!c)
			return -ENOMEM;
		memset(c, 0, sizeof(*c));
		ws(ps);
		if (obj) {
			if (ps->p >= ps->end || *ps->p != '"')
				return fail(ps, "expected a key string");
			if ((ret = string(ps, &c->key)))
				return ret;
			ws(ps);
			if (ps->p >= ps->end || *ps->p != ':')
				return fail(ps, "expected ':'");
			ps->p++;
			ws(ps);
		}
		if ((ret = value(ps, c)))
			return ret;
		*tail = c;
		tail = &c->next;
		v->n++;
		ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			ps->depth--;
			return 0;
		}
		return fail(ps, obj ? "expected ',' or '}'" :
				      "expected ',' or ']'");
	}
}

static int word(struct parser *ps, const char *w, struct vj *v, enum vj_type t)
{
	size_t n = strlen(w);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, w, n))
		return fail(ps, "invalid value");
	ps->p += n;
	v->type = t;
	return 0;
}

static int value(struct parser *ps, struct vj *v)
{
	if (ps->p >= ps->end)
		return fail(ps, "unexpected end of input");
	switch (*ps->p) {
	case '{': v->type = VJ_OBJ; return members(ps, v, true);
	case '[': v->type = VJ_ARR; return members(ps, v, false);
	case '"': v->type = VJ_STR; return string(ps, &v->s);
	case 't': return word(ps, "true", v, VJ_TRUE);
	case 'f': return word(ps, "false", v, VJ_FALSE);
	case 'n': return word(ps, "null", v, VJ_NULL);
	default: return number(ps, v);
	}
}

int vj_parse(struct vj_arena *a, const char *text, size_t len, struct vj **out,
	     struct vj_error *err)
{
	struct parser ps = {
		.a = a, .p = text, .start = text, .end = text + len, .err = err
	};
	struct vj *v = alloc(&ps, sizeof(*v));
	int ret;

	if (!v)
		return -ENOMEM;
	memset(v, 0, sizeof(*v));
	ws(&ps);
	ret = value(&ps, v);
	if (!ret) {
		ws(&ps);
		if (ps.p != ps.end)
			ret = fail(&ps, "end of input expected");
	}
	if (ps.nomem)
		return -ENOMEM;
	if (!ret)
		*out = v;
	return ret;
}

const struct vj *vj_get(const struct vj *x, const char *key)
{
	if (!vj_is(x, VJ_OBJ))
		return NULL;
	for (const struct vj *c = x->child; c; c = c->next)
		if (c->key[0] == key[0] && !strcmp(c->key, key))
			return c;
	return NULL;
}

const char *vj_str(const struct vj *x)
{
	return vj_is(x, VJ_STR) ? x->s : NULL;
}
