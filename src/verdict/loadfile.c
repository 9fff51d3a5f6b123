// SPDX-License-Identifier: MIT
/*
 * A result file: one JSON document (pretty-printed or not), or a JSONL
 * stream with one document per line (the cluster's results.jsonl).
 * Either way every document is validated before anything is kept: a file
 * with a bad line adds nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd.h"
#include "linerate/util.h"

/* Results larger than this are refused (a result line is a few KiB). */
#define MAX_FILE ((size_t)4 << 30)

static int read_all(const char *path, char **out, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t n = 0, cap = 1 << 16;
	char *buf = malloc(cap + 1);
	int ret = 0;

	if (!f) {
		ret = -errno;
		lr_err("cannot open '%s': %s", path, strerror(-ret));
		free(buf);
		return ret;
	}
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (n < cap)
			break;
		if (cap >= MAX_FILE) {
			lr_err("%s: larger than %zu bytes", path, MAX_FILE);
			ret = -EFBIG;
			break;
		}
		cap *= 2;
		char *p = realloc(buf, cap + 1);

		if (!p)
			free(buf);
		buf = p;
	}
	if (!buf) {
		lr_err("out of memory reading '%s'", path);
		ret = -ENOMEM;
	} else if (ferror(f)) {
		lr_err("cannot read '%s'", path);
		ret = -EIO;
	}
	if (f != stdin)
		fclose(f);
	if (ret) {
		free(buf);
		return ret;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

static int one_doc(struct lr_verdict *v, const char *path, const char *text,
		   size_t len, int line0)
{
	json_error_t err;
	json_t *doc = json_loadb(text, len, 0, &err);
	char where[4200];
	int ret;

	if (!doc) {
		lr_err("%s:%d:%d: %s", path, line0 + err.line - 1, err.column,
		       err.text);
		return -EINVAL;
	}
	snprintf(where, sizeof(where), "%s:%d", path, line0);
	ret = vd_load_doc(v, doc, where, NULL, NULL);
	json_decref(doc);
	return ret;
}

/* A JSONL stream: every non-blank line is a complete document. */
static int lines(struct lr_verdict *v, const char *path, const char *text,
		 size_t len)
{
	size_t first = v->n_flows, ndocs = v->n_docs;
	const char *p = text, *end = text + len;
	int line = 1, ret = 0;

	while (p < end && !ret) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		size_t k = strspn(p, " \t\r");

		if (k < n)
			ret = one_doc(v, path, p, n, line);
		p += n + 1;
		line++;
	}
	if (!ret && v->n_docs == ndocs) {
		lr_err("%s: no result documents", path);
		ret = -EINVAL;
	}
	if (ret) {
		vd_flows_drop(v, first);
		v->n_docs = ndocs;
	}
	return ret;
}

/* Whether the first non-blank line is a whole JSON value by itself. */
static bool is_stream(const char *text, size_t len)
{
	const char *p = text + strspn(text, " \t\r\n");
	const char *nl = memchr(p, '\n', len - (size_t)(p - text));
	json_error_t err;
	json_t *j;

	if (!nl)
		return false;
	j = json_loadb(p, (size_t)(nl - p), 0, &err);
	json_decref(j);
	return j != NULL;
}

int lr_verdict_load_file(struct lr_verdict *v, const char *path)
{
	char *text = NULL;
	size_t len = 0;
	int ret = read_all(path, &text, &len);

	if (ret)
		return ret;
	if (is_stream(text, len))
		ret = lines(v, path, text, len);
	else
		ret = one_doc(v, path, text, len, 1);
	free(text);
	return ret;
}
