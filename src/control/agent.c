// SPDX-License-Identifier: MIT
/*
 * control channel: the agent of a cluster run (docs/cluster.md). After its
 * hello the coordinator sends "agent"; then, on one session:
 *
 *   inventory              -> inventory{devices}
 *   listen{secret}         -> listening{port}: a listener for the peers'
 *                             pair tests, which must present the secret
 *   prepare{id, peer, port, secret, params, opts, dev, peer_dev}
 *                          -> prepared{id, ok, error}: a pair test toward
 *                             a peer's listener, endpoints connected
 *   go                     :  every prepared test starts
 *   abort                  :  prepared tests end without starting
 *                          -> result{id, result, window} for each test
 *   ping                   -> pong
 *   bye | end of input     :  the session ends
 *
 * Tests run in threads of their own (one per flow of this server, at most
 * AGENT_MAX_FLOWS); replies leave under one lock.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "linerate/control.h"
#include "linerate/inventory.h"
#include "linerate/sock.h"
#include "linerate/util.h"

#define AGENT_IDLE_MS 120000 /* the coordinator pings every 10 s */
#define AGENT_MAX_FLOWS 256
#define AGENT_GO_WAIT_S 120 /* a prepared test waits this long for go */
#define SECRET_MIN 32
#define SECRET_MAX 128

enum aflow_state { AF_PREPARING, AF_PREPARED, AF_GO, AF_ABORT, AF_DONE };

struct agent;

struct aflow {
	struct agent *a;
	long long id;
	pthread_t th;
	enum aflow_state st;
	struct lr_test_params p;
	json_t *opts;
	char peer[256], dev[65], peer_dev[65], secret[SECRET_MAX + 1];
	uint16_t port;
};

struct agent {
	struct lr_ctl *c;
	const struct lr_serve_opts *o;
	pthread_mutex_t mu; /* sends, flow states */
	pthread_cond_t cv;
	struct aflow *flows[AGENT_MAX_FLOWS];
	size_t n;
	int lfd;
	pthread_t lth;
	atomic_bool stop;
	struct lr_serve_opts lo; /* the peers' listener */
	char secret[SECRET_MAX + 1];
};

static void agent_send(struct agent *a, json_t *m)
{
	pthread_mutex_lock(&a->mu);
	if (m)
		lr_ctl_send(a->c, m);
	pthread_mutex_unlock(&a->mu);
	json_decref(m);
}

static void agent_error(struct agent *a, const char *what)
{
	agent_send(a,
		   json_pack("{s:s, s:s}", "type", "error", "message", what));
}

static double unix_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wait for go or abort; true when the test may start. */
static bool wait_go(struct aflow *f)
{
	struct agent *a = f->a;
	struct timespec until;
	bool go;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += AGENT_GO_WAIT_S;
	pthread_mutex_lock(&a->mu);
	while (f->st == AF_PREPARED &&
	       pthread_cond_timedwait(&a->cv, &a->mu, &until) != ETIMEDOUT)
		;
	go = f->st == AF_GO;
	pthread_mutex_unlock(&a->mu);
	return go;
}

/* The window this end measured, in CLOCK_REALTIME seconds. */
static json_t *window_json(const struct lr_result *r, double t0)
{
	double len = 0;

	for (int d = 0; d < LR_DIR_COUNT; d++)
		if (r->local_side.dir[d].active &&
		    r->local_side.dir[d].seconds > len)
			len = r->local_side.dir[d].seconds;
	if (len <= 0)
		return json_null();
	return json_pack("{s:f, s:f}", "start_unix", t0 + r->params.warmup_s,
			 "end_unix", t0 + r->params.warmup_s + len);
}

static const char *first_error(const struct lr_result *r)
{
	const char *m = json_string_value(
		json_object_get(json_array_get(r->errors, 0), "message"));

	return m ? m : "failed";
}

