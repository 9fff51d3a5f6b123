// SPDX-License-Identifier: MIT
/* The one root prefix every sysfs read goes through (see sysfs.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linerate/sysfs.h"

static char sysfs_root[PATH_MAX];

void lr_sysfs_set_root(const char *root)
{
	snprintf(sysfs_root, sizeof(sysfs_root), "%s", root ? root : "");
}

const char *lr_sysfs_root(void)
{
	const char *env;

	if (sysfs_root[0])
		return sysfs_root;
	env = getenv("LINERATE_SYSFS_ROOT");
	return env && env[0] ? env : "/";
}

int lr_sysfs_check_root(char *err, size_t len)
{
	const char *root = lr_sysfs_root();
	const char *what =
		sysfs_root[0] ? "the sysfs root" : "LINERATE_SYSFS_ROOT";
	char sys[4096];
	struct stat st;

	if (lr_sysfs_is_live())
		return 0;
	if (stat(root, &st)) {
		snprintf(err, len,
			 "%s=%s: %s (expected a directory holding "
			 "a copy of /sys)",
			 what, root, strerror(errno));
		return -ENOENT;
	}
	snprintf(sys, sizeof(sys), "%s/sys", root);
	if (!S_ISDIR(st.st_mode) || stat(sys, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, len,
			 "%s=%s: no directory %s (expected a copy "
			 "of /sys under it)",
			 what, root, sys);
		return -ENOTDIR;
	}
	return 0;
}

bool lr_sysfs_is_live(void)
{
	return !strcmp(lr_sysfs_root(), "/");
}

static int vpath(char *buf, size_t len, const char *fmt, va_list ap)
{
	const char *root = lr_sysfs_root();
	size_t n = strlen(root);
	int m;

	while (n > 1 && root[n - 1] == '/')
		n--;
	if (n + 2 > len)
		return -ENAMETOOLONG;
	memcpy(buf, root, n);
	if (buf[n - 1] != '/')
		buf[n++] = '/';
	m = vsnprintf(buf + n, len - n, fmt, ap);
	if (m < 0 || (size_t)m >= len - n)
		return -ENAMETOOLONG;
	return 0;
}

int lr_sysfs_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vpath(buf, len, fmt, ap);
	va_end(ap);
	return ret;
}

static int read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	do
		n = read(fd, buf, len - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return (int)n;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return (int)n;
}

int lr_sysfs_read(char *buf, size_t len, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	int ret;

	if (len < 2)
		return -EINVAL;
	va_start(ap, fmt);
	ret = vpath(path, sizeof(path), fmt, ap);
	va_end(ap);
	return ret ? ret : read_file(path, buf, len);
}

int lr_sysfs_read_int(int64_t *out, const char *fmt, ...)
{
	char path[PATH_MAX], buf[64], *end;
	long long v;
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vpath(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (!ret)
		ret = read_file(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	errno = 0;
	v = strtoll(buf, &end, 0);
	if (errno || end == buf || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

bool lr_sysfs_exists(const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vpath(path, sizeof(path), fmt, ap);
	va_end(ap);
	return !ret && !access(path, F_OK);
}

/* Strip the root from an absolute real path; both end up relative. */
static int strip_root(const char *real, char *buf, size_t len)
{
	char root[PATH_MAX];
	size_t n;

	if (!realpath(lr_sysfs_root(), root))
		return -errno;
	n = strlen(root);
	if (n == 1)
		n = 0;
	if (strncmp(real, root, n) || (real[n] != '/' && real[n] != '\0'))
		return -EXDEV; /* the link leaves the fixture tree */
	if (snprintf(buf, len, "%s", real + n + 1) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

int lr_sysfs_resolve(char *buf, size_t len, const char *fmt, ...)
{
	char path[PATH_MAX], real[PATH_MAX];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vpath(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (ret)
		return ret;
	if (!realpath(path, real))
		return -errno;
	return strip_root(real, buf, len);
}

static int not_dot(const struct dirent *d)
{
	return strcmp(d->d_name, ".") && strcmp(d->d_name, "..");
}

static int to_names(struct dirent **ents, int n, char ***names)
{
	char **v = calloc((size_t)n + 1, sizeof(*v));
	int i;

	for (i = 0; v && i < n; i++) {
		v[i] = strdup(ents[i]->d_name);
		if (!v[i]) {
			lr_sysfs_free_list(v);
			v = NULL;
		}
	}
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	if (!v)
		return -ENOMEM;
	*names = v;
	return n;
}

int lr_sysfs_list(char ***names, const char *fmt, ...)
{
	char path[PATH_MAX];
	struct dirent **ents;
	va_list ap;
	int ret, n;

	va_start(ap, fmt);
	ret = vpath(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (ret)
		return ret;
	n = scandir(path, &ents, not_dot, versionsort);
	if (n < 0)
		return -errno;
	return to_names(ents, n, names);
}

void lr_sysfs_free_list(char **names)
{
	if (!names)
		return;
	for (char **p = names; *p; p++)
		free(*p);
	free(names);
}
