// SPDX-License-Identifier: MIT
/*
 * The coordinator's event loop: one poll() over every agent's channel (and
 * the stderr of its ssh), bounded buffers both ways, every step of every
 * agent under a deadline. No thread per host.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linerate/preflight.h"
#include "linerate/util.h"
#include "coord.h"

bool cl_stopped(const struct cl_run *r)
{
	return r->o->stop && *r->o->stop;
}

int cl_send(struct cl_run *r, struct cl_agent *a, json_t *msg)
{
	int ret;

	if (a->st == AG_DEAD || !a->open) {
		json_decref(msg);
		return -EPIPE;
	}
	ret = msg ? lr_nbf_queue(&a->ch, msg) : -ENOMEM;
	json_decref(msg);
	if (ret) {
		cl_agent_dead(r, a, "agent-died", "cannot queue a request: %s",
			      strerror(-ret));
		return ret;
	}
	ret = lr_nbf_flush(&a->ch);
	if (ret < 0) {
		cl_agent_dead(r, a, "agent-died", "its channel closed: %s",
			      strerror(-ret));
		return ret;
	}
	return 0;
}

/* Keep the last bytes the ssh wrote on stderr: the cause of a failure. */
static void read_stderr(struct cl_agent *a)
{
	char buf[1024];
	ssize_t n = read(a->errfd, buf, sizeof(buf));

	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			close(a->errfd);
			a->errfd = -1;
		}
		return;
	}
	if ((size_t)n >= sizeof(a->errtail)) {
		memcpy(a->errtail, buf + n - (sizeof(a->errtail) - 1),
		       sizeof(a->errtail) - 1);
		a->errlen = sizeof(a->errtail) - 1;
	} else {
		size_t keep = sizeof(a->errtail) - 1 - (size_t)n;

		if (a->errlen > keep) {
			memmove(a->errtail, a->errtail + a->errlen - keep,
				keep);
			a->errlen = keep;
		}
		memcpy(a->errtail + a->errlen, buf, (size_t)n);
		a->errlen += (size_t)n;
	}
	a->errtail[a->errlen] = '\0';
}

/* The last non-empty line of the ssh's stderr (or a fallback). */
static const char *last_line(struct cl_agent *a, const char *fallback)
{
	char *s = a->errtail, *nl;

	while (a->errlen &&
	       (s[a->errlen - 1] == '\n' || s[a->errlen - 1] == '\r'))
		s[--a->errlen] = '\0';
	nl = strrchr(s, '\n');
	s = nl ? nl + 1 : s;
	return s[0] ? s : fallback;
}

/* The channel closed: a failure to start or an agent that died. */
static void on_eof(struct cl_run *r, struct cl_agent *a)
{
	const char *why;

	if (a->errfd >= 0)
		read_stderr(a);
	why = last_line(a, "the session closed");
	if (a->st == AG_HELLO) {
		a->input_error = strstr(why, "Could not resolve hostname") ||
				 strstr(why, "cannot run '") ||
				 strstr(why, "Name or service not known");
		cl_agent_dead(r, a, "unreachable", "%s", why);
	} else {
		cl_agent_dead(r, a, "agent-died", "%s", why);
	}
}

static void on_hello(struct cl_run *r, struct cl_agent *a, json_t *m)
{
	json_t *v = json_object_get(m, "version");
	const char *sw = json_string_value(json_object_get(m, "software"));

	if (strcmp(lr_msg_type(m), "hello")) {
		const char *e =
			json_string_value(json_object_get(m, "message"));

		cl_agent_dead(r, a, "version", "the agent answered '%s': %s",
			      lr_msg_type(m), e ? e : "no hello");
		return;
	}
	if (!json_is_integer(v) || json_integer_value(v) != LR_CTL_VERSION ||
	    !sw || strcmp(sw, "linerate " LINERATE_VERSION)) {
		cl_agent_dead(r, a, "version",
			      "its linerate is '%s' (protocol %lld); this "
			      "one is 'linerate " LINERATE_VERSION
			      "' (protocol %d)",
			      sw ? sw : "?", (long long)json_integer_value(v),
			      LR_CTL_VERSION);
		return;
	}
	a->hello = json_incref(m);
	a->st = AG_INVENTORY;
	cl_send(r, a, json_pack("{s:s}", "type", "inventory"));
}

static void on_inventory(struct cl_run *r, struct cl_agent *a, json_t *m)
{
	json_t *d = json_object_get(m, "devices");

	if (strcmp(lr_msg_type(m), "inventory") || !json_is_object(d)) {
		cl_agent_dead(r, a, "agent-died",
			      "no inventory from the agent");
		return;
	}
	a->devices = json_incref(d);
	if (lr_preflight_check(r->t, a->server, d, NULL, &a->preflight))
		a->preflight = NULL;
	a->st = AG_LISTEN;
	cl_send(r, a,
		json_pack("{s:s, s:s}", "type", "listen", "secret", r->secret));
}

static void on_listening(struct cl_run *r, struct cl_agent *a, json_t *m)
{
	json_t *p = json_object_get(m, "port");

	if (strcmp(lr_msg_type(m), "listening") || !json_is_integer(p) ||
	    json_integer_value(p) < 1 || json_integer_value(p) > 65535) {
		const char *e =
			json_string_value(json_object_get(m, "message"));

		cl_agent_dead(r, a, "agent-died",
			      "the agent cannot listen for its peers: %s",
			      e ? e : "no port");
		return;
	}
	a->port = (uint16_t)json_integer_value(p);
	a->st = AG_READY;
	a->deadline = 0;
}

