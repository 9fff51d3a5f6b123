// SPDX-License-Identifier: MIT
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netns.h"
#include "vrack.h"

static const char *source_root(void)
{
	const char *s = getenv("LINERATE_SOURCE_ROOT");

	cr_assert_not_null(s, "LINERATE_SOURCE_ROOT is not set (meson test)");
	return s;
}

void vrack_require(void)
{
	netns_require();
	if (sh("command -v tc >/dev/null && command -v ssh-keygen >/dev/null "
	       "&& command -v ssh >/dev/null && test -x /usr/sbin/sshd"))
		cr_skip_test("needs tc, ssh, ssh-keygen and sshd "
			     "(scripts/install-deps)");
}

static char *strip_quotes(char *v)
{
	size_t n = strlen(v);

	if (n >= 2 && v[0] == '\'' && v[n - 1] == '\'') {
		v[n - 1] = '\0';
		return v + 1;
	}
	return v;
}

static void free_env(struct vrack *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->keys[i]);
		free(r->vals[i]);
	}
	r->n = 0;
}

static void load_env(struct vrack *r)
{
	char path[160], line[512];
	FILE *f;

	free_env(r);
	snprintf(path, sizeof(path), "%s/env", r->state);
	f = fopen(path, "r");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '=');

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || !eq)
			continue;
		cr_assert_lt(r->n, VRACK_MAX_KEYS, "%s: too many keys", path);
		*eq = '\0';
		r->keys[r->n] = strdup(line);
		r->vals[r->n] = strdup(strip_quotes(eq + 1));
		r->n++;
	}
	fclose(f);
}

void vrack_up(struct vrack *r, const char *opts)
{
	char bin[512];
	const char *b = getenv("LINERATE_BIN");

	cr_assert_not_null(b, "LINERATE_BIN is not set (run under meson test)");
	snprintf(bin, sizeof(bin), "%s", b);
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "lrc%d", (int)getpid() % 10000000);
	snprintf(r->state, sizeof(r->state), "/tmp/vrack-%s", r->name);
	sh("%s/scripts/vrack -q down --name %s >/dev/null 2>&1", source_root(),
	   r->name);
	r->up = true; /* from here on, down cleans whatever was made */
	cr_assert_eq(sh("%s/scripts/vrack -q up --name %s --state %s --bin %s "
			"%s >/dev/null",
			source_root(), r->name, r->state, dirname(bin),
			opts ? opts : ""),
		     0, "scripts/vrack up %s failed", opts ? opts : "");
	load_env(r);
}

void vrack_down(struct vrack *r)
{
	if (!r->up)
		return;
	sh("%s/scripts/vrack -q down --name %s --state %s", source_root(),
	   r->name, r->state);
	free_env(r);
	r->up = false;
}

int vrack_cmd(struct vrack *r, const char *fmt, ...)
{
	char words[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(words, sizeof(words), fmt, ap);
	va_end(ap);
	return sh("%s/scripts/vrack %s --state %s -q", source_root(), words,
		  r->state);
}

const char *vrack_get(const struct vrack *r, const char *key)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->keys[i], key))
			return r->vals[i];
	return NULL;
}

const char *vrack_must(const struct vrack *r, const char *key)
{
	const char *v = vrack_get(r, key);

	cr_assert_not_null(v, "no %s in %s/env", key, r->state);
	return v;
}

const char *vrack_ns(const struct vrack *r, const char *server)
{
	char key[64];

	snprintf(key, sizeof(key), "VRACK_NS_%s", server);
	return vrack_must(r, key);
}

const char *vrack_addr(const struct vrack *r, const char *server,
		       const char *nic)
{
	char key[64];

	snprintf(key, sizeof(key), "VRACK_ADDR_%s_%s", server, nic);
	return vrack_must(r, key);
}

int vrack_capture(char *out, size_t len, const char *fmt, ...)
{
	char cmd[1024];
	size_t n = 0;
	va_list ap;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	cr_assert_not_null(p, "popen %s: %s", cmd, strerror(errno));
	n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	while (n && out[n - 1] == '\n')
		out[--n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

const char *vrack_slurm_up(struct vrack *r)
{
	if (sh("command -v srun >/dev/null && command -v sinfo >/dev/null && "
	       "test -x /usr/sbin/slurmctld && test -x /usr/sbin/slurmd && "
	       "test -x /usr/sbin/munged"))
		cr_skip_test("needs slurmctld, slurmd, slurm-client and munge "
			     "(scripts/install-deps)");
	cr_assert_eq(vrack_cmd(r, "slurm up >/dev/null"), 0,
		     "scripts/vrack slurm up failed");
	load_env(r);
	return vrack_must(r, "VRACK_SLURM_CONF");
}