static void *flow_main(void *arg)
{
	struct aflow *f = arg;
	struct lr_pair_opts o = {
		.peer_host = f->peer,
		.port = f->port,
		.connect_timeout_ms = f->a->o->timeout_ms,
		.params = &f->p,
		.opts = f->opts,
		.dev = f->dev[0] ? f->dev : NULL,
		.peer_dev = f->peer_dev[0] ? f->peer_dev : NULL,
		.secret = f->secret[0] ? f->secret : NULL,
	};
	struct lr_pair_test *t;
	struct lr_result r;
	double t0 = 0;
	int ret = lr_pair_prepare(&o, &r, &t);

	pthread_mutex_lock(&f->a->mu);
	if (f->st == AF_PREPARING)
		f->st = ret ? AF_ABORT : AF_PREPARED;
	pthread_mutex_unlock(&f->a->mu);
	agent_send(f->a, json_pack("{s:s, s:I, s:b, s:s?}", "type", "prepared",
				   "id", (json_int_t)f->id, "ok", !ret, "error",
				   ret ? first_error(&r) : NULL));
	if (!ret && wait_go(f)) {
		t0 = unix_now();
		ret = lr_pair_measure(t);
	} else if (!ret) {
		lr_result_add_error(&r, "cluster", "stopped before the start");
		ret = -ECANCELED;
	}
	lr_pair_finish(t, ret);
	agent_send(f->a,
		   json_pack("{s:s, s:I, s:o, s:o}", "type", "result", "id",
			     (json_int_t)f->id, "result", lr_result_to_json(&r),
			     "window", t0 ? window_json(&r, t0) : json_null()));
	lr_result_free(&r);
	pthread_mutex_lock(&f->a->mu);
	f->st = AF_DONE;
	pthread_mutex_unlock(&f->a->mu);
	return NULL;
}

/* Join and free the tests that ended (all: wait for every one). */
static void reap(struct agent *a, bool all)
{
	size_t k = 0;

	for (size_t i = 0; i < a->n; i++) {
		struct aflow *f = a->flows[i];
		bool done;

		pthread_mutex_lock(&a->mu);
		done = f->st == AF_DONE;
		pthread_mutex_unlock(&a->mu);
		if (!done && !all) {
			a->flows[k++] = f;
			continue;
		}
		pthread_join(f->th, NULL);
		json_decref(f->opts);
		free(f);
	}
	a->n = k;
}

