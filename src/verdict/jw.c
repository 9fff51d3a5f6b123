// SPDX-License-Identifier: MIT
/* The streaming JSON writer of jw.h (jansson 2.14's dump.c layout). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jw.h"

#define INDENT 2
#define PRECISION 10

static void flush(struct jw *w)
{
	if (w->n && fwrite(w->buf, 1, w->n, w->out) != w->n)
		w->err = true;
	w->n = 0;
}

static void put(struct jw *w, const char *s, size_t n)
{
	if (n > sizeof(w->buf) - w->n) {
		flush(w);
		if (n > sizeof(w->buf)) {
			if (fwrite(s, 1, n, w->out) != n)
				w->err = true;
			return;
		}
	}
	memcpy(w->buf + w->n, s, n);
	w->n += n;
}

static void putc1(struct jw *w, char c)
{
	if (w->n == sizeof(w->buf))
		flush(w);
	w->buf[w->n++] = c;
}

/* depth <= JW_MAX_DEPTH: at most 65 bytes, always fits the buffer */
static void newline(struct jw *w, int depth)
{
	size_t n = (size_t)depth * INDENT + 1;

	if (n > sizeof(w->buf) - w->n)
		flush(w);
	w->buf[w->n] = '\n';
	memset(w->buf + w->n + 1, ' ', n - 1);
	w->n += n;
}

/* Before a member or an element: the separator and the indentation. */
static void item(struct jw *w)
{
	if (!w->depth)
		return;
	if (!w->empty[w->depth - 1])
		putc1(w, ',');
	w->empty[w->depth - 1] = false;
	newline(w, w->depth);
}

/* Before a value: an array's element starts a new item, a member not. */
static void value(struct jw *w)
{
	if (w->depth && w->array[w->depth - 1])
		item(w);
}

void jw_init(struct jw *w, FILE *out)
{
	w->out = out;
	w->n = 0;
	w->depth = 0;
	w->err = false;
}

int jw_finish(struct jw *w)
{
	flush(w);
	return w->err || w->depth ? -EIO : 0;
}

static void begin(struct jw *w, bool array)
{
	value(w);
	putc1(w, array ? '[' : '{');
	if (w->depth == JW_MAX_DEPTH) {
		w->err = true;
		return;
	}
	w->array[w->depth] = array;
	w->empty[w->depth] = true;
	w->depth++;
}

void jw_obj(struct jw *w)
{
	begin(w, false);
}

void jw_arr(struct jw *w)
{
	begin(w, true);
}

void jw_end(struct jw *w)
{
	if (!w->depth) {
		w->err = true;
		return;
	}
	w->depth--;
	if (!w->empty[w->depth])
		newline(w, w->depth);
	putc1(w, w->array[w->depth] ? ']' : '}');
}

/* jansson's escapes: '"', '\\' and control characters; UTF-8 as it is. */
static void string(struct jw *w, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *run = s;

	putc1(w, '"');
	for (;; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[6] = { '\\', 'u', '0', '0' };
		size_t n = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(w, run, (size_t)(s - run));
		if (!c)
			break;
		run = s + 1;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
		}
		put(w, esc, n);
	}
	putc1(w, '"');
}

void jw_key(struct jw *w, const char *key)
{
	item(w);
	string(w, key);
	put(w, ": ", 2);
}

void jw_str(struct jw *w, const char *s)
{
	if (!s) {
		jw_null(w);
		return;
	}
	value(w);
	string(w, s);
}

void jw_int(struct jw *w, long long i)
{
	char b[24];
	int n = snprintf(b, sizeof(b), "%lld", i);

	value(w);
	put(w, b, (size_t)n);
}

void jw_bool(struct jw *w, bool b)
{
	value(w);
	if (b)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void jw_null(struct jw *w)
{
	value(w);
	put(w, "null", 4);
}

/*
 * jansson's jsonp_dtostr(): "%.10g", ".0" appended when there is neither
 * '.' nor 'e', the exponent without '+' and leading zeros.
 */
void jw_real(struct jw *w, double d)
{
	char b[40], *e;
	int n;

	if (!isfinite(d)) {
		jw_null(w);
		return;
	}
	n = snprintf(b, sizeof(b) - 3, "%.*g", PRECISION, d);
	if (!strchr(b, '.') && !strchr(b, 'e')) {
		memcpy(b + n, ".0", 3);
		n += 2;
	}
	e = strchr(b, 'e');
	if (e) {
		char *start = e + 1 + (e[1] == '-'), *end = e + 2;

		while (*end == '0')
			end++;
		if (end != start) {
			memmove(start, end, (size_t)(b + n - end) + 1);
			n -= (int)(end - start);
		}
	}
	value(w);
	put(w, b, (size_t)n);
}

/*
 * k / 10^4 with |k| < 10^10 has at most 10 significant digits and an
 * exponent in [-4, 5], so "%.10g" of the double nearest to it writes
 * exactly its decimal digits (fixed notation, trailing zeros dropped):
 * written here without printf. Anything else takes jw_real.
 */
void jw_num4(struct jw *w, double d)
{
	double k = isfinite(d) ? round(d * 1e4) : NAN;
	char b[32], *p = b + sizeof(b), *end = p;
	unsigned long long u, ip;
	unsigned frac;

	if (!isfinite(k) || fabs(k) >= 1e10 || k == 0) {
		jw_real(w, isfinite(k) ? k / 1e4 : NAN);
		return;
	}
	u = (unsigned long long)fabs(k);
	ip = u / 10000;
	frac = (unsigned)(u % 10000);
	if (frac) {
		int digits = 4;

		while (!(frac % 10)) {
			frac /= 10;
			digits--;
		}
		while (digits--) {
			*--p = (char)('0' + frac % 10);
			frac /= 10;
		}
	} else {
		*--p = '0';
	}
	*--p = '.';
	do {
		*--p = (char)('0' + ip % 10);
		ip /= 10;
	} while (ip);
	if (k < 0)
		*--p = '-';
	value(w);
	put(w, p, (size_t)(end - p));
}

/* jansson writes a nested value like a document, one level deeper. */
void jw_json(struct jw *w, const json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(INDENT) | JSON_ENCODE_ANY |
					JSON_REAL_PRECISION(PRECISION));

	if (!s) {
		w->err = true;
		return;
	}
	value(w);
	for (const char *p = s, *nl; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl) {
			put(w, p, strlen(p));
			break;
		}
		put(w, p, (size_t)(nl - p));
		newline(w, w->depth);
	}
	free(s);
}
