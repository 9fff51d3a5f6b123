// SPDX-License-Identifier: MIT
/*
 * Starting the agents: `CMD -o BatchMode=yes -o ConnectTimeout=N HOST
 * linerate serve --stdio` per server (the session's stdin and stdout are
 * the control channel), or, under Slurm, one srun step of `linerate serve
 * --listen` reached over TCP with the run's secret.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linerate/sock.h"
#include "linerate/util.h"
#include "coord.h"

void lr_argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/* One word from *p (after blanks); NULL at the end, *bad on an open quote
 * (-EINVAL) or out of memory (-ENOMEM). */
static char *next_word(const char **p, int *bad)
{
	const char *s = *p;
	char *w, *o;
	char q = 0;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (!*s)
		return NULL;
	w = o = malloc(strlen(s) + 1);
	if (!w) {
		*bad = -ENOMEM;
		return NULL;
	}
	for (; *s && (q || (*s != ' ' && *s != '\t' && *s != '\n')); s++) {
		if (q && *s == q)
			q = 0;
		else if (!q && (*s == '\'' || *s == '"'))
			q = *s;
		else if (*s == '\\' && q != '\'' && s[1])
			*o++ = *++s;
		else
			*o++ = *s;
	}
	*o = '\0';
	*bad = q ? -EINVAL : 0;
	*p = s;
	return w;
}

int lr_argv_split(const char *cmd, char ***out)
{
	size_t n = 0, cap = 8;
	char **v = calloc(cap, sizeof(*v));
	int bad = 0;
	char *w;

	if (!v)
		return -ENOMEM;
	while (!bad && (w = next_word(&cmd, &bad))) {
		if (n + 2 > cap) {
			char **nv = realloc(v, 2 * cap * sizeof(*v));

			if (!nv) {
				free(w);
				lr_argv_free(v);
				return -ENOMEM;
			}
			v = nv;
			cap *= 2;
		}
		v[n++] = w;
		v[n] = NULL;
	}
	if (bad || !n) {
		lr_argv_free(v);
		return bad ? bad : -EINVAL;
	}
	*out = v;
	return 0;
}

void cl_agent_close(struct cl_run *r, struct cl_agent *a)
{
	if (a->open) {
		close(a->ch.rfd);
		if (a->ch.wfd != a->ch.rfd)
			close(a->ch.wfd);
		a->open = false;
	}
	lr_nbf_free(&a->ch);
	if (a->errfd >= 0)
		close(a->errfd);
	a->errfd = -1;
	if (a->pid > 0 && !r->closing)
		cl_reap(r, a, 200);
}

/* Wait up to ms for the ssh to end (its stdin closed), then SIGTERM it. */
void cl_reap(struct cl_run *r, struct cl_agent *a, int ms)
{
	uint64_t until = lr_now_ns() + (uint64_t)ms * 1000000ull;
	int st;

	if (a->pid <= 0)
		return;
	while (!waitpid(a->pid, &st, WNOHANG) && lr_now_ns() < until)
		lr_sleep_ns(5000000ull);
	if (!waitpid(a->pid, &st, WNOHANG)) {
		kill(a->pid, SIGTERM);
		waitpid(a->pid, &st, 0);
	}
	a->pid = -1;
}

void cl_agent_dead(struct cl_run *r, struct cl_agent *a, const char *kind,
		   const char *fmt, ...)
{
	va_list ap;

	if (a->st == AG_DEAD)
		return;
	va_start(ap, fmt);
	vsnprintf(a->why, sizeof(a->why), fmt, ap);
	va_end(ap);
	a->kind = kind;
	a->st = AG_DEAD;
	lr_warn("%s: %s: %s", a->name, kind, a->why);
	json_array_append_new(r->findings,
			      json_pack("{s:s, s:s, s:s}", "subject", a->name,
					"kind", kind, "cause", a->why));
	cl_agent_lost(r, a);
	cl_agent_close(r, a);
}

static json_t *hello_msg(const char *secret)
{
	char host[256] = "";

	gethostname(host, sizeof(host) - 1);
	return json_pack("{s:s, s:s, s:i, s:s, s:s, s:s?}", "type", "hello",
			 "proto", LR_CTL_PROTO, "version", LR_CTL_VERSION,
			 "software", "linerate " LINERATE_VERSION, "host", host,
			 "secret", secret);
}

static int nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) ? -errno : 0;
}