static int copy_str(const json_t *m, const char *key, char *out, size_t len,
		    bool need, char *err, size_t elen)
{
	const json_t *v = json_object_get(m, key);
	const char *s = json_string_value(v);

	out[0] = '\0';
	if (!v && !need)
		return 0;
	if (!s || !s[0] || strlen(s) >= len) {
		snprintf(err, elen, "'%s' must be a string of 1 to %zu bytes",
			 key, len - 1);
		return -EINVAL;
	}
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

static bool good_secret(const char *s)
{
	size_t n = strlen(s);

	if (n < SECRET_MIN || n > SECRET_MAX)
		return false;
	return strspn(s, "0123456789abcdef") == n;
}

static int decode_prepare(struct aflow *f, const json_t *m, char *err,
			  size_t len)
{
	const json_t *id = json_object_get(m, "id"),
		     *port = json_object_get(m, "port"),
		     *opts = json_object_get(m, "opts");

	if (!json_is_integer(id) || json_integer_value(id) < 0) {
		snprintf(err, len, "'id' must be a non-negative integer");
		return -EINVAL;
	}
	f->id = json_integer_value(id);
	if (!json_is_integer(port) || json_integer_value(port) < 1 ||
	    json_integer_value(port) > 65535) {
		snprintf(err, len, "'port' must be 1 to 65535");
		return -EINVAL;
	}
	f->port = (uint16_t)json_integer_value(port);
	if (copy_str(m, "peer", f->peer, sizeof(f->peer), true, err, len) ||
	    copy_str(m, "dev", f->dev, sizeof(f->dev), false, err, len) ||
	    copy_str(m, "peer_dev", f->peer_dev, sizeof(f->peer_dev), false,
		     err, len) ||
	    copy_str(m, "secret", f->secret, sizeof(f->secret), false, err,
		     len))
		return -EINVAL;
	if (f->secret[0] && !good_secret(f->secret)) {
		snprintf(err, len, "'secret' must be %d to %d hex digits",
			 SECRET_MIN, SECRET_MAX);
		return -EINVAL;
	}
	if (opts && !json_is_object(opts)) {
		snprintf(err, len, "'opts' must be an object");
		return -EINVAL;
	}
	f->opts = opts ? json_incref((json_t *)opts) : json_object();
	return lr_params_from_json(json_object_get(m, "params"), &f->p, err,
				   len);
}

static void on_prepare(struct agent *a, const json_t *m)
{
	struct aflow *f;
	char err[256], msg[320];

	reap(a, false);
	if (a->n == AGENT_MAX_FLOWS) {
		agent_error(a, "agent busy: too many tests at once");
		return;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		agent_error(a, "agent out of memory");
		return;
	}
	f->a = a;
	if (decode_prepare(f, m, err, sizeof(err))) {
		snprintf(msg, sizeof(msg), "prepare refused: %s", err);
		lr_warn("%s: %s", a->c->peer, msg);
		agent_error(a, msg);
		json_decref(f->opts);
		free(f);
		return;
	}
	if (pthread_create(&f->th, NULL, flow_main, f)) {
		agent_error(a, "agent cannot start a thread");
		json_decref(f->opts);
		free(f);
		return;
	}
	a->flows[a->n++] = f;
}

/* go: every prepared test starts; abort: none does. */
static void signal_all(struct agent *a, enum aflow_state to)
{
	pthread_mutex_lock(&a->mu);
	for (size_t i = 0; i < a->n; i++)
		if (a->flows[i]->st == AF_PREPARED ||
		    (to == AF_ABORT && a->flows[i]->st == AF_PREPARING))
			a->flows[i]->st = to;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

static void *listen_main(void *arg)
{
	struct agent *a = arg;

	while (!atomic_load(&a->stop)) {
		int fd = lr_sock_accept(a->lfd, 250);

		if (fd >= 0)
			lr_serve_conn(fd, &a->lo);
		else if (fd != -ETIMEDOUT && fd != -EINTR &&
			 fd != -ECONNABORTED && fd != -EAGAIN)
			lr_sleep_ns(100000000ull); /* EMFILE: back off */
	}
	return NULL;
}

static void on_listen(struct agent *a, const json_t *m)
{
	const char *s = json_string_value(json_object_get(m, "secret"));
	uint16_t port = 0;

	if (a->lfd >= 0) {
		agent_error(a, "already listening");
		return;
	}
	if (!s || !good_secret(s)) {
		agent_error(a, "listen: 'secret' must be 32 to 128 hex digits");
		return;
	}
	snprintf(a->secret, sizeof(a->secret), "%s", s);
	a->lo = (struct lr_serve_opts){ .timeout_ms = a->o->timeout_ms,
					.start_timeout_ms = LR_AGENT_BARRIER_MS,
					.secret = a->secret };
	a->lfd = lr_sock_listen(NULL, 0, 128, &port);
	if (a->lfd < 0) {
		agent_error(a, "cannot listen for peers");
		return;
	}
	if (pthread_create(&a->lth, NULL, listen_main, a)) {
		close(a->lfd);
		a->lfd = -1;
		agent_error(a, "agent cannot start a thread");
		return;
	}
	agent_send(a, json_pack("{s:s, s:i}", "type", "listening", "port",
				(int)port));
}

static void on_inventory(struct agent *a)
{
	json_t *doc;
	int ret = lr_inventory_collect(&doc);

	if (ret) {
		agent_error(a, "cannot read the inventory");
		return;
	}
	agent_send(a, json_pack("{s:s, s:o}", "type", "inventory", "devices",
				doc));
}

/* false: the session ends. */
static bool dispatch(struct agent *a, const json_t *m)
{
	const char *t = lr_msg_type(m);

	if (!strcmp(t, "bye"))
		return false;
	if (!strcmp(t, "ping"))
		agent_send(a, json_pack("{s:s}", "type", "pong"));
	else if (!strcmp(t, "inventory"))
		on_inventory(a);
	else if (!strcmp(t, "listen"))
		on_listen(a, m);
	else if (!strcmp(t, "prepare"))
		on_prepare(a, m);
	else if (!strcmp(t, "go"))
		signal_all(a, AF_GO);
	else if (!strcmp(t, "abort"))
		signal_all(a, AF_ABORT);
	else {
		char msg[128];

		snprintf(msg, sizeof(msg), "unknown agent request '%.32s'", t);
		agent_error(a, msg);
	}
	return true;
}

int lr_agent_session(struct lr_ctl *c, const struct lr_serve_opts *o)
{
	struct agent *a = calloc(1, sizeof(*a));
	int ret = 0;

	if (!a)
		return -ENOMEM;
	a->c = c;
	a->o = o;
	a->lfd = -1;
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	lr_info("%s: agent session", c->peer);
	for (;;) {
		json_t *m;

		ret = lr_ctl_recv(c, AGENT_IDLE_MS, &m);
		if (ret)
			break;
		if (!dispatch(a, m)) {
			json_decref(m);
			break;
		}
		json_decref(m);
	}
	signal_all(a, AF_ABORT);
	reap(a, true);
	atomic_store(&a->stop, true);
	if (a->lfd >= 0) {
		pthread_join(a->lth, NULL);
		close(a->lfd);
	}
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
	free(a);
	return ret == -ECONNRESET ? 0 : ret;
}
