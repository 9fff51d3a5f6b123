// SPDX-License-Identifier: MIT
/*
 * A result file: one JSON document (pretty-printed or not), or a JSONL
 * stream with one document per line (the cluster's results.jsonl).
 * Either way every document is validated before anything is kept: a file
 * with a bad line adds nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vd.h"
#include "linerate/util.h"

/* Streams from this size are parsed by two threads. */
#define PARALLEL_BYTES ((size_t)16 << 20)
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
	return vd_load_text(v, text, len, path, line0, NULL, NULL);
}

/* Every non-blank line of text[0..len) is one document (line0: the first). */
static int parse_lines(struct lr_verdict *v, const char *path, const char *text,
		       size_t len, int line0)
{
	const char *p = text, *end = text + len;
	int line = line0, ret = 0;

	while (p < end && !ret) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		size_t k = 0;

		while (k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'))
			k++;
		if (k < n)
			ret = one_doc(v, path, p, n, line);
		p += n + 1;
		line++;
	}
	return ret;
}

struct half {
	struct lr_verdict *v;
	const char *path, *text;
	size_t len;
	int line0, ret;
};

static void *half_run(void *arg)
{
	struct half *h = arg;

	h->ret = parse_lines(h->v, h->path, h->text, h->len, h->line0);
	return NULL;
}

/*
 * A large stream is parsed by two threads, one half each (split at a line
 * boundary); the second half's flows are appended in order.
 */
static int parse_two(struct lr_verdict *v, const char *path, const char *text,
		     size_t len)
{
	const char *mid = memchr(text + len / 2, '\n', len - len / 2);
	struct half h = { .path = path };
	pthread_t th;
	int line0 = 2, ret;

	if (!mid)
		return parse_lines(v, path, text, len, 1);
	for (const char *p = text; (p = memchr(p, '\n', (size_t)(mid - p)));
	     p++)
		line0++;
	h.v = lr_verdict_new();
	if (!h.v)
		return -ENOMEM;
	vd_verdict_own_prefix(h.v, "#b");
	h.text = mid + 1;
	h.len = len - (size_t)(mid + 1 - text);
	h.line0 = line0;
	if (pthread_create(&th, NULL, half_run, &h)) {
		lr_verdict_free(h.v);
		return parse_lines(v, path, text, len, 1);
	}
	ret = parse_lines(v, path, text, (size_t)(mid - text), 1);
	pthread_join(th, NULL);
	if (!ret)
		ret = h.ret;
	if (!ret)
		ret = vd_merge(v, h.v);
	lr_verdict_free(h.v);
	return ret;
}

/* A JSONL stream: every non-blank line is a complete document. */
static int lines(struct lr_verdict *v, const char *path, const char *text,
		 size_t len)
{
	size_t first = v->n_flows, ndocs = v->n_docs;
	int ret = len >= PARALLEL_BYTES ? parse_two(v, path, text, len) :
					  parse_lines(v, path, text, len, 1);

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
static bool is_stream(struct lr_verdict *v, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *nl;
	struct vj_error err;
	struct vj *j;

	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	nl = memchr(p, '\n', (size_t)(end - p));

	if (!nl)
		return false;
	vj_reset(&v->arena);
	return !vj_parse(&v->arena, p, (size_t)(nl - p), &j, &err);
}

/* A regular file, mapped (a stream of 100,000 results is ~250 MB). */
static int map_file(const char *path, char **out, size_t *len)
{
	struct stat st;
	void *p;
	int fd;

	if (!strcmp(path, "-"))
		return -ENOTSUP;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ENOTSUP; /* read_all says why */
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || !st.st_size ||
	    (uint64_t)st.st_size > MAX_FILE) {
		close(fd);
		return -ENOTSUP;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -ENOTSUP;
	madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
	*out = p;
	*len = (size_t)st.st_size;
	return 0;
}

int lr_verdict_load_file(struct lr_verdict *v, const char *path)
{
	char *text = NULL;
	size_t len = 0;
	bool mapped = !map_file(path, &text, &len);
	int ret = mapped ? 0 : read_all(path, &text, &len);

	if (ret)
		return ret;
	if (is_stream(v, text, len))
		ret = lines(v, path, text, len);
	else
		ret = one_doc(v, path, text, len, 1);
	if (mapped)
		munmap(text, len);
	else
		free(text);
	return ret;
}