static void child_exec(char **argv, int in, int out, int err)
{
	dup2(in, STDIN_FILENO);
	dup2(out, STDOUT_FILENO);
	dup2(err, STDERR_FILENO);
	execvp(argv[0], argv);
	fprintf(stderr, "cannot run '%s': %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* argv of the ssh session to a server. */
static char **ssh_argv(struct cl_run *r, struct cl_agent *a, char *timeout)
{
	const char *tail[] = {
		"-o",
		"BatchMode=yes",
		"-o",
		timeout,
		a->name,
		r->o->remote_linerate ? r->o->remote_linerate : "linerate",
		"serve",
		"--stdio",
		"--timeout",
		"30",
		"-q",
		NULL,
	};
	size_t n = 0, k = LR_ARRAY_SIZE(tail);
	char **v;

	while (r->ssh_argv[n])
		n++;
	v = calloc(n + k + 1, sizeof(*v));
	if (!v)
		return NULL;
	memcpy(v, r->ssh_argv, n * sizeof(*v));
	memcpy(v + n, tail, k * sizeof(*v));
	return v;
}

static int launch_ssh(struct cl_run *r, struct cl_agent *a)
{
	int in[2], out[2], err[2];
	char timeout[48];
	char **argv;
	pid_t pid;

	snprintf(timeout, sizeof(timeout), "ConnectTimeout=%d",
		 CL_CONNECT_TIMEOUT_S);
	argv = ssh_argv(r, a, timeout);
	if (!argv)
		return -ENOMEM;
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) ||
	    pipe2(err, O_CLOEXEC)) {
		free(argv);
		return -errno;
	}
	pid = fork();
	if (pid == 0)
		child_exec(argv, in[0], out[1], err[1]);
	free(argv);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	if (pid < 0) {
		close(in[1]);
		close(out[0]);
		close(err[0]);
		return -errno;
	}
	nonblock(in[1]);
	nonblock(out[0]);
	nonblock(err[0]);
	a->pid = pid;
	a->errfd = err[0];
	lr_nbf_init(&a->ch, out[0], in[1], CL_MAX_FRAME, CL_MAX_QUEUE);
	return 0;
}

/*
 * Under Slurm: the agent's serve listens on the node; its address is the
 * node's NodeAddr (`scontrol -o show node`), else its name.
 */
static int launch_tcp(struct cl_run *r, struct cl_agent *a)
{
	const char *addr =
		json_string_value(json_object_get(r->node_addrs, a->name));
	int fd = lr_sock_connect(addr ? addr : a->name, CL_SLURM_PORT, 2000,
				 NULL);

	if (fd < 0)
		return fd;
	lr_sock_nodelay(fd);
	nonblock(fd);
	lr_nbf_init(&a->ch, fd, fd, CL_MAX_FRAME, CL_MAX_QUEUE);
	return 0;
}

int cl_launch(struct cl_run *r, struct cl_agent *a)
{
	json_t *hello;
	int ret;

	a->errfd = -1;
	a->pid = -1;
	if (r->o->launcher == LR_LAUNCH_SSH)
		ret = launch_ssh(r, a);
	else
		ret = launch_tcp(r, a);
	if (ret)
		return ret;
	a->open = true;
	a->st = AG_HELLO;
	a->last_rx = lr_now_ns();
	if (!a->deadline)
		a->deadline = lr_now_ns() + CL_START_MS * 1000000ull;
	hello = hello_msg(r->o->launcher == LR_LAUNCH_SLURM ? r->secret : NULL);
	ret = lr_nbf_queue(&a->ch, hello);
	json_decref(hello);
	if (!ret) {
		json_t *m = json_pack("{s:s}", "type", "agent");

		ret = lr_nbf_queue(&a->ch, m);
		json_decref(m);
	}
	return ret;
}

/* ---- Slurm ---- */

/* {node: NodeAddr} of every node Slurm knows. */
static json_t *node_addrs(void)
{
	FILE *p = popen("scontrol -o show node 2>/dev/null", "r");
	json_t *m = json_object();
	char line[4096];

	if (!p)
		return m;
	while (fgets(line, sizeof(line), p)) {
		char name[256], addr[256];
		const char *n = strstr(line, "NodeName="),
			   *ad = strstr(line, "NodeAddr=");

		if (!n || !ad || sscanf(n, "NodeName=%255s", name) != 1 ||
		    sscanf(ad, "NodeAddr=%255s", addr) != 1)
			continue;
		json_object_set_new(m, name, json_string(addr));
	}
	pclose(p);
	return m;
}

int cl_slurm_start(struct cl_run *r)
{
	char *nodes = getenv("SLURM_JOB_NODELIST");
	char n[32];
	char *argv[] = { "srun",
			 "--ntasks-per-node=1",
			 "-N",
			 n,
			 "--kill-on-bad-exit=0",
			 (char *)(r->o->remote_linerate ?
					  r->o->remote_linerate :
					  "linerate"),
			 "serve",
			 "--listen",
			 "*:18601",
			 "--timeout",
			 "30",
			 "-q",
			 NULL };
	int devnull;
	pid_t pid;

	if (!nodes) {
		lr_err("--launcher slurm: no SLURM_JOB_NODELIST (run inside "
		       "salloc or sbatch)");
		return -EINVAL;
	}
	snprintf(n, sizeof(n), "%zu", r->slurm_nodes);
	r->node_addrs = node_addrs();
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	pid = fork();
	if (pid == 0) {
		/* the secret travels in the environment, never in argv */
		setenv("LINERATE_SECRET", r->secret, 1);
		child_exec(argv, devnull, devnull, STDERR_FILENO);
	}
	close(devnull);
	if (pid < 0)
		return -errno;
	r->srun_pid = pid;
	return 0;
}

void cl_slurm_stop(struct cl_run *r)
{
	int st;

	if (r->srun_pid <= 0)
		return;
	kill(r->srun_pid, SIGTERM);
	waitpid(r->srun_pid, &st, 0);
	r->srun_pid = -1;
}
