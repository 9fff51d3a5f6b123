// SPDX-License-Identifier: MIT
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linerate/util.h"
#include "proc.h"

static const char *bin(void)
{
	const char *b = getenv("LINERATE_BIN");

	cr_assert_not_null(b, "LINERATE_BIN is not set (run under meson test)");
	return b;
}

static int temp_file(char *path, size_t len, const char *tag)
{
	int fd;

	snprintf(path, len, "/tmp/lr-test-%s-XXXXXX", tag);
	fd = mkstemp(path);
	cr_assert(fd >= 0, "mkstemp: %s", strerror(errno));
	return fd;
}

/* LINERATE_BIN and the words, behind `ip netns exec NS` when ns is set. */
static void spawn(struct proc *p, const char *ns, const char *const *words,
		  int stdin_fd, int stdout_fd)
{
	char *argv[64];
	int n = 0, out = temp_file(p->out, sizeof(p->out), "out");
	int err = temp_file(p->err, sizeof(p->err), "err");

	if (ns) {
		argv[n++] = "ip";
		argv[n++] = "netns";
		argv[n++] = "exec";
		argv[n++] = (char *)ns;
	}
	argv[n++] = (char *)bin();
	while (*words && n < 63)
		argv[n++] = (char *)*words++;
	argv[n] = NULL;
	p->pid = fork();
	cr_assert(p->pid >= 0);
	if (p->pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(stdin_fd >= 0 ? stdin_fd : null, 0);
		dup2(stdout_fd >= 0 ? stdout_fd : out, 1);
		dup2(err, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(out);
	close(err);
	p->status = -1;
}

void proc_start_fds(struct proc *p, const char *const *words, int stdin_fd,
		    int stdout_fd)
{
	spawn(p, NULL, words, stdin_fd, stdout_fd);
}

void proc_start_ns(struct proc *p, const char *ns, const char *const *words)
{
	spawn(p, ns, words, -1, -1);
}

void proc_start(struct proc *p, const char *const *words)
{
	proc_start_fds(p, words, -1, -1);
}

int proc_wait(struct proc *p, int timeout_ms)
{
	uint64_t end = lr_now_ns() + (uint64_t)timeout_ms * 1000000;
	int st;

	while (waitpid(p->pid, &st, WNOHANG) == 0) {
		if (lr_now_ns() > end) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, &st, 0);
			cr_assert_fail("linerate did not exit within %d ms",
				       timeout_ms);
		}
		lr_sleep_ns(10000000);
	}
	p->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return p->status;
}

void proc_kill(struct proc *p, int sig)
{
	kill(p->pid, sig);
}

char *proc_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		cr_assert_fail("short read of %s", path);
	fclose(f);
	return buf;
}

void proc_cleanup(struct proc *p)
{
	unlink(p->out);
	unlink(p->err);
}

void server_start_ns(struct server *s, const char *ns, const char *addr)
{
	char listen[64], want[80];
	const char *const words[] = { "serve",	   "--listen", listen,
				      "--timeout", "3",	       NULL };
	uint64_t end = lr_now_ns() + 5000000000ull;

	snprintf(listen, sizeof(listen), "%s:0", addr);
	snprintf(want, sizeof(want), "listening on %s port ", addr);
	spawn(&s->proc, ns, words, -1, -1);
	while (lr_now_ns() < end) {
		char *log = proc_slurp(s->proc.err);
		char *at = strstr(log, want);

		if (at) {
			s->port = (uint16_t)atoi(at + strlen(want));
			free(log);
			return;
		}
		free(log);
		lr_sleep_ns(10000000);
	}
	cr_assert_fail("linerate serve did not start listening");
}

void server_start(struct server *s)
{
	server_start_ns(s, NULL, "127.0.0.1");
}

void server_stop(struct server *s)
{
	if (s->proc.status < 0) {
		proc_kill(&s->proc, SIGTERM);
		proc_wait(&s->proc, 5000);
	}
	proc_cleanup(&s->proc);
}

bool server_logged(struct server *s, const char *text)
{
	char *log = proc_slurp(s->proc.err);
	bool found = strstr(log, text) != NULL;

	free(log);
	return found;
}
