/* SPDX-License-Identifier: MIT */
/* Test helper: run the linerate binary with its output in files. */
#ifndef LINERATE_TEST_PROC_H
#define LINERATE_TEST_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct proc {
	pid_t pid;
	int status; /* exit code, or 128 + signal */
	char out[64], err[64]; /* stdout and stderr files */
};

/* Start LINERATE_BIN with the given words (NULL-terminated). stdin_fd and
 * stdout_fd of -1 mean /dev/null and the out file. */
void proc_start(struct proc *p, const char *const *words);
void proc_start_fds(struct proc *p, const char *const *words, int stdin_fd,
		    int stdout_fd);
/* The same inside a network namespace (`ip netns exec NS`). */
void proc_start_ns(struct proc *p, const char *ns, const char *const *words);
/* Wait up to timeout_ms; kill and fail the test past it. Returns status. */
int proc_wait(struct proc *p, int timeout_ms);
void proc_kill(struct proc *p, int sig);
/* The whole of a file (malloc'd, NUL-terminated). */
char *proc_slurp(const char *path);
void proc_cleanup(struct proc *p);

/* A 'linerate serve' on 127.0.0.1 with an ephemeral port. */
struct server {
	struct proc proc;
	uint16_t port;
};
void server_start(struct server *s);
/* The same inside namespace ns (NULL: this one), listening on addr. */
void server_start_ns(struct server *s, const char *ns, const char *addr);
void server_stop(struct server *s);
/* Whether the server's log contains text. */
bool server_logged(struct server *s, const char *text);

#endif