static void on_msg(struct cl_run *r, struct cl_agent *a, json_t *m)
{
	const char *t = lr_msg_type(m);

	a->last_rx = lr_now_ns();
	switch (a->st) {
	case AG_HELLO: on_hello(r, a, m); break;
	case AG_INVENTORY: on_inventory(r, a, m); break;
	case AG_LISTEN: on_listening(r, a, m); break;
	case AG_READY:
		if (!strcmp(t, "pong"))
			break;
		cl_on_flow_msg(r, a, m);
		break;
	default: break;
	}
}

static void on_readable(struct cl_run *r, struct cl_agent *a)
{
	char err[128];
	int ret;

	do {
		json_t *m;

		ret = lr_nbf_fill(&a->ch);
		if (ret == -EAGAIN)
			break;
		if (ret < 0) {
			if (ret == -ECONNRESET || ret == -EPIPE)
				on_eof(r, a);
			else
				cl_agent_dead(r, a, "agent-died", "%s",
					      strerror(-ret));
			return;
		}
		while (a->st != AG_DEAD &&
		       (ret = lr_nbf_next(&a->ch, &m, err, sizeof(err))) > 0) {
			on_msg(r, a, m);
			json_decref(m);
		}
		if (ret < 0 && a->st != AG_DEAD) {
			cl_agent_dead(r, a, "agent-died", "the agent sent %s",
				      err);
			return;
		}
	} while (a->st != AG_DEAD);
}

static void timeouts(struct cl_run *r, uint64_t now)
{
	bool ping = now - r->last_ping > CL_PING_MS * 1000000ull;

	for (size_t i = 0; i < r->n_ag; i++) {
		struct cl_agent *a = &r->ag[i];

		if (a->st == AG_OFF || a->st == AG_DEAD)
			continue;
		if (a->deadline && now > a->deadline) {
			if (a->errfd >= 0)
				read_stderr(a);
			cl_agent_dead(r, a,
				      a->st == AG_HELLO ? "unreachable" :
							  "agent-died",
				      "no answer within %d s (%s)",
				      CL_START_MS / 1000,
				      last_line(a, "nothing on stderr"));
		} else if (a->st == AG_READY &&
			   now - a->last_rx > CL_SILENT_MS * 1000000ull) {
			cl_agent_dead(r, a, "agent-died",
				      "silent for %d s (no pong)",
				      CL_SILENT_MS / 1000);
		} else if (a->st == AG_READY && ping) {
			cl_send(r, a, json_pack("{s:s}", "type", "ping"));
		}
	}
	if (ping)
		r->last_ping = now;
}

static void add_fd(struct pollfd *p, size_t *n, int fd, short ev,
		   struct cl_agent **who, struct cl_agent *a)
{
	p[*n] = (struct pollfd){ .fd = fd, .events = ev };
	who[(*n)++] = a;
}

void cl_poll(struct cl_run *r, int timeout_ms)
{
	struct pollfd *p = malloc((3 * r->n_ag + 1) * sizeof(*p));
	struct cl_agent **who = malloc((3 * r->n_ag + 1) * sizeof(*who));
	size_t n = 0;

	if (!p || !who) {
		free(p);
		free(who);
		lr_sleep_ns((uint64_t)timeout_ms * 1000000ull);
		return;
	}
	for (size_t i = 0; i < r->n_ag; i++) {
		struct cl_agent *a = &r->ag[i];

		if (!a->open || a->st == AG_DEAD)
			continue;
		add_fd(p, &n, a->ch.rfd, POLLIN, who, a);
		if (lr_nbf_pending(&a->ch))
			add_fd(p, &n, a->ch.wfd, POLLOUT, who, a);
		if (a->errfd >= 0)
			add_fd(p, &n, a->errfd, POLLIN, who, a);
	}
	if (poll(p, n, timeout_ms) > 0) {
		for (size_t i = 0; i < n; i++) {
			struct cl_agent *a = who[i];

			if (!p[i].revents || a->st == AG_DEAD)
				continue;
			if (p[i].fd == a->errfd)
				read_stderr(a);
			else if (p[i].events & POLLOUT) {
				if (lr_nbf_flush(&a->ch) < 0)
					on_eof(r, a);
			} else
				on_readable(r, a);
		}
	}
	free(p);
	free(who);
	timeouts(r, lr_now_ns());
	cl_progress(r, false);
}

/* Seconds left: the sets left in this phase at the mean set time so far. */
static double eta(const struct cl_run *r, uint64_t now)
{
	double per = r->sum->sets_run ? (double)(now - r->sets_t0) / 1e9 /
						(double)r->sum->sets_run :
					r->o->duration_s + 1;
	double left = r->rounds >= r->round ? r->rounds - r->round + 1 : 0;
	double in = r->set_t0 ? (double)(now - r->set_t0) / 1e9 : 0;

	return left * per > in ? left * per - in : 0;
}

void cl_progress(struct cl_run *r, bool end)
{
	uint64_t now = lr_now_ns();
	char worst[32] = "-";

	if (!r->o->progress)
		return;
	if (end) {
		if (r->progress_shown)
			fprintf(stderr, "\r\033[K");
		r->progress_shown = false;
		return;
	}
	if (now - r->last_progress < 250000000ull)
		return;
	r->last_progress = now;
	if (r->worst >= 0)
		snprintf(worst, sizeof(worst), "%.3f", r->worst);
	fprintf(stderr,
		"\r\033[K%s%s round %u/%u, %zu flows running, %.0f s elapsed, "
		"ETA %.0f s, worst ratio %s",
		r->phase_name ? r->phase_name : "start",
		r->set ? "" : " (between sets)", r->round, r->rounds,
		r->running, (double)(now - r->t_start) / 1e9, eta(r, now),
		worst);
	r->progress_shown = true;
}
