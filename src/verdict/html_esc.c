// SPDX-License-Identifier: MIT
/*
 * Output buffer and escaping for the HTML and JUnit XML renderers (after
 * cgit's html.c): markup goes through vd_out/vd_outf as written, every text
 * that came from outside (names, causes, evidence) through vd_txt or
 * vd_attr. Control characters, invalid in XML 1.0, become '?'.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd.h"

static void put(struct vd_buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1 << 16;
		char *p;

		while (b->n + n + 1 > cap)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->failed = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

void vd_out(struct vd_buf *b, const char *s)
{
	put(b, s, strlen(s));
}

void vd_outf(struct vd_buf *b, const char *fmt, ...)
{
	char small[512], *s = small;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if ((size_t)n >= sizeof(small)) {
		va_start(ap, fmt);
		n = vasprintf(&s, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->failed = true;
			return;
		}
	}
	put(b, s, (size_t)n);
	if (s != small)
		free(s);
}

static void escape(struct vd_buf *b, const char *s, bool attr)
{
	const char *run = s;

	for (; *s; s++) {
		const char *e = NULL;
		unsigned char c = (unsigned char)*s;

		if (c == '&')
			e = "&amp;";
		else if (c == '<')
			e = "&lt;";
		else if (c == '>')
			e = "&gt;";
		else if (c == '"')
			e = "&quot;";
		else if (c == '\'')
			e = "&#39;";
		else if (c < 0x20 && (attr || (c != '\n' && c != '\t')))
			e = "?";
		if (!e)
			continue;
		put(b, run, (size_t)(s - run));
		vd_out(b, e);
		run = s + 1;
	}
	put(b, run, (size_t)(s - run));
}

void vd_txt(struct vd_buf *b, const char *s)
{
	escape(b, s ? s : "", false);
}

void vd_attr(struct vd_buf *b, const char *s)
{
	escape(b, s ? s : "", true);
}
